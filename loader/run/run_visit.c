// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One visit of a configuration (run.h): switch, steer, flush, warm up,
 * measure, record; and the attribution pass with BPF stats on.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "run/run.h"
#include "run/run_cluster.h"
#include "run/run_results.h"
#include "util/platform.h"

#define MAX_ATTEMPTS 3		/* a visit measured again when too much was stolen */
#define QUIET_SAMPLE_S 0.2	/* how long the machine is watched for other work */
#define QUIET_MAX_PCT 15.0	/* busier than this with the run idle: someone else works */
#define QUIET_WAIT_S 20.0	/* how long a visit waits for the machine to be quiet */

/*
 * What a configuration put in the datapath, as text: every attachment
 * (namespace, device, hook, program, mechanism), the steps each tc hook's
 * program runs (its name alone does not say) and the size of every map.
 * Two configurations with equal keys run the same programs.
 */
static char *datapath_key(json_t *st)
{
	json_t *a, *node, *feat, *m, *step;
	const char *nname, *fname, *mname;
	size_t i, j, len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	json_array_foreach(json_object_get(st, "attachments"), i, a)
		fprintf(f, "%s %s %s %s %s;",
			json_string_value(json_object_get(a, "namespace")),
			json_string_value(json_object_get(a, "device")),
			json_string_value(json_object_get(a, "hook")),
			json_string_value(json_object_get(a, "program")),
			json_string_value(json_object_get(a, "mechanism")));
	json_array_foreach(json_object_get(st, "hooks"), i, a) {
		fprintf(f, "%s %s %s:", json_string_value(json_object_get(a, "namespace")),
			json_string_value(json_object_get(a, "device")),
			json_string_value(json_object_get(a, "hook")));
		json_array_foreach(json_object_get(a, "steps"), j, step)
			fprintf(f, " %s/%s", json_string_value(json_object_get(step, "feature")),
				json_string_value(json_object_get(step, "program")));
		fprintf(f, ";");
	}
	json_object_foreach(json_object_get(st, "nodes"), nname, node)
		json_object_foreach(json_object_get(node, "features"), fname, feat)
			json_object_foreach(json_object_get(feat, "maps"), mname, m)
				fprintf(f, "%s/%s/%s:%lld;", nname, fname, mname,
					json_integer_value(json_object_get(m, "max")));
	fclose(f);
	return buf;
}

/* Each program once: one attached to several hooks is listed for each. */
static void add_prog_id(struct run_ctx *x, json_int_t id)
{
	int i;

	for (i = 0; i < x->n_prog_ids; i++)
		if (x->prog_ids[i] == id)
			return;
	if (id > 0 && x->n_prog_ids < 64)
		x->prog_ids[x->n_prog_ids++] = id;
}

/* Attachments, program ids and kube-proxy rule counts of the status into cfg. */
static void record_status(struct run_ctx *x, json_t *cfg, json_t *st)
{
	json_t *attach = json_object_get(st, "attachments"), *a, *node, *rules = json_object();
	const char *name;
	size_t i;

	json_object_set(cfg, "attach", attach ? attach : json_array());
	x->n_prog_ids = 0;
	json_array_foreach(attach, i, a)
		add_prog_id(x, json_integer_value(json_object_get(a, "prog_id")));
	json_object_foreach(json_object_get(st, "nodes"), name, node)
		json_object_set(rules, name, json_object_get(node, "kube_proxy_rules"));
	json_object_set_new(cfg, "kube_proxy_rules", rules);
}

/* Tables that hold state, not a program's constants or counters. */
static bool state_map(const char *name)
{
	static const char *const not_state[] = { "counters", "rodata", "bss", "data" };
	unsigned int i;

	for (i = 0; i < sizeof(not_state) / sizeof(not_state[0]); i++)
		if (!strcmp(name, not_state[i]))
			return false;
	return true;
}

/* State maps holding entries after a visit's workloads (emptied before them). */
static void record_maps(struct run_ctx *x, json_t *cfg)
{
	json_t *st = run_cluster_status(x), *maps = json_array(), *node, *feat, *m;
	const char *nname, *fname, *mname;

	json_object_foreach(json_object_get(st, "nodes"), nname, node)
		json_object_foreach(json_object_get(node, "features"), fname, feat)
			json_object_foreach(json_object_get(feat, "maps"), mname, m)
				if (state_map(mname) &&
				    json_integer_value(json_object_get(m, "entries")) > 0)
					json_array_append_new(maps, json_pack("{s:s,s:s,s:s,s:O,s:O}",
						"node", nname, "feature", fname, "map", mname,
						"entries", json_object_get(m, "entries"),
						"max", json_object_get(m, "max")));
	json_object_set_new(cfg, "maps", maps);
	json_decref(st);
}

/*
 * Knobs that act only through what is attached and how big the maps are
 * (not through the stack: routes, iptables, sysctls): where the datapath
 * stays the same, switching them changes nothing to measure.
 */
static bool datapath_only_knob(int knob)
{
	return knob == KNOB_HOST_ROUTING || knob == KNOB_XDP_ATTACH ||
	       knob == KNOB_TC_ATTACH || knob == KNOB_CT_MAX || knob == KNOB_VETH_NAPI;
}

static void add_notes(json_t *cfg, const char *notes)
{
	json_t *arr = json_object_get(cfg, "notes"), *n;
	char *copy = strdup(notes), *line, *save;
	size_t i;
	bool seen;

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ')
			line++;
		seen = false;
		json_array_foreach(arr, i, n)
			seen |= !strcmp(json_string_value(n), line);
		if (*line && !seen)
			json_array_append_new(arr, json_string(line));
	}
	free(copy);
}

static enum run_visit_result drop(struct run_ctx *x, int i, const char *status,
				  const char *why)
{
	run_results_status(x->cfg[i], status, why);
	x->dropped[i] = true;
	printf("        %s: %s\n", x->plan->configs[i].name, why);
	return VISIT_DROPPED;
}

/* The first time a config is in force: its attachments; whether it changes anything. */
static enum run_visit_result first_time(struct run_ctx *x, int i, const char *notes)
{
	const struct run_config *c = &x->plan->configs[i];
	json_t *st = run_cluster_status(x);
	const char *base;
	char why[600];

	record_status(x, x->cfg[i], st);
	x->dp_key[i] = datapath_key(st);
	json_decref(st);
	base = c->baseline >= 0 ? x->dp_key[c->baseline] : NULL;
	if (!base || !x->dp_key[i] || c->group == G_SWEEP || c->placebo ||
	    !datapath_only_knob(c->knob) || strcmp(x->dp_key[i], base))
		return VISIT_DONE;
	snprintf(why, sizeof(why), "%s=%s changes nothing in the datapath of %s%s%.*s",
		 knob_name(c->knob), c->value, x->plan->configs[c->baseline].name,
		 notes[0] ? ": " : "", (int)strcspn(notes, "\n"), notes);
	return drop(x, i, "no_change", why);
}

/* Put config i in force; the cluster is built on the first call. */
static enum run_visit_result switch_to(struct run_ctx *x, int i, char *err, size_t len)
{
	const struct run_config *c = &x->plan->configs[i];
	char notes[2048];
	int ret;

	if (x->current == i)
		return VISIT_DONE;
	ret = run_cluster_apply(x, &c->k, !x->up, notes, sizeof(notes), err, len);
	add_notes(x->cfg[i], notes);
	x->current = ret ? x->current : i;
	if (ret == -EOPNOTSUPP)
		return drop(x, i, "unsupported", err);
	if (ret && !x->up) {
		run_results_status(x->cfg[i], "failed", err);
		return VISIT_FATAL;
	}
	if (ret)
		return drop(x, i, "failed", err);
	/* Every interface is made by `up`; `set` makes none, so RPS is steered once. */
	if (!x->up) {
		x->up = true;
		if (run_endpoints_gateway(x, err, len) || run_workloads_start(x, err, len) ||
		    run_cpus_steer(x, &x->cpus, err, len))
			return VISIT_FATAL;
	}
	return x->dp_key[i] ? VISIT_DONE : first_time(x, i, notes);
}

/* Conntrack and the BPF CT/NAT maps emptied; traffic through the path first. */
static void prepare(struct run_ctx *x, int i)
{
	char err[512];

	if (run_cluster_flush_conntrack(x, err, sizeof(err)) ||
	    run_cluster_flush_bpf(x, err, sizeof(err)) < 0)
		add_notes(x->cfg[i], err);
	if (x->plan->p.warmup_secs > 0 && run_workload_warmup(x, err, sizeof(err)))
		add_notes(x->cfg[i], err);
}

/* Percent of the CPUs busy over QUIET_SAMPLE_S while the run itself is idle. */
static double busy_now(void)
{
	struct timespec ts = { 0, (long)(QUIET_SAMPLE_S * 1e9) };
	struct cpu_ticks a, b;

	platform_cpu_ticks(&a);
	nanosleep(&ts, NULL);
	platform_cpu_ticks(&b);
	return platform_busy_pct(&a, &b);
}

/*
 * Wait until other work on the machine (a build, a cron job: nothing of
 * the run's) has stopped, at most QUIET_WAIT_S; the last busy % seen.
 */
static double wait_quiet(struct run_ctx *x)
{
	double t0 = run_now_s(), busy;
	bool said = false;

	while ((busy = busy_now()) > QUIET_MAX_PCT && !*x->stop &&
	       run_now_s() - t0 < QUIET_WAIT_S) {
		if (!said)
			printf("        the machine is %.0f%% busy with other work: waiting\n", busy);
		said = true;
	}
	return busy;
}

/* Each workload of config i once into vals/errs; false when stopped. */
static bool measure(struct run_ctx *x, int i, double *vals, json_t *errs,
		    void (*progress)(const char *what))
{
	const struct run_config *c = &x->plan->configs[i];
	char err[512];
	int w, m, ret;

	for (m = 0; m < M_COUNT; m++)
		vals[m] = NAN;
	for (w = 0; w < W_COUNT && !*x->stop; w++) {
		if (!(c->workloads & (1u << w)) || w == W_BPF)
			continue;
		progress(run_workload_names[w]);
		ret = run_workload(x, w, vals, err, sizeof(err));
		if (ret == -EINTR || *x->stop)
			return false;
		for (m = 0; m < M_COUNT; m++)
			if (run_metrics[m].workload == (enum run_workload)w &&
			    (ret || (!isfinite(vals[m]) && run_metrics[m].role == ROLE_SCORED)))
				json_object_set_new(errs, run_metrics[m].id,
						    json_string(ret ? err : "no value in the result"));
		if (ret)
			fprintf(stderr, "        %s\n", err);
	}
	return true;
}

static void record(struct run_ctx *x, const struct run_visit *v, const double *vals,
		   json_t *errs, double t0, const struct run_visit_quiet *q)
{
	json_t *values = json_object();
	double secs;
	int m;

	for (m = 0; m < M_COUNT; m++) {
		if (!isfinite(vals[m]))
			continue;
		json_object_set_new(values, run_metrics[m].id, json_real(vals[m]));
		run_results_sample(x->cfg[v->config], m, vals[m]);
	}
	run_results_visit(x->doc, x->plan->configs[v->config].name, v->round, v->baseline,
			  t0 - x->start, q, values, errs);
	if (strcmp(json_string_value(json_object_get(x->cfg[v->config], "status")), "measured"))
		record_maps(x, x->cfg[v->config]);	/* once, on its first visit */
	run_results_status(x->cfg[v->config], "measured", NULL);
	secs = json_real_value(json_object_get(x->cfg[v->config], "seconds"));
	json_object_set_new(x->cfg[v->config], "seconds", json_real(secs + run_now_s() - t0));
}

enum run_visit_result run_visit(struct run_ctx *x, const struct run_visit *v,
				void (*progress)(const char *what), char *err, size_t err_len)
{
	struct run_visit_quiet q = { NAN, NAN, NAN, 0 };
	double vals[M_COUNT], t0 = run_now_s();
	struct cpu_ticks a, b;
	enum run_visit_result r;
	json_t *errs = NULL;
	int attempt;

	progress(x->up ? "set" : "up");
	r = switch_to(x, v->config, err, err_len);
	if (r != VISIT_DONE)
		return r;
	for (attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		json_decref(errs);
		errs = json_object();
		prepare(x, v->config);
		q.before = wait_quiet(x);
		platform_cpu_ticks(&a);
		if (!measure(x, v->config, vals, errs, progress)) {
			json_decref(errs);
			return VISIT_STOPPED;
		}
		platform_cpu_ticks(&b);
		q.steal = platform_steal_pct(&a, &b);
		q.after = busy_now();
		if (!(q.steal > x->plan->p.steal_max) && !(q.after > QUIET_MAX_PCT))
			break;
		printf("        %.1f%% stolen, %.0f%% busy with other work after: measuring "
		       "again\n", q.steal, q.after);
	}
	q.attempts = attempt > MAX_ATTEMPTS ? MAX_ATTEMPTS : attempt;
	record(x, v, vals, errs, t0, &q);
	return VISIT_DONE;
}

enum run_visit_result run_visit_bpf(struct run_ctx *x, int i, char *err, size_t err_len)
{
	enum run_visit_result r = switch_to(x, i, err, err_len);
	double vals[M_COUNT];
	int fd, ret, m;
	json_t *st;

	if (r != VISIT_DONE)
		return r;
	/* Asked again, not taken from the first visit: every switch loads new programs. */
	st = run_cluster_status(x);
	record_status(x, x->cfg[i], st);
	json_decref(st);
	prepare(x, i);
	fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (fd < 0) {
		snprintf(err, err_len, "BPF stats: %s", strerror(errno));
		run_results_error(x->cfg[i], M_BPF_NS, err);
		return VISIT_DONE;
	}
	for (m = 0; m < M_COUNT; m++)
		vals[m] = NAN;
	ret = run_workload(x, W_BPF, vals, err, err_len);
	close(fd);
	if (ret == -EINTR || *x->stop)
		return VISIT_STOPPED;
	if (ret || !isfinite(vals[M_BPF_NS]))
		run_results_error(x->cfg[i], M_BPF_NS, ret ? err : "no value in the result");
	else
		run_results_sample(x->cfg[i], M_BPF_NS, vals[M_BPF_NS]);
	return VISIT_DONE;
}
