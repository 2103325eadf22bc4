// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath's second table: per scenario A-E, the programs a
 * pod-to-pod UDP packet and a ClusterIP TCP SYN cross (bench_path.c, from
 * the loader's hook plan for the topology and the preset's knobs), each
 * with the median of its row in the first table, and their sum; then the
 * same path with each tc hook as its one program of hooks.bpf.c (the
 * plan's steps there), at the median of that program's row for the packet
 * as it arrives, XDP programs as before, and that sum beside the first.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/pkt_cls.h>

#include "bench_cases.h"
#include "bench_path.h"
#include "cluster/hook_plan.h"
#include "cluster/knobs.h"
#include "topo/topo.h"

struct sum_ctx {
	const struct bench_case *cases;
	int n;
	const __u64 *med;
	__u64 noop_tc;
	int missing;		/* steps without a measured row */
	int n_sums;
	struct {
		const char *preset;
		enum bench_path_kind kind;
		int progs, hook_progs;
		__u64 ns, hook_ns, fabric_ns;
	} sums[16];		/* for the summary: presets x paths */
};

static int row_of(const struct sum_ctx *c, const struct bench_path_step *s)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->cases[i].program, s->case_program) &&
		    !strcmp(c->cases[i].path, s->case_path))
			return i;
	return -1;
}

/* One step's line; its ns when it counts in the sum, else 0. */
static __u64 print_step(struct sum_ctx *c, const struct bench_path_step *s, __u64 *fabric)
{
	int row;

	if (s->connect_time) {
		printf("    %-28s %-22s %-26s %8s  *\n", s->where, s->entry->prog, "-",
		       "connect-time");
		return 0;
	}
	row = row_of(c, s);
	if (row < 0) {
		c->missing++;
		printf("    %-28s %-22s %-26s %8s  (no row in the table above)\n", s->where,
		       s->entry->prog, s->case_path, "?");
		return 0;
	}
	printf("    %-28s %-22s %-26s %8llu%s\n", s->where, s->entry->prog, s->case_path,
	       (unsigned long long)c->med[row], s->fabric ? "  **" : "");
	if (s->fabric) {
		*fabric += c->med[row];
		return 0;
	}
	return c->med[row];
}

/* The row of hook h's program with its steps and packet, or -1. */
static int hook_row_of(const struct sum_ctx *c, const struct bench_path_hook *h)
{
	int i;

	for (i = 0; i < c->n; i++) {
		const struct bench_hook *hp = c->cases[i].hooks_prog;

		if (hp && !hp->frame && !strcmp(hp->prog, h->prog) && hp->steps == h->steps &&
		    hp->decap_to_stack == h->decap_to_stack && hp->pkt == h->pkt &&
		    (c->cases[i].expect_verdict == TC_ACT_REDIRECT) == h->redirect)
			return i;
	}
	return -1;
}

static __u64 print_hook(struct sum_ctx *c, const struct bench_path_hook *h)
{
	char steps[64], pkt[64];
	int row = hook_row_of(c, h);

	bench_steps_text(h->prog, h->steps, steps, sizeof(steps));
	bench_pkt_text(h->pkt, pkt, sizeof(pkt));
	if (row < 0) {
		c->missing++;
		printf("    %-28s %-16s %-32s %-40s %8s  (no row in the hooks table)\n", h->where,
		       h->prog, steps, pkt, "?");
		return 0;
	}
	printf("    %-28s %-16s %-32s %-40s %8llu\n", h->where, h->prog, steps,
	       c->cases[row].path, (unsigned long long)c->med[row]);
	return c->med[row];
}

/* The path again, each tc hook as one program; its sum and programs. */
static __u64 print_hooks_path(struct sum_ctx *c, const struct bench_path *path, int *progs)
{
	__u64 sum = 0, fabric = 0;
	int i, j;

	printf("  as one program per tc hook (hooks.bpf.c):\n");
	*progs = 0;
	for (i = 0; i < path->n; i++) {
		for (j = 0; j < path->n_hooks; j++)
			if (i >= path->h[j].first && i < path->h[j].first + path->h[j].n)
				break;
		if (j < path->n_hooks) {
			if (i == path->h[j].first) {
				sum += print_hook(c, &path->h[j]);
				++*progs;
			}
			continue;
		}
		sum += print_step(c, &path->s[i], &fabric);
		*progs += !path->s[i].connect_time && !path->s[i].fabric;
	}
	printf("    sum: %d program%s per packet, %llu ns = %.2fx the tc no-op\n\n", *progs,
	       *progs == 1 ? "" : "s", (unsigned long long)sum, (double)sum / (double)c->noop_tc);
	return sum;
}

static void print_path(struct sum_ctx *c, const char *preset, enum bench_path_kind kind,
		       const struct bench_path *path)
{
	__u64 sum = 0, fabric = 0, hook_sum = 0;
	int i, progs = 0, hook_progs = 0;

	printf("%s  %s: %s\n", preset, bench_path_name(kind), path->what);
	for (i = 0; i < path->n; i++) {
		sum += print_step(c, &path->s[i], &fabric);
		progs += !path->s[i].connect_time && !path->s[i].fabric;
	}
	if (!path->n)
		printf("    (no BPF program)\n");
	if (path->note[0])
		printf("    note: %s\n", path->note);
	printf("    sum: %d program%s per packet, %llu ns = %.2fx the tc no-op", progs,
	       progs == 1 ? "" : "s", (unsigned long long)sum, (double)sum / (double)c->noop_tc);
	if (fabric)
		printf(" (%llu ns with the fabric's **)", (unsigned long long)(sum + fabric));
	printf("\n\n");
	if (path->n_hooks)
		hook_sum = print_hooks_path(c, path, &hook_progs);
	else
		hook_progs = progs, hook_sum = sum;
	if (c->n_sums < (int)(sizeof(c->sums) / sizeof(c->sums[0]))) {
		c->sums[c->n_sums].preset = preset;
		c->sums[c->n_sums].kind = kind;
		c->sums[c->n_sums].progs = progs;
		c->sums[c->n_sums].ns = sum;
		c->sums[c->n_sums].hook_progs = hook_progs;
		c->sums[c->n_sums].hook_ns = hook_sum;
		c->sums[c->n_sums++].fabric_ns = fabric;
	}
}

static void print_summary(const struct sum_ctx *c)
{
	int i;

	printf("%-8s %-18s | %-30s | %-30s | %s\n", "", "", "one program per feature step",
	       "one program per tc hook", "");
	printf("%-8s %-18s | %8s %8s %12s | %8s %8s %12s | %12s\n", "scenario", "path",
	       "programs", "sum ns", "x tc no-op", "programs", "sum ns", "x tc no-op",
	       "fabric ** ns");
	for (i = 0; i < c->n_sums; i++)
		printf("%-8s %-18s | %8d %8llu %12.2f | %8d %8llu %12.2f | %12llu\n",
		       c->sums[i].preset, bench_path_name(c->sums[i].kind), c->sums[i].progs,
		       (unsigned long long)c->sums[i].ns,
		       (double)c->sums[i].ns / (double)c->noop_tc, c->sums[i].hook_progs,
		       (unsigned long long)c->sums[i].hook_ns,
		       (double)c->sums[i].hook_ns / (double)c->noop_tc,
		       (unsigned long long)c->sums[i].fabric_ns);
	printf("\n");
}

static int preset_paths(struct sum_ctx *c, const struct topo *t, const char *preset)
{
	static struct hook_plan plan;
	struct bench_path path;
	struct knobs k;
	char err[256];
	int kind, ret = 0;

	for (kind = 0; !ret && kind < BENCH_PATH_COUNT; kind++) {
		ret = bench_path_preset(t, preset, kind, &k, &plan, &path, err, sizeof(err));
		if (!ret)
			print_path(c, preset, kind, &path);
	}
	if (ret)
		fprintf(stderr, "bench-datapath: preset %s: %s\n", preset, err);
	return ret;
}

int bench_pathsum_print(const struct bench_case *cases, int n, const __u64 *med, __u64 noop_tc,
			const char *topo_file)
{
	struct sum_ctx c = { .cases = cases, .n = n, .med = med, .noop_tc = noop_tc };
	static struct topo t;
	char err[256];
	size_t i;
	int ret;

	ret = topo_parse(topo_file, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "bench-datapath: %s\n", err);
		return ret;
	}
	printf("\nPrograms a packet crosses, per scenario, hook by hook (the loader's hook plan "
	       "for %s),\neach at the median of its row above; x: the sum over the tc no-op "
	       "(%llu ns)\n\n", topo_file, (unsigned long long)noop_tc);
	for (i = 0; bench_path_presets[i]; i++) {
		ret = preset_paths(&c, &t, bench_path_presets[i]);
		if (ret)
			return ret;
	}
	print_summary(&c);
	printf("*  socket LB runs once per connect(), not per packet: shown, not in the sum.\n"
	       "** the fabric's pass-through XDP program (xdp_lb's aid: veth delivers XDP_TX'd\n"
	       "   frames only to a peer with XDP) belongs to the emulated network, not to a\n"
	       "   node: shown, not in the sum.\n");
	if (c.missing) {
		fprintf(stderr, "bench-datapath: %d program%s on these paths %s no measured row: "
			"add the case%s (tests/bench/)\n", c.missing, c.missing == 1 ? "" : "s",
			c.missing == 1 ? "has" : "have", c.missing == 1 ? "" : "s");
		return -ENOENT;
	}
	return 0;
}
