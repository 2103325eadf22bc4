// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test packet builder (see pkt.h).  Headers are written byte by byte in
 * network order, checksums summed over the finished bytes; nothing here is
 * shared with the datapath or with the checker (csum_check.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pkt.h"

#define ETH_LEN 14
#define IP_LEN 20
#define TCP_LEN 20
#define UDP_LEN 8
#define ICMP_LEN 8
#define VXLAN_LEN 8

__be32 ip4(const char *dotted)
{
	struct in_addr a;

	if (inet_pton(AF_INET, dotted, &a) != 1) {
		fprintf(stderr, "ip4: '%s' is not an IPv4 address\n", dotted);
		abort();
	}
	return a.s_addr;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Ones' complement sum of big-endian 16-bit words, not yet folded. */
static uint32_t sum_words(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return ~acc & 0xffff;
}

static int is_zero_mac(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !memcmp(mac, zero, 6);
}

static uint8_t *put_eth(uint8_t *p, const struct pkt_spec *s, uint16_t ethertype)
{
	static const uint8_t def_src[6] = PKT_MAC_SRC, def_dst[6] = PKT_MAC_DST;

	memcpy(p, is_zero_mac(s->eth_dst) ? def_dst : s->eth_dst, 6);
	memcpy(p + 6, is_zero_mac(s->eth_src) ? def_src : s->eth_src, 6);
	put16(p + 12, ethertype);
	return p + ETH_LEN;
}

static void put_payload(uint8_t *p, const uint8_t *payload, size_t len)
{
	size_t i;

	if (payload) {
		memcpy(p, payload, len);
		return;
	}
	for (i = 0; i < len; i++)
		p[i] = i & 0xff;
}

static size_t finish(const struct pkt_spec *s, size_t len)
{
	if (s->truncate_to && s->truncate_to < len)
		return s->truncate_to;
	return len;
}

static char last_error[160];

const char *pkt_build_error(void)
{
	return last_error;
}

static size_t fail(const char *why, const struct pkt_spec *s)
{
	snprintf(last_error, sizeof(last_error), "%s (ip_opt_len %u, frag_off %u, payload %zu)",
		 why, s->ip_opt_len, s->frag_off, s->payload_len);
	return 0;
}

/* The L4 checksum over the pseudo-header and the segment at l4. */
static uint16_t l4_csum(const uint8_t *ip, const uint8_t *l4, size_t l4_len, uint8_t proto)
{
	uint32_t acc = sum_words(ip + 12, 8, 0);	/* saddr, daddr */

	acc += proto + l4_len;
	return fold(sum_words(l4, l4_len, acc));
}

static size_t build_ip(uint8_t *buf, size_t cap, const struct pkt_spec *s,
		       const uint8_t *payload, size_t payload_len)
{
	uint8_t proto = s->proto ? s->proto : IPPROTO_TCP;
	size_t ihl = IP_LEN + s->ip_opt_len, l4_hdr = 0, tot, i;
	uint8_t *ip, *l4;
	uint16_t csum;

	if (s->ip_opt_len % 4 || s->ip_opt_len > 40)
		return fail("ip_opt_len must be a multiple of 4, at most 40", s);
	if (s->frag_off % 8)
		return fail("frag_off must be a multiple of 8", s);
	if (!s->frag_off) {
		if (proto == IPPROTO_TCP)
			l4_hdr = TCP_LEN;
		else if (proto == IPPROTO_UDP)
			l4_hdr = UDP_LEN;
		else if (proto == IPPROTO_ICMP)
			l4_hdr = ICMP_LEN;
	}
	tot = ihl + l4_hdr + payload_len;
	if (tot > 0xffff || ETH_LEN + tot > cap)
		return fail("frame does not fit", s);
	memset(buf, 0, ETH_LEN + tot);
	ip = put_eth(buf, s, 0x0800);
	ip[0] = 0x40 | ihl / 4;
	ip[1] = s->tos;
	put16(ip + 2, tot);
	put16(ip + 4, s->ip_id);
	put16(ip + 6, (s->df ? 0x4000 : 0) | (s->mf ? 0x2000 : 0) | s->frag_off / 8);
	ip[8] = s->ttl ? s->ttl : 64;
	ip[9] = proto;
	memcpy(ip + 12, &s->saddr, 4);
	memcpy(ip + 16, &s->daddr, 4);
	for (i = IP_LEN; i < ihl; i++)
		ip[i] = 1;				/* IPOPT_NOP */
	put16(ip + 10, fold(sum_words(ip, ihl, 0)));

	l4 = ip + ihl;
	put_payload(l4 + l4_hdr, payload, payload_len);
	if (l4_hdr && proto == IPPROTO_TCP) {
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		l4[12] = 5 << 4;			/* data offset */
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 65535);			/* window */
		put16(l4 + 16, l4_csum(ip, l4, l4_hdr + payload_len, proto));
	} else if (l4_hdr && proto == IPPROTO_UDP) {
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, UDP_LEN + payload_len);
		csum = l4_csum(ip, l4, l4_hdr + payload_len, proto);
		if (!s->udp_no_csum)
			put16(l4 + 6, csum ? csum : 0xffff);
	} else if (l4_hdr && proto == IPPROTO_ICMP) {
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		put16(l4 + 4, s->icmp_id);
		put16(l4 + 6, s->icmp_seq);
		put16(l4 + 2, fold(sum_words(l4, l4_hdr + payload_len, 0)));
	}
	return finish(s, ETH_LEN + tot);
}

size_t pkt_build_vxlan(uint8_t *buf, size_t cap, const struct pkt_spec *outer,
		       uint32_t vni, const uint8_t *inner, size_t inner_len)
{
	struct pkt_spec o = *outer;
	uint8_t payload[PKT_MAX];

	if (VXLAN_LEN + inner_len > sizeof(payload))
		return fail("inner frame too long for VXLAN", outer);
	if (vni > 0xffffff)
		return fail("VNI has more than 24 bits", outer);
	memset(payload, 0, VXLAN_LEN);
	payload[0] = 0x08;				/* I: VNI valid */
	payload[4] = vni >> 16;
	payload[5] = vni >> 8;
	payload[6] = vni;
	memcpy(payload + VXLAN_LEN, inner, inner_len);
	o.ethertype = 0;
	o.proto = IPPROTO_UDP;
	o.dport = o.dport ? o.dport : PKT_VXLAN_PORT;
	o.inner = NULL;
	return build_ip(buf, cap, &o, payload, VXLAN_LEN + inner_len);
}

size_t pkt_build(uint8_t *buf, size_t cap, const struct pkt_spec *s)
{
	uint8_t inner[PKT_MAX];
	size_t len;

	if (s->ethertype && s->ethertype != 0x0800) {
		if (ETH_LEN + s->payload_len > cap)
			return fail("frame does not fit", s);
		put_payload(put_eth(buf, s, s->ethertype), s->payload, s->payload_len);
		return finish(s, ETH_LEN + s->payload_len);
	}
	if (s->inner) {
		len = pkt_build(inner, sizeof(inner), s->inner);
		if (!len)
			return 0;
		return pkt_build_vxlan(buf, cap, s, s->vni, inner, len);
	}
	return build_ip(buf, cap, s, s->payload, s->payload_len);
}

struct pkt_spec pkt_spec_icmp_error(uint8_t *buf, __be32 s, __be32 d, uint8_t type,
				    uint8_t code, const struct pkt_spec *about)
{
	uint8_t frame[PKT_MAX];
	size_t len = pkt_build(frame, sizeof(frame), about), ihl = (frame[14] & 0xf) * 4;
	struct pkt_spec e = { .saddr = s, .daddr = d, .proto = IPPROTO_ICMP, .icmp_type = type,
			      .icmp_code = code };

	if (!len || len < 14 + ihl + 8) {
		fprintf(stderr, "pkt_spec_icmp_error: embedded packet: %s\n", pkt_build_error());
		abort();
	}
	memcpy(buf, frame + 14, ihl + 8);
	e.icmp_seq = type == 3 && code == 4 ? 1280 : 0;	/* next-hop MTU */
	e.payload = buf;
	e.payload_len = ihl + 8;
	return e;
}
