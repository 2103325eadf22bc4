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

static void on_signal(int sig)
{
	stop = sig;
}

struct run_opts {
	const char *plan, *out, *rescore;
	bool quick, print_plan, dry_run;
};

static const struct opt run_table[] = {
	OPT_STR_ENTRY("plan", 0, "FILE", "a plan file (format: docs/run-plan.md)",
		      struct run_opts, plan),
	OPT_FLAG_ENTRY("quick", 0, "the quick built-in plan (or FILE with 2 pairs)",
		       struct run_opts, quick),
	OPT_STR_ENTRY("out", 0, "DIR", "where results go", struct run_opts, out),
	OPT_FLAG_ENTRY("print-plan", 0, "print the plan's text and exit (a start for your own)",
		       struct run_opts, print_plan),
	OPT_FLAG_ENTRY("dry-run", 0, "print the configurations the plan expands to and exit",
		       struct run_opts, dry_run),
	OPT_STR_ENTRY("rescore", 0, "DIR", "recompute the effects and verdicts of DIR/results.json "
		      "(its visits unchanged) with this build and rewrite its report", struct run_opts,
		      rescore),
	OPT_END,
};

static const struct opt_cmd run_cmd = {
	.name = "dplab run",
	.usage = "dplab run [--plan FILE] [--quick] [--out DIR] [--print-plan] [--dry-run]\n"
		 "       dplab run --rescore DIR",
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
	if (o->quick && o->plan) {	/* the built-in quick plan says its own */
		p->quick = true;
		p->p.pairs = p->p.max_pairs = 2;
	}
	return 0;
}

/* Planned seconds of one visit of c (its workloads once, and the switch). */
static double visit_secs(const struct run_plan *p, const struct run_config *c)
{
	double s = APPLY_SECS + p->p.warmup_secs;
	int w;

	for (w = 0; w < W_COUNT; w++)
		if (c->workloads & (1u << w) && w != W_BPF)
			s += run_workload_secs(&p->p, w);
	return s;
}

/* Planned seconds of the first pass (pairs rounds of every group) and the BPF pass. */
static double first_pass_secs(const struct run_plan *p)
{
	double rounds = 0, bpf = 0;
	int i;

	for (i = 0; i < p->n_configs; i++) {
		rounds += visit_secs(p, &p->configs[i]) * (p->configs[i].baseline >= 0 ? 2 : 1);
		if (p->configs[i].workloads & (1u << W_BPF))	/* one visit, not one per pair */
			bpf += APPLY_SECS + run_workload_secs(&p->p, W_BPF);
	}
	return rounds * p->p.pairs + bpf;
}

static void dry_run(const struct run_plan *p)
{
	int i, w;

	printf("plan %s: %d configurations, %d pairs first (at most %d), budget %.0f s\n",
	       p->name, p->n_configs, p->p.pairs, p->p.max_pairs, p->p.budget_secs);
	for (i = 0; i < p->n_configs; i++) {
		const struct run_config *c = &p->configs[i];

		printf("%3d %-11s %-32s baseline %-6s", i + 1, run_group_name(c->group), c->name,
		       c->baseline >= 0 ? p->configs[c->baseline].name : "-");
		for (w = 0; w < W_COUNT; w++)
			if (c->workloads & (1u << w))
				printf(" %s", run_workload_names[w]);
		printf("\n");
	}
	printf("first pass: about %.0f s; more pairs for undecided rows within the budget\n",
	       first_pass_secs(p));
}

/* Progress: round, visit, config and step, elapsed, what is left by estimate. */
static struct {
	double start, budget, guess;
	int round, visit, n_visits, done, pass_left;
	bool attribution;		/* the BPF pass after the rounds */
	const char *config;
} pg;

static void fmt_secs(double s, char *buf, size_t len)
{
	if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)s / 60, (int)s % 60);
	else
		snprintf(buf, len, "%ds", (int)s);
}

static void progress(const char *what)
{
	double el = run_now_s() - pg.start, per = pg.done ? el / pg.done : pg.guess, left;
	char e[16], l[16];

	left = (pg.n_visits - pg.visit + pg.pass_left) * per;
	if (left > pg.budget - el)
		left = pg.budget > el ? pg.budget - el : 0;
	fmt_secs(el, e, sizeof(e));
	fmt_secs(left, l, sizeof(l));
	if (pg.attribution)
		printf("[bpf pass, %3d/%d] %-30s %-9s %s elapsed\n", pg.visit + 1, pg.n_visits,
		       pg.config, what, e);
	else
		printf("[round %d, %3d/%d] %-30s %-9s %s elapsed, ~%s left\n", pg.round + 1,
		       pg.visit + 1, pg.n_visits, pg.config, what, e, l);
	fflush(stdout);
}

/*
 * Which configs the round visits: all in the first pass; then those with
 * an undecided headline row (the knob's group visits its baseline too).
 */
static int choose(const struct run_ctx *x, int round, bool *active)
{
	const struct run_plan *p = x->plan;
	int i, n = 0;

	for (i = 0; i < p->n_configs; i++) {
		active[i] = !x->dropped[i] &&
			    (round < p->p.pairs ||
			     (p->configs[i].baseline >= 0 && run_results_undecided(x->cfg[i])));
		n += active[i];
	}
	return n;
}

/* The rounds of visits; false when the run must stop (stop_reason set). */
static bool rounds(struct run_ctx *x, struct run_schedule *s, const char *out, char *why,
		   size_t why_len)
{
	static struct run_visit v[RUN_MAX_VISITS_ROUND];
	const struct run_plan *p = x->plan;
	bool active[RUN_MAX_CONFIGS];
	char err[1024];
	double el;
	int r;

	for (r = 0; r < p->p.max_pairs && !stop && choose(x, r, active); r++) {
		pg.round = r;
		pg.n_visits = run_schedule_round(s, active, r, v);
		el = run_now_s() - pg.start;
		if (r >= p->p.pairs && el + pg.n_visits * el / pg.done > p->p.budget_secs) {
			run_results_note(x->doc, "more pairs for the undecided rows would not fit "
					 "the time budget: stopped after round %d", r);
			break;
		}
		pg.pass_left -= r < p->p.pairs ? pg.n_visits : 0;
		for (pg.visit = 0; pg.visit < pg.n_visits && !stop; pg.visit++) {
			if (x->dropped[v[pg.visit].config])
				continue;
			pg.config = p->configs[v[pg.visit].config].name;
			switch (run_visit(x, &v[pg.visit], progress, err, sizeof(err))) {
			case VISIT_FATAL:
				snprintf(why, why_len, "%s", err);
				return false;
			case VISIT_DONE:
				pg.done++;
				break;
			default:
				break;
			}
			if (pg.visit % 8 == 7)
				run_results_save(x->doc, out);
		}
		run_results_save(x->doc, out);
	}
	return !stop;
}

static bool attributed(const struct run_ctx *x, int i)
{
	return !x->dropped[i] && (x->plan->configs[i].workloads & (1u << W_BPF));
}

/* BPF time per packet of every config that asks for it, stats on only here. */
static bool attribution(struct run_ctx *x)
{
	const struct run_plan *p = x->plan;
	char err[1024];
	int i;

	pg.attribution = true;
	pg.n_visits = 0;
	for (i = 0; i < p->n_configs; i++)
		pg.n_visits += attributed(x, i);
	for (i = 0, pg.visit = 0; i < p->n_configs && !stop; i++) {
		if (!attributed(x, i))
			continue;
		pg.config = p->configs[i].name;
		progress("bpf");
		pg.visit++;
		if (run_visit_bpf(x, i, err, sizeof(err)) == VISIT_FATAL)
			return false;
	}
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

/* Placement, softirq meter, visit order and the results document; 0 or -errno. */
static int start(struct run_ctx *x, struct run_schedule *s, const char *out)
{
	const struct run_plan *p = x->plan;
	double planned;
	char err[256];
	int i, ret;

	ret = run_cpus_place(&x->cpus, err, sizeof(err));
	if (!ret)
		ret = run_meter_start(err, sizeof(err));
	if (!ret)
		ret = run_schedule_init(s, p, p->p.seed);
	if (ret) {
		fprintf(stderr, "dplab run: %s\n", ret == -ENOMEM ? "out of memory" : err);
		return ret;
	}
	x->current = -1;
	x->doc = run_results_new(p, s->seed);
	for (i = 0; i < p->n_configs; i++)
		x->cfg[i] = run_results_config(x->doc, p, &p->configs[i]);
	if (!x->cpus.split)
		run_results_note(x->doc, "one CPU: the generator and the datapath share it");
	pg.start = x->start = run_now_s();
	pg.budget = p->p.budget_secs;
	pg.pass_left = 0;
	for (i = 0; i < s->n_groups; i++)
		pg.pass_left += (2 * s->g[i].n + 1) * p->p.pairs;
	planned = first_pass_secs(p);
	pg.guess = planned / (pg.pass_left ? pg.pass_left : 1);
	if (planned > p->p.budget_secs)
		run_results_note(x->doc, "the first pass (%d pairs) is planned at about %.0f s, "
				 "over the budget of %.0f s: no further pairs", p->p.pairs,
				 planned, p->p.budget_secs);
	printf("dplab run: plan %s, %d configurations, %d pairs first (up to %d), seed %lu, "
	       "generator on CPU %d, datapath on CPU %d; results in %s\n", p->name,
	       p->n_configs, p->p.pairs, p->p.max_pairs, s->seed, x->cpus.gen, x->cpus.dp, out);
	return 0;
}

static int run(struct run_ctx *x, const char *out)
{
	static struct run_schedule sched;
	char stop_reason[1024] = "";
	int i, ret;

	if (start(x, &sched, out))
		return EXIT_FAILURE;
	if (rounds(x, &sched, out, stop_reason, sizeof(stop_reason)))
		attribution(x);
	if (stop && !stop_reason[0])
		snprintf(stop_reason, sizeof(stop_reason), "interrupted");
	if (stop)
		printf("dplab run: interrupted; tearing the cluster down, keeping the results\n");
	if (x->up)
		json_object_set_new(x->doc, "machine", run_machine(x, &x->cpus));
	run_meter_stop();
	run_workloads_stop(x);
	run_reflect_detach(x);
	if (x->up || !access("/run/dplab", F_OK))
		run_cluster_down(x);
	if (!json_object_get(x->doc, "machine"))
		json_object_set_new(x->doc, "machine", run_machine(x, &x->cpus));
	ret = finish(x, x->doc, out, stop_reason[0] ? stop_reason : NULL);
	json_decref(x->doc);
	run_schedule_free(&sched);
	for (i = 0; i < x->plan->n_configs; i++)
		free(x->dp_key[i]);
	return ret || stop_reason[0] ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* --rescore DIR: the visits as measured, the statistics of this build. */
static int rescore(const char *dir)
{
	char path[RUN_PATH + 16], err[512];
	json_error_t je;
	json_t *doc;
	int ret;

	if (fmt_fit(path, sizeof(path), "%s/results.json", dir)) {
		fprintf(stderr, "dplab run: --rescore %s: the path is too long\n", dir);
		return EXIT_BAD_INPUT;
	}
	doc = json_load_file(path, 0, &je);
	if (!doc || json_integer_value(json_object_get(doc, "schema")) != 2 ||
	    !json_is_array(json_object_get(doc, "visits"))) {
		fprintf(stderr, "dplab run: --rescore %s: %s\n", path,
			doc ? "not a results document of schema 2 with visits" : je.text);
		json_decref(doc);
		return EXIT_BAD_INPUT;
	}
	ret = run_results_save(doc, dir);
	if (!ret)
		ret = run_report_write(doc, dir, err, sizeof(err));
	if (ret)
		fprintf(stderr, "dplab run: --rescore %s: %s\n", dir, ret == -EIO ? err :
			strerror(-ret));
	else
		printf("rescored: %s/results.json, report.md, results.csv, charts/\n", dir);
	json_decref(doc);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_run(int argc, char **argv)
{
	static struct run_plan plan;
	static struct run_ctx x;
	struct run_opts o = { 0 };
	char out[RUN_PATH];
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	if (o.rescore)
		return rescore(o.rescore);
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
	ret = run(&x, out);
	run_plan_free(&plan);
	return ret;
}
