// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Effects and verdicts of results.json (run_results.h): for every config
 * compared against a baseline and every metric, the paired log-ratios of
 * its visits to the baseline visits either side of them (run_stats.h),
 * the interval, and a verdict; the equivalence margin of each metric is
 * max(3%, the widest placebo half-width), and Benjamini-Hochberg runs
 * over the whole table at once.  On a metric whose placebo half-width is
 * wider than MAX_DELTA_PCT no equivalence is claimed (an "equivalent
 * within +-200%" says nothing): a cell that is not an effect is "too
 * noisy" there.  An effect stands: it does not depend on the margin.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/run_metrics.h"
#include "run/run_results.h"
#include "run/run_stats.h"

#define MIN_DELTA_PCT 3.0
#define MAX_DELTA_PCT 25.0
#define MAX_PAIRS 256

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static double value(json_t *visit, const char *id)
{
	json_t *v = json_object_get(json_object_get(visit, "values"), id);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A baseline visit of base in the same round as the knob visit k. */
static bool flank(json_t *b, json_t *k, const char *base)
{
	return b && json_is_true(json_object_get(b, "baseline")) && !strcmp(str(b, "config"), base) &&
	       json_equal(json_object_get(b, "round"), json_object_get(k, "round"));
}

/* The paired log-ratios of cfg's visits against base for metric id; how many. */
static int pairs_of(json_t *visits, const char *cfg, const char *base, const char *id,
		    double *d)
{
	size_t j, n = json_array_size(visits);
	json_t *k, *b0, *b1;
	int m = 0;
	double lr;

	for (j = 1; j + 1 < n && m < MAX_PAIRS; j++) {
		k = json_array_get(visits, j);
		if (json_is_true(json_object_get(k, "baseline")) || strcmp(str(k, "config"), cfg))
			continue;
		b0 = json_array_get(visits, j - 1);
		b1 = json_array_get(visits, j + 1);
		if (!flank(b0, k, base) || !flank(b1, k, base))
			continue;
		lr = run_pair_logratio(value(k, id), value(b0, id), value(b1, id));
		if (isfinite(lr))
			d[m++] = lr;
	}
	return m;
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *effect_json(const struct run_effect *e, const struct run_metric_def *m,
			   double delta_pct)
{
	bool scored = m->role == ROLE_SCORED;
	json_t *better = json_null();

	if (scored && e->verdict == V_EFFECT)
		better = json_boolean((e->mean > 0) == m->higher_better);
	return json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o}", "pairs", e->n,
			 "percent", num(run_pct(e->mean)), "ci_low_pct", num(run_pct(e->lo)),
			 "ci_high_pct", num(run_pct(e->hi)), "half_width_pct",
			 num(isfinite(e->half) ? 100 * e->half : NAN), "p", num(e->p_effect),
			 "q", num(e->q_effect), "q_equivalent", num(e->q_equiv), "delta_pct",
			 num(scored ? delta_pct : NAN), "better", better, "verdict",
			 scored ? run_verdict_name(e->verdict) : m->role == ROLE_ATTRIBUTION ?
			 "attribution" : "not scored", "role", json_string(m->role ==
			 ROLE_SCORED ? "scored" : m->role == ROLE_ATTRIBUTION ? "attribution" :
			 "descriptive"));
}

struct cell {
	json_t *cfg;
	int metric;
	struct run_effect e;
};

/* A cell of every compared config and metric with pairs, at the smallest margin. */
static int cells(json_t *doc, struct cell *c, int max)
{
	json_t *visits = json_object_get(doc, "visits"), *cfg;
	static double d[MAX_PAIRS];
	const char *base;
	size_t i;
	int m, n = 0, k;

	json_array_foreach(json_object_get(doc, "configs"), i, cfg) {
		base = json_string_value(json_object_get(cfg, "baseline"));
		if (!base)
			continue;
		for (m = 0; m < M_COUNT && n < max; m++) {
			k = pairs_of(visits, str(cfg, "name"), base, run_metrics[m].id, d);
			if (!k)
				continue;
			c[n] = (struct cell){ .cfg = cfg, .metric = m };
			run_effect_compute(d, k, log1p(MIN_DELTA_PCT / 100), &c[n++].e);
		}
	}
	return n;
}

/* Verdicts over the scored cells at once; every cell into its config's "effect". */
static void decide(struct cell *c, int n, const double *delta)
{
	struct run_effect *e = calloc(n ? n : 1, sizeof(*e));
	int i, k = 0;

	for (i = 0; i < n && e; i++)
		if (run_metrics[c[i].metric].role == ROLE_SCORED)
			e[k++] = c[i].e;
	if (e)
		run_verdicts(e, k, RUN_ALPHA);
	for (i = 0, k = 0; i < n && e; i++) {
		if (run_metrics[c[i].metric].role != ROLE_SCORED)
			continue;
		c[i].e = e[k++];
		/* An effect stands; "no effect" needs a margin that says something. */
		if (delta[c[i].metric] > MAX_DELTA_PCT && c[i].e.n >= 2 &&
		    c[i].e.verdict != V_EFFECT)
			c[i].e.verdict = V_NOISY;
	}
	for (i = 0; i < n; i++)
		json_object_set_new(json_object_get(c[i].cfg, "effect"),
				    run_metrics[c[i].metric].id,
				    effect_json(&c[i].e, &run_metrics[c[i].metric],
						delta[c[i].metric]));
	free(e);
}

void run_effects_compute(json_t *doc)
{
	static struct cell c[RUN_MAX_CONFIGS * M_COUNT];
	double delta[M_COUNT], pct;
	json_t *deltas = json_object(), *cfg;
	size_t i;
	int m, n, k;

	for (m = 0; m < M_COUNT; m++)
		delta[m] = MIN_DELTA_PCT;
	json_array_foreach(json_object_get(doc, "configs"), i, cfg)
		json_object_set_new(cfg, "effect", json_object());
	/* The margin: no narrower than what nothing changed looks like. */
	n = cells(doc, c, RUN_MAX_CONFIGS * M_COUNT);
	for (k = 0; k < n; k++) {
		pct = 100 * expm1(c[k].e.half);
		if (!strcmp(str(c[k].cfg, "group"), "placebo") && isfinite(pct) &&
		    pct > delta[c[k].metric])
			delta[c[k].metric] = pct;
	}
	for (m = 0; m < M_COUNT; m++)
		if (run_metrics[m].role == ROLE_SCORED)
			json_object_set_new(deltas, run_metrics[m].id, json_real(delta[m]));
	json_object_set_new(doc, "equivalence_margin_pct", deltas);
	for (k = 0; k < n; k++)
		run_effect_margin(&c[k].e, log1p(delta[c[k].metric] / 100));
	decide(c, n, delta);
}

bool run_results_undecided(json_t *cfg)
{
	json_t *eff = json_object_get(cfg, "effect"), *res = json_object_get(cfg, "results");
	bool placebo = !strcmp(json_string_value(json_object_get(cfg, "group")) ?: "", "placebo");
	const char *v;
	int m;

	for (m = 0; m < M_COUNT; m++) {
		if (!run_metrics[m].headline || !json_object_get(res, run_metrics[m].id))
			continue;
		v = json_string_value(json_object_get(json_object_get(eff, run_metrics[m].id),
						       "verdict"));
		if (!v || !strcmp(v, "undecided") || !strcmp(v, "too few pairs") ||
		    (placebo && !strcmp(v, "too noisy")))
			return true;
	}
	return false;
}
