// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RFC 2544 NDR/PDR binary search (see ndr.h).
 */
#include <errno.h>
#include <string.h>

#include "ndr.h"

/* Run one trial at pps into the next slot; 1 pass, 0 fail, or -errno. */
static int run_trial(const struct pg_ndr_cfg *cfg, pg_trial_fn trial, void *ctx,
		     struct pg_ndr_result *res, double pps)
{
	struct pg_trial_result *t = &res->trials[res->n_trials];
	int err;

	memset(t, 0, sizeof(*t));
	t->offered_pps = pps;
	err = trial(ctx, pps, t);
	if (err)
		return err < 0 ? err : -EIO;
	t->offered_pps = pps;
	t->pass = t->loss_ratio <= cfg->loss_tolerance;
	if (cfg->print)
		cfg->print(ctx, res->n_trials, t);
	res->n_trials++;
	if (t->pass && pps > res->pps) {
		res->pps = pps;
		res->found = true;
	}
	return t->pass;
}

static double resolution(const struct pg_ndr_cfg *cfg, double hi)
{
	double r = cfg->resolution_rel * hi;

	return r > cfg->resolution_pps ? r : cfg->resolution_pps;
}

int pg_ndr_search(const struct pg_ndr_cfg *cfg, pg_trial_fn trial, void *ctx,
		  struct pg_ndr_result *res)
{
	int max = cfg->max_iterations, r;
	double lo = cfg->lo_pps, hi = cfg->hi_pps, mid;

	memset(res, 0, sizeof(*res));
	if (!(lo > 0) || hi < lo || max < 1 || !(cfg->loss_tolerance >= 0) ||
	    !(resolution(cfg, hi) > 0) || !trial)
		return -EINVAL;
	if (max > PG_NDR_MAX_TRIALS)
		max = PG_NDR_MAX_TRIALS;

	r = run_trial(cfg, trial, ctx, res, hi);
	if (r < 0)
		return r;
	if (r) {
		res->converged = true;
		return 0;
	}
	while (hi - lo > resolution(cfg, hi)) {
		if (res->n_trials == max)
			return -E2BIG;
		mid = lo + (hi - lo) / 2;
		r = run_trial(cfg, trial, ctx, res, mid);
		if (r < 0)
			return r;
		if (r)
			lo = mid;
		else
			hi = mid;
	}
	if (!res->found) {
		/* every rate tried above lo_pps failed: does lo_pps pass? */
		if (res->n_trials == max)
			return -E2BIG;
		r = run_trial(cfg, trial, ctx, res, cfg->lo_pps);
		if (r < 0)
			return r;
		if (!r)
			return -ERANGE;
	}
	res->converged = true;
	return 0;
}
