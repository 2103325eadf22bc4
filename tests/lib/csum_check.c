// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Checksum checker (see csum_check.h).  Written apart from the builder
 * (pkt.c): a checksum is the complement of the sum of all 16-bit words
 * with the checksum field itself left out, recomputed from scratch.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/csum_check.h"

#define ETH_HDR 14
#define VXLAN_UDP_PORT 4789

struct verdict {
	char done[256];			/* what was checked and found right */
	char *why;			/* the caller's: what is wrong */
	size_t why_len;
};

static bool ok(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(struct verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Note a part found right; true. */
static bool ok(struct verdict *v, const char *fmt, ...)
{
	size_t used = strlen(v->done);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->done + used, sizeof(v->done) - used, fmt, ap);
	va_end(ap);
	return true;
}

/* Say what is wrong; false. */
static bool bad(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->why && v->why_len) {
		va_start(ap, fmt);
		vsnprintf(v->why, v->why_len, fmt, ap);
		va_end(ap);
	}
	return false;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Ones' complement sum of the words of p[0..n) as 32-bit accumulation,
 * skipping the word at byte offset skip (the checksum field; pass n or more
 * to skip nothing).
 */
static uint32_t add_words(uint32_t acc, const uint8_t *p, size_t n, size_t skip)
{
	size_t i;

	for (i = 0; i < n; i += 2) {
		if (i == skip)
			continue;
		acc += i + 1 < n ? be16_at(p + i) : (uint32_t)p[i] << 8;
	}
	return acc;
}

static uint16_t complement(uint32_t acc)
{
	acc = (acc >> 16) + (acc & 0xffff);
	acc += acc >> 16;
	return (uint16_t)~acc;
}

/* Two encodings of ones' complement zero: both verify at a receiver. */
static bool same_csum(uint16_t expected, uint16_t found)
{
	return found == expected || (expected == 0 && found == 0xffff) ||
	       (expected == 0xffff && found == 0);
}

static bool check_frame(const uint8_t *f, size_t len, struct verdict *v, int depth);

static bool check_l4(const uint8_t *ip, size_t ihl, size_t tot, struct verdict *v,
		     int depth, const char *pfx)
{
	const uint8_t *l4 = ip + ihl;
	size_t l4_len = tot - ihl, doff, ulen;
	uint16_t expected, found;
	uint32_t pseudo;

	pseudo = add_words(0, ip + 12, 8, 8) + ip[9];	/* saddr, daddr, proto */
	switch (ip[9]) {
	case 6:
		if (l4_len < 20)
			return bad(v, "%struncated: TCP header needs 20 bytes, IP payload "
				   "is %zu", pfx, l4_len);
		doff = (size_t)(l4[12] >> 4) * 4;
		if (doff < 20 || doff > l4_len)
			return bad(v, "%sTCP data offset %zu does not fit the IP payload "
				   "of %zu bytes", pfx, doff, l4_len);
		expected = complement(add_words(pseudo + l4_len, l4, l4_len, 16));
		found = be16_at(l4 + 16);
		if (!same_csum(expected, found))
			return bad(v, "%sTCP checksum: expected 0x%04x, found 0x%04x",
				   pfx, expected, found);
		return ok(v, ", %sTCP", pfx);
	case 17:
		if (l4_len < 8)
			return bad(v, "%struncated: UDP header needs 8 bytes, IP payload "
				   "is %zu", pfx, l4_len);
		ulen = be16_at(l4 + 4);
		if (ulen < 8 || ulen > l4_len)
			return bad(v, "%sUDP length %zu does not fit the IP payload of "
				   "%zu bytes", pfx, ulen, l4_len);
		found = be16_at(l4 + 6);
		expected = complement(add_words(pseudo + ulen, l4, ulen, 6));
		if (!expected)
			expected = 0xffff;	/* RFC 768: computed 0 is sent as 0xffff */
		if (found && found != expected)
			return bad(v, "%sUDP checksum: expected 0x%04x, found 0x%04x",
				   pfx, expected, found);
		ok(v, ", %sUDP%s", pfx, found ? "" : " (checksum 0: none)");
		if (be16_at(l4 + 2) == VXLAN_UDP_PORT && ulen >= 16 + ETH_HDR && !depth) {
			ok(v, ", VXLAN inner frame: ");
			return check_frame(l4 + 16, ulen - 16, v, depth + 1);
		}
		return true;
	case 1:
		if (l4_len < 8)
			return bad(v, "%struncated: ICMP header needs 8 bytes, IP payload "
				   "is %zu", pfx, l4_len);
		expected = complement(add_words(0, l4, l4_len, 2));
		found = be16_at(l4 + 2);
		if (!same_csum(expected, found))
			return bad(v, "%sICMP checksum: expected 0x%04x, found 0x%04x",
				   pfx, expected, found);
		return ok(v, ", %sICMP", pfx);
	default:
		return ok(v, ", %sprotocol %u has no checksum checked here", pfx, ip[9]);
	}
}

static bool check_frame(const uint8_t *f, size_t len, struct verdict *v, int depth)
{
	const char *pfx = depth ? "inner " : "";
	const uint8_t *ip = f + ETH_HDR;
	uint16_t expected, found, ethertype;
	size_t ihl, tot;

	if (len < ETH_HDR)
		return bad(v, "%struncated: %zu bytes, no Ethernet header", pfx, len);
	ethertype = be16_at(f + 12);
	if (ethertype != 0x0800)
		return ok(v, "%snot IPv4 (ethertype 0x%04x): nothing to check",
			  pfx, ethertype);
	if (len < ETH_HDR + 20)
		return bad(v, "%struncated: IPv4 header needs 20 bytes, frame holds %zu",
			   pfx, len - ETH_HDR);
	if (ip[0] >> 4 != 4)
		return bad(v, "%sIPv4 ethertype but IP version %u", pfx, ip[0] >> 4);
	ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20 || ihl > len - ETH_HDR)
		return bad(v, "%sIPv4 header length %zu does not fit the %zu bytes after "
			   "Ethernet", pfx, ihl, len - ETH_HDR);
	tot = be16_at(ip + 2);
	if (tot < ihl || tot > len - ETH_HDR)
		return bad(v, "%struncated: IP total length %zu, frame holds %zu",
			   pfx, tot, len - ETH_HDR);
	expected = complement(add_words(0, ip, ihl, 10));
	found = be16_at(ip + 10);
	if (!same_csum(expected, found))
		return bad(v, "%sIPv4 header checksum: expected 0x%04x, found 0x%04x",
			   pfx, expected, found);
	ok(v, "%sIPv4 header", pfx);
	if (be16_at(ip + 6) & 0x3fff)
		return ok(v, " (fragment: L4 not checked)");
	return check_l4(ip, ihl, tot, v, depth, pfx);
}

bool pkt_csum_verify(const uint8_t *frame, size_t len, char *why, size_t why_len)
{
	struct verdict v = { .why = why, .why_len = why_len };

	if (!check_frame(frame, len, &v, 0))
		return false;
	if (why && why_len)
		snprintf(why, why_len, "%s", v.done);
	return true;
}
