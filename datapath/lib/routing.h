/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What BPF host routing and the overlay share (tc only): the map of this
 * node's pods, the TTL decrement a router owes every packet it forwards
 * (route_hop), and delivery into a local pod with bpf_redirect_peer.  They
 * parse with tc_parse_v4_route().  Map types: include/dplab/routing.h.
 */
#ifndef DPLAB_LIB_ROUTING_H
#define DPLAB_LIB_ROUTING_H

#include "dplab/routing.h"
#include "lib/counters.h"
#include "lib/parse.h"
#include "lib/verdict.h"

/* The pods of this node, by address.  The loader sets the size. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DPLAB_ENDPOINTS_DEFAULT);
	__type(key, __be32);
	__type(value, struct dplab_endpoint);
} endpoints SEC(".maps");

/*
 * The IP header of a packet to route (parse.h's tc_parse_v4_l3).  Packets
 * with IP options go to the stack, which records the route and time
 * stamps a router owes them; fragments and every protocol are routed.
 */
static __always_inline int tc_parse_v4_route(struct __sk_buff *skb, struct pkt_v4 *p)
{
	int reason = tc_parse_v4_l3(skb, p);

	if (!reason && p->ip->ihl != 5)
		reason = DPLAB_CNT_PASS_IP_OPTIONS;
	return reason;
}

/*
 * TTL - 1 and the header checksum with it, which bpf_fib_lookup leaves to
 * its caller.  The checksum covers TTL and protocol as one 16-bit word.
 * Call before anything changes the packet (p->ip must be valid); 0 or -1.
 */
static __always_inline int ip_dec_ttl(struct __sk_buff *skb, const struct pkt_v4 *p)
{
	__u8 old_word[2] = { p->ip->ttl, p->ip->protocol };
	__u8 new_word[2] = { old_word[0] - 1, old_word[1] };
	__u16 from, to;

	__builtin_memcpy(&from, old_word, sizeof(from));
	__builtin_memcpy(&to, new_word, sizeof(to));
	if (bpf_l3_csum_replace(skb, IP_CSUM_OFF(p), from, to, sizeof(to)))
		return -1;
	return bpf_skb_store_bytes(skb, p->l3_off + offsetof(struct iphdr, ttl),
				   &new_word[0], 1, 0) ? -1 : 0;
}

/*
 * The hop of a packet a router forwards: TTL - 1.  0 when done; else its
 * verdict, counted: to the stack when the TTL would expire (the stack
 * answers with ICMP time exceeded), dropped when the rewrite failed.
 */
static __always_inline int route_hop(struct __sk_buff *skb, const struct pkt_v4 *p)
{
	if (p->ip->ttl <= 1) {
		count(DPLAB_CNT_PASS_TTL_EXPIRED);
		return TC_ACT_NEXT;
	}
	if (ip_dec_ttl(skb, p)) {
		count(DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	return 0;
}

/* Both Ethernet addresses at once: destination and source follow each other. */
static __always_inline int eth_store_addrs(struct __sk_buff *skb, const struct dplab_eth_addrs *l2)
{
	return bpf_skb_store_bytes(skb, 0, l2, sizeof(*l2), 0) ? -1 : 0;
}

/*
 * Into a pod of this node, routed (TTL, MAC addresses): straight to the
 * ingress of the pod's end of its veth, in the pod's namespace, without a
 * second pass through the backlog queue.  bpf_redirect_peer takes the
 * host-side veth and works from tc ingress only.
 */
static __always_inline int endpoint_deliver(struct __sk_buff *skb, const struct pkt_v4 *p,
					    const struct dplab_endpoint *ep)
{
	int verdict = route_hop(skb, p);

	if (verdict)
		return verdict;
	if (eth_store_addrs(skb, &ep->l2)) {
		count(DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	count(DPLAB_CNT_REDIRECT);
	return bpf_redirect_peer(ep->ifindex, 0);
}

#endif /* DPLAB_LIB_ROUTING_H */
