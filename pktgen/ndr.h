/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * RFC 2544 NDR/PDR search: the highest rate whose loss ratio stays at or
 * under loss_tolerance (0: NDR; e.g. 0.001: PDR 0.1%).
 *
 * Bracketing: the first trial is at hi_pps.  While hi passes it becomes
 * the passing bound and hi doubles, up to max_pps (hi passing at max_pps
 * is the result).  Then lo_pps is tried; while lo fails it becomes the
 * failing bound and lo halves, down to min_pps (lo failing at min_pps:
 * no passing rate).  So a bracket given around a rate known from an
 * earlier run is widened by the search itself when the rate has moved.
 * Bisection: the passing lo and failing hi are halved until
 * hi - lo <= max(resolution_pps, resolution_rel * hi).
 * Confirmation (final_secs > 0): a trial of final_secs at the rate found;
 * on a failure one resolution lower, PG_NDR_FINAL_TRIES times in all.
 *
 * A trial whose generator fell short (achieved_pps below 1 - PG_NDR_SHORTFALL
 * of the offered rate) is invalid: neither pass nor fail, and run again
 * once; invalid twice in a row ends the search with nothing found.
 * At most max_iterations trials (clamped to PG_NDR_MAX_TRIALS) before the
 * confirmation, invalid ones included.
 */
#ifndef DPLAB_PKTGEN_NDR_H
#define DPLAB_PKTGEN_NDR_H

#include <stdbool.h>
#include <stdint.h>

#define PG_NDR_MAX_TRIALS 64
#define PG_NDR_FINAL_TRIES 4	/* the confirmation and 3 steps down */
#define PG_NDR_SHORTFALL 0.01	/* achieved may be this far below offered */
/* The search's trials, each maybe repeated once, and the confirmation's. */
#define PG_NDR_SLOTS (PG_NDR_MAX_TRIALS + 2 * PG_NDR_FINAL_TRIES)

struct pg_trial_result {
	double offered_pps;	/* set by the search before the call */
	double secs;		/* the trial's length: set before the call */
	bool final;		/* a confirmation trial: set before the call */
	double achieved_pps;
	uint64_t sent, received;
	double loss_ratio;	/* lost over offered: decides pass or fail */
	uint64_t p50_ns, p99_ns, max_ns;	/* 0 when not measured */
	bool valid;		/* set by the search after the call */
	bool pass;		/* set by the search: valid and within tolerance */
	char why[96];		/* set by the search when !valid */
};

/* One trial at pps for out->secs: 0 and *out filled, or a negative errno (ends the search). */
typedef int (*pg_trial_fn)(void *ctx, double pps, struct pg_trial_result *out);
/* Told of each trial as it ends (i from 0); may be NULL. */
typedef void (*pg_trial_print_fn)(void *ctx, int i, const struct pg_trial_result *t);

struct pg_ndr_cfg {
	double lo_pps, hi_pps;		/* 0 < lo_pps <= hi_pps */
	double min_pps, max_pps;	/* widening limits; 0: lo_pps, hi_pps */
	double resolution_pps;		/* absolute, or 0 */
	double resolution_rel;		/* fraction of the failing rate, or 0 */
	double loss_tolerance;		/* 0 for NDR */
	double trial_secs;		/* passed in each trial's secs */
	double final_secs;		/* confirmation trial's length; 0: none */
	int max_iterations;		/* trials at most */
	pg_trial_print_fn print;	/* called with the trial's ctx */
};

struct pg_ndr_result {
	double pps;			/* highest passing (confirmed) rate; 0 if none */
	bool found;			/* a trial passed, the generator kept up */
	bool converged;			/* resolution reached (or max_pps passed) */
	bool confirmed;			/* a final trial passed at pps */
	double resolution_pps;		/* bracket width at the end: failing - passing */
	int iterations;			/* valid trials before the confirmation */
	char stop_reason[160];		/* why the search ended, in words */
	int n_trials;
	struct pg_trial_result trials[PG_NDR_SLOTS];
};

/*
 * 0 when a passing rate was found and the resolution reached (confirmed or
 * not); -ERANGE when even min_pps lost too much; -E2BIG when the trials
 * ran out first (res->pps is the best so far); -EAGAIN when the generator
 * fell short twice in a row; -EINVAL on a bad cfg; or the trial's error.
 * res holds every trial and stop_reason in all cases but -EINVAL.
 */
int pg_ndr_search(const struct pg_ndr_cfg *cfg, pg_trial_fn trial, void *ctx,
		  struct pg_ndr_result *res);

#endif /* DPLAB_PKTGEN_NDR_H */
