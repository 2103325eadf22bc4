// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Effects, intervals, TOST and Benjamini-Hochberg for `dplab run` (run_stats.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "run/run_stats.h"

double run_pair_logratio(double knob, double before, double after)
{
	if (!(knob > 0) || !(before > 0) || !(after > 0) || !isfinite(knob + before + after))
		return NAN;
	return log(knob / ((before + after) / 2));
}

/* One-sided p-values of t = (mean - mu) / se with df degrees of freedom. */
static double p_above(double mean, double mu, double se, double df)
{
	if (se == 0)
		return mean > mu ? 0 : 1;
	return gsl_cdf_tdist_Q((mean - mu) / se, df);
}

static double p_below(double mean, double mu, double se, double df)
{
	if (se == 0)
		return mean < mu ? 0 : 1;
	return gsl_cdf_tdist_P((mean - mu) / se, df);
}

void run_effect_compute(const double *d, int n, double delta, struct run_effect *e)
{
	double se, df, t;

	*e = (struct run_effect){ .n = n, .mean = NAN, .sd = NAN, .lo = NAN, .hi = NAN,
				  .half = NAN, .p_effect = NAN, .p_equiv = NAN,
				  .q_effect = NAN, .q_equiv = NAN, .verdict = V_TOO_FEW };
	if (n < 1)
		return;
	e->mean = gsl_stats_mean(d, 1, n);
	if (n < 2)
		return;
	e->sd = gsl_stats_sd_m(d, 1, n, e->mean);
	df = n - 1;
	se = e->sd / sqrt(n);
	t = gsl_cdf_tdist_Pinv(0.975, df);
	e->half = t * se;
	e->lo = e->mean - e->half;
	e->hi = e->mean + e->half;
	e->p_effect = 2 * fmin(p_above(e->mean, 0, se, df), p_below(e->mean, 0, se, df));
	if (e->p_effect > 1)
		e->p_effect = 1;
	e->q_effect = e->p_effect;
	e->verdict = V_UNDECIDED;
	run_effect_margin(e, delta);
}

void run_effect_margin(struct run_effect *e, double delta)
{
	double df = e->n - 1, se = e->sd / sqrt(e->n);

	if (e->n < 2)
		return;
	/* TOST: reject "mean <= -delta" and "mean >= +delta"; the larger p decides. */
	e->p_equiv = fmax(p_above(e->mean, -delta, se, df), p_below(e->mean, delta, se, df));
	e->q_equiv = e->p_equiv;
}

struct ranked {
	double p;
	int i;
};

static int by_p(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->p, y = ((const struct ranked *)b)->p;

	return (x > y) - (x < y);
}

void run_bh_adjust(const double *p, double *q, int n)
{
	struct ranked *r = calloc(n > 0 ? n : 1, sizeof(*r));
	double run = 1;
	int i, m = 0;

	for (i = 0; i < n; i++) {
		q[i] = NAN;
		if (r && !isnan(p[i]))
			r[m++] = (struct ranked){ p[i], i };
	}
	if (!r)
		return;
	qsort(r, m, sizeof(*r), by_p);
	/* q_(k) = min over j >= k of p_(j) * m / j, capped at 1. */
	for (i = m - 1; i >= 0; i--) {
		run = fmin(run, r[i].p * m / (i + 1));
		q[r[i].i] = run;
	}
	free(r);
}

/* One family (effect or equivalence) of p-values across the table. */
static void adjust_family(struct run_effect *e, int n, bool equiv)
{
	double *p = calloc(n > 0 ? n : 1, sizeof(*p)), *q = calloc(n > 0 ? n : 1, sizeof(*q));
	int i;

	if (p && q) {
		for (i = 0; i < n; i++)
			p[i] = equiv ? e[i].p_equiv : e[i].p_effect;
		run_bh_adjust(p, q, n);
		for (i = 0; i < n; i++)
			*(equiv ? &e[i].q_equiv : &e[i].q_effect) = q[i];
	}
	free(p);
	free(q);
}

void run_verdicts(struct run_effect *e, int n, double alpha)
{
	int i;

	adjust_family(e, n, false);
	adjust_family(e, n, true);
	for (i = 0; i < n; i++) {
		if (e[i].n < 2 || isnan(e[i].q_effect))
			e[i].verdict = V_TOO_FEW;
		else if (e[i].q_effect <= alpha)
			e[i].verdict = V_EFFECT;
		else if (e[i].q_equiv <= alpha)
			e[i].verdict = V_EQUIVALENT;
		else
			e[i].verdict = V_UNDECIDED;
	}
}

const char *run_verdict_name(enum run_verdict v)
{
	static const char *const names[] = { "undecided", "effect", "equivalent",
					     "too few pairs", "too noisy" };

	return names[v];
}

double run_pct(double log_effect)
{
	return 100 * expm1(log_effect);
}
