/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv4 header parsing with a bounds check before every read (the cursor
 * idiom of xdp-tutorial's parsing_helpers.h), for XDP and tc alike.
 *
 * parse_v4() fills a struct pkt_v4 and returns 0, or the counter that says
 * why the packet is not one a measuring program (reflector, drop) looks
 * at: not IPv4, a fragment, IP options, an unknown protocol or ICMP type
 * (all: pass untouched), or a truncated header (drop).  The translators
 * parse with parse_v4_flow() (frag.h), which also takes IP options,
 * fragments and ICMP errors.  Pointers in pkt_v4 are valid until the
 * packet is changed by a helper (tc: bpf_skb_store_bytes and friends);
 * offsets stay valid.
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
#define ICMP_DEST_UNREACH 3
#define ICMP_SOURCE_QUENCH 4
#define ICMP_REDIRECT 5
#define ICMP_ECHO 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP_HDR_LEN 8
/* Ethernet, IPv4 with options, ICMP, the embedded IPv4 header with
 * options and 8 bytes of its L4: the most any parser here reads. */
#define PKT_HDRS_MAX (ETH_HLEN + 60 + ICMP_HDR_LEN + 60 + 8)

enum pkt_frag {
	PKT_FRAG_NONE,
	PKT_FRAG_FIRST,		/* offset 0, more fragments: has the L4 header */
	PKT_FRAG_LATER,		/* offset > 0: payload only */
};

struct pkt_v4 {
	struct ethhdr *eth;
	struct iphdr *ip;
	void *l4;		/* struct tcphdr / udphdr / icmphdr */
	__u32 l3_off;		/* offsets from the start of the frame */
	__u32 l4_off;
	struct dplab_tuple t;	/* ICMP echo: the id is a port, see parse_l4;
				 * ICMP error: the embedded packet's tuple
				 * reversed (see parse_icmp_error) */
	__u8 tcp_flags;		/* TCP: the flags byte (FIN 0x01 ... ) */
	__u8 frag;		/* enum pkt_frag */
	__u8 icmp_err;		/* an ICMP error about flow t */
	__be16 ip_id;		/* fragments: the IP id */
	__u32 in_l3_off;	/* ICMP error: the embedded IPv4 header */
	__u32 in_l4_off;	/* ... and its L4 header */
	__u8 rewritten;		/* tc: translated since the parse (nat.h), so
				 * the pointers above are stale and p->t is
				 * the packet's no more */
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

/* The errors that quote a packet, as the kernel's icmp_is_err(): its NAT
 * translates source quench and redirect too. */
static __always_inline bool icmp_is_error(__u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_SOURCE_QUENCH ||
	       type == ICMP_REDIRECT || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB;
}

/*
 * The ports of an ICMP echo: the id stands on the requester's side, so that
 * the reply's tuple is the request's with both sides swapped.  0, or
 * -1 for any other ICMP type.
 */
static __always_inline int icmp_echo_ports(const struct icmphdr *ih, struct dplab_tuple *t)
{
	if (ih->type == ICMP_ECHO) {
		t->sport = ih->un.echo.id;
		t->dport = 0;
	} else if (ih->type == ICMP_ECHOREPLY) {
		t->sport = 0;
		t->dport = ih->un.echo.id;
	} else {
		return -1;
	}
	return 0;
}

/*
 * An ICMP error (destination unreachable, time exceeded, parameter
 * problem) carries the IPv4 header and first 8 bytes of the packet it is
 * about.  That packet went the other way, so its tuple reversed is the
 * tuple of the flow in the error's direction: p->t is set to it, and a
 * translator looks the error up as it would a packet of that flow.  Only
 * an error sent to the quoted packet's source is about that packet: the
 * kernel's conntrack calls any other INVALID, not RELATED, and NATs
 * nothing in it (nf_conntrack_inet_error(): "outer daddr != inner"), so
 * such an error passes untouched here too.
 */
static __always_inline int parse_icmp_error(struct pkt_v4 *p, void *data_end)
{
	struct iphdr *in = p->l4 + ICMP_HDR_LEN;
	struct dplab_tuple t = {};
	__u32 ihl;
	__be16 *ports;
	void *l4;

	if ((void *)(in + 1) > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;
	if (in->version != 4 || in->ihl < 5 || (in->frag_off & bpf_htons(IP_OFFSET)))
		return DPLAB_CNT_PASS_UNKNOWN_PROTO;	/* no ports to read */
	if (in->saddr != p->t.daddr)
		return DPLAB_CNT_PASS_ICMP_UNRELATED;
	ihl = in->ihl * 4;
	l4 = (void *)in + ihl;
	if (l4 + 8 > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;
	if (in->protocol == IPPROTO_TCP || in->protocol == IPPROTO_UDP) {
		ports = l4;
		t.sport = ports[0];
		t.dport = ports[1];
	} else if (in->protocol != IPPROTO_ICMP || icmp_echo_ports(l4, &t)) {
		return DPLAB_CNT_PASS_UNKNOWN_PROTO;
	}
	p->t.saddr = in->daddr;
	p->t.daddr = in->saddr;
	p->t.sport = t.dport;
	p->t.dport = t.sport;
	p->t.proto = in->protocol;
	p->icmp_err = 1;
	p->in_l3_off = p->l4_off + ICMP_HDR_LEN;
	p->in_l4_off = p->in_l3_off + ihl;
	return 0;
}

/* The L4 header of p: ports, TCP flags; ICMP errors only when errors. */
static __always_inline int parse_l4(struct pkt_v4 *p, void *data_end, bool errors)
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
		if (!icmp_echo_ports(ih, &p->t))
			return 0;
		if (errors && icmp_is_error(ih->type))
			return parse_icmp_error(p, data_end);
		return DPLAB_CNT_PASS_UNKNOWN_PROTO;
	}
	default:
		return DPLAB_CNT_PASS_UNKNOWN_PROTO;
	}
}

/*
 * parse_v4() up to the IP header: p->eth, p->ip, the offsets (the L4
 * header after the options, by IHL), the IP id and fragment kind, and the
 * addresses and protocol of p->t (ports 0).  Routers use it alone (see
 * routing.h for the options they leave to the stack).
 */
static __always_inline int parse_v4_l3(void *data, void *data_end, struct pkt_v4 *p)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 ihl;

	if ((void *)(eth + 1) > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return DPLAB_CNT_PASS_NOT_IPV4;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;
	if (ip->version != 4)
		return DPLAB_CNT_PASS_NOT_IPV4;
	if (ip->ihl < 5)
		return DPLAB_CNT_DROP_TRUNCATED;
	ihl = ip->ihl * 4;
	if ((void *)ip + ihl > data_end)
		return DPLAB_CNT_DROP_TRUNCATED;

	p->eth = eth;
	p->ip = ip;
	p->l3_off = ETH_HLEN;
	p->l4_off = ETH_HLEN + ihl;
	p->l4 = (void *)ip + ihl;
	p->t.saddr = ip->saddr;
	p->t.daddr = ip->daddr;
	p->t.sport = p->t.dport = 0;
	p->t.proto = ip->protocol;
	p->t.pad[0] = p->t.pad[1] = p->t.pad[2] = 0;
	p->tcp_flags = 0;
	p->ip_id = ip->id;
	p->frag = !(ip->frag_off & bpf_htons(IP_MF | IP_OFFSET)) ? PKT_FRAG_NONE :
		  (ip->frag_off & bpf_htons(IP_OFFSET)) ? PKT_FRAG_LATER : PKT_FRAG_FIRST;
	p->icmp_err = 0;
	return 0;
}

/* For measuring programs: no options, fragments or ICMP errors. */
static __always_inline int parse_v4(void *data, void *data_end, struct pkt_v4 *p)
{
	int reason = parse_v4_l3(data, data_end, p);

	if (reason)
		return reason;
	if (p->ip->ihl != 5)
		return DPLAB_CNT_PASS_IP_OPTIONS;
	if (p->frag != PKT_FRAG_NONE)
		return DPLAB_CNT_PASS_FRAGMENT;
	return parse_l4(p, data_end, false);
}

/*
 * For translators: IP options, ICMP errors and fragments too.  A later
 * fragment has no L4 header: its ports are 0 here, and frag.h fills them
 * in from its first fragment.
 */
/* parse_v4_any() after parse_v4_l3() took the IP header. */
static __always_inline int parse_v4_any_l4(struct pkt_v4 *p, void *data_end)
{
	return p->frag == PKT_FRAG_LATER ? 0 : parse_l4(p, data_end, true);
}

static __always_inline int parse_v4_any(void *data, void *data_end, struct pkt_v4 *p)
{
	int reason = parse_v4_l3(data, data_end, p);

	return reason ? reason : parse_v4_any_l4(p, data_end);
}

enum parse_depth {
	PARSE_L3,		/* parse_v4_l3 */
	PARSE_MEASURE,		/* parse_v4 */
	PARSE_ANY,		/* parse_v4_any */
};

static __always_inline int parse_v4_depth(void *data, void *data_end, struct pkt_v4 *p,
					  enum parse_depth depth)
{
	switch (depth) {
	case PARSE_L3:
		return parse_v4_l3(data, data_end, p);
	case PARSE_MEASURE:
		return parse_v4(data, data_end, p);
	default:
		return parse_v4_any(data, data_end, p);
	}
}

/*
 * tc: tc_headers_end(), then the parser from the data it left, so no
 * packet pointer from before the pull is used.  A header that runs past
 * the linear data of a longer frame (IP options, an ICMP error's embedded
 * header) gets one more pull, of up to PKT_HDRS_MAX bytes, and a second
 * parse.  0, or the reason for tc_unparsed().  Later bounds checks read
 * tc_data_end(skb).
 */
static __always_inline int tc_parse_depth(struct __sk_buff *skb, struct pkt_v4 *p,
					  enum parse_depth depth)
{
	void *data_end = tc_headers_end(skb);
	int reason = parse_v4_depth(tc_data(skb), data_end, p, depth);
	__u32 linear = data_end - tc_data(skb);

	if (reason != DPLAB_CNT_DROP_TRUNCATED || skb->len <= linear)
		return reason;
	if (bpf_skb_pull_data(skb, skb->len < PKT_HDRS_MAX ? skb->len : PKT_HDRS_MAX))
		return reason;
	return parse_v4_depth(tc_data(skb), tc_data_end(skb), p, depth);
}

static __always_inline int tc_parse_v4(struct __sk_buff *skb, struct pkt_v4 *p)
{
	return tc_parse_depth(skb, p, PARSE_MEASURE);
}

static __always_inline int tc_parse_v4_l3(struct __sk_buff *skb, struct pkt_v4 *p)
{
	return tc_parse_depth(skb, p, PARSE_L3);
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
