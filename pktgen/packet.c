// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test frame builder (see packet.h).  Checksums are ones' complement sums
 * of big-endian 16-bit words; every field rewritten later starts at an even
 * offset in the frame, so updates stay word-aligned.
 */
#include <errno.h>
#include <string.h>

#include "packet.h"

#define IPPROTO_UDP_ 17
#define IPPROTO_TCP_ 6
#define UDP_CSUM_OFF (PG_L4_OFF + 6)
#define TCP_CSUM_OFF (PG_L4_OFF + 16)
#define SEQ_OFF (PG_PAYLOAD_OFF + 8)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* Sum of the words of p[0..n), n even or not (a last odd byte is high). */
static uint64_t csum_add(uint64_t acc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += get16(p + i);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t csum_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') over the n (even) bytes that
 * change from old to new; the checksum field is at csum.
 */
static void csum_replace(uint8_t *csum, const uint8_t *old, const uint8_t *new,
			 size_t n, bool udp)
{
	uint64_t acc = (uint16_t)~get16(csum);
	uint16_t c;
	size_t i;

	for (i = 0; i < n; i += 2)
		acc += (uint16_t)~get16(old + i) + (uint64_t)get16(new + i);
	c = (uint16_t)~csum_fold(acc);
	put16(csum, udp && !c ? 0xffff : c);
}

static void build_eth_ip(uint8_t *buf, const struct pg_pkt_cfg *cfg, uint8_t proto,
			 unsigned ip_len, uint16_t frag)
{
	uint8_t *ip = buf + PG_IP_OFF;

	memcpy(buf, cfg->dst_mac, 6);
	memcpy(buf + 6, cfg->src_mac, 6);
	put16(buf + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = cfg->tos;
	put16(ip + 2, (uint16_t)ip_len);
	put16(ip + 4, 0);			/* id */
	put16(ip + 6, frag);
	ip[8] = cfg->ttl ? cfg->ttl : 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, cfg->saddr);
	put32(ip + 16, cfg->daddr);
	put16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, 20)));
}

/* L4 checksum over pseudo-header and l4_len bytes at PG_L4_OFF. */
static uint16_t l4_csum(const uint8_t *buf, uint8_t proto, unsigned l4_len)
{
	uint64_t acc = csum_add(0, buf + PG_IP_OFF + 12, 8);

	acc += proto + l4_len;
	return (uint16_t)~csum_fold(csum_add(acc, buf + PG_L4_OFF, l4_len));
}

int pg_build_udp(uint8_t *buf, size_t buf_len, const struct pg_pkt_cfg *cfg,
		 unsigned frame_len)
{
	unsigned ip_len = frame_len - PG_IP_OFF, udp_len = ip_len - 20;
	uint8_t *udp = buf + PG_L4_OFF, *pl = buf + PG_PAYLOAD_OFF;
	uint16_t flags = cfg->flags;

	if (frame_len < PG_FRAME_MIN || frame_len > PG_FRAME_MAX)
		return -EINVAL;
	if (buf_len < frame_len)
		return -ENOSPC;
	memset(buf, 0, frame_len);
	build_eth_ip(buf, cfg, IPPROTO_UDP_, ip_len, 0);
	put16(udp, cfg->sport);
	put16(udp + 2, cfg->dport);
	put16(udp + 4, (uint16_t)udp_len);
	if (frame_len < PG_FRAME_MIN_TSC)
		flags |= PG_PF_NO_TSC;
	else
		flags &= ~PG_PF_NO_TSC;
	put32(pl, PG_MAGIC);
	put16(pl + 4, cfg->stream);
	put16(pl + 6, flags);
	/* seq and sched_tsc are 0 (memset) */
	if (cfg->udp_csum) {
		uint16_t c = l4_csum(buf, IPPROTO_UDP_, udp_len);

		put16(udp + 6, c ? c : 0xffff);
	}
	return (int)frame_len;
}

void pg_payload_stamp(uint8_t *frame, unsigned frame_len, uint64_t seq,
		      uint64_t sched_tsc)
{
	size_t n = frame_len >= PG_FRAME_MIN_TSC ? 16 : 8;
	uint8_t *p = frame + SEQ_OFF, old[16];

	if (get16(frame + UDP_CSUM_OFF))
		memcpy(old, p, n);
	put64(p, seq);
	if (n == 16)
		put64(p + 8, sched_tsc);
	if (get16(frame + UDP_CSUM_OFF))
		csum_replace(frame + UDP_CSUM_OFF, old, p, n, true);
}

bool pg_payload_parse(const uint8_t *frame, size_t len, struct pg_payload *out)
{
	const uint8_t *ip = frame + PG_IP_OFF, *pl;
	size_t avail;

	if (len < PG_IP_OFF + 20 || get16(frame + 12) != 0x0800)
		return false;
	if ((ip[0] >> 4) != 4 || ip[9] != IPPROTO_UDP_ || (ip[0] & 0xf) < 5)
		return false;
	pl = ip + (ip[0] & 0xf) * 4 + 8;
	if ((size_t)(pl - frame) + 16 > len)
		return false;
	avail = len - (size_t)(pl - frame);
	if (get32(pl) != PG_MAGIC)
		return false;
	out->magic = PG_MAGIC;
	out->stream = get16(pl + 4);
	out->flags = get16(pl + 6);
	out->seq = get64(pl + 8);
	if (avail >= sizeof(*out) && !(out->flags & PG_PF_NO_TSC)) {
		out->sched_tsc = get64(pl + 16);
	} else {
		out->sched_tsc = 0;
		out->flags |= PG_PF_NO_TSC;
	}
	return true;
}

void pg_flow_apply(const struct pg_flow_cfg *fc, uint8_t *frame, uint32_t flow_index)
{
	uint32_t n_sport = fc->n_sport ? fc->n_sport : 1;
	uint32_t n_saddr = fc->n_saddr ? fc->n_saddr : 1;
	uint8_t *ip = frame + PG_IP_OFF, *l4 = frame + PG_L4_OFF, *l4csum = NULL;
	uint8_t old[6], new[6];

	/* old and new: saddr (4) then sport (2), as in the pseudo-header sum */
	memcpy(old, ip + 12, 4);
	memcpy(old + 4, l4, 2);
	put32(new, fc->saddr_base + (flow_index / n_sport) % n_saddr);
	put16(new + 4, (uint16_t)(fc->sport_base + flow_index % n_sport));
	if (!memcmp(old, new, 6))
		return;
	memcpy(ip + 12, new, 4);
	memcpy(l4, new + 4, 2);
	csum_replace(ip + 10, old, new, 4, false);
	if (ip[9] == IPPROTO_UDP_ && get16(frame + UDP_CSUM_OFF))
		l4csum = frame + UDP_CSUM_OFF;
	else if (ip[9] == IPPROTO_TCP_)
		l4csum = frame + TCP_CSUM_OFF;
	if (l4csum)
		csum_replace(l4csum, old, new, 6, ip[9] == IPPROTO_UDP_);
}

/* 7 x 64, 4 x 570, 1 x 1518 (with FCS), spread over the cycle. */
static const unsigned short imix_cycle[PG_IMIX_CYCLE] = {
	60, 566, 60, 60, 566, 60, 1514, 60, 566, 60, 60, 566,
};

void pg_imix_init(struct pg_imix *im)
{
	im->pos = 0;
}

unsigned pg_imix_next(struct pg_imix *im)
{
	unsigned len = imix_cycle[im->pos];

	im->pos = (im->pos + 1) % PG_IMIX_CYCLE;
	return len;
}

double pg_imix_avg_len(void)
{
	return (7.0 * 60 + 4.0 * 566 + 1514) / PG_IMIX_CYCLE;
}

int pg_build_tcp_syn(uint8_t *buf, size_t buf_len, const struct pg_pkt_cfg *cfg,
		     uint16_t sport, uint32_t seq)
{
	uint8_t *tcp = buf + PG_L4_OFF;

	if (buf_len < PG_TCP_SYN_LEN)
		return -ENOSPC;
	memset(buf, 0, PG_TCP_SYN_LEN);
	build_eth_ip(buf, cfg, IPPROTO_TCP_, 20 + 24, 0x4000 /* DF */);
	put16(tcp, sport);
	put16(tcp + 2, cfg->dport);
	put32(tcp + 4, seq);
	put32(tcp + 8, 0);
	tcp[12] = 6 << 4;			/* data offset: 24 bytes */
	tcp[13] = 0x02;				/* SYN */
	put16(tcp + 14, 64240);
	tcp[20] = 2;				/* MSS */
	tcp[21] = 4;
	put16(tcp + 22, 1460);
	put16(tcp + 16, l4_csum(buf, IPPROTO_TCP_, 24));
	return PG_TCP_SYN_LEN;
}
