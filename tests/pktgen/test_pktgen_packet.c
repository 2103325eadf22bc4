// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's frame builder (pktgen/packet.c): every checksum judged by
 * the independent checker (csum_check.h) after building, stamping and
 * flow rewrites, with the default addresses and with those of a routed
 * path.
 */
#include <errno.h>
#include <string.h>

#include "pktgen/packet.h"
#include "lib/csum_check.h"
#include "lib/testlib.h"

static struct pg_pkt_cfg base_cfg(bool udp_csum)
{
	struct pg_pkt_cfg c = {
		.src_mac = { 0x02, 0, 0, 0, 0, 1 },
		.dst_mac = { 0x02, 0, 0, 0, 0, 2 },
		.saddr = 0x0a000001,
		.daddr = 0x0a000102,
		.sport = 1024,
		.dport = 9,
		.udp_csum = udp_csum,
		.stream = 7,
		.flags = PG_PF_LATENCY,
	};

	return c;
}

static void assert_csum(const uint8_t *f, size_t len, const char *what, unsigned n)
{
	char why[256] = "";

	ck_assert_msg(pkt_csum_verify(f, len, why, sizeof(why)), "%s %u: %s", what, n, why);
}

START_TEST(every_size)
{
	uint8_t f[PG_FRAME_MAX];
	struct pg_payload pl;
	unsigned len;
	int csum;

	ck_assert_uint_eq(sizeof(struct pg_payload), 24);
	for (csum = 0; csum < 2; csum++) {
		struct pg_pkt_cfg c = base_cfg(csum);

		for (len = PG_FRAME_MIN; len <= PG_FRAME_MAX; len++) {
			bool full = len >= PG_FRAME_MIN_TSC;
			uint64_t seq = 0xfedcba9876543210ull + len;

			ck_assert_int_eq(pg_build_udp(f, sizeof(f), &c, len), (int)len);
			ck_assert_uint_eq(f[16] << 8 | f[17], len - 14);	/* IP total */
			ck_assert_uint_eq(f[38] << 8 | f[39], len - 34);	/* UDP length */
			ck_assert_uint_eq(!!(f[40] | f[41]), csum);
			assert_csum(f, len, "built", len);
			pg_payload_stamp(f, len, seq, ~seq);
			assert_csum(f, len, "stamped", len);
			pg_payload_stamp(f, len, seq + 1, 0);
			assert_csum(f, len, "stamped again", len);
			ck_assert(pg_payload_parse(f, len, &pl));
			ck_assert_uint_eq(pl.magic, PG_MAGIC);
			ck_assert_uint_eq(pl.stream, 7);
			ck_assert_uint_eq(pl.seq, seq + 1);
			ck_assert_uint_eq(pl.sched_tsc, 0);
			ck_assert_uint_eq(!!(pl.flags & PG_PF_NO_TSC), !full);
			ck_assert(pl.flags & PG_PF_LATENCY);
			if (full) {
				pg_payload_stamp(f, len, 5, 0x0102030405060708ull);
				ck_assert(pg_payload_parse(f, len, &pl));
				ck_assert_uint_eq(pl.sched_tsc, 0x0102030405060708ull);
				/* network byte order on the wire */
				ck_assert_uint_eq(f[PG_PAYLOAD_OFF + 16], 0x01);
				ck_assert_uint_eq(f[PG_PAYLOAD_OFF + 23], 0x08);
				ck_assert_uint_eq(f[PG_PAYLOAD_OFF + 15], 5);
			}
		}
	}
	{
		struct pg_pkt_cfg c = base_cfg(true);

		ck_assert_int_eq(pg_build_udp(f, sizeof(f), &c, 59), -EINVAL);
		ck_assert_int_eq(pg_build_udp(f, sizeof(f), &c, 1515), -EINVAL);
		ck_assert_int_eq(pg_build_udp(f, 100, &c, 101), -ENOSPC);
		f[12] = 0x86;				/* not IPv4 */
		ck_assert(!pg_payload_parse(f, PG_FRAME_MIN, &pl));
	}
}
END_TEST

/* Every flow's frame keeps valid checksums; flows are distinct. */
START_TEST(flows)
{
	struct pg_flow_cfg fc = {
		.saddr_base = 0xc0a80a00, .n_saddr = 5, .sport_base = 65530, .n_sport = 13,
	};
	uint8_t f[PG_FRAME_MAX], seen[65];
	unsigned kind, i;

	for (kind = 0; kind < 3; kind++) {
		struct pg_pkt_cfg c = base_cfg(kind == 1);
		unsigned len = kind == 2 ? PG_TCP_SYN_LEN : 100;

		if (kind == 2)
			ck_assert_int_eq(pg_build_tcp_syn(f, sizeof(f), &c, 1, 42), len);
		else
			ck_assert_int_eq(pg_build_udp(f, sizeof(f), &c, len), len);
		memset(seen, 0, sizeof(seen));
		for (i = 0; i < 2 * 65 + 3; i++) {
			unsigned flow = (i * 7) % 67;	/* wraps: 67 > 65 flows */
			uint32_t saddr;
			uint16_t sport;

			pg_flow_apply(&fc, f, flow);
			assert_csum(f, len, kind == 2 ? "tcp flow" : "udp flow", flow);
			saddr = (uint32_t)f[26] << 24 | f[27] << 16 | f[28] << 8 | f[29];
			sport = (uint16_t)(f[34] << 8 | f[35]);
			ck_assert_uint_eq(saddr, 0xc0a80a00 + (flow / 13) % 5);
			ck_assert_uint_eq(sport, (uint16_t)(65530 + flow % 13));
			seen[(saddr - 0xc0a80a00) * 13 + (uint16_t)(sport - 65530)] = 1;
			if (kind == 0)
				ck_assert_uint_eq(f[40] | f[41], 0);	/* stays "none" */
		}
		for (i = 0; i < 65; i++)
			ck_assert_msg(seen[i], "flow %u never produced", i);
	}
}
END_TEST

START_TEST(imix)
{
	unsigned n60 = 0, n566 = 0, n1514 = 0, i, len;
	double sum = 0;
	struct pg_imix im;

	pg_imix_init(&im);
	for (i = 0; i < 1200; i++) {
		len = pg_imix_next(&im);
		sum += len;
		n60 += len == 60;
		n566 += len == 566;
		n1514 += len == 1514;
		ck_assert(len == 60 || len == 566 || len == 1514);
	}
	ck_assert_uint_eq(n60, 700);
	ck_assert_uint_eq(n566, 400);
	ck_assert_uint_eq(n1514, 100);
	ck_assert_double_eq_tol(sum / 1200, pg_imix_avg_len(), 1e-9);
	ck_assert_double_eq_tol(pg_imix_avg_len() + 4, 353.833, 0.001);
}
END_TEST

START_TEST(tcp_syn)
{
	struct pg_pkt_cfg c = base_cfg(false);
	uint8_t f[PG_TCP_SYN_LEN];

	ck_assert_int_eq(pg_build_tcp_syn(f, sizeof(f) - 1, &c, 40000, 1), -ENOSPC);
	ck_assert_int_eq(pg_build_tcp_syn(f, sizeof(f), &c, 40000, 0xdeadbeef), 60);
	assert_csum(f, sizeof(f), "syn", 0);
	ck_assert_uint_eq(f[23], 6);				/* TCP */
	ck_assert_uint_eq(f[16] << 8 | f[17], 44);		/* IP total length */
	ck_assert_uint_eq(f[34] << 8 | f[35], 40000);
	ck_assert_uint_eq(f[36] << 8 | f[37], 9);
	ck_assert_uint_eq(f[38], 0xde);
	ck_assert_uint_eq(f[41], 0xef);
	ck_assert_uint_eq(f[47], 0x02);			/* SYN only */
	ck_assert_uint_eq(f[54], 2);				/* MSS option */
	ck_assert(f[50] | f[51]);				/* checksum set */
}
END_TEST

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Destination MAC, IPv4 addresses and L4 ports of a frame as expected. */
static void assert_addressed(const uint8_t *f, const uint8_t *mac, uint32_t saddr,
			     uint32_t daddr, uint16_t sport, uint16_t dport)
{
	ck_assert_mem_eq(f, mac, 6);
	ck_assert_uint_eq(be32_at(f + 26), saddr);
	ck_assert_uint_eq(be32_at(f + 30), daddr);
	ck_assert_uint_eq(f[34] << 8 | f[35], sport);
	ck_assert_uint_eq(f[36] << 8 | f[37], dport);
}

/*
 * Frames for a routed path (dplab-pktgen --src-ip --dst-ip --dst-port
 * --dst-mac): the addresses land where they belong and stay through
 * stamping and flow rewrites, checksums stay right, the payload parses.
 */
START_TEST(addresses)
{
	static const uint8_t gw[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01 };
	static const unsigned lens[] = { 60, 66, 128, 1514 };
	struct pg_flow_cfg fc = { .saddr_base = 0x0a010203, .n_saddr = 1,
				  .sport_base = 1024, .n_sport = 4 };
	uint8_t f[PG_FRAME_MAX];
	struct pg_payload pl;
	struct pg_pkt_cfg c;
	unsigned i, flow;

	for (i = 0; i < 2 * sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned len = lens[i / 2];

		c = base_cfg(i % 2);
		c.saddr = 0x0a010203;		/* 10.1.2.3 */
		c.daddr = 0x0a090909;		/* 10.9.9.9 */
		c.dport = 5001;
		memcpy(c.dst_mac, gw, 6);
		ck_assert_int_eq(pg_build_udp(f, sizeof(f), &c, len), (int)len);
		assert_addressed(f, gw, 0x0a010203, 0x0a090909, 1024, 5001);
		assert_csum(f, len, "addressed udp", len);
		for (flow = 0; flow < 6; flow++) {
			pg_payload_stamp(f, len, 100 + flow, 0x1122334455667788ull);
			pg_flow_apply(&fc, f, flow);
			assert_addressed(f, gw, 0x0a010203, 0x0a090909, 1024 + flow % 4, 5001);
			assert_csum(f, len, "addressed udp flow", flow);
			ck_assert(pg_payload_parse(f, len, &pl));
			ck_assert_uint_eq(pl.seq, 100 + flow);
			ck_assert_uint_eq(pl.stream, 7);
		}
	}
	ck_assert_int_eq(pg_build_tcp_syn(f, sizeof(f), &c, 40000, 7), PG_TCP_SYN_LEN);
	assert_addressed(f, gw, 0x0a010203, 0x0a090909, 40000, 5001);
	assert_csum(f, PG_TCP_SYN_LEN, "addressed syn", 0);
	pg_flow_apply(&fc, f, 3);
	assert_addressed(f, gw, 0x0a010203, 0x0a090909, 1027, 5001);
	assert_csum(f, PG_TCP_SYN_LEN, "addressed syn flow", 3);
}
END_TEST

static Suite *pktgen_packet_suite(void)
{
	Suite *s = suite_create("pktgen_packet");
	TCase *tc = tcase_create("frames");

	tcase_add_test(tc, every_size);
	tcase_add_test(tc, flows);
	tcase_add_test(tc, imix);
	tcase_add_test(tc, tcp_syn);
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_packet_suite)
