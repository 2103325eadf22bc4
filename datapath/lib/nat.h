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
 * A later fragment gets its address only (frag.h); an ICMP error about the
 * flow gets its embedded packet translated (icmp_err_nat).  tc: packet
 * pointers in *p are stale afterwards; offsets stay valid.
 */
#ifndef DPLAB_LIB_NAT_H
#define DPLAB_LIB_NAT_H

#include "lib/dp.h"
#include "lib/csum.h"
#include "lib/parse.h"
#include "lib/verdict.h"

#ifndef BPF_F_PSEUDO_HDR
#define BPF_F_PSEUDO_HDR (1ULL << 4)
#endif
#ifndef BPF_F_MARK_MANGLED_0
#define BPF_F_MARK_MANGLED_0 (1ULL << 5)
#endif

/*
 * The embedded packet's L4 checksum when the error holds it (TCP's comes
 * after 16 bytes, often cut off), or NULL; UDP's 0 means none.  Bytes past
 * the IP total length (Ethernet padding) are not the error's.
 */
static __always_inline __u16 *icmp_err_l4_csum(const struct pkt_v4 *p, __be16 *l4, void *data_end)
{
	__u32 end = ETH_HLEN + bpf_ntohs(p->ip->tot_len), at = p->in_l4_off;
	__u16 *sum;

	if (p->t.proto == IPPROTO_TCP) {
		sum = &l4[8];
		at += 18;
	} else if (p->t.proto == IPPROTO_UDP) {
		sum = &l4[3];
		at += 8;
	} else {
		sum = &l4[1];
		at += 4;
	}
	if ((void *)(sum + 1) > data_end || at > end ||
	    (p->t.proto == IPPROTO_UDP && !*sum))
		return NULL;
	return sum;
}

/*
 * The embedded packet's port on one side: TCP/UDP source port first; an
 * ICMP echo's id, after type, code and checksum, stands on the requester's
 * side only (the source of a request, the destination of a reply): NULL
 * for the other side.
 */
static __always_inline __be16 *icmp_err_port(const struct pkt_v4 *p, __be16 *l4, bool src)
{
	__u8 type = *(__u8 *)l4;

	if (p->t.proto != IPPROTO_ICMP)
		return &l4[src ? 0 : 1];
	return (type == ICMP_ECHO) == src ? &l4[2] : NULL;
}

/*
 * The embedded packet's address and port on one side become addr:port:
 * its IP checksum and, when the error holds it, its L4 checksum follow
 * (pseudo header for TCP/UDP), and the ICMP checksum over all of them.
 */
static __always_inline void icmp_err_rewrite_inner(const struct pkt_v4 *p, struct icmphdr *ih,
						   struct iphdr *in, __be16 *l4, void *data_end,
						   bool src, __be32 addr, __be16 port)
{
	__be32 *inner = src ? &in->saddr : &in->daddr;
	__be16 *in_port = icmp_err_port(p, l4, src);
	__u16 *l4sum = icmp_err_l4_csum(p, l4, data_end);
	__u16 old_check = in->check, old_l4sum = l4sum ? *l4sum : 0;

	if (*inner != addr) {
		csum_replace4(&in->check, *inner, addr);
		csum_replace4(&ih->checksum, *inner, addr);
		csum_replace2(&ih->checksum, old_check, in->check);
		if (l4sum && p->t.proto != IPPROTO_ICMP)
			csum_replace4(l4sum, *inner, addr);
		*inner = addr;
	}
	if (in_port && *in_port != port) {
		if (l4sum)
			csum_replace2(l4sum, *in_port, port);
		csum_replace2(&ih->checksum, *in_port, port);
		*in_port = port;
	}
	if (l4sum) {
		if (p->t.proto == IPPROTO_UDP && !*l4sum)
			*l4sum = 0xffff;
		csum_replace2(&ih->checksum, old_l4sum, *l4sum);
	}
}

/*
 * An ICMP error about flow p->t, translated as a packet of that flow would
 * be (parse.h: p->t is the embedded packet's tuple reversed, so the flow's
 * destination side is the embedded source, and the other way round), as
 * the kernel's NAT does it (nf_nat_icmp_reply_translation).  The outer
 * address follows only when it is the flow's own: an error from a router
 * on the way keeps the router's.  Direct packet access, for XDP and tc
 * alike; 0 or -1.
 */
static __always_inline int icmp_err_nat(void *data, void *data_end, const struct pkt_v4 *p,
					bool dst, __be32 addr, __be16 port)
{
	struct iphdr *ip = data + ETH_HLEN;
	struct icmphdr *ih = data + (p->l4_off & 0xff);
	struct iphdr *in = data + (p->in_l3_off & 0xff);
	__be16 *l4 = data + (p->in_l4_off & 0xff);
	__be32 *outer = dst ? &ip->daddr : &ip->saddr;
	__be32 flow_addr = dst ? p->t.daddr : p->t.saddr;

	if ((void *)(ip + 1) > data_end || (void *)(ih + 1) > data_end ||
	    (void *)(in + 1) > data_end || (void *)(l4 + 4) > data_end)
		return -1;
	if (*outer == flow_addr && flow_addr != addr) {
		csum_replace4(&ip->check, *outer, addr);
		*outer = addr;
	}
	icmp_err_rewrite_inner(p, ih, in, l4, data_end, dst, addr, port);
	return 0;
}

/* A translated packet, counted once however many sides were rewritten. */
static __always_inline void count_translated(const struct dp_maps *m, const struct pkt_v4 *p,
					     enum dplab_counter done)
{
	dp_count(m, done);
	if (p->icmp_err)
		dp_count(m, DPLAB_CNT_ICMP_ERROR);
}

static __always_inline int tc_nat_v4(struct __sk_buff *skb, const struct pkt_v4 *p,
				     bool dst, __be32 addr, __be16 port)
{
	__be32 old_addr = dst ? p->t.daddr : p->t.saddr;
	__be16 old_port = dst ? p->t.dport : p->t.sport;
	__u64 l4flags = p->t.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__u32 csum_off = l4_csum_off(p);
	bool l4 = p->frag != PKT_FRAG_LATER;	/* the L4 header is here */

	if (p->icmp_err)
		return icmp_err_nat(tc_data(skb), tc_data_end(skb), p, dst, addr, port);
	if (old_addr != addr) {
		/* ICMP's checksum has no pseudo header. */
		if (l4 && p->t.proto != IPPROTO_ICMP &&
		    bpf_l4_csum_replace(skb, csum_off, old_addr, addr,
					l4flags | BPF_F_PSEUDO_HDR | sizeof(addr)))
			return -1;
		if (bpf_l3_csum_replace(skb, IP_CSUM_OFF(p), old_addr, addr, sizeof(addr)))
			return -1;
		if (bpf_skb_store_bytes(skb, dst ? IP_DADDR_OFF(p) : IP_SADDR_OFF(p),
					&addr, sizeof(addr), 0))
			return -1;
	}
	if (l4 && old_port != port) {
		if (bpf_l4_csum_replace(skb, csum_off, old_port, port, l4flags | sizeof(port)))
			return -1;
		if (bpf_skb_store_bytes(skb, l4_port_off(p, dst), &port, sizeof(port), 0))
			return -1;
	}
	return 0;
}

/*
 * tc_nat_v4, counted: `done` when translated (and p marked rewritten, for
 * a caller that goes on with the packet), else dropped as unwritable.
 */
static __always_inline int tc_nat_v4_verdict(struct __sk_buff *skb, const struct dp_maps *m,
					     struct pkt_v4 *p, bool dst, __be32 addr,
					     __be16 port, enum dplab_counter done)
{
	if (tc_nat_v4(skb, p, dst, addr, port)) {
		dp_count(m, DPLAB_CNT_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	p->rewritten = 1;
	count_translated(m, p, done);
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
	__u16 *l4sum = NULL;
	__be16 *port_field;

	if (p->icmp_err)
		return icmp_err_nat(p->eth, data_end, p, dst, addr, port);
	if (p->frag == PKT_FRAG_LATER)
		port = old_port;	/* no L4 header here */
	else
		l4sum = xdp_l4_csum(p, data_end);
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
