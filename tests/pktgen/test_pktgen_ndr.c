// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's NDR/PDR search (pktgen/ndr.c) against a simulated device
 * with a known loss curve: it must land within the resolution of the true
 * rate, in a bounded number of trials; widen a bracket that misses the
 * rate; treat trials whose generator fell short as invalid; and confirm
 * the rate found with a longer trial.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pktgen/ndr.h"
#include "lib/testlib.h"

/*
 * No loss up to knee_pps, then 1% more loss per 100 kpps above it (or,
 * with step, 1% loss at once from knee_pps on).
 */
struct sim {
	double knee_pps;
	double secs;
	int calls, printed;
	int fail_at;		/* trial number that errs, or -1 */
	bool step;
	uint64_t short_mask;	/* bit i: trial i's generator sends 10% short */
	int final_fails;	/* confirmation trials that lose before one passes */
};

static int sim_trial(void *ctx, double pps, struct pg_trial_result *out)
{
	struct sim *s = ctx;
	double loss = pps > s->knee_pps ? (pps - s->knee_pps) / 1e7 : 0;
	int i = s->calls++;

	if (i == s->fail_at)
		return -EIO;
	if (s->step)
		loss = pps >= s->knee_pps ? 0.01 : 0;
	if (out->final && s->final_fails > 0) {
		s->final_fails--;
		loss = 0.5;
	}
	if (loss > 1)
		loss = 1;
	out->achieved_pps = i < 64 && (s->short_mask >> i & 1) ? pps * 0.9 : pps;
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
		const struct pg_trial_result *t = &r->trials[i];

		ck_assert_int_eq(t->valid, t->achieved_pps >= 0.99 * t->offered_pps);
		ck_assert_int_eq(t->pass, t->valid && t->loss_ratio <= tol);
		ck_assert(!t->final);
		if (r->trials[i].pass && r->trials[i].offered_pps > best)
			best = r->trials[i].offered_pps;
	}
	ck_assert_double_eq(r->pps, best);
}

START_TEST(ndr)
{
	struct sim s = { .knee_pps = 1234000, .secs = 1, .fail_at = -1 };
	struct pg_ndr_result r;
	/* ceil(log2((hi - lo) / resolution)) halvings + the trials at hi and lo */
	int bound = (int)ceil(log2((ndr_cfg.hi_pps - ndr_cfg.lo_pps) / 1000)) + 2;

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

	/* nothing passes, lo_pps (tried after hi) included: -ERANGE */
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

/* The runner's case: 1% resolution, a path that loses from 123,456 pps on. */
static const struct pg_ndr_cfg rel_cfg = {
	.lo_pps = 1000, .hi_pps = 1e6, .min_pps = 1000, .max_pps = 1e6,
	.resolution_rel = 0.01, .trial_secs = 0.3, .max_iterations = 30, .print = count_print,
};
#define TRUE_NDR 123456

/* Found within 1% of the lowest failing rate, which is above the true NDR. */
static void check_found(const struct pg_ndr_result *r)
{
	double fail = 1e300;
	int i;

	for (i = 0; i < r->n_trials; i++)
		if (r->trials[i].valid && !r->trials[i].pass && r->trials[i].offered_pps < fail)
			fail = r->trials[i].offered_pps;
	ck_assert(r->found && r->converged);
	ck_assert_double_lt(r->pps, TRUE_NDR);
	ck_assert_double_ge(fail, TRUE_NDR);
	ck_assert_double_le(fail - r->pps, 0.01 * fail);
	ck_assert_double_eq(r->resolution_pps, fail - r->pps);
	ck_assert_ptr_nonnull(strstr(r->stop_reason, "converged"));
}

START_TEST(resolution_1pct)
{
	struct sim s = { .knee_pps = TRUE_NDR, .step = true, .fail_at = -1 };
	struct pg_ndr_result r;

	ck_assert_int_eq(pg_ndr_search(&rel_cfg, sim_trial, &s, &r), 0);
	check_found(&r);
	check_trials(&r, &s, 0);
	ck_assert_int_eq(r.iterations, r.n_trials);
	ck_assert_double_eq(r.trials[0].secs, 0.3);
	ck_assert(!r.confirmed);
}
END_TEST

START_TEST(widen)
{
	struct sim s = { .knee_pps = TRUE_NDR, .step = true, .fail_at = -1 };
	struct pg_ndr_cfg c = rel_cfg;
	struct pg_ndr_result r;

	/* a bracket above the NDR: hi and lo fail, lo is halved and passes */
	c.lo_pps = 0.8 * 200000;
	c.hi_pps = 1.1 * 200000;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	check_found(&r);
	check_trials(&r, &s, 0);
	ck_assert_double_eq(r.trials[1].offered_pps, c.lo_pps);
	ck_assert(!r.trials[1].pass);
	ck_assert_double_eq(r.trials[2].offered_pps, c.lo_pps / 2);
	ck_assert(r.trials[2].pass);

	/* a bracket below: hi passes and doubles until it fails, lo is not needed */
	s.calls = s.printed = 0;
	c.lo_pps = 0.8 * 50000;
	c.hi_pps = 1.1 * 50000;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	check_found(&r);
	check_trials(&r, &s, 0);
	ck_assert_double_eq(r.trials[1].offered_pps, 2 * c.hi_pps);
	ck_assert_double_eq(r.trials[2].offered_pps, 4 * c.hi_pps);
	ck_assert(r.trials[1].pass && !r.trials[2].pass);

	/* up to the ceiling only: the ceiling passing is the result */
	s.calls = s.printed = 0;
	c.max_pps = 100000;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	ck_assert(r.found && r.converged);
	ck_assert_double_eq(r.pps, 100000);
	ck_assert_double_eq(r.resolution_pps, 0);
	ck_assert_int_eq(r.n_trials, 2);
	ck_assert_ptr_nonnull(strstr(r.stop_reason, "ceiling"));

	/* down to the floor only: nothing passes */
	s = (struct sim){ .knee_pps = 10000, .step = true, .fail_at = -1 };
	c = rel_cfg;
	c.lo_pps = 40000;
	c.hi_pps = 55000;
	c.min_pps = 15000;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), -ERANGE);
	ck_assert(!r.found && !r.converged);
	ck_assert_int_eq(r.n_trials, 4);	/* 55000, 40000, 20000, the floor */
	ck_assert_double_eq(r.trials[2].offered_pps, 20000);
	ck_assert_double_eq(r.trials[3].offered_pps, c.min_pps);
	ck_assert_ptr_nonnull(strstr(r.stop_reason, "no passing rate"));
}
END_TEST

START_TEST(generator_short)
{
	struct sim s = { .knee_pps = TRUE_NDR, .step = true, .fail_at = -1,
			 .short_mask = 1 << 2 | 1 << 5 };
	struct pg_ndr_result r;
	char why[96];

	/* invalid trials 2 and 5, each run again at its rate: still found */
	ck_assert_int_eq(pg_ndr_search(&rel_cfg, sim_trial, &s, &r), 0);
	check_found(&r);
	check_trials(&r, &s, 0);
	ck_assert(!r.trials[2].valid && !r.trials[2].pass && !r.trials[5].valid);
	ck_assert_double_eq(r.trials[3].offered_pps, r.trials[2].offered_pps);
	ck_assert(r.trials[3].valid);
	snprintf(why, sizeof(why), "generator fell short: achieved %.0f of %.0f pps",
		 r.trials[2].achieved_pps, r.trials[2].offered_pps);
	ck_assert_str_eq(r.trials[2].why, why);
	ck_assert_int_eq(r.iterations, r.n_trials - 2);

	/* invalid twice in a row: the search ends, nothing found */
	s = (struct sim){ .knee_pps = TRUE_NDR, .step = true, .fail_at = -1,
			  .short_mask = 1 << 3 | 1 << 4 };
	ck_assert_int_eq(pg_ndr_search(&rel_cfg, sim_trial, &s, &r), -EAGAIN);
	ck_assert(!r.found && !r.converged);
	ck_assert_double_eq(r.pps, 0);
	ck_assert_int_eq(r.n_trials, 5);
	ck_assert_ptr_nonnull(strstr(r.stop_reason, "generator fell short"));
}
END_TEST

START_TEST(confirm)
{
	struct sim s = { .knee_pps = TRUE_NDR, .step = true, .fail_at = -1, .final_fails = 1 };
	struct pg_ndr_cfg c = rel_cfg;
	struct pg_ndr_result r;
	const struct pg_trial_result *f;
	double found;

	/* the first confirmation loses: one resolution lower it passes */
	c.final_secs = 2;
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	f = &r.trials[r.n_trials - 2];
	found = f->offered_pps;
	ck_assert(f->final && !f->pass && f->secs == 2);
	ck_assert(f[1].final && f[1].pass && f[1].secs == 2);
	ck_assert_double_eq_tol(f[1].offered_pps, found * 0.99, 1e-6);
	ck_assert(!r.trials[r.n_trials - 3].final);
	ck_assert(r.confirmed && r.found);
	ck_assert_double_eq(r.pps, f[1].offered_pps);
	ck_assert_int_eq(r.iterations, r.n_trials - 2);
	ck_assert_ptr_nonnull(strstr(r.stop_reason, "confirmed at"));

	/* every confirmation loses: 4 of them, not confirmed, the search's rate stays */
	s = (struct sim){ .knee_pps = TRUE_NDR, .step = true, .fail_at = -1, .final_fails = 9 };
	ck_assert_int_eq(pg_ndr_search(&c, sim_trial, &s, &r), 0);
	ck_assert(!r.confirmed && r.found);
	ck_assert_double_eq(r.pps, found);
	ck_assert_int_eq(r.n_trials, r.iterations + PG_NDR_FINAL_TRIES);
	ck_assert(r.trials[r.n_trials - PG_NDR_FINAL_TRIES].final);
	ck_assert(!r.trials[r.n_trials - PG_NDR_FINAL_TRIES - 1].final);
	ck_assert_ptr_nonnull(strstr(r.stop_reason, "not confirmed"));
}
END_TEST

static Suite *pktgen_ndr_suite(void)
{
	Suite *su = suite_create("pktgen_ndr");
	TCase *tc = tcase_create("search");

	tcase_add_test(tc, ndr);
	tcase_add_test(tc, pdr);
	tcase_add_test(tc, edges);
	tcase_add_test(tc, resolution_1pct);
	tcase_add_test(tc, widen);
	tcase_add_test(tc, generator_short);
	tcase_add_test(tc, confirm);
	suite_add_tcase(su, tc);
	return su;
}

TEST_SUITE(pktgen_ndr_suite)
