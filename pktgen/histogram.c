// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Log-linear latency histogram (see histogram.h).
 */
#include <string.h>

#include "histogram.h"

void pg_hist_init(struct pg_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

/*
 * v < 128: index v.  Else with e = floor(log2 v) >= 7, the top 8 bits of v
 * (128..255) pick the sub-bucket in range e - 6.
 */
unsigned pg_hist_index(uint64_t v)
{
	unsigned e, shift;

	if (v < PG_HIST_SUB)
		return (unsigned)v;
	if (v >> PG_HIST_MAX_BITS)
		return PG_HIST_BUCKETS - 1;
	e = 63 - (unsigned)__builtin_clzll(v);
	shift = e - PG_HIST_SUB_BITS;
	return (shift + 1) * PG_HIST_SUB + (unsigned)(v >> shift) - PG_HIST_SUB;
}

uint64_t pg_hist_bucket_low(unsigned index)
{
	unsigned range = index / PG_HIST_SUB, sub = index % PG_HIST_SUB;

	if (!range)
		return sub;
	return (uint64_t)(PG_HIST_SUB + sub) << (range - 1);
}

uint64_t pg_hist_bucket_high(unsigned index)
{
	unsigned range = index / PG_HIST_SUB;

	if (!range)
		return index;
	return pg_hist_bucket_low(index) + (1ull << (range - 1)) - 1;
}

void pg_hist_record_n(struct pg_hist *h, uint64_t v, uint64_t n)
{
	if (!n)
		return;
	h->buckets[pg_hist_index(v)] += n;
	h->count += n;
	h->sum += (unsigned __int128)v * n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void pg_hist_record(struct pg_hist *h, uint64_t v)
{
	pg_hist_record_n(h, v, 1);
}

void pg_hist_merge(struct pg_hist *dst, const struct pg_hist *src)
{
	unsigned i;

	if (!src->count)
		return;
	for (i = 0; i < PG_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t pg_hist_percentile(const struct pg_hist *h, double pct)
{
	uint64_t rank, seen = 0, v;
	double r;
	unsigned i;

	if (!h->count)
		return 0;
	if (!(pct > 0))
		return h->min;
	if (pct >= 100)
		return h->max;
	/* ceil() without libm; the double is exact up to 2^53 samples */
	r = pct / 100.0 * (double)h->count;
	rank = (uint64_t)r;
	if ((double)rank < r)
		rank++;
	if (!rank)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (i = 0; i < PG_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	v = pg_hist_bucket_high(i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

uint64_t pg_hist_count(const struct pg_hist *h)
{
	return h->count;
}

uint64_t pg_hist_min(const struct pg_hist *h)
{
	return h->count ? h->min : 0;
}

uint64_t pg_hist_max(const struct pg_hist *h)
{
	return h->max;
}

double pg_hist_mean(const struct pg_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}
