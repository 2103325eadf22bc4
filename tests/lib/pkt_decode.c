// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Decoding of test frames for failure messages: a one-line summary, the
 * name of the field at a byte offset, and a hex dump that marks the lines
 * where two frames differ.  Reads only what the frame holds.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/pkt.h"

#define ETH_LEN 14

static void app(char *buf, size_t buflen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void app(char *buf, size_t buflen, const char *fmt, ...)
{
	size_t used = strnlen(buf, buflen);
	va_list ap;

	if (used + 1 >= buflen)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, buflen - used, fmt, ap);
	va_end(ap);
}

static unsigned int get16(const uint8_t *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static const char *addr(const uint8_t *p, char *s)
{
	return inet_ntop(AF_INET, p, s, INET_ADDRSTRLEN);
}

static void describe_icmp(const uint8_t *l4, char *buf, size_t buflen)
{
	switch (l4[0]) {
	case 0:
	case 8:
		app(buf, buflen, " ICMP echo-%s id %u seq %u", l4[0] ? "request" : "reply",
		    get16(l4 + 4), get16(l4 + 6));
		break;
	case 3:
		app(buf, buflen, " ICMP dest-unreachable code %u", l4[1]);
		break;
	case 11:
		app(buf, buflen, " ICMP time-exceeded code %u", l4[1]);
		break;
	default:
		app(buf, buflen, " ICMP type %u code %u", l4[0], l4[1]);
	}
}

static void describe(const uint8_t *f, size_t len, char *buf, size_t buflen, int depth)
{
	static const char *const flag_names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG" };
	char sa[INET_ADDRSTRLEN], da[INET_ADDRSTRLEN];
	const uint8_t *ip = f + ETH_LEN, *l4;
	size_t ihl, l4_len, tot;
	unsigned int frag, i;

	if (len < ETH_LEN) {
		app(buf, buflen, "runt frame len %zu", len);
		return;
	}
	if (get16(f + 12) != 0x0800) {
		app(buf, buflen, "ethertype 0x%04x len %zu", get16(f + 12), len);
		return;
	}
	if (len < ETH_LEN + 20 || ip[0] >> 4 != 4 || (ip[0] & 15) < 5 ||
	    len < ETH_LEN + (size_t)(ip[0] & 15) * 4) {
		app(buf, buflen, "IPv4 with a truncated or bad header (byte 0x%02x) len %zu",
		    len > ETH_LEN ? ip[0] : 0, len);
		return;
	}
	ihl = (ip[0] & 15) * 4;
	tot = get16(ip + 2);
	l4 = ip + ihl;
	l4_len = len - ETH_LEN - ihl;
	frag = get16(ip + 6);
	addr(ip + 12, sa);
	addr(ip + 16, da);
	if (frag & 0x1fff) {
		app(buf, buflen, "%s -> %s proto %u fragment off %u", sa, da, ip[9],
		    (frag & 0x1fff) * 8);
	} else if (ip[9] == IPPROTO_TCP && l4_len >= 20) {
		app(buf, buflen, "%s:%u -> %s:%u TCP", sa, get16(l4), da, get16(l4 + 2));
		for (i = 0; i < 6; i++)
			if (l4[13] & 1 << i)
				app(buf, buflen, " %s", flag_names[i]);
		if (!(l4[13] & 0x3f))
			app(buf, buflen, " no-flags");
	} else if (ip[9] == IPPROTO_UDP && l4_len >= 8) {
		app(buf, buflen, "%s:%u -> %s:%u UDP%s", sa, get16(l4), da, get16(l4 + 2),
		    get16(l4 + 6) ? "" : " no-csum");
		if (get16(l4 + 2) == PKT_VXLAN_PORT && l4_len >= 16 && depth == 0) {
			app(buf, buflen, " VXLAN vni %u [", get16(l4 + 12) << 8 | l4[14]);
			describe(l4 + 16, l4_len - 16, buf, buflen, depth + 1);
			app(buf, buflen, "]");
		}
	} else if (ip[9] == IPPROTO_ICMP && l4_len >= 8) {
		app(buf, buflen, "%s -> %s", sa, da);
		describe_icmp(l4, buf, buflen);
	} else if (ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP || ip[9] == IPPROTO_ICMP) {
		app(buf, buflen, "%s -> %s %s (truncated L4 header)", sa, da,
		    ip[9] == IPPROTO_TCP ? "TCP" : ip[9] == IPPROTO_UDP ? "UDP" : "ICMP");
	} else {
		app(buf, buflen, "%s -> %s proto %u", sa, da, ip[9]);
	}
	app(buf, buflen, " ttl %u len %zu", ip[8], len);
	if (ihl > 20)
		app(buf, buflen, " ip-opts %zu", ihl - 20);
	if (frag & 0x4000)
		app(buf, buflen, " DF");
	if (frag & 0x2000)
		app(buf, buflen, " MF");
	if (tot != len - ETH_LEN)
		app(buf, buflen, " (IP total length %zu)", tot);
}

void pkt_describe(const uint8_t *frame, size_t len, char *buf, size_t buflen)
{
	if (!buflen)
		return;
	buf[0] = '\0';
	describe(frame, len, buf, buflen, 0);
}

struct field {
	size_t end;			/* first byte after the field */
	const char *name;
};

static const struct field eth_fields[] = {
	{ 6, "eth dst" }, { 12, "eth src" }, { 14, "ethertype" }, { 0, NULL },
};
static const struct field ip_fields[] = {
	{ 1, "IPv4 version/ihl" }, { 2, "IPv4 tos" }, { 4, "IPv4 total length" },
	{ 6, "IPv4 id" }, { 8, "IPv4 flags/fragment offset" }, { 9, "IPv4 ttl" },
	{ 10, "IPv4 protocol" }, { 12, "IPv4 checksum" }, { 16, "IPv4 saddr" },
	{ 20, "IPv4 daddr" }, { 0, NULL },
};
static const struct field tcp_fields[] = {
	{ 2, "TCP sport" }, { 4, "TCP dport" }, { 8, "TCP seq" }, { 12, "TCP ack" },
	{ 13, "TCP data offset" }, { 14, "TCP flags" }, { 16, "TCP window" },
	{ 18, "TCP checksum" }, { 20, "TCP urgent pointer" }, { 0, NULL },
};
static const struct field udp_fields[] = {
	{ 2, "UDP sport" }, { 4, "UDP dport" }, { 6, "UDP length" },
	{ 8, "UDP checksum" }, { 16, "VXLAN header" }, { 0, NULL },
};
static const struct field icmp_fields[] = {
	{ 1, "ICMP type" }, { 2, "ICMP code" }, { 4, "ICMP checksum" },
	{ 6, "ICMP id" }, { 8, "ICMP seq" }, { 0, NULL },
};

/* Name of off in a header laid out as fields; NULL past the header. */
static const char *lookup(const struct field *t, size_t off)
{
	for (; t->name; t++)
		if (off < t->end)
			return t->name;
	return NULL;
}

static void field_name(const uint8_t *f, size_t len, size_t off, char *buf, size_t buflen,
		       int depth)
{
	const char *pfx = depth ? "inner " : "", *name;
	const uint8_t *ip = f + ETH_LEN;
	size_t ihl, tot, l4_off;
	int vxlan;

	if (off >= len) {
		app(buf, buflen, "past the end of the %sframe", pfx);
		return;
	}
	if (off < ETH_LEN) {
		app(buf, buflen, "%s%s", pfx, lookup(eth_fields, off));
		return;
	}
	if (get16(f + 12) != 0x0800 || len < ETH_LEN + 20) {
		app(buf, buflen, "%sEthernet payload", pfx);
		return;
	}
	ihl = (ip[0] & 15) * 4;
	tot = get16(ip + 2);
	off -= ETH_LEN;
	if (off < 20) {
		app(buf, buflen, "%s%s", pfx, lookup(ip_fields, off));
		return;
	}
	if (off >= tot) {
		app(buf, buflen, "%sbytes after the IPv4 total length", pfx);
		return;
	}
	if (off < ihl) {
		app(buf, buflen, "%sIPv4 options", pfx);
		return;
	}
	l4_off = off - ihl;
	if (get16(ip + 6) & 0x1fff) {
		app(buf, buflen, "%sIPv4 fragment payload", pfx);
		return;
	}
	vxlan = ip[9] == IPPROTO_UDP && len >= ETH_LEN + ihl + 16 &&
		get16(ip + ihl + 2) == PKT_VXLAN_PORT && !depth;
	name = ip[9] == IPPROTO_TCP ? lookup(tcp_fields, l4_off) :
	       ip[9] == IPPROTO_UDP ? lookup(udp_fields, l4_off) :
	       ip[9] == IPPROTO_ICMP ? lookup(icmp_fields, l4_off) : NULL;
	if (name && (ip[9] != IPPROTO_UDP || l4_off < 8 || vxlan)) {
		app(buf, buflen, "%s%s", pfx, name);
		return;
	}
	if (vxlan) {
		app(buf, buflen, "inner frame byte %zu: ", l4_off - 16);
		field_name(ip + ihl + 16, len - ETH_LEN - ihl - 16, l4_off - 16, buf, buflen, 1);
		return;
	}
	if (ip[9] == IPPROTO_TCP && len > ETH_LEN + ihl + 12 &&
	    l4_off < (size_t)(ip[ihl + 12] >> 4) * 4)
		app(buf, buflen, "%sTCP options", pfx);
	else
		app(buf, buflen, "%spayload", pfx);
}

void pkt_field_name(const uint8_t *frame, size_t len, size_t off, char *buf, size_t buflen)
{
	if (!buflen)
		return;
	buf[0] = '\0';
	field_name(frame, len, off, buf, buflen, 0);
}

void pkt_hexdump(const uint8_t *frame, size_t len, size_t from, size_t to,
		 const uint8_t *cmp, size_t cmp_len, char *buf, size_t buflen)
{
	size_t line, i;
	int differs;

	if (!buflen)
		return;
	buf[0] = '\0';
	if (to > len)
		to = len;
	for (line = from & ~(size_t)15; line < to; line += 16) {
		differs = 0;
		for (i = line; cmp && i < line + 16 && i < len; i++)
			differs |= i >= cmp_len || frame[i] != cmp[i];
		if (cmp && line + 16 > len && cmp_len > len)
			differs = 1;	/* cmp goes on past our end */
		app(buf, buflen, "%c %04zx ", differs ? '*' : ' ', line);
		for (i = line; i < line + 16 && i < len; i++)
			app(buf, buflen, "%s%02x", i % 8 ? " " : "  ", frame[i]);
		app(buf, buflen, "\n");
	}
}
