// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Interleaved, randomised visit order of `dplab run` (run_schedule.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>

#include "run/run_schedule.h"

static int group_of(struct run_schedule *s, int baseline)
{
	int i;

	for (i = 0; i < s->n_groups; i++)
		if (s->g[i].baseline == baseline)
			return i;
	s->g[s->n_groups] = (struct run_group_sched){ .baseline = baseline };
	return s->n_groups++;
}

int run_schedule_init(struct run_schedule *s, const struct run_plan *p, unsigned long seed)
{
	struct run_group_sched *g;
	int i;

	memset(s, 0, sizeof(*s));
	s->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!s->rng)
		return -ENOMEM;
	s->seed = seed ? seed : ((unsigned long)time(NULL) ^ (unsigned long)getpid() << 16);
	gsl_rng_set(s->rng, s->seed);
	/* Baselines first (in plan order), so that every config has a group. */
	for (i = 0; i < p->n_configs; i++)
		if (p->configs[i].baseline < 0)
			group_of(s, i);
	for (i = 0; i < p->n_configs; i++) {
		if (p->configs[i].baseline < 0)
			continue;
		g = &s->g[group_of(s, p->configs[i].baseline)];
		g->knobs[g->n++] = i;
	}
	return 0;
}

void run_schedule_free(struct run_schedule *s)
{
	if (s->rng)
		gsl_rng_free(s->rng);
	s->rng = NULL;
}

/* One group's block B k B k' ... B over its active knobs; visits added. */
static int block(struct run_schedule *s, const struct run_group_sched *g, const bool *active,
		 int round, struct run_visit *out)
{
	int knobs[RUN_MAX_CONFIGS], n = 0, i, v = 0;

	for (i = 0; i < g->n; i++)
		if (active[g->knobs[i]])
			knobs[n++] = g->knobs[i];
	if (!n && (g->n || !active[g->baseline]))
		return 0;
	if (n > 1)
		gsl_ran_shuffle(s->rng, knobs, n, sizeof(knobs[0]));
	out[v++] = (struct run_visit){ g->baseline, round, true };
	for (i = 0; i < n; i++) {
		out[v++] = (struct run_visit){ knobs[i], round, false };
		out[v++] = (struct run_visit){ g->baseline, round, true };
	}
	return v;
}

int run_schedule_round(struct run_schedule *s, const bool *active, int round,
		       struct run_visit *out)
{
	int order[RUN_MAX_CONFIGS], i, v = 0;

	for (i = 0; i < s->n_groups; i++)
		order[i] = i;
	if (s->n_groups > 1)
		gsl_ran_shuffle(s->rng, order, s->n_groups, sizeof(order[0]));
	for (i = 0; i < s->n_groups; i++)
		v += block(s, &s->g[order[i]], active, round, out + v);
	return v;
}
