/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Address and port translation of a parsed IPv4 packet (parse.h), with the
 * IP, TCP/UDP (pseudo header) and ICMP checksums kept right:
 *
 *   tc_nat_v4()   through bpf_skb_store_bytes and bpf_l3/l4_csum_replace,
 *                 which honour skb->ip_summed (CHECKSUM_PARTIAL included);
 *   xdp_nat_v4()  in place, with RFC 1624 updates (csum.h).
 *
 * dst selects the destination (DNAT, reverse SNAT) or source side (SNAT,
 * reverse DNAT).  A "port" of 0 on the ICMP side without an id is left as
 * is.  A UDP checksum of 0 (none) stays 0; a computed 0 is sent as 0xffff.
 * tc: packet pointers in *p are stale afterwards; offsets stay valid.
 */
#ifndef DPLAB_LIB_NAT_H
#define DPLAB_LIB_NAT_H

#include "lib/counters.h"
#include "lib/csum.h"
#include "lib/parse.h"
#include "lib/verdict.h"

#ifndef BPF_F_PSEUDO_HDR
#define BPF_F_PSEUDO_HDR (1ULL << 4)
#endif
#ifndef BPF_F_MARK_MANGLED_0
#define BPF_F_MARK_MANGLED_0 (1ULL << 5)
#endif

static __always_inline int tc_nat_v4(struct __sk_buff *skb, const struct pkt_v4 *p,
				     bool dst, __be32 addr, __be16 port)
{
	__be32 old_addr = dst ? p->t.daddr : p->t.saddr;
	__be16 old_port = dst ? p->t.dport : p->t.sport;
	__u64 l4flags = p->t.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__u32 csum_off = l4_csum_off(p);

	if (old_addr != addr) {
		/* ICMP's checksum has no pseudo header. */
		if (p->t.proto != IPPROTO_ICMP &&
		    bpf_l4_csum_replace(skb, csum_off, old_addr, addr,
					l4flags | BPF_F_PSEUDO_HDR | sizeof(addr)))
			return -1;
		if (bpf_l3_csum_replace(skb, IP_CSUM_OFF(p), old_addr, addr, sizeof(addr)))
			return -1;
		if (bpf_skb_store_bytes(skb, dst ? IP_DADDR_OFF(p) : IP_SADDR_OFF(p),
					&addr, sizeof(addr), 0))
			return -1;
	}
	if (old_port != port) {
		if (bpf_l4_csum_replace(skb, csum_off, old_port, port, l4flags | sizeof(port)))
			return -1;
		if (bpf_skb_store_bytes(skb, l4_port_off(p, dst), &port, sizeof(port), 0))
			return -1;
	}
	return 0;
}

/* tc_nat_v4, counted: `done` when translated, else dropped as unwritable. */
static __always_inline int tc_nat_v4_verdict(struct __sk_buff *skb, const struct pkt_v4 *p,
					     bool dst, __be32 addr, __be16 port,
					     enum dplab_counter done)
{
	if (tc_nat_v4(skb, p, dst, addr, port)) {
		count(DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	count(done);
	return TC_ACT_NEXT;
}

/* The L4 checksum field, or NULL when there is none to update. */
static __always_inline __u16 *xdp_l4_csum(const struct pkt_v4 *p, void *data_end)
{
	__u16 *sum;

	switch (p->t.proto) {
	case IPPROTO_TCP:
		sum = &((struct tcphdr *)p->l4)->check;
		break;
	case IPPROTO_UDP:
		sum = &((struct udphdr *)p->l4)->check;
		break;
	default:
		sum = &((struct icmphdr *)p->l4)->checksum;
		break;
	}
	if ((void *)(sum + 1) > data_end)
		return NULL;
	if (p->t.proto == IPPROTO_UDP && !*sum)
		return NULL;	/* UDP without checksum stays without */
	return sum;
}

static __always_inline void udp_mangled_0(const struct pkt_v4 *p, __u16 *sum)
{
	if (p->t.proto == IPPROTO_UDP && !*sum)
		*sum = 0xffff;
}

/*
 * The "port" field itself, from the L4 pointer: a packet pointer with a
 * constant offset, which the verifier can bounds-check (the frame offset of
 * l4_port_off() is a variable to it).
 */
static __always_inline __be16 *xdp_port_field(const struct pkt_v4 *p, bool dst)
{
	if (p->t.proto == IPPROTO_ICMP)
		return &((struct icmphdr *)p->l4)->un.echo.id;
	return dst ? &((struct udphdr *)p->l4)->dest : &((struct udphdr *)p->l4)->source;
}

static __always_inline int xdp_nat_v4(const struct pkt_v4 *p, void *data_end,
				      bool dst, __be32 addr, __be16 port)
{
	struct iphdr *ip = p->ip;
	__be32 *addr_field = dst ? &ip->daddr : &ip->saddr;
	__be16 old_port = dst ? p->t.dport : p->t.sport;
	__u16 *l4sum = xdp_l4_csum(p, data_end);
	__be16 *port_field;

	if ((void *)(ip + 1) > data_end)
		return -1;
	if (*addr_field != addr) {
		csum_replace4(&ip->check, *addr_field, addr);
		if (l4sum && p->t.proto != IPPROTO_ICMP) {
			csum_replace4(l4sum, *addr_field, addr);
			udp_mangled_0(p, l4sum);
		}
		*addr_field = addr;
	}
	if (old_port != port) {
		port_field = xdp_port_field(p, dst);
		if ((void *)(port_field + 1) > data_end)
			return -1;
		if (l4sum) {
			csum_replace2(l4sum, old_port, port);
			udp_mangled_0(p, l4sum);
		}
		*port_field = port;
	}
	return 0;
}

#endif /* DPLAB_LIB_NAT_H */
