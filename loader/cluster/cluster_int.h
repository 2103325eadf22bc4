/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside cluster.h: what cluster.c (features, chains, apply) shares with
 * cluster_hooks.c (the tc hooks that carry one program of their own), both
 * over cluster_attach.c (one hook's attachments).
 */
#ifndef DPLAB_LOADER_CLUSTER_INT_H
#define DPLAB_LOADER_CLUSTER_INT_H

#include "cluster/cluster.h"

/* cluster_attach.c */

/* Whether attachment a is on hook hook of ifname in namespace ns. */
bool cluster_on_hook(const char *ns, const char *ifname, enum attach_hook hook,
		     const struct attachment *a);

/* Attach prog_fd (closed here) as entry e (named e->prog), at position in
 * its hook's chain; recorded in c, counted in r.  0 or -errno with err. */
int cluster_attach_entry(struct cluster *c, const struct hook_plan_entry *e, int prog_fd,
			 int position, const struct knobs *k, struct apply_report *r, char *err,
			 size_t err_len);

/* Attachment a (for entry e) was made under other attach knobs or XDP mode than k. */
bool cluster_attached_otherwise(const struct cluster *c, const struct attachment *a,
				const struct hook_plan_entry *e, const struct knobs *k);

/* Detach c's attachment i (from its namespace, if still there); 0 or -errno. */
int cluster_detach_at(struct cluster *c, int i, char *err, size_t err_len);

/* Detach everything on e's hook, last first.  0 or -errno with err. */
int cluster_detach_hook(struct cluster *c, const struct hook_plan_entry *e,
			struct apply_report *r, char *err, size_t err_len);

/*
 * cluster_hooks.c: bring the tc hook of p's entry first, which has a
 * hooks.bpf.c program (hook_step_prog()), to the plan: reload and
 * re-attach its program when stale.  old: the plan of the knobs in force
 * (empty when none are).  0 or -errno with err.
 */
int cluster_sync_steps_hook(struct cluster *c, const struct hook_plan *p,
			    const struct hook_plan *old, int first, const struct knobs *k,
			    bool reloaded[][FEAT_COUNT], struct apply_report *r, char *err,
			    size_t err_len);

/* Remove the pinned programs of tc hooks that p has none for any more. */
void cluster_prune_hook_pins(const struct topo *t, const struct hook_plan *p);

#endif /* DPLAB_LOADER_CLUSTER_INT_H */
