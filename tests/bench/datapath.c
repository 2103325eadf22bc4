// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * make bench-datapath: in-kernel cost per packet of every tc and XDP
 * program under BPF_PROG_TEST_RUN, next to a no-op XDP and tc program
 * measured the same way in the same run.
 *
 * BPF_PROG_TEST_RUN with repeat > 1 runs every repetition on the same
 * buffer, so a program that rewrites the frame would measure its own
 * output from the second repetition on (DESIGN.md, measurement pitfalls).
 * Every figure here is therefore the median of many single-repetition
 * runs, each on a fresh copy of the input; the verdict of every run is
 * checked against the path being measured.  "new flow" varies the source
 * port each run; "established" creates the flow first.  A trial is
 * RUNS runs; the table shows median, min and max over TRIALS trials, and
 * the ratio of the median to the no-op of the same hook.
 *
 * The programs of hooks.bpf.c, one per tc hook with the steps the hook
 * gets (bench_hooks.c), follow in a table of their own, same trials.
 * A last table (bench_pathsum.c) follows one pod-to-pod UDP packet and
 * one ClusterIP TCP SYN through the cluster of each scenario A-E, as the
 * loader's hook plan lays the programs out, and sums the medians of the
 * rows above that each program takes: once per feature program, once
 * per hook program.
 *
 * --ops adds the single operations of bench_ops.c, measured in the same
 * trials, and a last table with each one's cost over its base case.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_cases.h"
#include "bench_path.h"

/* Ctrl-C ends the run at the next trial and still tears everything down. */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static __u64 median(__u64 *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One single-repetition run of frame i; its in-kernel ns, or 0 on error. */
static __u64 run_once(const struct bench_case *c, int prog_fd, int repeat, int i, char *err,
		      size_t err_len)
{
	__u8 in[BENCH_FRAME_MAX], out[BENCH_FRAME_MAX];
	size_t len = c->hooks_prog ? bench_hook_frame(c->hooks_prog, i, in, sizeof(in)) :
		     c->frame(i, in, sizeof(in));
	struct xdp_md md = { .data_end = len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat ?: 1);

	if (!len) {
		snprintf(err, err_len, "%s: frame %d could not be built", c->program, i);
		return 0;
	}
	if (c->ingress) {
		md.ingress_ifindex = if_nametoindex(c->ingress);
		opts.ctx_in = &md;
		opts.ctx_size_in = sizeof(md);
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		snprintf(err, err_len, "%s: BPF_PROG_TEST_RUN: %s", c->program, strerror(errno));
		return 0;
	}
	if ((int)opts.retval != c->expect_verdict) {
		snprintf(err, err_len, "%s (%s): verdict %d, expected %d: not the path measured",
			 c->program, c->path, (int)opts.retval, c->expect_verdict);
		return 0;
	}
	return opts.duration ? opts.duration : 1;
}

/* Median in-kernel ns of `runs` single runs; 0 on error. */
static __u64 trial(const struct bench_case *c, int prog_fd, int repeat, int runs, int base,
		   char *err, size_t err_len)
{
	__u64 *ns = calloc(runs, sizeof(*ns)), m = 0;
	int i;

	if (!ns)
		return 0;
	for (i = 0; i < runs; i++) {
		ns[i] = run_once(c, prog_fd, repeat, c->new_flow ? base + i : 0, err, err_len);
		if (!ns[i])
			goto out;
	}
	m = median(ns, runs);
out:
	free(ns);
	return m;
}

struct result {
	__u64 trial_ns[BENCH_MAX_TRIALS];
	__u64 med, min, max;
};

static void summarize(struct result *r, int trials)
{
	__u64 v[BENCH_MAX_TRIALS];

	memcpy(v, r->trial_ns, trials * sizeof(v[0]));
	r->med = median(v, trials);
	r->min = v[0];
	r->max = v[trials - 1];
}

#define DEFAULT_TOPOLOGY "topologies/two-node.topo"

static void usage(FILE *f)
{
	fprintf(f, "usage: bench-datapath [--runs N] [--trials K] [--ops] [--topology FILE]\n"
		"  --runs N         single-repetition runs per trial (default 2000)\n"
		"  --trials K       trials per program and path (default 5, at most %d)\n"
		"  --ops            also the cost of single operations (bench_ops.c)\n"
		"  --topology FILE  the cluster whose hook plan gives the programs on each\n"
		"                   scenario's paths (default %s)\n",
		BENCH_MAX_TRIALS, DEFAULT_TOPOLOGY);
}

/* Per trial, (case - base) / ops; median, min and max over the trials. */
static void print_op(const struct bench_case *c, const struct bench_op *op, struct result *r,
		     const struct result *base, int trials)
{
	double v[BENCH_MAX_TRIALS], tmp;
	int t, u;

	summarize(r, trials);
	if (!base) {
		printf("%-26s %-4s %-26s %8llu %8llu %8llu\n", c->program, c->hook, c->path,
		       (unsigned long long)r->med, (unsigned long long)r->min,
		       (unsigned long long)r->max);
		return;
	}
	for (t = 0; t < trials; t++)
		v[t] = ((double)r->trial_ns[t] - (double)base->trial_ns[t]) / op->ops;
	for (t = 1; t < trials; t++)	/* insertion sort: a handful of trials */
		for (u = t; u > 0 && v[u - 1] > v[u]; u--) {
			tmp = v[u];
			v[u] = v[u - 1];
			v[u - 1] = tmp;
		}
	printf("%-26s %-4s %-26s %8llu %8llu %8llu  %7.1f %7.1f %7.1f  %s\n", c->program, c->hook,
	       c->path, (unsigned long long)r->med, (unsigned long long)r->min,
	       (unsigned long long)r->max,
	       trials % 2 ? v[trials / 2] : (v[trials / 2 - 1] + v[trials / 2]) / 2, v[0],
	       v[trials - 1], op->base);
}

static void print_ops(const struct bench_case *cases, int from, int n, struct result *results,
		      int trials)
{
	int i, b;

	printf("\nSingle operations (--ops): raw ns as above, then (ns - base) / operations per "
	       "run, per trial:\n\n");
	printf("%-26s %-4s %-26s %8s %8s %8s  %7s %7s %7s  %s\n", "operation", "hook", "case",
	       "median", "min", "max", "op med", "op min", "op max", "base");
	for (i = from; i < n; i++) {
		const struct bench_op *op = bench_op(i - from);

		b = op->base ? bench_program_index(cases, n, op->base) : -1;
		print_op(&cases[i], op, &results[i], b >= 0 ? &results[b] : NULL, trials);
	}
}

/*
 * Every case, trials outermost, so that every case is measured in every
 * period of the run; 0, or -1 after an error or an interrupt.
 */
static int run_trials(const struct bench_case *cases, int n_cases, int n_main,
		      const int *prog_fds, int runs, int trials, struct result *results)
{
	char err[256] = "";
	int i, t;

	for (t = 0; t < trials; t++) {
		for (i = 0; i < n_cases; i++) {
			if (stop) {
				fprintf(stderr, "\nbench-datapath: interrupted\n");
				return -1;
			}
			if (isatty(2))
				fprintf(stderr, "\rtrial %d/%d: %-24s", t + 1, trials, cases[i].program);
			results[i].trial_ns[t] = trial(&cases[i], prog_fds[i],
						       i >= n_main ? bench_op(i - n_main)->repeat : 0,
						       runs, t * runs, err, sizeof(err));
			if (!results[i].trial_ns[t]) {
				fprintf(stderr, "\nbench-datapath: %s\n", err);
				return -1;
			}
		}
	}
	if (isatty(2))
		fprintf(stderr, "\r\033[K");
	return 0;
}

static void print_programs(const struct bench_case *cases, int n_main, int n_cases,
			   struct result *results, int runs, int trials)
{
	int i;

	printf("BPF_PROG_TEST_RUN, single-repetition runs: %d runs x %d trials, kernel ns per packet\n\n",
	       runs, trials);
	printf("%-26s %-12s %-26s %8s %8s %8s  %s\n", "program", "hook", "path",
	       "median", "min", "max", "x no-op");
	for (i = 0; i < n_main; i++) {
		const struct result *noop = &results[bench_noop_index(cases, n_cases, cases[i].hook)];

		summarize(&results[i], trials);
		summarize((struct result *)noop, trials);
		if (cases[i].hooks_prog)
			continue;
		printf("%-26s %-12s %-26s %8llu %8llu %8llu  %.2f\n", cases[i].program,
		       cases[i].hook, cases[i].path, (unsigned long long)results[i].med,
		       (unsigned long long)results[i].min, (unsigned long long)results[i].max,
		       (double)results[i].med / (double)noop->med);
	}
}

/* The programs of hooks.bpf.c, after the table above (same trials). */
static void print_hooks(const struct bench_case *cases, int n_main, int n_cases,
			const struct result *results)
{
	const struct result *noop = &results[bench_noop_index(cases, n_cases, "tc")];
	char steps[64];
	int i;

	printf("\nOne program per tc hook (datapath/hooks.bpf.c), with the steps on, in the same "
	       "trials:\n\n%-17s %-32s %-40s %8s %8s %8s  %s\n", "program", "steps", "path",
	       "median", "min", "max", "x no-op");
	for (i = 0; i < n_main; i++) {
		if (!cases[i].hooks_prog)
			continue;
		bench_steps_text(cases[i].program, cases[i].hooks_prog->steps, steps,
				 sizeof(steps));
		printf("%-17s %-32s %-40s %8llu %8llu %8llu  %.2f\n", cases[i].program, steps,
		       cases[i].path, (unsigned long long)results[i].med,
		       (unsigned long long)results[i].min, (unsigned long long)results[i].max,
		       (double)results[i].med / (double)noop->med);
	}
}

struct bench_opts {
	int runs, trials;
	bool with_ops;
	const char *topology;		/* for the path table */
};

/* 0, 1 for --help (done), or 2 (usage printed). */
static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "trials", required_argument, NULL, 't' },
		{ "ops", no_argument, NULL, 'o' },
		{ "topology", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "r:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->runs = atoi(optarg);
			break;
		case 't':
			o->trials = atoi(optarg);
			break;
		case 'o':
			o->with_ops = true;
			break;
		case 'T':
			o->topology = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || o->runs < 1 || o->trials < 1 || o->trials > BENCH_MAX_TRIALS) {
		usage(stderr);
		return 2;
	}
	/* Before minutes of measuring: the path table needs it at the end. */
	if (access(o->topology, R_OK)) {
		fprintf(stderr, "bench-datapath: %s: %s (--topology FILE)\n", o->topology,
			strerror(errno));
		return 2;
	}
	if ((long)o->runs * o->trials >= BENCH_PORTS) {
		fprintf(stderr, "bench-datapath: --runs x --trials must stay below %d, so that "
			"every new-flow run has a source port of its own\n", BENCH_PORTS);
		return 2;
	}
	return 0;
}

/* The path table from the medians of the first table's rows. */
static int print_paths(const struct bench_case *cases, int n_main, int n_cases,
		       const struct result *results, const char *topology)
{
	__u64 med[BENCH_MAX_CASES];
	int i;

	for (i = 0; i < n_main; i++)
		med[i] = results[i].med;
	return bench_pathsum_print(cases, n_main, med,
				   results[bench_noop_index(cases, n_cases, "tc")].med, topology);
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .runs = 2000, .trials = 5, .topology = DEFAULT_TOPOLOGY };
	int n_cases, n_main, i, status = EXIT_FAILURE;
	static struct result results[BENCH_MAX_CASES];
	const struct bench_case *cases;
	int prog_fds[BENCH_MAX_CASES];

	i = parse_args(argc, argv, &o);
	if (i)
		return i == 1 ? EXIT_SUCCESS : 2;
	libbpf_set_print(NULL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (bench_hooks_prepare(o.topology))
		return EXIT_FAILURE;
	n_main = bench_cases(&cases, false);
	n_cases = bench_cases(&cases, o.with_ops);
	for (i = 0; i < n_cases; i++) {
		prog_fds[i] = cases[i].hooks_prog ? bench_hook_setup(cases[i].hooks_prog) :
			      cases[i].setup();
		if (prog_fds[i] < 0) {
			fprintf(stderr, "bench-datapath: %s: setup failed: %s\n",
				cases[i].program, strerror(-prog_fds[i]));
			goto out;
		}
	}
	if (run_trials(cases, n_cases, n_main, prog_fds, o.runs, o.trials, results))
		goto out;
	print_programs(cases, n_main, n_cases, results, o.runs, o.trials);
	print_hooks(cases, n_main, n_cases, results);
	if (print_paths(cases, n_main, n_cases, results, o.topology))
		goto out;
	if (o.with_ops)
		print_ops(cases, n_main, n_cases, results, o.trials);
	status = EXIT_SUCCESS;
out:
	bench_cases_teardown();
	return status;
}
