// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's frame builder (pktgen/packet.c): every checksum judged by
 * the independent checker (csum_check.h) after building, stamping and
 * flow rewrites.
 */
#include <errno.h>
#include <string.h>

#include "../pktgen/packet.h"
#include "csum_check.h"
#include "testlib.h"

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

static Suite *pktgen_packet_suite(void)
{
	Suite *s = suite_create("pktgen_packet");
	TCase *tc = tcase_create("frames");

	tcase_add_test(tc, every_size);
	tcase_add_test(tc, flows);
	tcase_add_test(tc, imix);
	tcase_add_test(tc, tcp_syn);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_packet_suite)
