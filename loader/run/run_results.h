/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * results.json of `dplab run` (schema 2: docs/run-json.md): built as the
 * run goes (every visit, and each config's samples), summarised (medians;
 * paired effects with intervals and verdicts, run_effects.c) and saved
 * after every few visits.
 */
#ifndef DPLAB_LOADER_RUN_RESULTS_H
#define DPLAB_LOADER_RUN_RESULTS_H

#include <stdbool.h>
#include <jansson.h>

#include "run/run_plan.h"

/* The document with plan (and the visit order's seed), knobs, scenarios, metrics. */
json_t *run_results_new(const struct run_plan *p, unsigned long seed);

/* Its config object for c (appended; borrowed reference). */
json_t *run_results_config(json_t *doc, const struct run_plan *p, const struct run_config *c);

/* A sample of metric m, or the error of a repetition that produced none. */
void run_results_sample(json_t *cfg, int metric, double v);
void run_results_error(json_t *cfg, int metric, const char *why);

/*
 * One visit (docs/run-json.md "visits"): config, round, whether it was a
 * baseline visit, its start (run seconds), steal and other work, attempts, and the
 * values and errors of its metrics (references stolen).
 */
struct run_visit_quiet {
	double steal;		/* % of the CPU time stolen during the measurement */
	double before, after;	/* % busy with other work just before and after it */
	int attempts;		/* measurements made, the last one kept */
};

void run_results_visit(json_t *doc, const char *config, int round, bool baseline,
		       double t, const struct run_visit_quiet *q, json_t *values,
		       json_t *errors);

/* A note of the run as a whole (printf format). */
void run_results_note(json_t *doc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Effects and verdicts of every compared config (run_effects.c). */
void run_effects_compute(json_t *doc);

/* Whether a headline metric of cfg is still undecided (or has too few pairs). */
bool run_results_undecided(json_t *cfg);

/* status: "measured", "unsupported", "no_change", "failed", "interrupted". */
void run_results_status(json_t *cfg, const char *status, const char *reason);

/* "complete" and "finished"; stop_reason NULL when complete. */
void run_results_finish(json_t *doc, const char *stop_reason);

/* DIR/results.json (through a temporary file); 0 or -errno. */
int run_results_save(json_t *doc, const char *dir);

#endif /* DPLAB_LOADER_RUN_RESULTS_H */
