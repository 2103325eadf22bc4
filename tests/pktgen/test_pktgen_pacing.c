// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's TSC pacing arithmetic (pktgen/pacing.c): due times exact
 * over long runs, burst counts, bit rate to packet rate.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "pktgen/pacing.h"
#include "lib/testlib.h"

#define HZ 2500000000ull	/* a 2.5 GHz TSC */
#define START 123456789ull

static double absd(double x)
{
	return x < 0 ? -x : x;
}

/*
 * 10 Gb/s of 64-byte frames, 14.88 Mpps: 168 ticks per packet exactly, for
 * 10^9 packets, without drift; from a double pps, within one tick.
 */
START_TEST(due_exact_long_run)
{
	double pps = pg_bps_to_pps(10e9, 60);
	struct pg_pacer p, q;
	uint64_t n, prev = START;

	ck_assert_int_eq(pg_pacer_init_bps(&p, HZ, 10000000000ull, 60, START), 0);
	ck_assert_int_eq(pg_pacer_init(&q, HZ, pps, START), 0);
	ck_assert_uint_eq(pg_pacer_due(&p, 0), START);
	ck_assert_uint_eq(pg_pacer_due(&q, 0), START);
	for (n = 0; n <= 1000000000ull; n += n < 1000 ? 1 : 999983) {
		uint64_t due = pg_pacer_due(&p, n), dq = pg_pacer_due(&q, n);
		double ideal = (double)n * HZ / pps;

		ck_assert_uint_eq(due - START, n * 168);
		ck_assert_msg(absd((double)(dq - START) - ideal) < 1.01,
			      "packet %llu due %llu, ideal %.3f", (unsigned long long)n,
			      (unsigned long long)(dq - START), ideal);
		ck_assert_uint_ge(dq, prev);
		prev = dq;
	}
	n = 1000000000ull;
	/* 10^9 packets take 67.2 s: the last is due 168 ticks before that */
	ck_assert_uint_eq(pg_pacer_due(&p, n) - START, 168000000000ull);
	ck_assert_double_eq_tol(pg_achieved_pps(n, pg_pacer_due(&q, n) - START, HZ), pps,
				pps * 1e-9);
	/* the exact count due at the 10^9th packet's time, and one tick before */
	ck_assert_uint_eq(pg_pacer_due_count(&p, START + (n - 1) * 168), n);
	ck_assert_uint_eq(pg_pacer_due_count(&p, START + (n - 1) * 168 - 1), n - 1);
	ck_assert_uint_eq(pg_pacer_due_count(&q, pg_pacer_due(&q, n - 1)), n);
	ck_assert_uint_eq(pg_pacer_due_count(&q, pg_pacer_due(&q, n - 1) - 1), n - 1);
	/* 1518-byte frames at 10 Gb/s: 1538 * 8 / 10^10 s = 3076 ticks each */
	ck_assert_int_eq(pg_pacer_init_bps(&p, HZ, 10000000000ull, 1514, 0), 0);
	ck_assert_uint_eq(pg_pacer_due(&p, n), n * 3076);
	/* an integer rate: exactly n * hz / pps */
	ck_assert_int_eq(pg_pacer_init(&p, HZ, 1000000, 0), 0);
	ck_assert_uint_eq(pg_pacer_due(&p, 1000000000ull), 2500000000000ull);
	ck_assert_uint_eq(pg_pacer_due(&p, UINT64_MAX), UINT64_MAX);
	ck_assert_int_eq(pg_pacer_init_ratio(&p, HZ, 0, 1, 0), -EINVAL);
	ck_assert_int_eq(pg_pacer_init_ratio(&p, HZ, 1, 0, 0), -EINVAL);
}
END_TEST

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A polling loop with irregular gaps: every packet handed out once, on time. */
START_TEST(burst_counts)
{
	struct pg_pacer p;
	uint64_t now = START, total = 0;
	unsigned n, i;

	ck_assert_int_eq(pg_pacer_init(&p, HZ, 1234567.891, START), 0);
	ck_assert_uint_eq(pg_pacer_burst(&p, START - 1, 32), 0);
	ck_assert_uint_eq(pg_pacer_burst(&p, START, 32), 1);	/* packet 0 */
	total = 1;
	for (i = 0; i < 200000; i++) {
		now += rnd() % (i % 1000 ? 3000 : 500000);	/* now and then a stall */
		n = pg_pacer_burst(&p, now, 32);
		total += n;
		ck_assert_uint_eq(p.sent, total);
		ck_assert_uint_le(n, 32);
		if (p.sent)
			ck_assert_uint_le(pg_pacer_due(&p, p.sent - 1), now);
		if (n < 32)
			ck_assert_uint_gt(pg_pacer_due(&p, p.sent), now);
	}
	/* a stall: everything due comes out, max at a time */
	now = pg_pacer_due(&p, p.sent + 100);
	ck_assert_uint_eq(pg_pacer_burst(&p, now, 64), 64);
	ck_assert_uint_eq(pg_pacer_burst(&p, now, 64), 37);
	ck_assert_uint_eq(pg_pacer_burst(&p, now, 64), 0);
	ck_assert_uint_eq(pg_pacer_burst(&p, UINT64_MAX, UINT_MAX), UINT_MAX);
}
END_TEST

START_TEST(rates)
{
	struct pg_pacer p;

	/* 10 Gb/s: 64-byte frames (60 + FCS) and 1518-byte frames (1514 + FCS) */
	ck_assert_double_eq_tol(pg_bps_to_pps(10e9, 60), 14880952.38, 0.01);
	ck_assert_double_eq_tol(pg_bps_to_pps(10e9, 1514), 812743.82, 0.01);
	ck_assert_double_eq_tol(pg_pps_to_bps(14880952.380952, 60), 10e9, 1);
	ck_assert_double_eq_tol(pg_bps_to_pps(1e9, 60), 1488095.238, 0.001);
	ck_assert_double_eq(pg_achieved_pps(100, 0, HZ), 0);
	ck_assert_double_eq_tol(pg_achieved_pps(1000, HZ / 2, HZ), 2000, 1e-9);
	ck_assert_int_eq(pg_pacer_init(&p, 0, 1000, 0), -EINVAL);
	ck_assert_int_eq(pg_pacer_init(&p, HZ, 0, 0), -EINVAL);
	ck_assert_int_eq(pg_pacer_init(&p, HZ, -5, 0), -EINVAL);
	/* a very low rate: one packet every 1000 s */
	ck_assert_int_eq(pg_pacer_init(&p, HZ, 0.001, 0), 0);
	ck_assert_uint_eq(pg_pacer_due(&p, 1), 1000 * HZ);
}
END_TEST

static Suite *pktgen_pacing_suite(void)
{
	Suite *s = suite_create("pktgen_pacing");
	TCase *tc = tcase_create("pacing");

	tcase_add_test(tc, due_exact_long_run);
	tcase_add_test(tc, burst_counts);
	tcase_add_test(tc, rates);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_pacing_suite)
