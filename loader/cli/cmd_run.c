// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab run [--plan FILE] [--quick] [--out DIR]: every configuration of
 * the plan on its own emulated cluster, each workload repeated, results
 * saved after every configuration; Ctrl-C stops at once, tears the
 * cluster down and keeps what was measured (see run.h for the modules).
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "util/fsutil.h"
#include "run/run.h"
#include "run/run_cluster.h"
#include "run/run_report.h"
#include "run/run_results.h"
#include "dplab/fmt.h"

#define APPLY_SECS 1.0		/* planned time of a knob change, for estimates */

static volatile sig_atomic_t stop;
static char *dp_keys[RUN_MAX_CONFIGS];	/* datapath_key() of each config applied */

static void on_signal(int sig)
{
	stop = sig;
}

struct run_opts {
	const char *plan, *out;
	bool quick, print_plan, dry_run;
};

static const struct opt run_table[] = {
	OPT_STR_ENTRY("plan", 0, "FILE", "a plan file (format: docs/run-plan.md)",
		      struct run_opts, plan),
	OPT_FLAG_ENTRY("quick", 0, "the quick built-in plan (or FILE once, with repeats 1)",
		       struct run_opts, quick),
	OPT_STR_ENTRY("out", 0, "DIR", "where results go", struct run_opts, out),
	OPT_FLAG_ENTRY("print-plan", 0, "print the plan's text and exit (a start for your own)",
		       struct run_opts, print_plan),
	OPT_FLAG_ENTRY("dry-run", 0, "print the configurations the plan expands to and exit",
		       struct run_opts, dry_run),
	OPT_END,
};

static const struct opt_cmd run_cmd = {
	.name = "dplab run",
	.usage = "dplab run [--plan FILE] [--quick] [--out DIR] [--print-plan] [--dry-run]",
	.description =
		"Builds the plan's topology (default topologies/two-node.topo), measures every\n"
		"configuration of the plan (default: scenarios A-E, every knob switched on from A\n"
		"and off from E, a service sweep for iptables/tc/socket LB), each workload repeated,\n"
		"and writes DIR/results.json, results.csv, report.md and charts/*.svg\n"
		"(default DIR: results/<UTC timestamp>). Ctrl-C stops, tears the cluster down\n"
		"and keeps the results so far.\n",
	.opts = run_table,
};

/* 0, or OPTS_HELP / OPTS_ERROR (opts_exit_code() makes them exit statuses). */
static int parse(int argc, char **argv, struct run_opts *o)
{
	int first = opts_parse(&run_cmd, argc, argv, o, NULL);

	if (first < 0)
		return first;
	if (first < argc) {
		fprintf(stderr, "dplab run: unexpected argument '%s'\n", argv[first]);
		opts_usage(&run_cmd, stderr);
		return OPTS_ERROR;
	}
	return 0;
}

static int load_plan(const struct run_opts *o, struct run_plan *p)
{
	char err[512];
	int ret;

	if (o->plan)
		ret = run_plan_load(o->plan, p, err, sizeof(err));
	else
		ret = run_plan_parse(run_plan_builtin(o->quick), o->quick ? "quick" : "default",
				     p, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dplab run: %s\n", err);
		return ret;
	}
	if (o->quick) {
		p->quick = true;
		p->repeats = 1;
	}
	return 0;
}

static double config_secs(const struct run_plan *p, const struct run_config *c)
{
	double s = APPLY_SECS;
	int w;

	for (w = 0; w < W_COUNT; w++)
		if (c->workloads & (1u << w))
			s += p->repeats * run_workload_secs(&p->p, w);
	return s;
}

static void dry_run(const struct run_plan *p)
{
	double total = 0;
	int i, w;

	printf("plan %s: %d configurations, %d repeats\n", p->name, p->n_configs, p->repeats);
	for (i = 0; i < p->n_configs; i++) {
		const struct run_config *c = &p->configs[i];

		printf("%3d %-11s %-32s baseline %-6s", i + 1, run_group_name(c->group), c->name,
		       c->baseline >= 0 ? p->configs[c->baseline].name : "-");
		for (w = 0; w < W_COUNT; w++)
			if (c->workloads & (1u << w))
				printf(" %s", run_workload_names[w]);
		printf("\n");
		total += config_secs(p, c);
	}
	printf("planned measuring time: about %.0f s\n", total);
}

/* Progress: where we are, elapsed, what is left by the plan's own estimate. */
struct progress {
	double start, planned_total, planned_done;
};

static void fmt_secs(double s, char *buf, size_t len)
{
	if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%ds", (int)s);
}

static void progress_line(const struct progress *pg, const struct run_plan *p, int i,
			  const char *what)
{
	double el = run_now_s() - pg->start, left;
	char e[16], l[16];

	left = pg->planned_done > 0 ? el / pg->planned_done * (pg->planned_total -
							       pg->planned_done) :
				      pg->planned_total;
	fmt_secs(el, e, sizeof(e));
	fmt_secs(left, l, sizeof(l));
	printf("[%2d/%d] %-30s %-12s  %s elapsed, ~%s left\n", i + 1, p->n_configs,
	       p->configs[i].name, what, e, l);
	fflush(stdout);
}

/*
 * What a configuration put in the datapath, as text: every attachment
 * (namespace, device, hook, program, mechanism) and the size of every
 * map.  Two configurations with equal keys run the same programs.
 */
static char *datapath_key(json_t *st)
{
	json_t *a, *node, *feat, *m;
	const char *nname, *fname, *mname;
	size_t i, len = 0;
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

/* State maps with entries after the workloads. */
static void record_maps(json_t *cfg, json_t *st)
{
	json_t *maps = json_array(), *node, *feat, *m;
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
}

/*
 * Knobs that act only through what is attached and how big the maps are
 * (not through the stack: routes, iptables, sysctls): where the datapath
 * stays the same, switching them changes nothing to measure.
 */
static bool datapath_only_knob(int knob)
{
	return knob == KNOB_HOST_ROUTING || knob == KNOB_XDP_ATTACH ||
	       knob == KNOB_TC_ATTACH || knob == KNOB_CT_MAX;
}

static void add_notes(json_t *cfg, const char *notes)
{
	json_t *arr = json_object_get(cfg, "notes");
	char *copy = strdup(notes), *line, *save;

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ')
			line++;
		if (*line)
			json_array_append_new(arr, json_string(line));
	}
	free(copy);
}

/* Every repetition of every workload of config i. */
static void measure(struct run_ctx *x, struct progress *pg, int i, json_t *cfg)
{
	const struct run_plan *p = x->plan;
	const struct run_config *c = &p->configs[i];
	double vals[M_COUNT];
	char what[32], err[512];
	int r, w, m, ret;

	for (r = 0; r < p->repeats && !stop; r++) {
		for (w = 0; w < W_COUNT && !stop; w++) {
			if (!(c->workloads & (1u << w)))
				continue;
			snprintf(what, sizeof(what), "%s %d/%d", run_workload_names[w], r + 1,
				 p->repeats);
			progress_line(pg, p, i, what);
			for (m = 0; m < M_COUNT; m++)
				vals[m] = NAN;
			ret = run_workload(x, w, vals, err, sizeof(err));
			pg->planned_done += run_workload_secs(&p->p, w);
			if (ret == -EINTR || stop)
				break;
			for (m = 0; m < M_COUNT; m++) {
				if (run_metrics[m].workload != (enum run_workload)w)
					continue;
				if (!ret && isfinite(vals[m]))
					run_results_sample(cfg, m, vals[m]);
				else
					run_results_error(cfg, m, ret ? err : "no value in the result");
			}
			if (ret)
				fprintf(stderr, "  %s\n", err);
		}
	}
}

/* Take the cluster to config i and measure it; false when the run must stop. */
static bool run_config(struct run_ctx *x, struct progress *pg, json_t *doc, int i,
		       bool *up, char *stop_reason, size_t len)
{
	const struct run_plan *p = x->plan;
	const struct run_config *c = &p->configs[i];
	json_t *cfg = run_results_config(doc, p, c), *st;
	char notes[2048], err[1024], why[600], *base_key;
	double t0 = run_now_s();
	int ret;

	progress_line(pg, p, i, *up ? "set" : "up");
	ret = run_cluster_apply(x, &c->k, !*up, notes, sizeof(notes), err, sizeof(err));
	add_notes(cfg, notes);
	pg->planned_done += APPLY_SECS;
	if (ret == -EOPNOTSUPP) {
		run_results_status(cfg, "unsupported", err);
		printf("        %s\n", err);
		goto skip;
	}
	if (ret && !*up) {
		snprintf(stop_reason, len, "up: %.900s", err);
		run_results_status(cfg, "failed", err);
		return false;
	}
	if (ret) {
		run_results_status(cfg, "failed", err);
		fprintf(stderr, "        %s\n", err);
		goto skip;
	}
	if (!*up) {
		*up = true;
		if (run_endpoints_gateway(x, err, sizeof(err)) ||
		    run_workloads_start(x, err, sizeof(err))) {
			snprintf(stop_reason, len, "%s", err);
			run_results_status(cfg, "failed", err);
			return false;
		}
	}
	if (run_cluster_flush_conntrack(x, err, sizeof(err)))
		add_notes(cfg, err);
	st = run_cluster_status(x);
	record_status(x, cfg, st);
	free(dp_keys[i]);
	dp_keys[i] = datapath_key(st);
	json_decref(st);
	base_key = c->baseline >= 0 ? dp_keys[c->baseline] : NULL;
	if (base_key && dp_keys[i] && c->group != G_SWEEP && datapath_only_knob(c->knob)) {
		if (!strcmp(dp_keys[i], base_key)) {
			snprintf(why, sizeof(why), "%s=%s changes nothing in the datapath of %s%s%.*s",
				 knob_name(c->knob), c->value, p->configs[c->baseline].name,
				 notes[0] ? ": " : "", (int)strcspn(notes, "\n"), notes);
			run_results_status(cfg, "no_change", why);
			printf("        %s: not measured\n", why);
			goto skip;
		}
	}
	measure(x, pg, i, cfg);
	st = run_cluster_status(x);
	record_maps(cfg, st);
	json_decref(st);
	run_results_status(cfg, stop ? "interrupted" : "measured", NULL);
	json_object_set_new(cfg, "seconds", json_real(run_now_s() - t0));
	return !stop;
skip:
	pg->planned_done += config_secs(p, c) - APPLY_SECS;
	json_object_set_new(cfg, "seconds", json_real(run_now_s() - t0));
	return !stop;
}

static void default_out(char *buf, size_t len)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, len, "results/%s", ts);
}

/* Find dplab-pktgen beside this binary. */
static int find_binaries(struct run_ctx *x)
{
	char dir[RUN_PATH];
	ssize_t n = readlink("/proc/self/exe", x->self, sizeof(x->self) - 1);

	if (n <= 0)
		return -errno;
	x->self[n] = 0;
	if (fmt_fit(dir, sizeof(dir), "%s", x->self) ||
	    fmt_fit(x->pktgen, sizeof(x->pktgen), "%s/dplab-pktgen", dirname(dir))) {
		fprintf(stderr, "dplab run: %s: the directory's name is too long\n", x->self);
		return -ENAMETOOLONG;
	}
	if (access(x->pktgen, X_OK)) {
		fprintf(stderr, "dplab run: %s: %s (make builds it)\n", x->pktgen, strerror(errno));
		return -ENOENT;
	}
	return 0;
}

static int prepare(struct run_ctx *x, const struct run_opts *o, char *out, size_t out_len)
{
	char err[1024], state[RUN_PATH + 64];

	if (topo_parse(x->plan->topology, &x->t, err, sizeof(err)) ||
	    run_endpoints_find(x, err, sizeof(err))) {
		fprintf(stderr, "dplab run: %s\n", err);
		return -EINVAL;
	}
	fmt_fit(state, sizeof(state), "/run/dplab/%s", x->t.name);
	if (!access(state, F_OK)) {
		fprintf(stderr, "dplab run: topology %s is up already; dplab run builds its own "
			"(dplab down --topology %s first)\n", x->t.name, x->t.name);
		return -EEXIST;
	}
	if (find_binaries(x))
		return -ENOENT;
	if (o->out)
		snprintf(out, out_len, "%s", o->out);
	else
		default_out(out, out_len);
	if (mkdir_p(out, 0755)) {
		fprintf(stderr, "dplab run: --out %s: %s\n", out, strerror(errno));
		return -errno;
	}
	snprintf(x->tmp, sizeof(x->tmp), "/tmp/dplab-run.XXXXXX");
	if (!mkdtemp(x->tmp)) {
		fprintf(stderr, "dplab run: scratch directory: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

static int finish(struct run_ctx *x, json_t *doc, const char *out, const char *stop_reason)
{
	char err[512], failed[256];
	int ret;

	run_results_finish(doc, stop_reason);
	ret = run_results_save(doc, out);
	if (ret)
		fprintf(stderr, "dplab run: %s/results.json: %s\n", out, strerror(-ret));
	if (!ret && run_report_write(doc, out, err, sizeof(err))) {
		fprintf(stderr, "dplab run: report: %s\n", err);
		ret = -EIO;
	}
	rm_tree(x->tmp, failed, sizeof(failed));
	printf("%s: %s/report.md, results.json, results.csv, charts/\n",
	       stop_reason ? "stopped" : "done", out);
	return ret;
}

int cmd_run(int argc, char **argv)
{
	static struct run_plan plan;
	static struct run_ctx x;
	struct run_opts o = { 0 };
	char out[RUN_PATH], stop_reason[1024] = "";
	struct progress pg = { 0 };
	int i, stats_fd, ret;
	bool up = false;
	json_t *doc;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	if (load_plan(&o, &plan))
		return EXIT_BAD_INPUT;
	if (o.print_plan || o.dry_run) {
		if (o.print_plan)
			fputs(plan.text, stdout);
		else
			dry_run(&plan);
		run_plan_free(&plan);
		return EXIT_SUCCESS;
	}
	if (geteuid()) {
		fprintf(stderr, "dplab run: must run as root (namespaces, BPF, iptables)\n");
		return EXIT_BAD_INPUT;
	}
	x.plan = &plan;
	x.stop = &stop;
	if (prepare(&x, &o, out, sizeof(out)))
		return EXIT_BAD_INPUT;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	doc = run_results_new(&plan);
	pg.start = run_now_s();
	for (i = 0; i < plan.n_configs; i++)
		pg.planned_total += config_secs(&plan, &plan.configs[i]);
	printf("dplab run: plan %s, %d configurations x %d repeats, results in %s\n", plan.name,
	       plan.n_configs, plan.repeats, out);
	for (i = 0; i < plan.n_configs; i++) {
		if (!run_config(&x, &pg, doc, i, &up, stop_reason, sizeof(stop_reason)))
			break;
		if (i == 0 || !json_object_get(doc, "machine"))
			json_object_set_new(doc, "machine", run_machine(&x, stats_fd >= 0));
		run_results_save(doc, out);
	}
	if (stop && !stop_reason[0])
		snprintf(stop_reason, sizeof(stop_reason), "interrupted");
	if (stop)
		printf("dplab run: interrupted; tearing the cluster down, keeping the results\n");
	run_workloads_stop(&x);
	run_reflect_detach(&x);
	if (up || !access("/run/dplab", F_OK))
		run_cluster_down(&x);
	if (!json_object_get(doc, "machine"))
		json_object_set_new(doc, "machine", run_machine(&x, stats_fd >= 0));
	ret = finish(&x, doc, out, stop_reason[0] ? stop_reason : NULL);
	json_decref(doc);
	if (stats_fd >= 0)
		close(stats_fd);
	for (i = 0; i < plan.n_configs; i++)
		free(dp_keys[i]);
	run_plan_free(&plan);
	return ret || stop_reason[0] ? EXIT_FAILURE : EXIT_SUCCESS;
}
