/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The visit order of `dplab run` (run_schedule.c): configurations are
 * grouped by the baseline they are compared against, and every round
 * visits each group as B k1 B k2 B ... kn B with the knobs in a random
 * order and the groups in a random order (GSL's Mersenne Twister, seeded
 * and recorded, so a run can be replayed).  Each knob visit sits between
 * two visits of its baseline: its effect is paired against their mean,
 * which cancels the machine's linear drift.
 */
#ifndef DPLAB_LOADER_RUN_SCHEDULE_H
#define DPLAB_LOADER_RUN_SCHEDULE_H

#include <stdbool.h>
#include <gsl/gsl_rng.h>

#include "run/run_plan.h"

#define RUN_MAX_VISITS_ROUND (3 * RUN_MAX_CONFIGS)

struct run_visit {
	int config;		/* index in the plan */
	int round;		/* 0, 1, ... */
	bool baseline;		/* visited as its group's baseline */
};

struct run_group_sched {
	int baseline;		/* config index */
	int knobs[RUN_MAX_CONFIGS];	/* configs compared against it */
	int n;
};

struct run_schedule {
	struct run_group_sched g[RUN_MAX_CONFIGS];
	int n_groups;
	gsl_rng *rng;
	unsigned long seed;
};

/* Groups of the plan; seed 0 takes one from the clock.  0 or -ENOMEM. */
int run_schedule_init(struct run_schedule *s, const struct run_plan *p, unsigned long seed);
void run_schedule_free(struct run_schedule *s);

/*
 * The visits of one round into out (at most RUN_MAX_VISITS_ROUND): every
 * group with an active knob (a group of a lone config: when that config
 * is active), in random order, as B k B k' ... B over its active knobs
 * shuffled.  Returns the number of visits.
 */
int run_schedule_round(struct run_schedule *s, const bool *active, int round,
		       struct run_visit *out);

#endif /* DPLAB_LOADER_RUN_SCHEDULE_H */
