// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's NDR/PDR search (pktgen/ndr.c) against a simulated device
 * with a known loss curve: it must land within the resolution of the true
 * rate, in a bounded number of trials.
 */
#include <errno.h>
#include <math.h>

#include "pktgen/ndr.h"
#include "lib/testlib.h"

/* No loss up to knee_pps, then 1% more loss per 100 kpps above it. */
struct sim {
	double knee_pps;
	double secs;
	int calls, printed;
	int fail_at;		/* trial number that errs, or -1 */
};

static int sim_trial(void *ctx, double pps, struct pg_trial_result *out)
{
	struct sim *s = ctx;
	double loss = pps > s->knee_pps ? (pps - s->knee_pps) / 1e7 : 0;

	if (s->calls++ == s->fail_at)
		return -EIO;
	if (loss > 1)
		loss = 1;
	out->achieved_pps = pps;
	out->sent = (uint64_t)(pps * s->secs);
	out->received = out->sent - (uint64_t)(loss * out->sent);
	out->loss_ratio = loss;
	out->p99_ns = 10000;
	return 0;
}

static void count_print(void *ctx, int i, const struct pg_trial_result *t)
{
	struct sim *s = ctx;

	ck_assert_int_eq(i, s->printed);
	ck_assert(t->offered_pps > 0);
	s->printed++;
}

static const struct pg_ndr_cfg ndr_cfg = {
	.lo_pps = 100000, .hi_pps = 14880952, .resolution_pps = 1000,
	.loss_tolerance = 0, .max_iterations = 30, .print = count_print,
};

/* The passing trials all pass, and the result is the best of them. */
static void check_trials(const struct pg_ndr_result *r, const struct sim *s, double tol)
{
	double best = 0;
	int i;

	ck_assert_int_eq(r->n_trials, s->calls);
	ck_assert_int_eq(r->n_trials, s->printed);
	for (i = 0; i < r->n_trials; i++) {
		ck_assert_int_eq(r->trials[i].pass, r->trials[i].loss_ratio <= tol);
		if (r->trials[i].pass && r->trials[i].offered_pps > best)
			best = r->trials[i].offered_pps;
	}
	ck_assert_double_eq(r->pps, best);
}

START_TEST(ndr)
{
	struct sim s = { .knee_pps = 1234000, .secs = 1, .fail_at = -1 };
	struct pg_ndr_result r;
	/* ceil(log2((hi - lo) / resolution)) halvings + the first trial at hi */
	int bound = (int)ceil(log2((ndr_cfg.hi_pps - ndr_cfg.lo_pps) / 1000)) + 1;

	ck_assert_int_eq(pg_ndr_search(&ndr_cfg, sim_trial, &s, &r), 0);
	ck_assert(r.found && r.converged);
	ck_assert_double_le(r.pps, s.knee_pps);
	ck_assert_double_ge(r.pps, s.knee_pps - 1000);
	ck_assert_int_le(r.n_trials, bound);
	ck_assert_double_eq(r.trials[0].offered_pps, ndr_cfg.hi_pps);
	check_trials(&r, &s, 0);
}
END_TEST

START_TEST(pdr)
{
	struct sim s = { .knee_pps = 1234000, .secs = 1, .fail_at = -1 };
	struct pg_ndr_cfg c = ndr_cfg;
	struct pg_ndr_result r;
	double truth = 1234000 + 10000;		/* 0.1% loss 10 kpps above */

	c.loss_tolerance = 0.001;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	ck_assert_double_le(r.pps, truth);
	ck_assert_double_ge(r.pps, truth - 1000);
	ck_assert_int_le(r.n_trials, 16);
	check_trials(&r, &s, 0.001);

	/* relative resolution: 0.1% of the failing rate */
	s.calls = s.printed = 0;
	c.resolution_pps = 0;
	c.resolution_rel = 0.001;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	ck_assert_double_le(r.pps, truth);
	ck_assert_double_ge(r.pps, truth * 0.999);
	check_trials(&r, &s, 0.001);
}
END_TEST

START_TEST(edges)
{
	struct sim s = { .knee_pps = 20e6, .secs = 1, .fail_at = -1 };
	struct pg_ndr_cfg c = ndr_cfg;
	struct pg_ndr_result r;

	/* the top rate passes: one trial */
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	ck_assert_int_eq(r.n_trials, 1);
	ck_assert_double_eq(r.pps, c.hi_pps);

	/* nothing passes, lo_pps included: tried last, -ERANGE */
	s = (struct sim){ .knee_pps = 50000, .secs = 1, .fail_at = -1 };
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -ERANGE);
	ck_assert(!r.found);
	ck_assert_double_eq(r.pps, 0);
	ck_assert_double_eq(r.trials[r.n_trials - 1].offered_pps, c.lo_pps);
	check_trials(&r, &s, 0);

	/* the knee just above lo_pps: lo passes and is the result */
	s = (struct sim){ .knee_pps = 100500, .secs = 1, .fail_at = -1 };
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	ck_assert_double_eq(r.pps, c.lo_pps);

	/* trials run out: -E2BIG with the best so far */
	s = (struct sim){ .knee_pps = 1234000, .secs = 1, .fail_at = -1 };
	c.max_iterations = 5;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -E2BIG);
	ck_assert_int_eq(r.n_trials, 5);
	ck_assert(!r.converged);
	ck_assert_double_le(r.pps, s.knee_pps);

	/* a trial's error ends the search */
	s = (struct sim){ .knee_pps = 1234000, .secs = 1, .fail_at = 3 };
	c.max_iterations = 30;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -EIO);
	ck_assert_int_eq(r.n_trials, 3);

	/* bad configurations */
	c.lo_pps = 0;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -EINVAL);
	c.lo_pps = 2e7;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -EINVAL);
	c = ndr_cfg;
	c.resolution_pps = 0;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -EINVAL);
}
END_TEST

static Suite *pktgen_ndr_suite(void)
{
	Suite *su = suite_create("pktgen_ndr");
	TCase *tc = tcase_create("search");

	tcase_add_test(tc, ndr);
	tcase_add_test(tc, pdr);
	tcase_add_test(tc, edges);
	suite_add_tcase(su, tc);
	return su;
}

TEST_SUITE(pktgen_ndr_suite)
