/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Plans of `dplab run`: the file format (docs/run-plan.md), the built-in
 * default and quick plans, and their expansion into the ordered list of
 * configurations to measure.  A plan is parsed and expanded completely
 * before anything is built, so a malformed one changes nothing.
 */
#ifndef DPLAB_LOADER_RUN_PLAN_H
#define DPLAB_LOADER_RUN_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cluster/knobs.h"
#include "run/run_metrics.h"

#define RUN_MAX_CONFIGS 96
#define RUN_MAX_SWEEP 8
#define RUN_NAME_LEN 64

enum run_group { G_SCENARIO, G_ISOLATE_ON, G_ISOLATE_OFF, G_SWEEP, G_CONFIG, G_PLACEBO };

/* How the visits are scheduled, and how long and hard each workload runs. */
struct run_params {
	int pairs;			/* first pass: visits of every knob */
	int max_pairs;			/* then more, for undecided rows, up to this */
	double budget_secs;		/* the sequential rounds stop within this */
	int seed;			/* of the visit order; 0: from the clock */
	double steal_max;		/* % steal above which a visit is redone */
	double warmup_secs;		/* traffic before each visit's measurement */
	double trial_secs;		/* ndr/pdr: each search trial */
	double final_secs;		/* ndr/pdr: the confirming trial */
	int search_iter;		/* ndr/pdr: trials at most */
	double search_hi;		/* ndr/pdr: upper bound, pps */
	double stream_rate, stream_secs;	/* stream: fixed offered rate */
	double rtt_rate, rtt_secs;	/* rtt: reflected stream */
	double tcp_secs;		/* iperf3 */
	double conn_rate, conn_secs;	/* connects at a fixed rate (conn, nodeport) */
	double req_rate, req_secs;	/* request/response at a fixed rate */
};

struct run_config {
	char name[RUN_NAME_LEN];	/* "A", "A+host_routing=bpf", "iptables services=1000" */
	enum run_group group;
	char scenario;			/* preset it starts from; 0 for none */
	int baseline;			/* index of the config compared against, -1 none */
	int knob;			/* enum knob_id changed from the baseline, -1 none */
	bool placebo;			/* the baseline again, compared like a knob */
	char also[48];			/* changes it implies ("host_routing=legacy", "veth_napi=on") */
	char value[32];			/* that knob's value here */
	char sweep_lb[16];		/* sweep: service_lb value */
	unsigned int sweep_services;	/* sweep: services */
	struct knobs k;			/* every knob */
	unsigned int workloads;		/* bit (1 << enum run_workload) */
};

struct run_plan {
	char name[RUN_NAME_LEN];
	char topology[PATH_MAX];
	bool quick;
	struct run_params p;
	int n_configs;
	struct run_config configs[RUN_MAX_CONFIGS];
	char *text;			/* the plan as read (owned) */
};

/* The built-in plans' text ("default" or "quick"). */
const char *run_plan_builtin(bool quick);

/*
 * Parse plan text (from FILE, for messages) and expand it.  0, or -EINVAL
 * with err = "FILE:LINE: reason".  p->text gets a copy of text.
 */
int run_plan_parse(const char *text, const char *file, struct run_plan *p, char *err,
		   size_t err_len);
/* Read and parse a plan file; -errno when it cannot be read. */
int run_plan_load(const char *path, struct run_plan *p, char *err, size_t err_len);
void run_plan_free(struct run_plan *p);

/* Index of the config named name, or -1. */
int run_plan_find(const struct run_plan *p, const char *name);

/* "scenario", "isolate_on", ... as in results.json. */
const char *run_group_name(enum run_group g);
/* Planned seconds of one repetition of workload w (for progress estimates). */
double run_workload_secs(const struct run_params *p, enum run_workload w);

#endif /* DPLAB_LOADER_RUN_PLAN_H */
