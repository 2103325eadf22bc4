/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * BPF host routing (Cilium's bpf.hostLegacyRouting=false): the node
 * forwards pod traffic itself instead of handing it to its IP stack, so
 * the stack's routing, netfilter and backlog queue are skipped.  The
 * steps, on the maps they are given (lib/dp.h); host_routing.bpf.c runs
 * them as programs of their own, hooks.bpf.c inside each hook's program:
 *
 *   route_from_pod     tc ingress of a pod's host-side veth (from the pod):
 *                      to a pod of this node (endpoints map): routed and
 *                      bpf_redirect_peer'd into that pod's namespace;
 *                      anything else: bpf_fib_lookup in the node's FIB,
 *                      then bpf_redirect to the output device with the
 *                      neighbour's MAC addresses, or bpf_redirect_neigh
 *                      when the neighbour is not resolved yet (the kernel
 *                      resolves it).  No route, a local or a blackhole
 *                      destination, a needed fragmentation: to the stack.
 *   route_from_uplink  tc ingress of the node's uplink (from outside): to
 *                      a pod of this node: routed and bpf_redirect_peer'd;
 *                      anything else: to the stack.
 *
 * Forwarding decrements the TTL and updates the IP checksum, as a router
 * must and as the stack would have; a packet whose TTL would expire goes
 * to the stack, which sends ICMP time exceeded.  IP options and non-IPv4
 * go to the stack too; truncated headers are dropped.  bpf_fib_lookup
 * needs forwarding enabled on the pod's veth (net.ipv4.conf.*.forwarding).
 */
#ifndef DPLAB_LIB_HOST_ROUTING_H
#define DPLAB_LIB_HOST_ROUTING_H

#include "lib/routing.h"

/*
 * bpf_fib_lookup from the interface the packet came in on.  SUCCESS fills
 * in the output device and both MAC addresses; NO_NEIGH the output device
 * and, in ipv4_dst, the next hop to resolve.
 */
static __always_inline int fib_forward(struct __sk_buff *skb, const struct dp_maps *m,
				       const struct pkt_v4 *p)
{
	struct bpf_fib_lookup fib = {
		.family = AF_INET,
		.tos = p->ip->tos,
		.l4_protocol = p->ip->protocol,
		.ipv4_src = p->ip->saddr,
		.ipv4_dst = p->ip->daddr,
		.ifindex = skb->ifindex,
	};
	struct bpf_redir_neigh nh = { .nh_family = AF_INET };
	struct dplab_eth_addrs l2;
	int verdict;
	long rc;

	/* tot_len 0: the kernel checks the skb (GSO-aware) against the MTU. */
	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH) {
		dp_count(m, DPLAB_CNT_FIB_MISS);
		return TC_ACT_NEXT;
	}
	verdict = route_hop(skb, m, p);
	if (verdict)
		return verdict;
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		nh.ipv4_nh = fib.ipv4_dst;
		dp_count(m, DPLAB_CNT_REDIRECT);
		return bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0);
	}
	__builtin_memcpy(l2.dst, fib.dmac, sizeof(l2.dst));
	__builtin_memcpy(l2.src, fib.smac, sizeof(l2.src));
	if (eth_store_addrs(skb, &l2)) {
		dp_count(m, DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	dp_count(m, DPLAB_CNT_REDIRECT);
	return bpf_redirect(fib.ifindex, 0);
}

/* From a pod; parsed_l3: the IP header's parse (route_reason() takes it). */
static __always_inline int route_from_pod_step(struct __sk_buff *skb, const struct dp_maps *m,
					       const struct pkt_v4 *p, int parsed_l3)
{
	int reason = route_reason(p, parsed_l3);
	struct dplab_endpoint *ep;

	if (reason)
		return tc_unparsed(m->counters, reason);
	ep = endpoint_of(m, p);
	if (ep)
		return endpoint_deliver(skb, m, p, ep);
	return fib_forward(skb, m, p);
}

static __always_inline int route_from_uplink_step(struct __sk_buff *skb,
						  const struct dp_maps *m,
						  const struct pkt_v4 *p, int parsed_l3)
{
	int reason = route_reason(p, parsed_l3);
	struct dplab_endpoint *ep;

	if (reason)
		return tc_unparsed(m->counters, reason);
	ep = endpoint_of(m, p);
	if (!ep) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return endpoint_deliver(skb, m, p, ep);
}

#endif /* DPLAB_LIB_HOST_ROUTING_H */
