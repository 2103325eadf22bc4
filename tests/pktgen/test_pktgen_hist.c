// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's latency histogram (pktgen/histogram.c) against exact
 * nearest-rank percentiles of known samples.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pktgen/histogram.h"
#include "lib/testlib.h"

#define N_SAMPLES 200000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank, as documented in histogram.h. */
static uint64_t exact_pct(const uint64_t *sorted, size_t n, double pct)
{
	double r = pct / 100.0 * (double)n;
	uint64_t rank = (uint64_t)r;

	if ((double)rank < r)
		rank++;
	if (!rank)
		rank = 1;
	return sorted[rank - 1];
}

static const double pcts[] = {
	0.001, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 99.999, 100,
};

/* Record, then every percentile within +1% (never below) of the exact one. */
static void check_samples(uint64_t *v, size_t n, const char *what)
{
	static struct pg_hist h;
	unsigned __int128 sum = 0;
	size_t i;

	pg_hist_init(&h);
	for (i = 0; i < n; i++) {
		pg_hist_record(&h, v[i]);
		sum += v[i];
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	ck_assert_uint_eq(pg_hist_count(&h), n);
	ck_assert_uint_eq(pg_hist_min(&h), v[0]);
	ck_assert_uint_eq(pg_hist_max(&h), v[n - 1]);
	ck_assert_double_eq_tol(pg_hist_mean(&h), (double)sum / n, 1e-6);
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		uint64_t want = exact_pct(v, n, pcts[i]);
		uint64_t got = pg_hist_percentile(&h, pcts[i]);

		ck_assert_msg(got >= want && (got - want) * 100 <= want,
			      "%s p%g: histogram %llu, exact %llu", what, pcts[i],
			      (unsigned long long)got, (unsigned long long)want);
	}
}

START_TEST(uniform)
{
	uint64_t *v = malloc(N_SAMPLES * sizeof(*v));
	size_t i;

	for (i = 0; i < N_SAMPLES; i++)
		v[i] = 1000 + rnd() % 999001;		/* 1 us .. 1 ms */
	check_samples(v, N_SAMPLES, "uniform");
	for (i = 0; i < N_SAMPLES; i++)
		v[i] = rnd() % 300;			/* the exact range */
	check_samples(v, N_SAMPLES, "uniform small");
	free(v);
}
END_TEST

/* Log-spread: a long tail over 16 powers of two, like queueing delay. */
START_TEST(exponential)
{
	uint64_t *v = malloc(N_SAMPLES * sizeof(*v));
	size_t i;

	for (i = 0; i < N_SAMPLES; i++) {
		unsigned e = (unsigned)__builtin_ctzll(rnd() | 1ull << 24);

		v[i] = (500 + rnd() % 500) << e;	/* P(e) = 2^-(e+1) */
	}
	check_samples(v, N_SAMPLES, "exponential");
	free(v);
}
END_TEST

/* Two modes: 10 us +- 1 us (90%) and 5 ms +- 0.5 ms (10%). */
START_TEST(bimodal)
{
	uint64_t *v = malloc(N_SAMPLES * sizeof(*v));
	size_t i;

	for (i = 0; i < N_SAMPLES; i++)
		v[i] = rnd() % 10 ? 9000 + rnd() % 2001 : 4500000 + rnd() % 1000001;
	check_samples(v, N_SAMPLES, "bimodal");
	free(v);
}
END_TEST

START_TEST(buckets)
{
	uint64_t v;
	unsigned i;

	for (i = 0; i + 1 < PG_HIST_BUCKETS; i++) {
		uint64_t lo = pg_hist_bucket_low(i), hi = pg_hist_bucket_high(i);

		ck_assert_uint_eq(hi + 1, pg_hist_bucket_low(i + 1));
		ck_assert_uint_eq(pg_hist_index(lo), i);
		ck_assert_uint_eq(pg_hist_index(hi), i);
		ck_assert_msg((hi - lo) * 128 <= lo, "bucket %u [%llu, %llu] too wide", i,
			      (unsigned long long)lo, (unsigned long long)hi);
	}
	for (i = 0; i < 100000; i++) {
		v = rnd() >> (rnd() % 64);
		if (v >> PG_HIST_MAX_BITS)
			continue;
		ck_assert_uint_le(pg_hist_bucket_low(pg_hist_index(v)), v);
		ck_assert_uint_ge(pg_hist_bucket_high(pg_hist_index(v)), v);
	}
	ck_assert_uint_eq(pg_hist_index(UINT64_MAX), PG_HIST_BUCKETS - 1);
}
END_TEST

START_TEST(empty_and_huge)
{
	static struct pg_hist h;

	pg_hist_init(&h);
	ck_assert_uint_eq(pg_hist_count(&h), 0);
	ck_assert_uint_eq(pg_hist_percentile(&h, 99), 0);
	ck_assert_uint_eq(pg_hist_min(&h), 0);
	ck_assert_uint_eq(pg_hist_max(&h), 0);
	ck_assert_double_eq(pg_hist_mean(&h), 0);
	pg_hist_record(&h, 1ull << 50);
	pg_hist_record(&h, 7);
	ck_assert_uint_eq(pg_hist_max(&h), 1ull << 50);
	ck_assert_uint_eq(pg_hist_percentile(&h, 100), 1ull << 50);
	ck_assert_uint_eq(pg_hist_percentile(&h, 50), 7);
	pg_hist_record_n(&h, 1000, 8);
	ck_assert_uint_eq(pg_hist_count(&h), 10);
	/* the upper bound of 1000's bucket [1000, 1003] */
	ck_assert_uint_eq(pg_hist_percentile(&h, 50), 1003);
	ck_assert_uint_eq(pg_hist_bucket_high(pg_hist_index(1000)), 1003);
}
END_TEST

START_TEST(merge)
{
	static struct pg_hist all, a, b;
	unsigned i;

	pg_hist_init(&all);
	pg_hist_init(&a);
	pg_hist_init(&b);
	pg_hist_merge(&a, &b);			/* empty into empty */
	ck_assert_uint_eq(pg_hist_count(&a), 0);
	ck_assert_uint_eq(pg_hist_min(&a), 0);
	for (i = 0; i < 100000; i++) {
		uint64_t v = rnd() % (i % 2 ? 50000 : 5000000);

		pg_hist_record(&all, v);
		pg_hist_record(i % 3 ? &a : &b, v);
	}
	pg_hist_merge(&a, &b);
	ck_assert_uint_eq(a.count, all.count);
	ck_assert_uint_eq(a.min, all.min);
	ck_assert_uint_eq(a.max, all.max);
	ck_assert(a.sum == all.sum);
	ck_assert_int_eq(memcmp(a.buckets, all.buckets, sizeof(a.buckets)), 0);
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		ck_assert_uint_eq(pg_hist_percentile(&a, pcts[i]),
				  pg_hist_percentile(&all, pcts[i]));
}
END_TEST

static Suite *pktgen_hist_suite(void)
{
	Suite *s = suite_create("pktgen_hist");
	TCase *tc = tcase_create("accuracy");

	tcase_add_test(tc, uniform);
	tcase_add_test(tc, exponential);
	tcase_add_test(tc, bimodal);
	tcase_add_test(tc, buckets);
	tcase_add_test(tc, empty_and_huge);
	tcase_add_test(tc, merge);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_hist_suite)
