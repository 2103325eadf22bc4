/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internal to probe_trials.c, probe_trials_libxdp.c, probe_trials_tc.c and
 * probe_trial_record.c (the outcome setters, which the others all use):
 * what every trial gets, and how a trial records its outcome.
 */
#ifndef DPLAB_LOADER_PROBE_TRIALS_H
#define DPLAB_LOADER_PROBE_TRIALS_H

#include <bpf/libbpf.h>

#include "probe/probe.h"

struct trial_env {
	const struct probe_facts *f;
	struct bpf_program *xdp_prog;	/* xdp_pass, loaded */
	struct bpf_program *tc_prog;	/* tc_pass, loaded */
};

void trial_ok(struct probe_trial *t);
/* err: an errno, either sign. */
void trial_failed(struct probe_trial *t, int err);
void trial_skipped(struct probe_trial *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append to the note, "; " between parts. */
void trial_note(struct probe_trial *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Each runs only the trials still OUTCOME_NOT_RUN. */
void probe_trial_libxdp(const struct trial_env *env, struct probe_trial *t);
void probe_trials_tc(const struct trial_env *env, struct probe_trials *tr);

#endif /* DPLAB_LOADER_PROBE_TRIALS_H */
