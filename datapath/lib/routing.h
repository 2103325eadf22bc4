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
#include "lib/dp.h"
#include "lib/parse.h"
#include "lib/verdict.h"

/* The pods of this node, by address (struct dp_maps' endpoints).  The
 * loader sets the size. */
#define DP_ENDPOINTS_MAP(name)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(max_entries, DPLAB_ENDPOINTS_DEFAULT);		\
		__type(key, __be32);					\
		__type(value, struct dplab_endpoint);			\
	} name SEC(".maps")

/*
 * The IP header of a packet to route (parse.h's tc_parse_v4_l3, whose
 * result route_reason() takes).  Packets
 * with IP options go to the stack, which records the route and time
 * stamps a router owes them; fragments and every protocol are routed.
 */
static __always_inline int route_reason(const struct pkt_v4 *p, int parsed_l3)
{
	if (!parsed_l3 && p->ip->ihl != 5)
		return DPLAB_CNT_PASS_IP_OPTIONS;
	return parsed_l3;
}

static __always_inline int tc_parse_v4_route(struct __sk_buff *skb, struct pkt_v4 *p)
{
	return route_reason(p, tc_parse_v4_l3(skb, p));
}

/*
 * The pod of this node a packet is addressed to, or NULL.  The IP header's
 * address: a translator's parse of an ICMP error puts the flow it is about
 * in p->t.
 */
static __always_inline struct dplab_endpoint *endpoint_of(const struct dp_maps *m,
							  const struct pkt_v4 *p)
{
	__be32 daddr = p->ip->daddr;

	return bpf_map_lookup_elem(m->endpoints, &daddr);
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
static __always_inline int route_hop(struct __sk_buff *skb, const struct dp_maps *m,
				     const struct pkt_v4 *p)
{
	if (p->ip->ttl <= 1) {
		dp_count(m, DPLAB_CNT_PASS_TTL_EXPIRED);
		return TC_ACT_NEXT;
	}
	if (ip_dec_ttl(skb, p)) {
		dp_count(m, DPLAB_CNT_DROP_REWRITE);
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
static __always_inline int endpoint_deliver(struct __sk_buff *skb, const struct dp_maps *m,
					    const struct pkt_v4 *p,
					    const struct dplab_endpoint *ep)
{
	int verdict = route_hop(skb, m, p);

	if (verdict)
		return verdict;
	if (eth_store_addrs(skb, &ep->l2)) {
		dp_count(m, DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	dp_count(m, DPLAB_CNT_REDIRECT);
	return bpf_redirect_peer(ep->ifindex, 0);
}

#endif /* DPLAB_LIB_ROUTING_H */
