/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * VXLAN overlay (Cilium's routing-mode=tunnel) through one metadata-mode
 * VXLAN device per node (`ip link add vx0 type vxlan external dstport
 * 4789`): the program picks the remote node, the device encapsulates.
 * The steps, on the maps they are given (lib/dp.h); overlay.bpf.c runs
 * them as programs of their own, hooks.bpf.c inside each hook's program:
 *
 *   overlay_encap  tc ingress of a pod's host-side veth (from the pod): a
 *                  destination in another node's pod CIDR (tunnels map,
 *                  longest prefix) is routed (TTL - 1, as any hop: a loop
 *                  through wrong tunnel entries dies out) and redirected
 *                  to the VXLAN device with a tunnel key: remote = that
 *                  node's underlay address, id = its VNI.  Anything else
 *                  returns TC_ACT_UNSPEC (tcx: the next program), so BPF
 *                  host routing can follow in the same hook, or the stack.
 *   overlay_decap  tc ingress of the VXLAN device (packets the kernel has
 *                  decapsulated): to a pod of this node (endpoints map),
 *                  routed and bpf_redirect_peer'd into its namespace; the
 *                  rest, or everything when decap_to_stack is set (host
 *                  routing "legacy"), to the stack.  The inner frame still
 *                  carries the sending node's MAC addresses, so it is
 *                  marked PACKET_HOST first, or the stack would drop it.
 *
 * Native routing in dplab is the absence of this object: the nodes have
 * plain routes to each other's pod CIDRs over the underlay and nothing is
 * encapsulated.  The pods' MTU must leave room for the 50 bytes of outer
 * headers (1450 on a 1500 underlay).
 */
#ifndef DPLAB_LIB_OVERLAY_H
#define DPLAB_LIB_OVERLAY_H

#include "lib/routing.h"

#define PACKET_HOST 0
#define TUNNEL_TTL 64		/* of the outer IPv4 header */

/* Set by the loader before load. */
const volatile __u32 vxlan_ifindex = 0;		/* the node's external VXLAN device */
const volatile bool decap_to_stack = false;

/* Other nodes' pod CIDRs (struct dp_maps' tunnels).  The loader sets the size. */
#define DP_TUNNELS_MAP(name)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);			\
		__uint(map_flags, BPF_F_NO_PREALLOC);			\
		__uint(max_entries, DPLAB_TUNNELS_DEFAULT);		\
		__type(key, struct dplab_tunnel_key);			\
		__type(value, struct dplab_tunnel);			\
	} name SEC(".maps")

/* From a pod; parsed_l3: the IP header's parse (route_reason() takes it). */
static __always_inline int overlay_encap_step(struct __sk_buff *skb, const struct dp_maps *m,
					      const struct pkt_v4 *p, int parsed_l3)
{
	struct dplab_tunnel_key where = { .prefixlen = 32 };
	struct bpf_tunnel_key key = { .tunnel_ttl = TUNNEL_TTL };
	int reason = route_reason(p, parsed_l3), verdict;
	struct dplab_tunnel *tun;

	if (reason)
		return tc_unparsed(m->counters, reason);
	where.addr = p->ip->daddr;
	tun = bpf_map_lookup_elem(m->tunnels, &where);
	if (!tun) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	verdict = route_hop(skb, m, p);
	if (verdict)
		return verdict;
	/* bpf_tunnel_key takes host byte order. */
	key.remote_ipv4 = bpf_ntohl(tun->node_ip);
	key.tunnel_id = tun->vni;
	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_ZERO_CSUM_TX)) {
		dp_count(m, DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	dp_count(m, DPLAB_CNT_ENCAP);
	dp_count(m, DPLAB_CNT_REDIRECT);
	/* TC_ACT_REDIRECT for these flags, said outright so that a program
	 * going on after TC_ACT_NEXT (hooks.bpf.c) never sees it come back. */
	bpf_redirect(vxlan_ifindex, 0);
	return TC_ACT_REDIRECT;
}

/* At the VXLAN device's ingress. */
static __always_inline int overlay_decap_step(struct __sk_buff *skb, const struct dp_maps *m,
					      const struct pkt_v4 *p, int parsed_l3)
{
	int reason = route_reason(p, parsed_l3);
	struct dplab_endpoint *ep;

	if (reason)
		return tc_unparsed(m->counters, reason);
	dp_count(m, DPLAB_CNT_DECAP);
	bpf_skb_change_type(skb, PACKET_HOST);	/* see the top of the file */
	if (decap_to_stack) {
		dp_count(m, DPLAB_CNT_PASS);
		return TC_ACT_NEXT;
	}
	ep = endpoint_of(m, p);
	if (!ep) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return endpoint_deliver(skb, m, p, ep);
}

#endif /* DPLAB_LIB_OVERLAY_H */
