// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * TSC pacing arithmetic (see pacing.h).
 */
#include <errno.h>

#include "pacing.h"

typedef unsigned __int128 u128;

int pg_pacer_init_ratio(struct pg_pacer *p, uint64_t tsc_hz, uint64_t num,
			uint64_t den, uint64_t now_tsc)
{
	if (!tsc_hz || tsc_hz >> 33 || !num || num >> 60 || !den || den >> 30)
		return -EINVAL;
	p->hz = tsc_hz;
	p->start_tsc = now_tsc;
	p->pps = (double)num / (double)den;
	p->sent = 0;
	p->rate_num = num;
	p->rate_den = den;
	return 0;
}

int pg_pacer_init(struct pg_pacer *p, uint64_t tsc_hz, double pps, uint64_t now_tsc)
{
	double m;
	int err;

	if (!(pps > 0) || pps > 1e12)
		return -EINVAL;
	m = pps * 1000.0 + 0.5;
	err = pg_pacer_init_ratio(p, tsc_hz, m < 1 ? 1 : (uint64_t)m, 1000, now_tsc);
	if (!err)
		p->pps = pps;
	return err;
}

int pg_pacer_init_bps(struct pg_pacer *p, uint64_t tsc_hz, uint64_t bps,
		      unsigned frame_len, uint64_t now_tsc)
{
	if (frame_len > 1u << 20)
		return -EINVAL;
	return pg_pacer_init_ratio(p, tsc_hz, bps, 8ull * (frame_len + PG_WIRE_OVERHEAD),
				   now_tsc);
}

uint64_t pg_pacer_due(const struct pg_pacer *p, uint64_t n)
{
	u128 t = (u128)n * p->hz * p->rate_den / p->rate_num + p->start_tsc;

	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

/*
 * floor(k * H / P) <= d  <=>  k * H < (d + 1) * P  <=>  k < (d + 1) * P / H,
 * so packets 0 .. ceil((d + 1) * P / H) - 1 are due, with H = hz * rate_den,
 * P = rate_num and d = now - start.
 */
uint64_t pg_pacer_due_count(const struct pg_pacer *p, uint64_t now_tsc)
{
	u128 h = (u128)p->hz * p->rate_den, n;

	if (now_tsc < p->start_tsc)
		return 0;
	n = ((u128)(now_tsc - p->start_tsc) + 1) * p->rate_num;
	n = (n + h - 1) / h;
	return n > UINT64_MAX ? UINT64_MAX : (uint64_t)n;
}

unsigned pg_pacer_burst(struct pg_pacer *p, uint64_t now_tsc, unsigned max)
{
	uint64_t due = pg_pacer_due_count(p, now_tsc), n;

	if (due <= p->sent)
		return 0;
	n = due - p->sent;
	if (n > max)
		n = max;
	p->sent += n;
	return (unsigned)n;
}

double pg_bps_to_pps(double bps, unsigned frame_len)
{
	return bps / (8.0 * (frame_len + PG_WIRE_OVERHEAD));
}

double pg_pps_to_bps(double pps, unsigned frame_len)
{
	return pps * 8.0 * (frame_len + PG_WIRE_OVERHEAD);
}

double pg_achieved_pps(uint64_t packets, uint64_t tsc_elapsed, uint64_t hz)
{
	if (!tsc_elapsed)
		return 0;
	return (double)packets * (double)hz / (double)tsc_elapsed;
}
