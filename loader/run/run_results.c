// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* results.json of `dplab run`: samples, summaries, effects (run_results.h). */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/fsutil.h"
#include "cluster/knobs.h"
#include "run/run_metrics.h"
#include "run/run_results.h"
#include "dplab/fmt.h"

#define MAX_SAMPLES 64

static json_t *utc_now(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *knobs_text(const struct knobs *k)
{
	json_t *o = json_object();
	char v[32];
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		knob_value(k, i, v, sizeof(v));
		json_object_set_new(o, knob_name(i), json_string(v));
	}
	return o;
}

json_t *run_results_new(const struct run_plan *p, unsigned long seed)
{
	json_t *doc, *knobs = json_array(), *scen = json_object(), *metrics = json_array();
	char name[2] = { 0 }, err[128];
	struct knobs k;
	int i;

	for (i = 0; i < KNOB_COUNT; i++)
		json_array_append_new(knobs, json_string(knob_name(i)));
	for (name[0] = 'A'; name[0] <= 'E'; name[0]++) {
		knobs_profile(name, &k, err, sizeof(err));
		json_object_set_new(scen, name, knobs_text(&k));
	}
	for (i = 0; i < M_COUNT; i++)
		json_array_append_new(metrics, json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:b}",
			"id", run_metrics[i].id, "label", run_metrics[i].label,
			"unit", run_metrics[i].unit, "higher_better", run_metrics[i].higher_better,
			"workload", run_workload_names[run_metrics[i].workload],
			"role", run_metrics[i].role == ROLE_SCORED ? "scored" :
				run_metrics[i].role == ROLE_ATTRIBUTION ? "attribution" :
				"descriptive", "headline", run_metrics[i].headline));
	doc = json_pack("{s:s,s:i,s:o,s:n,s:b,s:n,s:{s:s,s:b,s:i,s:i,s:f,s:I,s:s,s:s},"
			"s:o,s:o,s:o,s:[],s:[],s:[]}",
			"tool", "dplab run", "schema", 2, "started", utc_now(), "finished",
			"complete", 0, "stop_reason",
			"plan", "name", p->name, "quick", p->quick, "pairs", p->p.pairs,
			"max_pairs", p->p.max_pairs, "budget_secs", p->p.budget_secs,
			"seed", (json_int_t)seed, "topology", p->topology,
			"text", p->text ? p->text : "",
			"knobs", knobs, "scenarios", scen, "metrics", metrics, "configs", "visits",
			"notes");
	return doc;
}

json_t *run_results_config(json_t *doc, const struct run_plan *p, const struct run_config *c)
{
	char scenario[2] = { c->scenario, 0 };
	json_t *cfg;

	cfg = json_pack("{s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:o,s:o,s:s,s:n,s:[],s:[],s:{},s:{},s:[],"
			"s:{},s:f}",
			"name", c->name, "group", run_group_name(c->group),
			"scenario", c->scenario ? scenario : NULL,
			"baseline", c->baseline >= 0 ? p->configs[c->baseline].name : NULL,
			"knob", c->knob >= 0 ? knob_name(c->knob) : NULL,
			"value", c->knob >= 0 ? c->value : NULL, "also", c->also[0] ? c->also : NULL,
			"sweep", c->group == G_SWEEP ?
				json_pack("{s:s,s:i}", "service_lb", c->sweep_lb,
					  "services", (json_int_t)c->sweep_services) : json_null(),
			"knobs", knobs_text(&c->k), "status", "interrupted", "reason",
			"notes", "attach", "results", "effect", "maps", "kube_proxy_rules",
			"seconds", 0.0);
	json_array_append_new(json_object_get(doc, "configs"), cfg);
	return cfg;
}

static json_t *result_of(json_t *cfg, int metric)
{
	json_t *results = json_object_get(cfg, "results");
	json_t *r = json_object_get(results, run_metrics[metric].id);

	if (!r) {
		r = json_pack("{s:[],s:n,s:n,s:n,s:s,s:[]}", "samples", "median", "min", "max",
			      "unit", run_metrics[metric].unit, "errors");
		json_object_set_new(results, run_metrics[metric].id, r);
	}
	return r;
}

void run_results_sample(json_t *cfg, int metric, double v)
{
	json_array_append_new(json_object_get(result_of(cfg, metric), "samples"), json_real(v));
}

void run_results_error(json_t *cfg, int metric, const char *why)
{
	json_array_append_new(json_object_get(result_of(cfg, metric), "errors"), json_string(why));
}

static json_t *pct_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void run_results_visit(json_t *doc, const char *config, int round, bool baseline,
		       double t, const struct run_visit_quiet *q, json_t *values,
		       json_t *errors)
{
	json_array_append_new(json_object_get(doc, "visits"),
			      json_pack("{s:s,s:i,s:b,s:f,s:o,s:o,s:o,s:i,s:o,s:o}", "config",
					config, "round", round, "baseline", baseline, "t_s", t,
					"steal_pct", pct_or_null(q->steal), "busy_before_pct",
					pct_or_null(q->before), "busy_after_pct",
					pct_or_null(q->after), "attempts", q->attempts,
					"values", values, "errors", errors));
}

void run_results_note(json_t *doc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(json_object_get(doc, "notes"), json_string(buf));
}

void run_results_status(json_t *cfg, const char *status, const char *reason)
{
	json_object_set_new(cfg, "status", json_string(status));
	json_object_set_new(cfg, "reason", reason ? json_string(reason) : json_null());
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double run_median(double *v, int n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void summarize_result(json_t *r)
{
	json_t *samples = json_object_get(r, "samples"), *s;
	double v[MAX_SAMPLES];
	size_t i;
	int n = 0;

	json_array_foreach(samples, i, s)
		if (n < MAX_SAMPLES && json_is_number(s) && isfinite(json_number_value(s)))
			v[n++] = json_number_value(s);
	json_object_set_new(r, "median", num_or_null(run_median(v, n)));
	json_object_set_new(r, "min", num_or_null(n ? v[0] : NAN));
	json_object_set_new(r, "max", num_or_null(n ? v[n - 1] : NAN));
}

static void run_results_summarize(json_t *doc)
{
	json_t *cfg, *r;
	const char *id;
	size_t i;

	json_array_foreach(json_object_get(doc, "configs"), i, cfg)
		json_object_foreach(json_object_get(cfg, "results"), id, r)
			summarize_result(r);
	run_effects_compute(doc);
}

void run_results_finish(json_t *doc, const char *stop_reason)
{
	json_object_set_new(doc, "finished", utc_now());
	json_object_set_new(doc, "complete", json_boolean(!stop_reason));
	json_object_set_new(doc, "stop_reason", stop_reason ? json_string(stop_reason) :
			    json_null());
}

int run_results_save(json_t *doc, const char *dir)
{
	char path[4096], *text;
	int err;

	fmt_fit(path, sizeof(path), "%s/results.json", dir);
	run_results_summarize(doc);
	text = json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
	if (!text)
		return -ENOMEM;
	err = write_file(path, text);
	free(text);
	return err;
}
