// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The packet-test harness itself: the builder (pkt.c) against frames made
 * by an independent tool, the checker (csum_check.c) against corrupted
 * frames, the decoder's messages, the pcap writer, and fixtures run through
 * BPF_PROG_TEST_RUN on the probe's pass programs and on tiny raw programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/testlib.h"
#include "lib/pkt.h"
#include "lib/csum_check.h"
#include "lib/fixture.h"
#include "lib/harness_progs.h"
#include "lib/pcap_file.h"
#include "dplab/counters.h"
#include "probe.skel.h"

/*
 * Known-good frames, made with Python's struct and a hand-written RFC 1071
 * sum (no code shared with pkt.c): UDP 10.0.0.1:1234 -> 10.96.0.10:53, id
 * 0x1234, payload 00..04; TCP SYN 10.0.0.1:40000 -> 10.96.0.10:80 seq 1,
 * id 1, DF, 4 bytes of NOP options; ICMP echo 10.0.0.1 -> 10.0.0.2 ttl 63
 * id 7 seq 1, payload 00..02.  Default MACs.
 */
static const uint8_t known_udp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11,
	0x54, 0x2e, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x60, 0x00, 0x0a, 0x04, 0xd2,
	0x00, 0x35, 0x00, 0x0d, 0xe0, 0x5e, 0x00, 0x01, 0x02, 0x03, 0x04,
};
static const uint8_t known_tcp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x46, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06,
	0x23, 0x5f, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x60, 0x00, 0x0a, 0x01, 0x01,
	0x01, 0x01, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x50, 0x02, 0xff, 0xff, 0xfe, 0xe6, 0x00, 0x00,
};
static const uint8_t known_icmp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x00, 0x3f, 0x01,
	0x67, 0xdc, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00,
	0xf5, 0xf6, 0x00, 0x07, 0x00, 0x01, 0x00, 0x01, 0x02,
};

static const struct pkt_spec syn = {
	.saddr = IP4(10, 0, 0, 1), .daddr = IP4(10, 96, 0, 10), .proto = IPPROTO_TCP,
	.sport = 1234, .dport = 80, .tcp_flags = PKT_SYN, .seq = 1,
};
static const struct pkt_spec dns = {
	.saddr = IP4(10, 0, 0, 1), .daddr = IP4(10, 96, 0, 10), .proto = IPPROTO_UDP,
	.sport = 5353, .dport = 53, .payload_len = 33,
};

static size_t build(uint8_t *buf, const struct pkt_spec *s)
{
	size_t len = pkt_build(buf, PKT_MAX, s);

	ck_assert_msg(len > 0, "pkt_build: %s", pkt_build_error());
	return len;
}

static void assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	char name[64];
	size_t i;

	ck_assert_uint_eq(got_len, want_len);
	for (i = 0; i < got_len && got[i] == want[i]; i++)
		;
	pkt_field_name(want, want_len, i, name, sizeof(name));
	ck_assert_msg(i == got_len, "byte %zu (%s): 0x%02x, expected 0x%02x", i, name,
		      got[i], want[i]);
}

START_TEST(test_builder_matches_known_frames)
{
	const struct pkt_spec udp = {
		.saddr = ip4("10.0.0.1"), .daddr = ip4("10.96.0.10"), .proto = IPPROTO_UDP,
		.ip_id = 0x1234, .sport = 1234, .dport = 53, .payload_len = 5,
	};
	const struct pkt_spec tcp = {
		.saddr = IP4(10, 0, 0, 1), .daddr = IP4(10, 96, 0, 10), .ip_id = 1, .df = true,
		.ip_opt_len = 4, .sport = 40000, .dport = 80, .tcp_flags = PKT_SYN, .seq = 1,
	};
	const struct pkt_spec icmp = {
		.saddr = IP4(10, 0, 0, 1), .daddr = IP4(10, 0, 0, 2), .proto = IPPROTO_ICMP,
		.ttl = 63, .icmp_type = 8, .icmp_id = 7, .icmp_seq = 1, .payload_len = 3,
	};
	uint8_t buf[PKT_MAX];

	assert_bytes(buf, build(buf, &udp), known_udp, sizeof(known_udp));
	assert_bytes(buf, build(buf, &tcp), known_tcp, sizeof(known_tcp));
	assert_bytes(buf, build(buf, &icmp), known_icmp, sizeof(known_icmp));
	ck_assert(pkt_csum_verify(known_udp, sizeof(known_udp), NULL, 0));
	ck_assert(pkt_csum_verify(known_tcp, sizeof(known_tcp), NULL, 0));
	ck_assert(pkt_csum_verify(known_icmp, sizeof(known_icmp), NULL, 0));
}
END_TEST

START_TEST(test_builder_frames_verify)
{
	const struct pkt_spec inner_udp = { .saddr = IP4(10, 0, 1, 5), .daddr = IP4(10, 0, 2, 7),
		.proto = IPPROTO_UDP, .sport = 1, .dport = 2, .payload_len = 100 };
	const struct pkt_spec specs[] = {
		syn, dns,
		{ .saddr = IP4(1, 2, 3, 4), .daddr = IP4(5, 6, 7, 8),
		  .tcp_flags = PKT_ACK | PKT_PSH,
		  .seq = 0xfffffff0, .ack = 77, .payload_len = 1401, .ttl = 1, .tos = 0x10 },
		{ .proto = IPPROTO_UDP, .udp_no_csum = true, .payload_len = 9 },
		{ .proto = IPPROTO_ICMP, .icmp_type = 0, .icmp_id = 9, .payload_len = 56 },
		{ .proto = IPPROTO_ICMP, .icmp_type = 3, .icmp_code = 4, .payload_len = 28 },
		{ .proto = IPPROTO_UDP, .ip_opt_len = 40, .sport = 7, .dport = 9 },
		{ .proto = IPPROTO_TCP, .mf = true, .payload_len = 64 },
		{ .proto = IPPROTO_TCP, .frag_off = 1480, .payload_len = 20 },
		{ .proto = 47, .payload_len = 24 },
		{ .ethertype = 0x86dd, .payload_len = 40 },
		{ .ethertype = 0x0806, .payload_len = 28 },
		{ .saddr = IP4(192, 168, 0, 1), .daddr = IP4(192, 168, 0, 2), .sport = 49152,
		  .inner = &syn, .vni = 42 },
		{ .udp_no_csum = true, .inner = &inner_udp, .vni = 0xffffff },
	};
	uint8_t buf[PKT_MAX];
	char why[256];
	size_t i, len;

	for (i = 0; i < FX_N(specs); i++) {
		len = build(buf, &specs[i]);
		ck_assert_msg(pkt_csum_verify(buf, len, why, sizeof(why)), "spec %zu: %s", i, why);
	}
	/* The checker looked inside the VXLAN frame. */
	len = build(buf, &specs[FX_N(specs) - 2]);
	pkt_csum_verify(buf, len, why, sizeof(why));
	ck_assert_msg(strstr(why, "inner TCP"), "%s", why);
}
END_TEST

START_TEST(test_builder_fields)
{
	const struct pkt_spec opts = { .proto = IPPROTO_UDP, .ip_opt_len = 8, .mf = true,
		.frag_off = 16, .payload_len = 8, .truncate_to = 30 };
	const struct pkt_spec vx = { .inner = &syn, .vni = 0x123456 };
	const struct pkt_spec bad = { .ip_opt_len = 6 };
	uint8_t buf[PKT_MAX], in[PKT_MAX];
	size_t len, in_len;

	ck_assert_uint_eq(build(buf, &syn), 14 + 20 + 20);
	ck_assert_uint_eq(buf[22], 64);					/* default ttl */
	ck_assert_uint_eq(buf[47], PKT_SYN);
	ck_assert_uint_eq(build(buf, &opts), 30);			/* truncated */
	ck_assert_uint_eq(buf[14], 0x47);				/* ihl 7 */
	ck_assert_uint_eq(buf[20] << 8 | buf[21], 0x2000 | 2);		/* MF, 16/8 */
	ck_assert_uint_eq(buf[16] << 8 | buf[17], 28 + 8);		/* tot_len uncut */
	ck_assert_uint_eq(buf[14 + 20], 1);				/* NOP */
	len = build(buf, &(struct pkt_spec){ .proto = IPPROTO_UDP, .udp_no_csum = true });
	ck_assert_uint_eq(buf[40] | buf[41], 0);
	len = build(buf, &(struct pkt_spec){ .ethertype = 0x86dd, .payload_len = 3 });
	ck_assert_uint_eq(len, 17);
	ck_assert_uint_eq(buf[12] << 8 | buf[13], 0x86dd);
	ck_assert_uint_eq(buf[16], 2);					/* pattern */
	len = build(buf, &vx);
	in_len = build(in, &syn);
	ck_assert_uint_eq(len, 14 + 20 + 8 + 8 + in_len);
	ck_assert_uint_eq(buf[36] << 8 | buf[37], PKT_VXLAN_PORT);
	ck_assert_uint_eq(buf[42], 0x08);
	ck_assert_uint_eq(buf[46] << 16 | buf[47] << 8 | buf[48], 0x123456);
	ck_assert(!memcmp(buf + 50, in, in_len));
	ck_assert_uint_eq(pkt_build_vxlan(buf, PKT_MAX, &dns, 7, in, in_len), len);
	ck_assert_uint_eq(pkt_build(buf, PKT_MAX, &bad), 0);
	ck_assert_ptr_nonnull(strstr(pkt_build_error(), "ip_opt_len must be a multiple of 4"));
	ck_assert_uint_eq(pkt_build(buf, 40, &syn), 0);
	ck_assert_ptr_nonnull(strstr(pkt_build_error(), "does not fit"));
}
END_TEST

/* Corrupt one byte of a built frame; the checker must name the checksum. */
static void assert_caught(const struct pkt_spec *s, size_t off, const char *expect_why)
{
	uint8_t buf[PKT_MAX];
	size_t len = build(buf, s);
	char why[256];

	ck_assert(pkt_csum_verify(buf, len, NULL, 0));
	buf[off] ^= 0x40;
	ck_assert_msg(!pkt_csum_verify(buf, len, why, sizeof(why)),
		      "byte %zu corrupted, checker passed it", off);
	ck_assert_msg(strstr(why, expect_why) && strstr(why, "expected 0x") &&
		      strstr(why, "found 0x"), "why: '%s', wanted '%s'", why, expect_why);
}

START_TEST(test_checker_catches_corruption)
{
	const struct pkt_spec icmp = { .proto = IPPROTO_ICMP, .icmp_type = 8, .payload_len = 8 };
	const struct pkt_spec vx = { .inner = &syn, .vni = 1, .udp_no_csum = true };
	const struct pkt_spec frag = { .proto = IPPROTO_TCP, .frag_off = 8, .payload_len = 8 };

	assert_caught(&syn, 24, "IPv4 header checksum");		/* csum itself */
	assert_caught(&syn, 30, "IPv4 header checksum");		/* daddr */
	assert_caught(&syn, 35, "TCP checksum");			/* sport */
	assert_caught(&syn, 51, "TCP checksum");			/* csum */
	assert_caught(&dns, 40, "UDP checksum");			/* csum */
	assert_caught(&dns, 60, "UDP checksum");			/* payload */
	assert_caught(&icmp, 40, "ICMP checksum");
	assert_caught(&vx, 50 + 30, "inner IPv4 header checksum");
	assert_caught(&vx, 50 + 40, "inner TCP checksum");
	/* A later fragment: only its IP header is checked. */
	{
		uint8_t buf[PKT_MAX];
		size_t len = build(buf, &frag);

		buf[len - 1] ^= 0xff;
		ck_assert(pkt_csum_verify(buf, len, NULL, 0));
	}
	assert_caught(&frag, 26, "IPv4 header checksum");
}
END_TEST

START_TEST(test_checker_special_cases)
{
	struct pkt_spec s = dns;
	uint8_t buf[PKT_MAX], two[2];
	char why[256];
	size_t len;
	unsigned int v;

	/* UDP checksum 0 is "none". */
	len = build(buf, &dns);
	buf[40] = buf[41] = 0;
	ck_assert_msg(pkt_csum_verify(buf, len, why, sizeof(why)), "%s", why);
	ck_assert_msg(strstr(why, "none"), "%s", why);
	/* A computed 0 goes out as 0xffff (and TCP accepts either zero). */
	s.payload = two;
	s.payload_len = 2;
	for (v = 0; v < 0x10000; v++) {
		two[0] = v >> 8;
		two[1] = v;
		len = build(buf, &s);
		if (buf[40] == 0xff && buf[41] == 0xff)
			break;
	}
	ck_assert_msg(v < 0x10000, "no payload gives a UDP checksum of 0");
	ck_assert(pkt_csum_verify(buf, len, NULL, 0));
	buf[41] = 0xfe;
	ck_assert(!pkt_csum_verify(buf, len, why, sizeof(why)));
	ck_assert_msg(strstr(why, "UDP checksum: expected 0xffff, found 0xfffe"), "%s", why);
	/* Not IPv4: nothing to check. */
	len = build(buf, &(struct pkt_spec){ .ethertype = 0x86dd, .payload_len = 40 });
	ck_assert(pkt_csum_verify(buf, len, why, sizeof(why)));
	ck_assert_msg(strstr(why, "nothing to check"), "%s", why);
	/* Truncated frames cannot be verified, and say so. */
	s = syn;
	s.truncate_to = 40;
	len = build(buf, &s);
	ck_assert(!pkt_csum_verify(buf, len, why, sizeof(why)));
	ck_assert_msg(strstr(why, "truncated"), "%s", why);
	s.truncate_to = 20;
	len = build(buf, &s);
	ck_assert(!pkt_csum_verify(buf, len, why, sizeof(why)));
	ck_assert_msg(strstr(why, "truncated: IPv4 header"), "%s", why);
}
END_TEST

START_TEST(test_decoder_messages)
{
	const struct pkt_spec icmp = { .saddr = IP4(10, 0, 0, 1), .daddr = IP4(10, 0, 0, 2),
		.proto = IPPROTO_ICMP, .icmp_type = 8, .icmp_id = 7, .icmp_seq = 1 };
	const struct pkt_spec vx = { .saddr = IP4(192, 168, 0, 1), .daddr = IP4(192, 168, 0, 2),
		.sport = 49152, .inner = &syn, .vni = 42, .udp_no_csum = true };
	uint8_t buf[PKT_MAX];
	char s[256];
	size_t len;

	len = build(buf, &syn);
	pkt_describe(buf, len, s, sizeof(s));
	ck_assert_str_eq(s, "10.0.0.1:1234 -> 10.96.0.10:80 TCP SYN ttl 64 len 54");
	pkt_field_name(buf, len, 30, s, sizeof(s));
	ck_assert_str_eq(s, "IPv4 daddr");
	pkt_field_name(buf, len, 50, s, sizeof(s));
	ck_assert_str_eq(s, "TCP checksum");
	len = build(buf, &icmp);
	pkt_describe(buf, len, s, sizeof(s));
	ck_assert_str_eq(s, "10.0.0.1 -> 10.0.0.2 ICMP echo-request id 7 seq 1 ttl 64 len 42");
	len = build(buf, &vx);
	pkt_describe(buf, len, s, sizeof(s));
	ck_assert_str_eq(s, "192.168.0.1:49152 -> 192.168.0.2:4789 UDP no-csum VXLAN vni 42 "
			 "[10.0.0.1:1234 -> 10.96.0.10:80 TCP SYN ttl 64 len 54] ttl 64 len 104");
	pkt_field_name(buf, len, 50 + 36, s, sizeof(s));
	ck_assert_str_eq(s, "inner frame byte 36: inner TCP dport");
	len = build(buf, &(struct pkt_spec){ .ethertype = 0x0806, .payload_len = 28 });
	pkt_describe(buf, len, s, sizeof(s));
	ck_assert_str_eq(s, "ethertype 0x0806 len 42");
}
END_TEST

START_TEST(test_pcap_writer)
{
	char dir[] = "/tmp/dplab-harness-XXXXXX", path[4096], err[256];
	static uint8_t a[PKT_MAX], b[PKT_MAX], back[3][PKT_MAX];
	size_t alen = build(a, &syn), blen = build(b, &dns), lens[3];

	fixture_pcap_path("/d", "SYN to VIP: DNAT -> backend 1 (10.1.0.7)", path, sizeof(path));
	ck_assert_str_eq(path, "/d/SYN_to_VIP_DNAT_-_backend_1_10.1.0.7.pcap");
	fixture_pcap_path("/d", ".hidden", path, sizeof(path));
	ck_assert_str_eq(path, "/d/_hidden.pcap");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	fixture_pcap_path(dir, "two frames", path, sizeof(path));
	ck_assert_msg(!fixture_pcap_write(path, a, alen, b, blen, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(pcap_file_read(path, &back[0][0], PKT_MAX, lens, 3, err, sizeof(err)), 2);
	assert_bytes(back[0], lens[0], a, alen);
	assert_bytes(back[1], lens[1], b, blen);
	unlink(path);
	rmdir(dir);
	ck_assert_int_eq(fixture_pcap_write("/nonexistent/x.pcap", a, alen, b, blen, err,
					    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "/nonexistent/x.pcap"), "%s", err);
}
END_TEST

static Suite *harness_suite(void)
{
	Suite *s = suite_create("harness");
	TCase *unit = tcase_create("unit"), *run = tcase_create("prog_test_run");

	tcase_add_test(unit, test_builder_matches_known_frames);
	tcase_add_test(unit, test_builder_frames_verify);
	tcase_add_test(unit, test_builder_fields);
	tcase_add_test(unit, test_checker_catches_corruption);
	tcase_add_test(unit, test_checker_special_cases);
	tcase_add_test(unit, test_decoder_messages);
	tcase_add_test(unit, test_pcap_writer);
	suite_add_tcase(s, unit);
	harness_add_run_tests(run);
	suite_add_tcase(s, run);
	return s;
}

TEST_SUITE(harness_suite)
