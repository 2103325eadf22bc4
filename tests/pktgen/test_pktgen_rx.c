// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's receiver accounting (pktgen/rxstats.c) on synthetic
 * sequences: loss, reordering, duplicates, exactly.
 */
#include <stdint.h>
#include <stdlib.h>

#include "pktgen/rxstats.h"
#include "lib/testlib.h"

static struct pg_rx_stream s;

static void feed(const uint64_t *seq, size_t n)
{
	size_t i;

	pg_rx_init(&s);
	for (i = 0; i < n; i++)
		pg_rx_account(&s, seq[i]);
}

#define FEED(...)                                                             \
	do {                                                                  \
		const uint64_t seq_[] = { __VA_ARGS__ };                      \
		feed(seq_, sizeof(seq_) / sizeof(seq_[0]));                   \
	} while (0)

static void expect(uint64_t received, uint64_t lost, uint64_t reordered, uint64_t dups)
{
	ck_assert_uint_eq(s.received, received);
	ck_assert_uint_eq(s.lost, lost);
	ck_assert_uint_eq(s.reordered, reordered);
	ck_assert_uint_eq(s.duplicates, dups);
}

START_TEST(in_order)
{
	uint64_t i;

	pg_rx_init(&s);
	for (i = 0; i < 100000; i++)
		pg_rx_account(&s, i);
	pg_rx_finish(&s, 100000);
	expect(100000, 0, 0, 0);
	ck_assert_uint_eq(s.next_expected, 100000);
}
END_TEST

START_TEST(loss)
{
	FEED(0, 1, 2, 5, 6, 9);
	expect(6, 4, 0, 0);
	pg_rx_finish(&s, 12);			/* 10, 11 lost at the tail */
	expect(6, 6, 0, 0);
	FEED(3, 4);				/* 0 .. 2 never came */
	expect(2, 3, 0, 0);
}
END_TEST

START_TEST(reorder)
{
	FEED(0, 1, 3, 2, 4, 7, 5, 6, 8);
	expect(9, 0, 3, 0);
	FEED(0, 10, 5, 1, 9);			/* a late burst fills a gap */
	expect(5, 6, 3, 0);
	pg_rx_finish(&s, 11);
	expect(5, 6, 3, 0);
}
END_TEST

START_TEST(duplicates)
{
	FEED(0, 1, 1, 2, 2, 2, 3);
	expect(7, 0, 0, 3);
	FEED(0, 2, 1, 1, 2, 3);			/* reordered, then duplicated */
	expect(6, 0, 1, 2);
	pg_rx_finish(&s, 4);
	ck_assert_uint_eq(s.unique, 4);
	expect(6, 0, 1, 2);
}
END_TEST

/* Beyond the window: late arrivals are told apart no longer. */
START_TEST(window)
{
	FEED(0, PG_RX_WINDOW - 1, 1, 1);	/* within: reorder, then dup */
	expect(4, PG_RX_WINDOW - 3, 1, 1);
	FEED(0, PG_RX_WINDOW + 1, 1, 1);	/* 1 is older than the window */
	ck_assert_uint_eq(s.too_old, 2);
	ck_assert_uint_eq(s.duplicates, 0);
	FEED(0, 3 * PG_RX_WINDOW + 5, 3 * PG_RX_WINDOW + 4, 3 * PG_RX_WINDOW + 5);
	expect(4, 3 * PG_RX_WINDOW + 3, 1, 1);	/* the bitmap was cleared */
}
END_TEST

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random drops, duplicates and local reordering against a full reference. */
START_TEST(random_against_reference)
{
	enum { N = 300000 };
	uint64_t *arr = malloc(2 * N * sizeof(*arr)), n = 0, i, max = 0;
	uint64_t want_reord = 0, want_dup = 0, want_unique = 0;
	char *seen = calloc(N, 1);

	for (i = 0; i < N; i++) {
		if (rnd() % 100 < 2)
			continue;			/* 2% lost */
		arr[n++] = i;
		if (rnd() % 1000 < 5)
			arr[n++] = i;			/* 0.5% duplicated */
	}
	for (i = 0; i + 1 < n; i++) {		/* swaps up to 1000 apart */
		if (rnd() % 100 < 3) {
			uint64_t j = i + rnd() % 1000, t;

			if (j >= n)
				continue;
			t = arr[i];
			arr[i] = arr[j];
			arr[j] = t;
		}
	}
	pg_rx_init(&s);
	for (i = 0; i < n; i++) {
		uint64_t q = arr[i];

		if (seen[q])
			want_dup++;
		else if (want_unique && q < max)
			want_reord++;
		if (!seen[q])
			want_unique++;
		seen[q] = 1;
		if (q > max)
			max = q;
		pg_rx_account(&s, q);
	}
	pg_rx_finish(&s, N);
	ck_assert_uint_eq(s.received, n);
	ck_assert_uint_eq(s.duplicates, want_dup);
	ck_assert_uint_eq(s.reordered, want_reord);
	ck_assert_uint_eq(s.unique, want_unique);
	ck_assert_uint_eq(s.lost, N - want_unique);
	ck_assert_uint_eq(s.too_old, 0);
	ck_assert_uint_gt(want_reord, 1000);
	ck_assert_uint_gt(want_dup, 500);
	free(arr);
	free(seen);
}
END_TEST

static Suite *pktgen_rx_suite(void)
{
	Suite *su = suite_create("pktgen_rx");
	TCase *tc = tcase_create("accounting");

	tcase_add_test(tc, in_order);
	tcase_add_test(tc, loss);
	tcase_add_test(tc, reorder);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, window);
	tcase_add_test(tc, random_against_reference);
	suite_add_tcase(su, tc);
	return su;
}

TEST_SUITE(pktgen_rx_suite)
