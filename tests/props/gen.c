// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The frame generator of the property tests (see props.h).  A frame is
 * built whole by pkt_build() (every checksum right) from a spec drawn for
 * the program's traffic: a packet of a new or a modelled flow, a reply of
 * one, an ICMP error quoting one (inner IPv4 header + 8 bytes or more),
 * another protocol, or not IPv4 at all; with IP options (ihl 6..15),
 * fragments (first and later), any TCP flags, TTL 0/1, UDP without a
 * checksum.  Then some frames are mutated as bytes: cut, padded, given a
 * bad IP total length or UDP length, options other than NOPs, ihl or
 * version broken, bytes flipped.  Mutations that keep the frame's
 * checksums right fix the IP header checksum after themselves, so
 * invariant (a) still judges those frames; byte flips do not.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <arpa/inet.h>

#include "props/props.h"

#define ETH_LEN 14
#define TC_MIN_LEN (ETH_LEN + 20)	/* tc test runs refuse shorter IPv4 */

void props_rng_seed(struct props_rng *r, uint64_t seed)
{
	memset(r, 0, sizeof(*r));
	r->state = seed;
}

void props_rng_data(struct props_rng *r, const uint8_t *data, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	props_rng_seed(r, h);
	r->data = data;
	r->len = len;
}

/* splitmix64 */
static uint64_t next64(struct props_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t props_pick(struct props_rng *r, uint32_t n)
{
	uint32_t v = 0, bytes = n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4, i;

	if (n <= 1)
		return 0;
	if (r->pos + bytes > r->len)
		return (uint32_t)(next64(r) % n);
	for (i = 0; i < bytes; i++)
		v = v << 8 | r->data[r->pos++];
	return v % n;
}

bool props_chance(struct props_rng *r, unsigned int pct)
{
	return props_pick(r, 100) < pct;
}

static __be32 pick_addr(struct props_rng *r, const __be32 *pool, unsigned int n)
{
	if (props_chance(r, 5))
		return htonl(props_pick(r, 0xffffffffU));
	return pool[props_pick(r, n)];
}

/* Few ports (flows that meet again), many (new flows: map pressure), odd ones. */
static uint16_t pick_sport(struct props_rng *r)
{
	static const uint16_t odd[] = { 0, 1, 53, 80, 8080, 30080, 32768, 60999, 65535 };
	unsigned int k = props_pick(r, 10);

	if (k < 5)
		return 40000 + props_pick(r, 3);
	if (k < 9)
		return 32768 + props_pick(r, 28232);
	return odd[props_pick(r, sizeof(odd) / sizeof(odd[0]))];
}

static uint16_t pick_dport(struct props_rng *r, const struct props_traffic *tr)
{
	if (tr->n_dport && !props_chance(r, 15))
		return tr->dport[props_pick(r, tr->n_dport)];
	return (uint16_t)props_pick(r, 0x10000);
}

/* Every TCP flag combination, the usual ones more often. */
static uint8_t pick_flags(struct props_rng *r)
{
	static const uint8_t usual[] = { PKT_SYN, PKT_SYN | PKT_ACK, PKT_ACK, PKT_ACK | PKT_PSH,
					 PKT_FIN | PKT_ACK, PKT_RST, PKT_RST | PKT_ACK };

	if (props_chance(r, 50))
		return usual[props_pick(r, sizeof(usual) / sizeof(usual[0]))];
	return (uint8_t)props_pick(r, 256);
}

/* Ports (or the echo id) of tuple t into spec s. */
static void spec_ports(struct pkt_spec *s, const struct props_tuple *t)
{
	s->saddr = t->saddr;
	s->daddr = t->daddr;
	s->proto = t->proto;
	if (t->proto == IPPROTO_ICMP) {
		s->icmp_type = t->sport || !t->dport ? 8 : 0;
		s->icmp_id = t->sport ? t->sport : t->dport;
		return;
	}
	s->sport = t->sport;
	s->dport = t->dport;
}

/* A packet with tuple t: flags, payload, ids drawn. */
static void spec_packet(struct props_rng *r, struct pkt_spec *s, const struct props_tuple *t)
{
	memset(s, 0, sizeof(*s));
	spec_ports(s, t);
	s->tcp_flags = pick_flags(r);
	s->seq = (uint32_t)props_pick(r, 0xffffffffU);
	s->ack = s->tcp_flags & PKT_ACK ? (uint32_t)props_pick(r, 0xffffffffU) : 0;
	s->icmp_seq = (uint16_t)props_pick(r, 0x10000);
	s->ip_id = (uint16_t)props_pick(r, 0x10000);
	s->payload_len = props_chance(r, 10) ? props_pick(r, 1400) : props_pick(r, 120);
}

/* A new flow of the program's traffic. */
static void new_tuple(struct props_rng *r, const struct props_traffic *tr, struct props_tuple *t)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDP,
					  IPPROTO_ICMP };

	memset(t, 0, sizeof(*t));
	t->saddr = pick_addr(r, tr->src, tr->n_src);
	t->daddr = pick_addr(r, tr->dst, tr->n_dst);
	t->proto = protos[props_pick(r, sizeof(protos))];
	if (t->proto == IPPROTO_ICMP) {
		/* an echo request (id as sport) or, now and then, a reply */
		if (props_chance(r, 80))
			t->sport = pick_sport(r);
		else
			t->dport = pick_sport(r);
		return;
	}
	t->sport = pick_sport(r);
	t->dport = pick_dport(r, tr);
}

/* The bytes an ICMP error quotes: the inner IPv4 header and 8 bytes, or more. */
static size_t quote(struct props_rng *r, const struct props_tuple *inner, uint8_t *out,
		    size_t cap)
{
	uint8_t frame[PKT_MAX];
	struct pkt_spec s;
	size_t len, ihl, n;

	spec_packet(r, &s, inner);
	s.payload_len = 64;
	if (props_chance(r, 10))
		s.ip_opt_len = 4 * (1 + props_pick(r, 10));
	len = pkt_build(frame, sizeof(frame), &s);
	if (!len)
		return 0;
	ihl = (size_t)(frame[ETH_LEN] & 15) * 4;
	n = props_chance(r, 80) ? ihl + 8 : ihl + 8 + props_pick(r, len - ETH_LEN - ihl - 7);
	if (n > cap)
		n = cap;
	memcpy(out, frame + ETH_LEN, n);
	return n;
}

/* An ICMP error from src to dst quoting inner, in s (payload in buf). */
static void spec_icmp_error(struct props_rng *r, struct pkt_spec *s, __be32 src, __be32 dst,
			    const struct props_tuple *inner, uint8_t *buf, size_t cap)
{
	static const uint8_t types[] = { 3, 3, 3, 11, 12, 4, 5 };

	memset(s, 0, sizeof(*s));
	s->saddr = src;
	s->daddr = dst;
	s->proto = IPPROTO_ICMP;
	s->icmp_type = types[props_pick(r, sizeof(types))];
	s->icmp_code = s->icmp_type == 3 ? (props_chance(r, 40) ? 4 : props_pick(r, 16)) :
		       s->icmp_type == 11 ? props_pick(r, 2) : 0;
	if (s->icmp_type == 3 && s->icmp_code == 4)
		s->icmp_seq = 576 + props_pick(r, 1000);	/* next-hop MTU */
	s->ip_id = (uint16_t)props_pick(r, 0x10000);
	s->payload = buf;
	s->payload_len = quote(r, inner, buf, cap);
}

/* The tuple of the frame to make, and whether it is an ICMP error about it. */
static const char *draw_flow(struct props_rng *r, const struct props_prog *p,
			     struct props_model *m, struct props_tuple *t, bool *err_about,
			     __be32 *err_from)
{
	const struct props_traffic *tr = p->traffic;
	const struct props_flow *f = NULL;
	const char *what = "new flow";
	unsigned int k = props_pick(r, 100);

	*err_about = false;
	if ((tr->replies || tr->fwd_again) && k < 55)
		f = props_model_any(m, r);
	if (f && tr->replies && (!tr->fwd_again || k < 30)) {
		*t = f->reply;
		what = "reply of a modelled flow";
		if (props_chance(r, 35)) {
			/* the error quotes the packet as the flow sent it */
			props_tuple_reverse(&f->reply, t);
			*err_about = true;
			*err_from = props_chance(r, 50) ? f->reply.saddr : PR_ROUTER;
			return "ICMP error about a modelled flow";
		}
		return what;
	}
	if (f) {
		*t = f->orig;
		return "packet of a modelled flow";
	}
	new_tuple(r, tr, t);
	if (props_chance(r, 12)) {
		/* from a source of the traffic, about a packet that went to it */
		*err_about = true;
		*err_from = t->saddr;
		props_tuple_reverse(t, t);
		return "ICMP error";
	}
	return what;
}

/* IP options, fragments, TTL, DF and checksum-less UDP on a built-to-be spec. */
static void spec_twists(struct props_rng *r, struct pkt_spec *s, char *what, size_t len)
{
	size_t n = strlen(what);

	if (props_chance(r, 12)) {
		s->ip_opt_len = 4 * (1 + props_pick(r, 10));
		n += snprintf(what + n, len - n, ", %u bytes of IP options", s->ip_opt_len);
	}
	if (props_chance(r, 12)) {
		s->mf = props_chance(r, 70);
		s->frag_off = props_chance(r, 50) ? 0 : 8 * (1 + props_pick(r, 200));
		n += snprintf(what + n, len - n, ", %s fragment",
			      s->frag_off ? "later" : "first");
		if (!s->frag_off && !s->mf)
			s->mf = true;
	}
	if (props_chance(r, 5))
		s->ttl = props_pick(r, 3);		/* 0 (default 64), 1, 2 */
	s->df = props_chance(r, 40);
	if (s->proto == IPPROTO_UDP && props_chance(r, 20))
		s->udp_no_csum = true;
}

/* Protocols without ports, and frames that are not IPv4. */
static size_t other_frame(struct props_rng *r, const struct props_traffic *tr, uint8_t *buf,
			  size_t cap, char *what, size_t what_len)
{
	/* (protocol 0 cannot be built: pkt.h reads it as TCP) */
	static const uint8_t protos[] = { 2, 4, 47, 50, 89, 132, 255 };
	static const uint16_t types[] = { 0x0806, 0x86dd, 0x8100, 0x88cc, 0x0801 };
	struct pkt_spec s = { 0 };

	if (props_chance(r, 60)) {
		s.saddr = pick_addr(r, tr->src, tr->n_src);
		s.daddr = pick_addr(r, tr->dst, tr->n_dst);
		s.proto = protos[props_pick(r, sizeof(protos))];
		s.payload_len = props_pick(r, 200);
		snprintf(what, what_len, "IPv4 protocol %u", s.proto);
		spec_twists(r, &s, what, what_len);
	} else {
		s.ethertype = types[props_pick(r, sizeof(types) / sizeof(types[0]))];
		s.payload_len = 40 + props_pick(r, 200);
		snprintf(what, what_len, "ethertype 0x%04x", s.ethertype);
	}
	return pkt_build(buf, cap, &s);
}

static void fix_ip_csum(uint8_t *f)
{
	uint8_t *ip = f + ETH_LEN;
	uint16_t c = props_ip_csum(ip, (size_t)(ip[0] & 15) * 4);

	ip[10] = c >> 8;
	ip[11] = c & 0xff;
}

/* Options other than NOPs: record-route, timestamp, router alert, EOL. */
static void mutate_options(struct props_rng *r, uint8_t *f, size_t ihl)
{
	uint8_t *opt = f + ETH_LEN + 20;
	size_t n = ihl - 20;

	switch (props_pick(r, 4)) {
	case 0:				/* record route: type, length, pointer */
		opt[0] = 7;
		opt[1] = n - 1 < 3 ? 3 : n - 1;
		opt[2] = 4;
		memset(opt + 3, 0, n - 3);
		break;
	case 1:				/* timestamp */
		opt[0] = 68;
		opt[1] = n;
		opt[2] = 5;
		opt[3] = 0;
		memset(opt + 4, 0, n - 4);
		break;
	case 2:				/* router alert, then NOPs */
		opt[0] = 148;
		opt[1] = 4;
		opt[2] = opt[3] = 0;
		break;
	default:			/* end of options at once */
		memset(opt, 0, n);
	}
	fix_ip_csum(f);
}

/*
 * Byte-level mutations of a built frame (new length returned).  Those
 * that keep checksums right come first; flips last.
 */
static size_t mutate(struct props_rng *r, const struct props_prog *p, uint8_t *f, size_t len,
		     size_t cap, char *what, size_t what_len)
{
	bool ipv4 = len >= TC_MIN_LEN && f[12] == 0x08 && f[13] == 0x00;
	bool ipv6 = f[12] == 0x86 && f[13] == 0xdd;
	size_t n = strlen(what), ihl, i, k;
	size_t min = p->xdp ? ETH_LEN : ipv6 ? ETH_LEN + 40 : TC_MIN_LEN;
	uint8_t *ip = f + ETH_LEN;
	uint16_t v;

	ihl = ipv4 ? (size_t)(ip[0] & 15) * 4 : 0;
	if (ipv4 && ihl > 20 && ihl <= len - ETH_LEN && props_chance(r, 50)) {
		mutate_options(r, f, ihl);
		n += snprintf(what + n, what_len - n, ", options not NOPs");
	}
	if (ipv4 && props_chance(r, 4)) {
		v = props_chance(r, 50) ? (uint16_t)props_pick(r, 0x10000) :
					  (uint16_t)(len - ETH_LEN + props_pick(r, 9) - 4);
		ip[2] = v >> 8;
		ip[3] = v & 0xff;
		fix_ip_csum(f);
		n += snprintf(what + n, what_len - n, ", IP total length %u", v);
	}
	if (ipv4 && ip[9] == IPPROTO_UDP && ihl + 8 <= len - ETH_LEN &&
	    !(ip[ihl + 6] | ip[ihl + 7]) && props_chance(r, 30)) {
		v = (uint16_t)props_pick(r, 0x10000);	/* no checksum: still valid */
		ip[ihl + 4] = v >> 8;
		ip[ihl + 5] = v & 0xff;
		n += snprintf(what + n, what_len - n, ", UDP length %u", v);
	}
	if (ipv4 && props_chance(r, 2)) {
		ip[0] = (uint8_t)(props_chance(r, 50) ? 0x40 | props_pick(r, 5) : props_pick(r, 256));
		fix_ip_csum(f);
		n += snprintf(what + n, what_len - n, ", version/ihl byte 0x%02x", ip[0]);
	}
	if (props_chance(r, 4) && len + 32 <= cap) {
		k = 1 + props_pick(r, 32);	/* Ethernet padding past the IP datagram */
		for (i = 0; i < k; i++)
			f[len + i] = (uint8_t)props_pick(r, 256);
		len += k;
		n += snprintf(what + n, what_len - n, ", %zu bytes of padding", k);
	}
	if (len > min && props_chance(r, 8)) {
		len = min + props_pick(r, len - min);
		n += snprintf(what + n, what_len - n, ", cut to %zu bytes", len);
	}
	if (props_chance(r, 6)) {
		k = 1 + props_pick(r, 4);
		for (i = 0; i < k; i++)
			f[props_pick(r, len)] ^= (uint8_t)(1 + props_pick(r, 255));
		n += snprintf(what + n, what_len - n, ", %zu bytes flipped", k);
	}
	return len;
}

size_t props_gen(struct props_rng *r, const struct props_prog *p, struct props_model *m,
		 uint8_t *buf, size_t cap, char *what, size_t what_len)
{
	uint8_t quoted[PKT_MAX];
	struct props_tuple t;
	struct pkt_spec s;
	bool err_about;
	__be32 err_from = 0;
	size_t len;

	if (props_chance(r, 6)) {
		len = other_frame(r, p->traffic, buf, cap, what, what_len);
	} else {
		snprintf(what, what_len, "%s", draw_flow(r, p, m, &t, &err_about, &err_from));
		if (err_about)
			spec_icmp_error(r, &s, err_from, t.saddr, &t, quoted, sizeof(quoted));
		else
			spec_packet(r, &s, &t);
		spec_twists(r, &s, what, what_len);
		len = pkt_build(buf, cap, &s);
	}
	if (!len) {
		snprintf(what, what_len, "(spec did not build: %s)", pkt_build_error());
		return 0;
	}
	if (len < cap && (p->xdp ? len : len >= TC_MIN_LEN))
		len = mutate(r, p, buf, len, cap, what, what_len);
	return len;
}

double props_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double props_env_num(const char *name, double dflt)
{
	const char *v = getenv(name);

	return v && v[0] ? strtod(v, NULL) : dflt;
}

uint64_t props_pick_seed(void)
{
	const char *v = getenv("DPLAB_PROPS_SEED");

	if (v && v[0])
		return strtoull(v, NULL, 0);
	return (uint64_t)time(NULL) * 2654435761ULL ^ (uint64_t)getpid();
}
