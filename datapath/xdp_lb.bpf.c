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
 * SNAT keeps the client's source port, so a flow's reply is recognised by
 * backend:port -> node_ip:client port.  Two clients that use the same port
 * towards the same backend would share that tuple: the second is dropped
 * (drop_nat_no_port) until the first has been idle for snat_idle_ns.
 *
 * Hairpinned frames leave towards next_hop_mac, or when that is all zero
 * back to the frame's sender (MACs swapped): right when clients and
 * backends are both reached through the router the frame came from.  TTL is
 * left alone.  ICMP echo has no port, so no NodePort: it goes to the
 * stack; ICMP errors about a NodePort flow are translated with it (both
 * ways) and never open one.  IP options and fragments (by their first
 * fragment's ports, lib/frag.h) are translated as any packet.
 * Entry layout: include/dplab/xdp_lb.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "dplab/xdp_lb.h"
#include "lib/counters.h"
#include "lib/frag.h"
#include "lib/l2.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/verdict.h"

/* Set by the loader before load. */
const volatile __be32 node_ip;			/* the node's address on this uplink */
const volatile __u8 next_hop_mac[ETH_ALEN];	/* all zero: back to the sender */
const volatile __u64 snat_idle_ns = 60ULL * 1000 * 1000 * 1000;

/*
 * Ethernet addresses towards daddr out of the interface the frame came in
 * on: the FIB's next hop when the route leaves by this interface (another
 * node's uplink for a backend there, the router for a client), else
 * next_hop_mac or back to the sender (eth_hairpin).
 */
static __always_inline void hairpin_l2(struct xdp_md *ctx, struct ethhdr *eth, __be32 daddr)
{
	struct bpf_fib_lookup fib = {
		.family = AF_INET,
		.ipv4_src = node_ip,
		.ipv4_dst = daddr,
		.ifindex = ctx->ingress_ifindex,
	};

	if (bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) == BPF_FIB_LKUP_RET_SUCCESS &&
	    fib.ifindex == ctx->ingress_ifindex) {
		mac_copy(eth->h_dest, fib.dmac);
		mac_copy(eth->h_source, fib.smac);
		return;
	}
	eth_hairpin(eth, next_hop_mac);
}

/* DNAT to addr:port, and for a remote backend SNAT to node_ip and hairpin. */
static __always_inline int nodeport_forward(struct xdp_md *ctx, const struct pkt_v4 *p,
					    void *data_end, __be32 addr, __be16 port, bool snat)
{
	if (xdp_nat_v4(p, data_end, true, addr, port))
		goto fail;
	if (!snat) {
		count(DPLAB_CNT_REWRITE);
		return XDP_PASS;
	}
	if (xdp_nat_v4(p, data_end, false, node_ip, p->t.sport))
		goto fail;
	hairpin_l2(ctx, p->eth, addr);
	count(DPLAB_CNT_REWRITE);
	count(DPLAB_CNT_TX);
	return XDP_TX;
fail:
	count(DPLAB_CNT_DROP_REWRITE);
	return XDP_DROP;
}

/* A remote backend's reply: from node_ip:NodePort again, to the client. */
static __always_inline int nodeport_reply(struct xdp_md *ctx, const struct pkt_v4 *p,
					  void *data_end, __be32 client, __be16 nodeport)
{
	if (xdp_nat_v4(p, data_end, false, node_ip, nodeport) ||
	    xdp_nat_v4(p, data_end, true, client, p->t.dport)) {
		count(DPLAB_CNT_DROP_REWRITE);
		return XDP_DROP;
	}
	hairpin_l2(ctx, p->eth, client);
	count(DPLAB_CNT_REV_NAT);
	count(DPLAB_CNT_TX);
	return XDP_TX;
}

/*
 * Whether the reply tuple rev of a new SNATed flow belongs to another flow
 * still in use (another client, or another NodePort, with the same source
 * port towards the same backend).  A holder idle for snat_idle_ns in both
 * directions gives it up: its forward entry goes, the reverse is reused.
 */
static __always_inline bool snat_tuple_taken(const struct pkt_v4 *p, const struct dplab_tuple *rev)
{
	struct dplab_lb_ct *held = bpf_map_lookup_elem(&lb_rev, rev), *fwd;
	struct dplab_tuple holder = {};
	__u64 now;

	if (!held || (held->addr == p->t.saddr && held->port == p->t.dport))
		return false;
	holder.saddr = held->addr;
	holder.daddr = node_ip;
	holder.sport = rev->dport;
	holder.dport = held->port;
	holder.proto = rev->proto;
	fwd = bpf_map_lookup_elem(&lb_ct, &holder);
	now = bpf_ktime_get_ns();
	if (now - held->last_seen_ns < snat_idle_ns ||
	    (fwd && now - fwd->last_seen_ns < snat_idle_ns))
		return true;
	bpf_map_delete_elem(&lb_ct, &holder);
	return false;
}

/*
 * The forward and reverse entries of a new flow to backend addr:port; 0, or
 * the counter of the reason it cannot be made.  No half flows are left.
 */
static __always_inline int nodeport_flow_create(const struct pkt_v4 *p, __be32 addr,
						__be16 port, bool snat)
{
	struct dplab_tuple translated = p->t, rev;

	translated.daddr = addr;
	translated.dport = port;
	if (snat)
		translated.saddr = node_ip;
	tuple_reverse(&translated, &rev);
	if (snat && snat_tuple_taken(p, &rev))
		return DPLAB_CNT_DROP_NAT_NO_PORT;
	if (ct_create_peer(&lb_ct, p, &p->t, addr, port, snat ? DPLAB_LB_CT_SNAT : 0, &rev))
		return DPLAB_CNT_DROP_MAP_UPDATE;
	if (ct_create_peer(&lb_rev, p, &rev, p->t.saddr, p->t.dport, 0, &p->t)) {
		bpf_map_delete_elem(&lb_ct, &p->t);
		return DPLAB_CNT_DROP_MAP_UPDATE;
	}
	return 0;
}

static __always_inline int nodeport_new_flow(struct xdp_md *ctx, const struct pkt_v4 *p,
					     void *data_end)
{
	struct dplab_backend *be;
	struct dplab_svc *svc;
	__be32 addr;
	__be16 port;
	bool snat;
	int reason;

	svc = svc_lookup(p->t.daddr, p->t.dport, p->t.proto);
	if (!svc) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return XDP_PASS;
	}
	be = backend_pick(svc, &p->t);
	if (!be) {
		count(DPLAB_CNT_DROP_NO_BACKEND);
		return XDP_DROP;
	}
	addr = be->addr;
	port = be->port;
	snat = !(be->flags & DPLAB_BACKEND_LOCAL);
	reason = nodeport_flow_create(p, addr, port, snat);
	if (reason) {
		count(reason);
		return XDP_DROP;
	}
	return nodeport_forward(ctx, p, data_end, addr, port, snat);
}

SEC("xdp")
int xdp_nodeport_lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	int reason;

	reason = parse_v4_flow(data, data_end, &p);
	if (reason)
		return xdp_unparsed(reason);
	if (p.t.daddr != node_ip || p.t.proto == IPPROTO_ICMP ||
	    (p.icmp_err && p.ip->daddr != node_ip)) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return XDP_PASS;
	}
	e = ct_lookup_pair(&lb_ct, &lb_rev, &p, &p.t);
	if (e)
		return nodeport_forward(ctx, &p, data_end, e->addr, e->port,
					e->flags & DPLAB_LB_CT_SNAT);
	e = ct_lookup_pair(&lb_rev, &lb_ct, &p, &p.t);
	if (e)
		return nodeport_reply(ctx, &p, data_end, e->addr, e->port);
	if (p.icmp_err || p.frag == PKT_FRAG_LATER) {
		count(DPLAB_CNT_PASS_NO_MATCH);	/* about no flow: nothing to open */
		return XDP_PASS;
	}
	return nodeport_new_flow(ctx, &p, data_end);
}

SEC("tc")
int tc_nodeport_rev(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	int reason;

	reason = tc_parse_v4_flow(skb, &p);
	if (reason)
		return tc_unparsed(reason);
	e = ct_lookup_pair(&lb_rev, &lb_ct, &p, &p.t);
	/* A local backend's reply goes to the client, which is addr. */
	if (!e || e->addr != p.t.daddr) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return tc_nat_v4_verdict(skb, &p, false, node_ip, e->port, DPLAB_CNT_REV_NAT);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
