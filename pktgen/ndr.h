/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * RFC 2544 NDR/PDR search: the highest rate in [lo_pps, hi_pps] whose loss
 * ratio stays at or under loss_tolerance (0: NDR; e.g. 0.001: PDR 0.1%).
 *
 * The first trial is at hi_pps; if it passes that is the result.  Then a
 * binary search keeps a passing rate lo and a failing rate hi and halves
 * [lo, hi] until hi - lo <= max(resolution_pps, resolution_rel * hi).
 * lo_pps is assumed to pass until a trial shows it; if no trial above it
 * passed, it is tried last.  At most max_iterations trials in all
 * (clamped to PG_NDR_MAX_TRIALS).
 */
#ifndef DPLAB_PKTGEN_NDR_H
#define DPLAB_PKTGEN_NDR_H

#include <stdbool.h>
#include <stdint.h>

#define PG_NDR_MAX_TRIALS 64

struct pg_trial_result {
	double offered_pps;	/* set by the search before the call */
	double achieved_pps;
	uint64_t sent, received;
	double loss_ratio;	/* (sent - unique received) / sent: decides */
	uint64_t p50_ns, p99_ns, max_ns;	/* 0 when not measured */
	bool pass;		/* set by the search after the call */
};

/* One trial at pps: 0 and *out filled, or a negative errno (ends the search). */
typedef int (*pg_trial_fn)(void *ctx, double pps, struct pg_trial_result *out);
/* Told of each trial as it ends (i from 0); may be NULL. */
typedef void (*pg_trial_print_fn)(void *ctx, int i, const struct pg_trial_result *t);

struct pg_ndr_cfg {
	double lo_pps, hi_pps;		/* 0 < lo_pps <= hi_pps */
	double resolution_pps;		/* absolute, or 0 */
	double resolution_rel;		/* fraction of the failing rate, or 0 */
	double loss_tolerance;		/* 0 for NDR */
	int max_iterations;		/* trials at most */
	pg_trial_print_fn print;	/* called with the trial's ctx */
};

struct pg_ndr_result {
	double pps;			/* highest passing rate; 0 if none */
	bool found;			/* a trial passed */
	bool converged;			/* resolution reached (or hi passed) */
	int n_trials;
	struct pg_trial_result trials[PG_NDR_MAX_TRIALS];
};

/*
 * 0 when a passing rate was found and the resolution reached; -ERANGE
 * when even lo_pps lost too much; -E2BIG when the trials ran out first
 * (res->pps is the best so far); -EINVAL on a bad cfg; or the trial's
 * error.  res holds every trial in all cases.
 */
int pg_ndr_search(const struct pg_ndr_cfg *cfg, pg_trial_fn trial, void *ctx,
		  struct pg_ndr_result *res);

#endif /* DPLAB_PKTGEN_NDR_H */
