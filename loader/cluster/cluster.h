/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A running cluster: a built topology, the knobs in force and what is
 * attached, kept in /run/dplab/<topo>/ (topology, knobs, attachments) so
 * every dplab process sees the same.
 *
 * cluster_apply() takes it to new knobs: the stack knobs (stack.c), then
 * the datapath: features are (re)loaded where their configuration
 * changed, and every hook whose chain of programs differs from the plan
 * (hook_plan.c) is rebuilt in order; a tc hook with a program of its own
 * (hooks.bpf.c) gets it reloaded and replaced (cluster_hooks.c).  It is
 * transactional: if a step fails, the previous knobs are applied again and
 * the error says what failed.
 */
#ifndef DPLAB_LOADER_CLUSTER_H
#define DPLAB_LOADER_CLUSTER_H

#include <stdbool.h>

#include "attach/attach.h"
#include "cluster/knobs.h"
#include "cluster/hook_plan.h"
#include "topo/topo.h"

struct cluster {
	struct topo t;
	struct knobs k;			/* in force (when applied) */
	bool applied;			/* knobs have been applied at all */
	int n_att;
	struct attachment att[HOOK_PLAN_MAX];
};

/* What one apply did, for the user. */
struct apply_report {
	double seconds;
	int attached, detached, reloaded;
	char notes[2048];		/* fallbacks taken, one per line */
	bool unrecorded;		/* the state could not be written: every
					 * program was detached (err says why) */
};

/*
 * The cluster of topology NAME (or, with NULL, the only one up).  -ENOENT
 * with err when none (or more than one) is up.
 */
int cluster_open(const char *name, struct cluster *c, char *err, size_t err_len);

/*
 * Apply want; on failure the previous knobs are restored.  Then the state
 * (attachments, knobs) is written; if that fails, every program is
 * detached, so that nothing stays attached that `down` would not know
 * (r->unrecorded, err names the file and errno).  0 or -errno.
 */
int cluster_apply(struct cluster *c, const struct knobs *want, struct apply_report *r,
		  char *err, size_t err_len);

/* cluster_json.c: every attachment (or those that took a fallback). */
json_t *cluster_attachments_json(const struct cluster *c, bool only_fallbacks);
/*
 * The outcome of `dplab up|set --json` (docs/cluster-json.md): ret and err
 * as cluster_apply() left them, the knobs in force, counts, notes, the
 * fallbacks in force.
 */
json_t *cluster_apply_json(const char *cmd, const struct cluster *c,
			   const struct apply_report *r, int ret, const char *err);

#endif /* DPLAB_LOADER_CLUSTER_H */
