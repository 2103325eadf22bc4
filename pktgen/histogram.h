/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * HDR-style log-linear latency histogram, fixed size, no allocation.
 *
 * Values (nanoseconds) below PG_HIST_SUB (128) have a bucket each.  Above,
 * every power-of-two range [2^e, 2^(e+1)) is cut into 128 equal linear
 * sub-buckets, so a bucket is never wider than 1/128 of its lower bound:
 * relative error < 0.79%.  Values up to 2^PG_HIST_MAX_BITS - 1 ns (~18
 * minutes) are bucketed; larger ones are counted in the top bucket (and
 * in max, which is exact, as are min, count and the sum behind mean).
 *
 * Percentiles are nearest-rank: the value at rank ceil(pct/100 * count),
 * reported as the *upper bound* of its bucket (the highest value that
 * falls in it, like HdrHistogram's highestEquivalentValue), clamped to the
 * exact [min, max].  So a reported percentile is never below the true one
 * and at most 1/128 above it; p100 is max exactly.
 *
 * Not thread-safe: one histogram per lcore/thread, merged with
 * pg_hist_merge() for reporting.
 */
#ifndef DPLAB_PKTGEN_HISTOGRAM_H
#define DPLAB_PKTGEN_HISTOGRAM_H

#include <stdint.h>

#define PG_HIST_SUB_BITS 7
#define PG_HIST_SUB (1u << PG_HIST_SUB_BITS)	/* linear sub-buckets */
#define PG_HIST_MAX_BITS 40			/* values < 2^40 ns bucketed */
/* One linear range for [0, 128), then one per power of two 2^7 .. 2^39. */
#define PG_HIST_RANGES (PG_HIST_MAX_BITS - PG_HIST_SUB_BITS + 1)
#define PG_HIST_BUCKETS (PG_HIST_RANGES * PG_HIST_SUB)

struct pg_hist {
	uint64_t count;
	uint64_t min;			/* UINT64_MAX when empty */
	uint64_t max;			/* 0 when empty */
	unsigned __int128 sum;		/* exact sum of values, for mean */
	uint64_t buckets[PG_HIST_BUCKETS];
};

void pg_hist_init(struct pg_hist *h);
void pg_hist_record(struct pg_hist *h, uint64_t value_ns);
/* Add n samples of the same value (e.g. coordinated-omission backfill). */
void pg_hist_record_n(struct pg_hist *h, uint64_t value_ns, uint64_t n);
void pg_hist_merge(struct pg_hist *dst, const struct pg_hist *src);

/* 0 < pct <= 100; 0 when the histogram is empty (see above for rounding). */
uint64_t pg_hist_percentile(const struct pg_hist *h, double pct);
uint64_t pg_hist_count(const struct pg_hist *h);
uint64_t pg_hist_min(const struct pg_hist *h);	/* 0 when empty */
uint64_t pg_hist_max(const struct pg_hist *h);
double pg_hist_mean(const struct pg_hist *h);	/* 0 when empty */

/* Bucket helpers, exposed for tests and for dumping the histogram. */
unsigned pg_hist_index(uint64_t value_ns);
uint64_t pg_hist_bucket_low(unsigned index);
uint64_t pg_hist_bucket_high(unsigned index);

#endif /* DPLAB_PKTGEN_HISTOGRAM_H */
