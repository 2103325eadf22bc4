// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP NodePort LB (Cilium's loadBalancer.acceleration, SNAT mode) on a
 * node's uplink:
 *
 *   xdp_nodeport_lb    (XDP, uplink)  traffic to node_ip:NodePort is DNATed
 *                      to a backend chosen per flow, with conntrack.  A local
 *                      backend gets the frame through the stack (XDP_PASS);
 *                      towards a remote one the source becomes node_ip too,
 *                      so the reply comes back here, and the frame leaves
 *                      the way it came (XDP_TX).  Replies of remote backends
 *                      are translated back and sent to the client (XDP_TX).
 *   tc_nodeport_rev  (tc egress, uplink)  replies of local backends, which
 *                      leave through the stack, get node_ip:NodePort back as
 *                      their source (XDP has no egress hook).
 *
 * XDP_TX is right only when the FIB sends the frame out of the interface it
 * came in on to a resolved neighbour; its Ethernet addresses are then the
 * FIB's.  Anything else (no route, another interface such as the VXLAN
 * device of routing=vxlan, an encap route, an unresolved neighbour) is the
 * stack's: the frame is passed untranslated (pass_xdp_cannot_forward), for
 * the stack's own NodePort handling (tc service LB or kube-proxy), before
 * any entry is made for a new flow.  A flow already translated here keeps
 * its entries when one of its frames is passed (as Cilium keeps its CT): it
 * goes on here, same backend and port, once the FIB can forward again.
 *
 * SNAT keeps the client's source port when it lies in [snat_port_min,
 * snat_port_max] and the reply tuple backend:port -> node_ip:port is free,
 * else takes one of that range (snat_retries tries from a random start,
 * lib/nat_port.h, as masquerade does); a reply tuple held by another flow
 * is taken over only when that flow has outlived its conntrack lifetime
 * (lib/ct.h) both ways.  A flow's lost reverse entry is put back
 * by its next packet (lib/lb.h).  TTL is left alone.  ICMP echo has no
 * port, so no NodePort: it goes to the stack; ICMP errors about a NodePort
 * flow are translated with it (both ways) and never open one.  IP options
 * and fragments (by their first fragment's ports, lib/frag.h) are
 * translated as any packet.  Entry layout: include/dplab/xdp_lb.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "dplab/nat.h"
#include "dplab/xdp_lb.h"
#include "lib/counters.h"
#include "lib/frag.h"
#include "lib/l2.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/nat_port.h"
#include "lib/node.h"
#include "lib/nodeport_rev.h"
#include "lib/verdict.h"

#ifndef ENOSPC
#define ENOSPC 28
#endif

DP_FRAGS_MAP(frags);
DP_CT_MAP(lb_ct);
DP_CT_MAP(lb_rev);
DP_SERVICES_MAPS(services, backends);

/* This object's maps, for the lib/ functions. */
#define XDP_LB_MAPS (&(const struct dp_maps){ .counters = &counters, .frags = &frags,	\
	.ct = &lb_ct, .rev = &lb_rev, .services = &services, .backends = &backends })

/* Set by the loader before load, with node_ip (lib/node.h). */
const volatile __u16 snat_port_min = DPLAB_SNAT_PORT_MIN_DEFAULT;
const volatile __u16 snat_port_max = DPLAB_SNAT_PORT_MAX_DEFAULT;
const volatile __u32 snat_retries = DPLAB_SNAT_RETRIES_DEFAULT;

/*
 * Whether the frame can leave towards daddr, from node_ip, out of the
 * interface it came in on with a resolved neighbour; fib then holds the
 * Ethernet addresses.
 */
static __always_inline bool fib_out_ingress(struct xdp_md *ctx, const struct pkt_v4 *p,
					    __be32 daddr, struct bpf_fib_lookup *fib)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = AF_INET;
	fib->ipv4_src = node_ip;
	fib->ipv4_dst = daddr;
	fib->tot_len = bpf_ntohs(p->ip->tot_len);
	fib->ifindex = ctx->ingress_ifindex;
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0) == BPF_FIB_LKUP_RET_SUCCESS &&
	       fib->ifindex == ctx->ingress_ifindex;
}

static __always_inline int pass_cannot_forward(void)
{
	dp_count(XDP_LB_MAPS, DPLAB_CNT_PASS_XDP_CANNOT_FORWARD);
	return XDP_PASS;
}

static __always_inline int xdp_tx(const struct pkt_v4 *p, const struct bpf_fib_lookup *fib,
				  enum dplab_counter done)
{
	mac_copy(p->eth->h_dest, fib->dmac);
	mac_copy(p->eth->h_source, fib->smac);
	count_translated(XDP_LB_MAPS, p, done);
	dp_count(XDP_LB_MAPS, DPLAB_CNT_TX);
	return XDP_TX;
}

/*
 * DNAT to addr:port; for a remote backend (fib set) also SNAT to
 * node_ip:nat_port and out again.
 */
static __always_inline int nodeport_forward(const struct pkt_v4 *p, void *data_end,
					    __be32 addr, __be16 port, __be16 nat_port,
					    const struct bpf_fib_lookup *fib)
{
	if (xdp_nat_v4(p, data_end, true, addr, port))
		goto fail;
	if (!fib) {
		count_translated(XDP_LB_MAPS, p, DPLAB_CNT_REWRITE);
		return XDP_PASS;
	}
	if (xdp_nat_v4(p, data_end, false, node_ip, nat_port))
		goto fail;
	return xdp_tx(p, fib, DPLAB_CNT_REWRITE);
fail:
	dp_count(XDP_LB_MAPS, DPLAB_CNT_DROP_REWRITE);
	return XDP_DROP;
}

/* A remote backend's reply (reverse entry e): from node_ip:NodePort, to the client. */
static __always_inline int nodeport_reply(struct xdp_md *ctx, const struct pkt_v4 *p,
					  void *data_end, const struct dplab_lb_ct *e)
{
	struct bpf_fib_lookup fib;

	if (!fib_out_ingress(ctx, p, e->addr, &fib))
		return pass_cannot_forward();
	if (xdp_nat_v4(p, data_end, false, node_ip, e->port) ||
	    xdp_nat_v4(p, data_end, true, e->addr, e->nat_port)) {
		dp_count(XDP_LB_MAPS, DPLAB_CNT_DROP_REWRITE);
		return XDP_DROP;
	}
	return xdp_tx(p, &fib, DPLAB_CNT_REV_NAT);
}

/*
 * The reply tuple of flow p->t DNATed to addr:port, and SNATed to
 * node_ip:nat_port when snat (else the client stays the destination).
 */
static __always_inline void reply_tuple(const struct pkt_v4 *p, __be32 addr, __be16 port,
					bool snat, __be16 nat_port, struct dplab_tuple *rev)
{
	struct dplab_tuple translated = p->t;

	translated.daddr = addr;
	translated.dport = port;
	if (snat) {
		translated.saddr = node_ip;
		translated.sport = nat_port;
	}
	tuple_reverse(&translated, rev);
}

/*
 * Reserve reply tuple rev (reverse entry v) for a new flow: 0, -EEXIST
 * while another live flow holds it, or another negative errno.  The holder
 * is named by its entry: client held->addr:nat_port -> node_ip:port.
 */
static __always_inline int rev_reserve(const struct dplab_tuple *rev, const struct dplab_lb_ct *v)
{
	struct dplab_lb_ct *held = NULL;
	struct dplab_tuple holder = { .daddr = node_ip, .proto = rev->proto };
	int err = lb_rev_claim(XDP_LB_MAPS, rev, v, &held);

	if (err != -EEXIST || !held)
		return err;
	holder.saddr = held->addr;
	holder.sport = held->nat_port;
	holder.dport = held->port;
	return lb_rev_take_expired(XDP_LB_MAPS, rev, v, held, &holder);
}

/*
 * A source port for SNAT towards backend addr:port: the client's own when
 * its reply tuple is free, else one of the range.  0 with *nat_port and
 * the reverse entry in place, -ENOSPC when none was free, or an errno.
 */
static __always_inline int snat_port_reserve(const struct pkt_v4 *p, __be32 addr, __be16 port,
					     const struct dplab_lb_ct *v, __be16 *nat_port)
{
	struct snat_ports ports = { .min = snat_port_min, .max = snat_port_max,
				    .retries = snat_retries };
	struct nat_port_walk w;
	struct dplab_tuple rev;
	__be16 candidate = p->t.sport;
	int err = -EEXIST;
	__u32 i;

	/* The client's own port only from the range: outside it, it could be
	 * a NodePort, and a lost reverse entry would make the backend's reply
	 * look like a new NodePort flow. */
	nat_port_walk_init(&w, &ports, p->t.sport, nat_port_in_range(&ports, p->t.sport));
	for (i = w.first; i <= DPLAB_SNAT_RETRIES_LIMIT; i++) {
		if (!nat_port_at(&w, i, &candidate))
			break;
		reply_tuple(p, addr, port, true, candidate, &rev);
		err = rev_reserve(&rev, v);
		if (err != -EEXIST)
			break;
	}
	if (err == -EEXIST)
		return -ENOSPC;
	*nat_port = candidate;
	return err;
}

/*
 * The reverse, then the forward entry of a new flow to backend addr:port;
 * 0 and *nat_port, or the counter of why not.  No half flows are left.
 */
static __always_inline int nodeport_flow_create(const struct pkt_v4 *p, __be32 addr,
						__be16 port, bool snat, __be16 *nat_port)
{
	struct dplab_lb_ct fwd, rev_v;
	struct dplab_tuple rev;
	int err;

	ct_entry_init(XDP_LB_MAPS, &fwd, p, addr, port, snat ? DPLAB_LB_CT_SNAT : 0, NULL);
	lb_rev_of(&fwd, &p->t, p->t.saddr, p->t.dport, p->t.sport, &rev_v);
	*nat_port = p->t.sport;
	if (snat) {
		err = snat_port_reserve(p, addr, port, &rev_v, nat_port);
	} else {
		/* Without SNAT the flow cannot move to another tuple. */
		reply_tuple(p, addr, port, false, 0, &rev);
		err = rev_reserve(&rev, &rev_v);
	}
	if (err)
		return err == -ENOSPC || err == -EEXIST ? DPLAB_CNT_DROP_NAT_NO_PORT :
							  DPLAB_CNT_DROP_MAP_UPDATE;
	reply_tuple(p, addr, port, snat, *nat_port, &rev);
	fwd.nat_port = snat ? *nat_port : 0;
	fwd.peer = rev;
	if (bpf_map_update_elem(XDP_LB_MAPS->ct, &p->t, &fwd, BPF_ANY)) {
		bpf_map_delete_elem(XDP_LB_MAPS->rev, &rev);
		return DPLAB_CNT_DROP_MAP_UPDATE;
	}
	dp_count(XDP_LB_MAPS, DPLAB_CNT_CT_NEW);	/* reverse */
	dp_count(XDP_LB_MAPS, DPLAB_CNT_CT_NEW);	/* forward */
	if (*nat_port != p->t.sport)
		dp_count(XDP_LB_MAPS, DPLAB_CNT_NAT_PORT_REMAPPED);
	return 0;
}

static __always_inline int nodeport_new_flow(struct xdp_md *ctx, const struct pkt_v4 *p,
					     void *data_end)
{
	struct bpf_fib_lookup fib;
	struct dplab_backend *be;
	struct dplab_svc *svc;
	__be32 addr;
	__be16 port, nat_port;
	bool snat;
	int reason;

	svc = svc_lookup(XDP_LB_MAPS, p->t.daddr, p->t.dport, p->t.proto);
	if (!svc) {
		dp_count(XDP_LB_MAPS, DPLAB_CNT_PASS_NO_MATCH);
		return XDP_PASS;
	}
	be = backend_pick(XDP_LB_MAPS, svc, &p->t);
	if (!be) {
		dp_count(XDP_LB_MAPS, DPLAB_CNT_DROP_NO_BACKEND);
		return XDP_DROP;
	}
	addr = be->addr;
	port = be->port;
	snat = !(be->flags & DPLAB_BACKEND_LOCAL);
	if (snat && !fib_out_ingress(ctx, p, addr, &fib))
		return pass_cannot_forward();
	reason = nodeport_flow_create(p, addr, port, snat, &nat_port);
	if (reason) {
		dp_count(XDP_LB_MAPS, reason);
		return XDP_DROP;
	}
	return nodeport_forward(p, data_end, addr, port, nat_port, snat ? &fib : NULL);
}

/*
 * A packet of an established flow (forward entry e): translated as before
 * with its reverse entry in place (put back if lost); passed when it cannot
 * leave here; or -1 when its reply tuple went to another flow meanwhile:
 * the forward entry is gone and the caller makes the flow anew (SNAT: on
 * another port).
 */
static __always_inline int nodeport_established(struct xdp_md *ctx, const struct pkt_v4 *p,
						void *data_end, const struct dplab_lb_ct *e)
{
	bool snat = e->flags & DPLAB_LB_CT_SNAT;
	struct bpf_fib_lookup fib;
	struct dplab_tuple rev;
	struct dplab_lb_ct v;

	if (snat && !fib_out_ingress(ctx, p, e->addr, &fib))
		return pass_cannot_forward();
	reply_tuple(p, e->addr, e->port, snat, e->nat_port, &rev);
	lb_rev_of(e, &p->t, p->t.saddr, p->t.dport, p->t.sport, &v);
	if (lb_rev_repair(XDP_LB_MAPS, &rev, &v)) {
		bpf_map_delete_elem(XDP_LB_MAPS->ct, &p->t);
		return -1;
	}
	return nodeport_forward(p, data_end, e->addr, e->port, e->nat_port, snat ? &fib : NULL);
}

SEC("xdp")
int xdp_nodeport_lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	int reason, verdict;

	/* Every frame crosses this hook: one not to the node (nor an error
	 * sent to it) passes after its IP header, before any L4 parse. */
	reason = parse_v4_l3(data, data_end, &p);
	if (!reason && p.ip->daddr != node_ip) {
		dp_count(XDP_LB_MAPS, DPLAB_CNT_PASS_NO_MATCH);
		return XDP_PASS;
	}
	if (!reason)
		reason = parse_v4_any_l4(&p, data_end);
	reason = flow_reason(XDP_LB_MAPS, &p, reason);	/* parse_v4_flow() */
	if (reason)
		return xdp_unparsed(&counters, reason);
	if (p.t.daddr != node_ip || p.t.proto == IPPROTO_ICMP) {
		dp_count(XDP_LB_MAPS, DPLAB_CNT_PASS_NO_MATCH);
		return XDP_PASS;
	}
	e = ct_lookup_pair(XDP_LB_MAPS, &lb_ct, &lb_rev, &p, &p.t);
	if (e) {
		verdict = nodeport_established(ctx, &p, data_end, e);
		if (verdict >= 0)
			return verdict;
	} else {
		e = ct_lookup_pair(XDP_LB_MAPS, &lb_rev, &lb_ct, &p, &p.t);
		if (e)
			return nodeport_reply(ctx, &p, data_end, e);
	}
	if (p.icmp_err || p.frag == PKT_FRAG_LATER) {
		dp_count(XDP_LB_MAPS, DPLAB_CNT_PASS_NO_MATCH);	/* about no flow: nothing to open */
		return XDP_PASS;
	}
	return nodeport_new_flow(ctx, &p, data_end);
}

SEC("tc")
int tc_nodeport_rev(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return nodeport_rev_step(skb, XDP_LB_MAPS, &p, tc_parse_depth(skb, &p, PARSE_ANY));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
