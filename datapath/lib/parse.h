/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv4 header parsing with a bounds check before every read (the cursor
 * idiom of xdp-tutorial's parsing_helpers.h), for XDP and tc alike.
 *
 * parse_v4() fills a struct pkt_v4 and returns 0, or the counter that says
 * why the packet is not one the datapath translates: not IPv4, a fragment,
 * IP options, an unknown protocol or ICMP type (all: pass untouched), or a
 * truncated header (drop).  Pointers in pkt_v4 are valid until the packet
 * is changed by a helper (tc: bpf_skb_store_bytes and friends); offsets
 * stay valid.
 */
#ifndef DPLAB_LIB_PARSE_H
#define DPLAB_LIB_PARSE_H

#include <bpf/bpf_endian.h>
#include "dplab/counters.h"
#include "dplab/lb.h"

#define ETH_P_IP 0x0800
#ifndef AF_INET
#define AF_INET 2		/* bpf_fib_lookup's family */
#endif
#define ETH_HLEN 14
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8

struct pkt_v4 {
	struct ethhdr *eth;
	struct iphdr *ip;
	void *l4;		/* struct tcphdr / udphdr / icmphdr */
	__u32 l3_off;		/* offsets from the start of the frame */
	__u32 l4_off;
	struct dplab_tuple t;	/* ICMP echo: the id is a port, see parse_l4 */
	__u8 tcp_flags;		/* TCP: the flags byte (FIN 0x01 ... ) */
};

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10

/* Offsets of the fields translators touch, from the start of the frame. */
#define IP_SADDR_OFF(p) ((p)->l3_off + offsetof(struct iphdr, saddr))
#define IP_DADDR_OFF(p) ((p)->l3_off + offsetof(struct iphdr, daddr))
#define IP_CSUM_OFF(p) ((p)->l3_off + offsetof(struct iphdr, check))

/*
 * skb->data and skb->data_end, loaded by one instruction each straight from
 * the context: clang may otherwise reuse an address it computed from skb
 * plus a register offset, which the verifier refuses ("dereference of
 * modified ctx ptr") once a helper has changed the packet.
 */
static __always_inline void *tc_data(struct __sk_buff *skb)
{
	void *v;

	asm volatile("%0 = *(u32 *)(%1 + %2)" : "=r"(v)
		     : "r"(skb), "i"(__builtin_offsetof(struct __sk_buff, data)));
	return v;
}

static __always_inline void *tc_data_end(struct __sk_buff *skb)
{
	void *v;

	asm volatile("%0 = *(u32 *)(%1 + %2)" : "=r"(v)
		     : "r"(skb), "i"(__builtin_offsetof(struct __sk_buff, data_end)));
	return v;
}

/*
 * tc: make the headers the parsers read linear and return the end of the
 * linear data.  A frame from a packet socket's TX ring (DPDK's af_packet
 * PMD), or one GRO or a tunnel built, may hold everything past the
 * Ethernet header in page fragments, out of reach of direct packet access;
 * without this such frames would look truncated.  Read skb->data after it,
 * with tc_data() (the pull invalidates earlier packet pointers).
 */
static __always_inline void *tc_headers_end(struct __sk_buff *skb)
{
	__u32 want = ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr);

	/* A frame shorter than that, already linear, needs no helper call. */
	if (skb->len < want)
		want = skb->len;
	if (tc_data(skb) + want > tc_data_end(skb))
		bpf_skb_pull_data(skb, want);
	return tc_data_end(skb);
}

static __always_inline int parse_l4(struct pkt_v4 *p, void *data_end)
{
	void *l4 = p->l4;

	switch (p->t.proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return DPLAB_CNT_DROP_TRUNCATED;
		p->t.sport = th->source;
		p->t.dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		return 0;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return DPLAB_CNT_DROP_TRUNCATED;
		p->t.sport = uh->source;
		p->t.dport = uh->dest;
		return 0;
	}
	case IPPROTO_ICMP: {
		struct icmphdr *ih = l4;

		if ((void *)(ih + 1) > data_end)
			return DPLAB_CNT_DROP_TRUNCATED;
		/* The id stands on the requester's side, so that the reply's
		 * tuple is the request's with both sides swapped. */
		if (ih->type == ICMP_ECHO) {
			p->t.sport = ih->un.echo.id;
			p->t.dport = 0;
		} else if (ih->type == ICMP_ECHOREPLY) {
			p->t.sport = 0;
			p->t.dport = ih->un.echo.id;
		} else {
			return DPLAB_CNT_PASS_UNKNOWN_PROTO;
		}
		return 0;
	}
	default:
		return DPLAB_CNT_PASS_UNKNOWN_PROTO;
	}
}

/*
 * parse_v4() up to the IP header: p->eth, p->ip, the offsets and the
 * addresses and protocol of p->t (ports 0).  Routers use it alone: they
 * forward fragments and every protocol alike, but leave IP options to the
 * stack (record-route, timestamps) as they do truncated or non-IPv4 frames.
 */
static __always_inline int parse_v4_l3(void *data, void *data_end, struct pkt_v4 *p)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;

	if ((void *)(eth + 1) > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return DPLAB_CNT_PASS_NOT_IPV4;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;
	if (ip->version != 4)
		return DPLAB_CNT_PASS_NOT_IPV4;
	if (ip->ihl != 5)
		return ip->ihl < 5 ? DPLAB_CNT_DROP_TRUNCATED : DPLAB_CNT_PASS_IP_OPTIONS;

	p->eth = eth;
	p->ip = ip;
	p->l3_off = ETH_HLEN;
	p->l4_off = ETH_HLEN + sizeof(*ip);
	p->l4 = ip + 1;
	p->t.saddr = ip->saddr;
	p->t.daddr = ip->daddr;
	p->t.sport = p->t.dport = 0;
	p->t.proto = ip->protocol;
	p->t.pad[0] = p->t.pad[1] = p->t.pad[2] = 0;
	p->tcp_flags = 0;
	return 0;
}

static __always_inline int parse_v4(void *data, void *data_end, struct pkt_v4 *p)
{
	int reason = parse_v4_l3(data, data_end, p);

	if (reason)
		return reason;
	if (p->ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return DPLAB_CNT_PASS_FRAGMENT;
	return parse_l4(p, data_end);
}

/*
 * tc: tc_headers_end(), then parse_v4() (or parse_v4_l3()) from the data it
 * left, so no packet pointer from before the pull is used.  0, or the
 * reason for tc_unparsed().  Later bounds checks read tc_data_end(skb).
 */
static __always_inline int tc_parse_v4(struct __sk_buff *skb, struct pkt_v4 *p)
{
	void *data_end = tc_headers_end(skb);

	return parse_v4(tc_data(skb), data_end, p);
}

static __always_inline int tc_parse_v4_l3(struct __sk_buff *skb, struct pkt_v4 *p)
{
	void *data_end = tc_headers_end(skb);

	return parse_v4_l3(tc_data(skb), data_end, p);
}

/* Offset of the L4 checksum field, and of the "port" a translator rewrites. */
static __always_inline __u32 l4_csum_off(const struct pkt_v4 *p)
{
	switch (p->t.proto) {
	case IPPROTO_TCP:
		return p->l4_off + offsetof(struct tcphdr, check);
	case IPPROTO_UDP:
		return p->l4_off + offsetof(struct udphdr, check);
	default:
		return p->l4_off + offsetof(struct icmphdr, checksum);
	}
}

/* Where the source/destination "port" lives: ICMP echo's id is one field. */
static __always_inline __u32 l4_port_off(const struct pkt_v4 *p, bool dst)
{
	if (p->t.proto == IPPROTO_ICMP)
		return p->l4_off + offsetof(struct icmphdr, un.echo.id);
	return p->l4_off + (dst ? 2 : 0);	/* dest follows source in TCP/UDP */
}

static __always_inline bool pkt_is_tcp_syn(const struct pkt_v4 *p)
{
	return p->t.proto == IPPROTO_TCP &&
	       (p->tcp_flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN;
}

#endif /* DPLAB_LIB_PARSE_H */
