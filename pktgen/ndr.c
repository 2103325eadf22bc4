// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RFC 2544 NDR/PDR search: bracketing with widening, bisection and a
 * confirmation at full length (see ndr.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ndr.h"

#define INVALID 2	/* a trial's verdict besides pass (1) and fail (0) */

/* A search under way: the bracket [lo, hi] and where the trials go. */
struct search {
	const struct pg_ndr_cfg *cfg;
	pg_trial_fn trial;
	void *ctx;
	struct pg_ndr_result *res;
	double lo, hi;		/* after bracketing: lo passed, hi failed */
	double min, max;	/* widening limits */
	int limit;		/* n_trials at most before the confirmation */
	bool ceiling;		/* hi passed at max */
};

static double resolution(const struct pg_ndr_cfg *cfg, double hi)
{
	double r = cfg->resolution_rel * hi;

	return r > cfg->resolution_pps ? r : cfg->resolution_pps;
}

/* One trial at pps into the next slot: 1 pass, 0 fail, INVALID, or -errno. */
static int attempt(struct search *s, double pps, bool final)
{
	struct pg_ndr_result *res = s->res;
	struct pg_trial_result *t = &res->trials[res->n_trials];
	int err;

	memset(t, 0, sizeof(*t));
	t->offered_pps = pps;
	t->final = final;
	t->secs = final ? s->cfg->final_secs : s->cfg->trial_secs;
	err = s->trial(s->ctx, pps, t);
	if (err)
		return err < 0 ? err : -EIO;
	t->offered_pps = pps;
	t->final = final;
	t->valid = t->achieved_pps >= pps * (1 - PG_NDR_SHORTFALL);
	if (!t->valid)
		snprintf(t->why, sizeof(t->why), "generator fell short: achieved %.0f of %.0f pps",
			 t->achieved_pps, pps);
	t->pass = t->valid && t->loss_ratio <= s->cfg->loss_tolerance;
	if (s->cfg->print)
		s->cfg->print(s->ctx, res->n_trials, t);
	res->n_trials++;
	if (t->valid && !final)
		res->iterations++;
	if (t->pass && !final && pps > res->pps) {
		res->pps = pps;
		res->found = true;
	}
	return t->valid ? t->pass : INVALID;
}

/* A trial at pps, run again once if invalid: 1 pass, 0 fail or -errno. */
static int measure(struct search *s, double pps, bool final)
{
	struct pg_ndr_result *res = s->res;
	int i, r = INVALID;

	for (i = 0; i < 2 && r == INVALID; i++) {
		if (!final && res->n_trials >= s->limit)
			return -E2BIG;
		r = attempt(s, pps, final);
	}
	if (r != INVALID)
		return r;
	res->found = false;
	res->pps = 0;
	snprintf(res->stop_reason, sizeof(res->stop_reason), "invalid twice in a row: %s",
		 res->trials[res->n_trials - 1].why);
	return -EAGAIN;
}

/*
 * Widen [lo, hi] until lo passed and hi failed: 0; 1 when hi passed at
 * the ceiling (the result); -ERANGE when lo failed at the floor; -errno.
 */
static int bracket(struct search *s)
{
	int r;

	while ((r = measure(s, s->hi, false)) == 1) {
		s->lo = s->hi;
		if (s->hi >= s->max) {
			s->ceiling = true;
			return 1;
		}
		s->hi = s->hi * 2 < s->max ? s->hi * 2 : s->max;
	}
	if (r < 0 || s->res->found)	/* lo: a rate below hi that passed */
		return r;
	r = s->lo < s->hi ? measure(s, s->lo, false) : 0;
	while (r == 0) {
		s->hi = s->lo;
		if (s->lo <= s->min)
			return -ERANGE;
		s->lo = s->lo / 2 > s->min ? s->lo / 2 : s->min;
		r = measure(s, s->lo, false);
	}
	return r < 0 ? r : 0;
}

/* Halve [lo, hi] down to the resolution: 0 or -errno. */
static int bisect(struct search *s)
{
	double mid;
	int r;

	while (s->hi - s->lo > resolution(s->cfg, s->hi)) {
		mid = s->lo + (s->hi - s->lo) / 2;
		r = measure(s, mid, false);
		if (r < 0)
			return r;
		*(r ? &s->lo : &s->hi) = mid;
	}
	return 0;
}

/* final_secs at the rate found, stepping down on failure: 0 or -errno. */
static int confirm(struct search *s)
{
	struct pg_ndr_result *res = s->res;
	size_t n = strlen(res->stop_reason);
	double pps = res->pps;
	int i, r;

	for (i = 0; i < PG_NDR_FINAL_TRIES; i++) {
		r = measure(s, pps, true);
		if (r < 0)
			return r;
		if (r) {
			res->confirmed = true;
			res->pps = pps;
			snprintf(res->stop_reason + n, sizeof(res->stop_reason) - n,
				 "; confirmed at %.0f pps over %g s", pps, s->cfg->final_secs);
			return 0;
		}
		pps -= resolution(s->cfg, pps);
	}
	snprintf(res->stop_reason + n, sizeof(res->stop_reason) - n,
		 "; not confirmed: %d trials of %g s failed", PG_NDR_FINAL_TRIES,
		 s->cfg->final_secs);
	return 0;
}

static void say_why(struct search *s, int err)
{
	struct pg_ndr_result *res = s->res;
	char *w = res->stop_reason;
	size_t n = sizeof(res->stop_reason);

	if (err == -EAGAIN)
		return;		/* measure() has said it */
	if (!err && s->ceiling)
		snprintf(w, n, "the ceiling %.0f pps passed", s->max);
	else if (!err)
		snprintf(w, n, "converged: %.0f pps passed, %.0f failed (resolution %.0f)",
			 s->lo, s->hi, resolution(s->cfg, s->hi));
	else if (err == -ERANGE)
		snprintf(w, n, "no passing rate: the floor %.0f pps lost too much", s->min);
	else if (err == -E2BIG)
		snprintf(w, n, "%d trials ran before the resolution was reached", s->limit);
	else
		snprintf(w, n, "trial error: %s", strerror(-err));
}

int pg_ndr_search(const struct pg_ndr_cfg *cfg, pg_trial_fn trial, void *ctx,
		  struct pg_ndr_result *res)
{
	struct search s = { .cfg = cfg, .trial = trial, .ctx = ctx, .res = res,
			    .lo = cfg->lo_pps, .hi = cfg->hi_pps,
			    .min = cfg->min_pps ? cfg->min_pps : cfg->lo_pps,
			    .max = cfg->max_pps ? cfg->max_pps : cfg->hi_pps,
			    .limit = cfg->max_iterations };
	int err;

	memset(res, 0, sizeof(*res));
	if (!(s.lo > 0) || s.hi < s.lo || !(s.min > 0) || s.min > s.lo || s.max < s.hi ||
	    s.limit < 1 || !(cfg->loss_tolerance >= 0) || !(cfg->final_secs >= 0) ||
	    !(resolution(cfg, s.hi) > 0) || !trial)
		return -EINVAL;
	if (s.limit > PG_NDR_MAX_TRIALS)
		s.limit = PG_NDR_MAX_TRIALS;
	err = bracket(&s);
	if (!err)
		err = bisect(&s);
	if (err >= 0) {
		res->converged = true;
		res->resolution_pps = err ? 0 : s.hi - s.lo;
		err = 0;
	} else if (res->found) {
		res->resolution_pps = s.hi - s.lo;
	}
	say_why(&s, err);
	if (!err && cfg->final_secs > 0)
		err = confirm(&s);
	return err;
}
