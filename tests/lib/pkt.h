/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Test packet builder: Ethernet + IPv4 + TCP/UDP/ICMP frames described by a
 * struct pkt_spec, every checksum computed in full.  Independent of the
 * datapath code, so fixtures state what a correct frame looks like.
 *
 *	static const struct pkt_spec syn = {
 *		.saddr = IP4(10, 0, 1, 5), .daddr = IP4(10, 96, 0, 10),
 *		.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
 *		.tcp_flags = PKT_SYN, .seq = 1,
 *	};
 *	uint8_t buf[PKT_MAX];
 *	size_t len = pkt_build(buf, sizeof(buf), &syn);
 *
 * Zero fields take the defaults noted below, so a spec names only what the
 * case is about; `struct pkt_spec out = in; out.daddr = ...;` states the
 * expected rewrite.
 */
#ifndef DPLAB_TESTS_PKT_H
#define DPLAB_TESTS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/types.h>

#define PKT_MAX 4096			/* big enough for any frame built here */

/* An IPv4 address in network order, usable in static initializers. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define IP4(a, b, c, d)							\
	((__be32)((__u32)(a) | (__u32)(b) << 8 | (__u32)(c) << 16 | (__u32)(d) << 24))
#else
#define IP4(a, b, c, d)							\
	((__be32)((__u32)(a) << 24 | (__u32)(b) << 16 | (__u32)(c) << 8 | (__u32)(d)))
#endif
/* "10.0.0.1" in network order; aborts on a malformed address. */
__be32 ip4(const char *dotted);

/* TCP flags for pkt_spec.tcp_flags. */
#define PKT_FIN 0x01
#define PKT_SYN 0x02
#define PKT_RST 0x04
#define PKT_PSH 0x08
#define PKT_ACK 0x10

#define PKT_VXLAN_PORT 4789

/* Default MACs, used when eth_src / eth_dst are all zero. */
#define PKT_MAC_SRC { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
#define PKT_MAC_DST { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 }

struct pkt_spec {
	uint8_t eth_src[6];		/* all zero: PKT_MAC_SRC */
	uint8_t eth_dst[6];		/* all zero: PKT_MAC_DST */
	uint16_t ethertype;		/* 0: 0x0800.  Other values build
					 * Ethernet + payload only */
	/* IPv4 */
	__be32 saddr, daddr;		/* IP4(...) or ip4("...") */
	uint8_t ttl;			/* 0: 64 */
	uint8_t tos;
	uint16_t ip_id;
	uint8_t proto;			/* 0: IPPROTO_TCP.  Protocols other than
					 * TCP/UDP/ICMP get no L4 header */
	uint8_t ip_opt_len;		/* bytes of IP options (multiple of 4,
					 * <= 40), all NOP: ihl = 5 + len / 4 */
	bool df, mf;			/* Don't Fragment, More Fragments */
	uint16_t frag_off;		/* fragment offset in bytes (multiple of
					 * 8); > 0: no L4 header, payload only */
	/* TCP / UDP (host order) */
	uint16_t sport, dport;		/* UDP dport 0 with .inner: 4789 */
	uint8_t tcp_flags;		/* PKT_SYN | PKT_ACK ... */
	uint32_t seq, ack;
	bool udp_no_csum;		/* UDP checksum 0 ("none") */
	/* ICMP */
	uint8_t icmp_type, icmp_code;	/* ICMP_ECHO (8), ICMP_ECHOREPLY (0) */
	uint16_t icmp_id, icmp_seq;
	/* Payload after the L4 header */
	const uint8_t *payload;		/* NULL: a pattern, byte i = i & 0xff */
	size_t payload_len;
	/* VXLAN: the payload is a VXLAN header (vni) + the built inner frame;
	 * proto is forced to UDP and dport defaults to 4789. */
	const struct pkt_spec *inner;
	uint32_t vni;
	/* Malformed frames */
	size_t truncate_to;		/* > 0: cut the built frame to this */
};

/*
 * Build the frame into buf; its length, or 0 when the spec is invalid or
 * cap too small (then pkt_build_error() says why).
 */
size_t pkt_build(uint8_t *buf, size_t cap, const struct pkt_spec *s);
const char *pkt_build_error(void);

/*
 * Wrap an inner Ethernet frame in outer Ethernet/IPv4/UDP/VXLAN: the outer
 * headers come from outer (proto forced to UDP, dport 0 = 4789, its
 * payload/inner fields ignored).  Length or 0 as for pkt_build.
 */
size_t pkt_build_vxlan(uint8_t *buf, size_t cap, const struct pkt_spec *outer,
		       uint32_t vni, const uint8_t *inner, size_t inner_len);

/*
 * The spec of an ICMP error (type, code) from s to d about the packet
 * `about`: its IPv4 header and first 8 bytes of L4, copied into buf (at
 * least 68 bytes, alive as long as the spec).  Frag-needed (3/4) carries
 * next-hop MTU 1280.  Aborts when about cannot be built.
 */
struct pkt_spec pkt_spec_icmp_error(uint8_t *buf, __be32 s, __be32 d, uint8_t type,
				    uint8_t code, const struct pkt_spec *about);

/* Decoding, for failure messages (pkt_decode.c). */

/*
 * One line: "10.0.0.1:1234 -> 10.96.0.10:80 TCP SYN ttl 64 len 54",
 * "... ICMP echo-request id 7 seq 1", "... VXLAN vni 42 [inner]",
 * "ethertype 0x86dd len 60", "truncated IPv4 header len 20".
 */
void pkt_describe(const uint8_t *frame, size_t len, char *buf, size_t buflen);

/* Name of the header field at byte offset off ("IPv4 daddr", "TCP checksum",
 * "inner TCP dport", "payload", ...). */
void pkt_field_name(const uint8_t *frame, size_t len, size_t off, char *buf, size_t buflen);

/*
 * Hex dump, 16 bytes a line with offsets, of the lines holding bytes
 * [from, to) of frame, into buf.  With cmp, lines that differ from cmp
 * (or run past its end) are marked with '*'.
 */
void pkt_hexdump(const uint8_t *frame, size_t len, size_t from, size_t to,
		 const uint8_t *cmp, size_t cmp_len, char *buf, size_t buflen);

#endif /* DPLAB_TESTS_PKT_H */
