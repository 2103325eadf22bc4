// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Frames read back for the invariants (see props.h): the outer tuple and,
 * for ICMP errors, the inner header's.  Written apart from the datapath's
 * parser (datapath/lib/parse.h): IHL-aware, and reads only what is there.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "props/props.h"

#define ETH_LEN 14

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint16_t props_ip_csum(const uint8_t *ip, size_t ihl)
{
	uint32_t acc = 0;
	size_t i;

	for (i = 0; i + 1 < ihl; i += 2)
		if (i != 10)
			acc += get16(ip + i);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

bool props_in_cidr(__be32 addr, __be32 net, unsigned int prefix)
{
	uint32_t mask = prefix >= 32 ? ~0U : prefix ? ~0U << (32 - prefix) : 0;

	return !((ntohl(addr) ^ ntohl(net)) & mask);
}

static bool icmp_is_error(uint8_t type)
{
	/* dest-unreachable, source-quench, redirect, time-exceeded, param-problem */
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/*
 * The IPv4 header at ip (n bytes there): addresses, proto, ports of what
 * follows.  false if no whole header.  For an inner header only the first
 * 8 bytes of its payload are there, so *ports may be set with a short l4.
 */
static bool read_ip(const uint8_t *ip, size_t n, struct props_tuple *t, size_t *ihl,
		    bool *frag, bool *ports, uint8_t *flags)
{
	const uint8_t *l4;
	size_t l4_len;

	if (n < 20 || ip[0] >> 4 != 4 || (ip[0] & 15) < 5 || (size_t)(ip[0] & 15) * 4 > n)
		return false;
	*ihl = (size_t)(ip[0] & 15) * 4;
	memcpy(&t->saddr, ip + 12, 4);
	memcpy(&t->daddr, ip + 16, 4);
	t->proto = ip[9];
	t->sport = t->dport = 0;
	*frag = get16(ip + 6) & 0x3fff;
	*ports = false;
	*flags = 0;
	if (get16(ip + 6) & 0x1fff)
		return true;		/* a later fragment: no L4 header */
	l4 = ip + *ihl;
	l4_len = n - *ihl;
	if (t->proto == IPPROTO_TCP && l4_len >= 14)
		*flags = l4[13];
	if ((t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP) && l4_len >= 4) {
		t->sport = get16(l4);
		t->dport = get16(l4 + 2);
		*ports = true;
	} else if (t->proto == IPPROTO_ICMP && l4_len >= 8 && (l4[0] == 8 || l4[0] == 0)) {
		if (l4[0] == 8)
			t->sport = get16(l4 + 4);
		else
			t->dport = get16(l4 + 4);
		*ports = true;
	}
	return true;
}

void props_view(const uint8_t *f, size_t len, struct props_view *v)
{
	const uint8_t *ip = f + ETH_LEN, *l4;
	size_t n, l4_len, inner_ihl;
	uint8_t inner_flags;
	bool inner_frag;

	memset(v, 0, sizeof(*v));
	if (len < ETH_LEN + 20 || get16(f + 12) != 0x0800)
		return;
	n = len - ETH_LEN;
	if (!read_ip(ip, n, &v->t, &v->ihl, &v->frag, &v->ports, &v->tcp_flags))
		return;
	v->ipv4 = true;
	v->hdr_ok = props_ip_csum(ip, v->ihl) == get16(ip + 10);
	if (v->t.proto != IPPROTO_ICMP || v->frag || n < v->ihl + 8)
		return;
	l4 = ip + v->ihl;
	l4_len = n - v->ihl;
	v->icmp_type = l4[0];
	if (!icmp_is_error(l4[0]))
		return;
	/* Only what the IP total length covers is the inner datagram. */
	if (get16(ip + 2) >= v->ihl && get16(ip + 2) - v->ihl < l4_len)
		l4_len = get16(ip + 2) - v->ihl;
	if (l4_len < 8 + 20)
		return;
	if (!read_ip(l4 + 8, l4_len - 8, &v->inner, &inner_ihl, &inner_frag, &v->inner_ports,
		     &inner_flags))
		return;
	v->icmp_err = true;
	v->inner_hdr_ok = props_ip_csum(l4 + 8, inner_ihl) == get16(l4 + 8 + 10);
	if (l4_len - 8 < inner_ihl + 8)
		v->inner_ports = false;
}

const char *const props_class_name[CL_N] = {
	"not IPv4", "fragment", "IP options", "ICMP error", "TCP SYN", "TCP not SYN",
	"UDP", "ICMP echo request", "ICMP echo reply", "ICMP other", "other protocol",
};

enum props_class props_classify(const struct props_view *v)
{
	if (!v->ipv4)
		return CL_NOT_IPV4;
	if (v->frag)
		return CL_FRAGMENT;
	if (v->ihl > 20)
		return CL_OPTIONS;
	if (v->icmp_err)
		return CL_ICMP_ERROR;
	switch (v->t.proto) {
	case IPPROTO_TCP:
		return (v->tcp_flags & 0x12) == 0x02 ? CL_TCP_SYN : CL_TCP_OTHER;
	case IPPROTO_UDP:
		return CL_UDP;
	case IPPROTO_ICMP:
		return !v->ports ? CL_ICMP_OTHER : v->icmp_type ? CL_ICMP_ECHO : CL_ICMP_REPLY;
	default:
		return CL_OTHER_PROTO;
	}
}

bool props_tuple_eq(const struct props_tuple *a, const struct props_tuple *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr && a->sport == b->sport &&
	       a->dport == b->dport && a->proto == b->proto;
}

void props_tuple_reverse(const struct props_tuple *t, struct props_tuple *r)
{
	struct props_tuple rev = {
		.saddr = t->daddr, .daddr = t->saddr,
		.sport = t->dport, .dport = t->sport, .proto = t->proto,
	};

	*r = rev;
}

void props_tuple_str(const struct props_tuple *t, char *buf, size_t len)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	const char *proto = t->proto == IPPROTO_TCP ? "TCP" : t->proto == IPPROTO_UDP ? "UDP" :
			    t->proto == IPPROTO_ICMP ? "ICMP" : "proto";

	inet_ntop(AF_INET, &t->saddr, s, sizeof(s));
	inet_ntop(AF_INET, &t->daddr, d, sizeof(d));
	snprintf(buf, len, "%s %s:%u -> %s:%u", proto, s, t->sport, d, t->dport);
}
