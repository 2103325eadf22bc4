/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the plan parser (run_plan.c) and its expansion (run_plan_expand.c) share. */
#ifndef DPLAB_LOADER_RUN_PLAN_INT_H
#define DPLAB_LOADER_RUN_PLAN_INT_H

#include "run/run_plan.h"

#define DEFAULT_TOPOLOGY "topologies/two-node.topo"
#define ISO_VALUES 16		/* explicit values of `isolate` knobs */

/* What the expansion needs from the directives. */
struct plan_spec {
	char scenarios[8];
	int n_scenarios;
	unsigned int workloads, sweep_workloads;
	bool iso[2];			/* on, off */
	unsigned int iso_knobs[2];	/* bit per knob; 0: all */
	struct {
		int knob;
		char value[32];
	} iso_vals[2][ISO_VALUES];	/* "isolate on service_lb=tc,socket" */
	int n_iso_vals[2];
	char sweep_lbs[4][16];
	int n_lbs;
	unsigned int sweep_n[RUN_MAX_SWEEP];
	int n_counts;
	struct {
		char name[RUN_NAME_LEN];
		struct knobs k;
	} extra[16];
	int n_extra;
};


/* The knob named name, or -1. */
int run_plan_knob_id(const char *name);

/* The configurations of the directives, in order; 0 or -EINVAL with why. */
int run_plan_expand(struct run_plan *p, const struct plan_spec *s, char *why, size_t len);

#endif /* DPLAB_LOADER_RUN_PLAN_INT_H */
