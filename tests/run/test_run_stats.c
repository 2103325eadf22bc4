// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The verdict statistics of dplab run (suite run_stats, no root).
 *
 *   known_values   a t interval and p-values at textbook points, and
 *                  Benjamini-Hochberg on R's p.adjust example
 *   verdicts       an effect, an equivalence and an undecided case
 *   paired_doc     run_effects_compute() on visits B k B p B with a strong
 *                  linear drift: the knob's +10% comes out as an effect of
 *                  +10% (drift cancelled), the quiet placebo as equivalent,
 *                  and on a metric whose placebo varies by half the placebo
 *                  is "too noisy" while a knob's large effect still stands
 *   error_rates    simulated placebos (no true effect, N(0, 5%) pairs):
 *                  at most ~5% are called an effect, and the interval
 *                  covers 0 in ~95%; a true effect exactly at the margin
 *                  is called equivalent in at most ~5%
 */
#include <math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <jansson.h>

#include "run/run_results.h"
#include "run/run_stats.h"
#include "lib/testlib.h"

#define T975_DF4 2.7764451051977987	/* t quantile 0.975, 4 degrees of freedom */

START_TEST(test_known_values)
{
	/* mean 0, sd 1 (by construction), n 5: se = 1 / sqrt(5). */
	double d[5] = { -1.5, -0.5, 0, 0.5, 1.5 }, p[4] = { 0.01, 0.04, 0.03, 0.005 }, q[4];
	double want_q[4] = { 0.02, 0.04, 0.04, 0.02 }, sd, shift;
	struct run_effect e;
	int i;

	sd = sqrt((2.25 * 2 + 0.25 * 2) / 4);
	for (i = 0; i < 5; i++)
		d[i] /= sd;
	run_effect_compute(d, 5, 0.03, &e);
	ck_assert_double_eq_tol(e.mean, 0, 1e-12);
	ck_assert_double_eq_tol(e.sd, 1, 1e-12);
	ck_assert_double_eq_tol(e.half, T975_DF4 / sqrt(5), 1e-9);
	ck_assert_double_eq_tol(e.p_effect, 1, 1e-12);
	/* Shift the mean to exactly the 97.5% point: the two-sided p is 0.05. */
	shift = T975_DF4 / sqrt(5);
	for (i = 0; i < 5; i++)
		d[i] += shift;
	run_effect_compute(d, 5, 0.03, &e);
	ck_assert_double_eq_tol(e.p_effect, 0.05, 1e-9);
	ck_assert_double_eq_tol(e.lo, 0, 1e-9);
	/* R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02 */
	run_bh_adjust(p, q, 4);
	for (i = 0; i < 4; i++)
		ck_assert_double_eq_tol(q[i], want_q[i], 1e-12);
	ck_assert_double_eq_tol(run_pair_logratio(110, 100, 100), log(1.1), 1e-12);
	ck_assert_double_eq_tol(run_pair_logratio(100, 90, 110), 0, 1e-12);
	ck_assert(isnan(run_pair_logratio(100, 0, 110)));
	ck_assert_double_eq_tol(run_pct(log(1.25)), 25, 1e-9);
}
END_TEST

START_TEST(test_verdicts)
{
	double big[6] = { 0.10, 0.11, 0.09, 0.10, 0.12, 0.08 };
	double nil[6] = { 0.002, -0.001, 0.001, -0.002, 0.000, 0.001 };
	double wide[6] = { 0.2, -0.25, 0.1, -0.05, 0.3, -0.2 };
	struct run_effect e[4];

	run_effect_compute(big, 6, log(1.03), &e[0]);
	run_effect_compute(nil, 6, log(1.03), &e[1]);
	run_effect_compute(wide, 6, log(1.03), &e[2]);
	run_effect_compute(big, 1, log(1.03), &e[3]);
	run_verdicts(e, 4, RUN_ALPHA);
	ck_assert_str_eq(run_verdict_name(e[0].verdict), "effect");
	ck_assert_str_eq(run_verdict_name(e[1].verdict), "equivalent");
	ck_assert_str_eq(run_verdict_name(e[2].verdict), "undecided");
	ck_assert_str_eq(run_verdict_name(e[3].verdict), "too few pairs");
	ck_assert(e[0].q_effect >= e[0].p_effect);
}
END_TEST

/* A visit of config with cpu_ns_per_pkt = cpu and owd_p50_us = owd. */
static void visit(json_t *visits, const char *config, int round, bool base, double cpu,
		  double owd)
{
	json_array_append_new(visits, json_pack("{s:s,s:i,s:b,s:{s:f,s:f}}", "config", config,
						"round", round, "baseline", base, "values",
						"cpu_ns_per_pkt", cpu, "owd_p50_us", owd));
}

static const char *verdict_of(json_t *doc, int cfg, const char *metric, double *pct)
{
	json_t *e = json_object_get(json_object_get(json_array_get(json_object_get(doc, "configs"),
								   cfg), "effect"), metric);

	*pct = json_number_value(json_object_get(e, "percent"));
	return json_string_value(json_object_get(e, "verdict"));
}

START_TEST(test_paired_doc)
{
	json_t *doc = json_pack("{s:[{s:s,s:s,s:n,s:{}},{s:s,s:s,s:s,s:{}},{s:s,s:s,s:s,s:{}}],"
				"s:[]}", "configs",
				"name", "A", "group", "scenario", "baseline", "effect",
				"name", "A+k", "group", "isolate_on", "baseline", "A", "effect",
				"name", "A placebo", "group", "placebo", "baseline", "A", "effect",
				"visits");
	json_t *v = json_object_get(doc, "visits");
	double t = 0, pct, wobble;
	int r;

	/* Drift of +3% per visit; the placebo's owd swings by half, its cpu by 0.2%. */
	for (r = 0; r < 8; r++) {
		wobble = r % 2 ? 1.002 : 0.998;
		visit(v, "A", r, true, 100 * (1 + 0.03 * t++), 10);
		visit(v, "A+k", r, false, 110 * (1 + 0.03 * t++), r % 2 ? 21 : 19);
		visit(v, "A", r, true, 100 * (1 + 0.03 * t++), 10);
		visit(v, "A placebo", r, false, 100 * wobble * (1 + 0.03 * t++), r % 2 ? 15 : 7);
		visit(v, "A", r, true, 100 * (1 + 0.03 * t++), 10);
	}
	run_effects_compute(doc);
	ck_assert_str_eq(verdict_of(doc, 1, "cpu_ns_per_pkt", &pct), "effect");
	ck_assert_msg(fabs(pct - 10) < 0.5, "knob effect %.2f%%, want +10%%", pct);
	ck_assert_str_eq(verdict_of(doc, 2, "cpu_ns_per_pkt", &pct), "equivalent");
	ck_assert_str_eq(verdict_of(doc, 1, "owd_p50_us", &pct), "effect");
	ck_assert_str_eq(verdict_of(doc, 2, "owd_p50_us", &pct), "too noisy");
	ck_assert(json_number_value(json_object_get(json_object_get(doc,
		"equivalence_margin_pct"), "owd_p50_us")) > 25);
	json_decref(doc);
}
END_TEST

/* Fraction of `trials` simulated runs of n pairs, N(mu, sigma), with verdict v. */
static double rate_of(gsl_rng *r, double mu, double sigma, int n, double delta,
		      enum run_verdict v, double *covered)
{
	const int trials = 4000;
	double d[16];
	struct run_effect e;
	int t, i, hits = 0, cover = 0;

	for (t = 0; t < trials; t++) {
		for (i = 0; i < n; i++)
			d[i] = mu + gsl_ran_gaussian(r, sigma);
		run_effect_compute(d, n, delta, &e);
		run_verdicts(&e, 1, RUN_ALPHA);
		hits += e.verdict == v;
		cover += e.lo <= mu && mu <= e.hi;
	}
	if (covered)
		*covered = (double)cover / trials;
	return (double)hits / trials;
}

START_TEST(test_error_rates)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	double fp, cover, false_equiv;

	gsl_rng_set(r, 12);
	fp = rate_of(r, 0, 0.05, 5, log(1.03), V_EFFECT, &cover);
	ck_assert_msg(fp > 0.03 && fp < 0.07, "placebo called an effect in %.3f", fp);
	ck_assert_msg(cover > 0.93 && cover < 0.97, "interval covers 0 in %.3f", cover);
	/* A true effect at the margin: equivalence must be claimed at most ~alpha. */
	false_equiv = rate_of(r, log(1.03), 0.01, 8, log(1.03), V_EQUIVALENT, NULL);
	ck_assert_msg(false_equiv < 0.065, "margin effect called equivalent in %.3f",
		      false_equiv);
	gsl_rng_free(r);
}
END_TEST

static Suite *run_stats_suite(void)
{
	Suite *s = suite_create("run_stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, test_known_values);
	tcase_add_test(tc, test_verdicts);
	tcase_add_test(tc, test_paired_doc);
	tcase_add_test(tc, test_error_rates);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(run_stats_suite)
