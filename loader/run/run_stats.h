/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The statistics of `dplab run`'s verdicts (run_stats.c, distributions
 * from GSL): a knob's effect on a metric is the mean of paired log-ratios
 * d_i = ln(knob visit / mean of its two neighbouring baseline visits),
 * with a t interval; "effect" when a two-sided t test rejects d = 0 after
 * Benjamini-Hochberg across the table, "equivalent" when two one-sided
 * tests put the effect inside +-delta (after the same correction),
 * "undecided" otherwise.
 */
#ifndef DPLAB_LOADER_RUN_STATS_H
#define DPLAB_LOADER_RUN_STATS_H

#define RUN_ALPHA 0.05		/* false-discovery rate of each verdict family */

enum run_verdict { V_UNDECIDED, V_EFFECT, V_EQUIVALENT, V_TOO_FEW, V_NOISY };

struct run_effect {
	int n;			/* pairs */
	double mean, sd;	/* of the d_i (natural log) */
	double lo, hi;		/* 95% confidence interval of the mean */
	double half;		/* its half-width */
	double p_effect;	/* two-sided t test of mean = 0 */
	double p_equiv;		/* TOST against (-delta, +delta), the larger one-sided p */
	double q_effect, q_equiv;	/* after Benjamini-Hochberg */
	enum run_verdict verdict;
};

/* ln(knob / ((before + after) / 2)); NAN unless all three are > 0. */
double run_pair_logratio(double knob, double before, double after);

/*
 * Mean, interval and both p-values of n paired log-ratios against an
 * equivalence margin delta (natural log, > 0).  n < 2 gives V_TOO_FEW
 * and NAN p-values.  The q values are set to the p values (no correction
 * yet) and the verdict is left to run_verdicts().
 */
void run_effect_compute(const double *d, int n, double delta, struct run_effect *e);

/* The TOST p-value of a computed effect against another margin delta (natural log). */
void run_effect_margin(struct run_effect *e, double delta);

/* Benjamini-Hochberg adjusted p-values (step-up, monotone); NAN p's are skipped. */
void run_bh_adjust(const double *p, double *q, int n);

/*
 * Adjust the effects' p-values across all n (each family on its own) and
 * give each its verdict: effect when q_effect <= alpha, else equivalent
 * when q_equiv <= alpha, else undecided.
 */
void run_verdicts(struct run_effect *e, int n, double alpha);

/* "effect", "equivalent", "undecided", "too few pairs", "too noisy". */
const char *run_verdict_name(enum run_verdict v);

/* Percent change of a natural-log effect: 100 * (exp(x) - 1). */
double run_pct(double log_effect);

#endif /* DPLAB_LOADER_RUN_STATS_H */
