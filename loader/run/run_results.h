/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * results.json of `dplab run` (schema: docs/run-json.md): built as the run
 * goes, summarised (median, min-max, effect against the baseline, "within
 * noise") and saved after every configuration.
 */
#ifndef DPLAB_LOADER_RUN_RESULTS_H
#define DPLAB_LOADER_RUN_RESULTS_H

#include <jansson.h>

#include "run/run_plan.h"

/* The document with plan, knobs, scenarios and metrics; no configs yet. */
json_t *run_results_new(const struct run_plan *p);

/* Its config object for c (appended; borrowed reference). */
json_t *run_results_config(json_t *doc, const struct run_plan *p, const struct run_config *c);

/* A sample of metric m, or the error of a repetition that produced none. */
void run_results_sample(json_t *cfg, int metric, double v);
void run_results_error(json_t *cfg, int metric, const char *why);

/* status: "measured", "unsupported", "no_change", "failed", "interrupted". */
void run_results_status(json_t *cfg, const char *status, const char *reason);

/* "complete" and "finished"; stop_reason NULL when complete. */
void run_results_finish(json_t *doc, const char *stop_reason);

/* DIR/results.json (through a temporary file); 0 or -errno. */
int run_results_save(json_t *doc, const char *dir);

#endif /* DPLAB_LOADER_RUN_RESULTS_H */
