// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tc hooks that carry one program of their own (cluster_int.h): a pod
 * veth's, an uplink's and the VXLAN device's hooks get hooks.bpf.c's
 * program for that hook, running the plan's entries there as its steps,
 * on their features' maps; rebuilt whenever any of that changes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cluster/cluster_int.h"
#include "cluster/hook_steps.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/netns.h"
#include "dplab/fmt.h"

/*
 * Whether the tc hook of p's entry first, whose own program runs steps,
 * must be rebuilt: its steps differ from those of the plan in force (old),
 * a feature of its steps was reloaded (the program holds that feature's
 * maps: it would go on with the old ones), the attach knob changed, or
 * anything but that one program is attached there.
 */
static bool steps_hook_stale(const struct cluster *c, const struct hook_plan *p,
			     const struct hook_plan *old, int first, const char *prog,
			     unsigned int steps, const struct knobs *k,
			     bool reloaded[][FEAT_COUNT])
{
	const struct hook_plan_entry *e0 = &p->e[first];
	const char *ns = hook_plan_entry_ns(&c->t, e0), *old_prog;
	int i, at = -1, n = 0, o = hook_plan_first_on(&c->t, old, e0);
	unsigned int old_steps = 0, s;

	if (o < 0 || hook_steps_of(&c->t, old, o, &old_steps, &old_prog) || old_steps != steps)
		return true;
	for (s = 1; s && s <= steps; s <<= 1)
		if ((steps & s) && reloaded[e0->feature_node][hook_step_feature(s)])
			return true;
	for (i = 0; i < c->n_att; i++)
		if (cluster_on_hook(ns, e0->ifname, e0->hook, &c->att[i])) {
			at = i;
			n++;
		}
	return n != 1 || strcmp(c->att[at].prog_name, prog) ||
	       cluster_attached_otherwise(c, &c->att[at], e0, k);
}

/*
 * A tc hook of a pod veth, an uplink or the VXLAN device carries one
 * program, hooks.bpf.c's for it, running the plan's entries on that hook
 * as its steps (hook_steps.h).  When stale it is loaded again first (a
 * failed load leaves the hook as it was), then put in place of what is
 * there.
 */
int cluster_sync_steps_hook(struct cluster *c, const struct hook_plan *p,
			   const struct hook_plan *old, int first, const struct knobs *k,
			   bool reloaded[][FEAT_COUNT], struct apply_report *r, char *err,
			   size_t err_len)
{
	struct hook_plan_entry one = p->e[first];
	const char *ns = hook_plan_entry_ns(&c->t, &one), *prog = "";
	struct feature_env env = { .t = &c->t, .node = one.node, .k = k };
	char pin[PATH_MAX], why[512] = "";
	unsigned int steps;
	int saved, fd, ret;

	ret = hook_steps_of(&c->t, p, first, &steps, &prog);
	if (ret) {
		snprintf(err, err_len, "%s %s %s: the plan's programs there are not steps of %s "
			 "in its order (cluster/hook_steps.c and datapath/hooks.bpf.c disagree)",
			 ns, one.ifname, attach_hook_name(one.hook), prog);
		return ret;
	}
	if (!steps_hook_stale(c, p, old, first, prog, steps, k, reloaded))
		return 0;
	one.prog = prog;
	ret = feature_hook_pin(&c->t, one.node, one.ifname, one.hook, prog, pin, sizeof(pin));
	if (!ret)
		ret = netns_enter(ns, &saved);
	if (!ret) {
		ret = feature_hook_load(&env, prog, steps, pin, why, sizeof(why));
		netns_leave(saved);
	}
	if (ret) {
		snprintf(err, err_len, "%s %s %s: program %s: %s", ns, one.ifname,
			 attach_hook_name(one.hook), prog, why[0] ? why : strerror(-ret));
		return ret;
	}
	fd = bpf_obj_get(pin);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", pin, strerror(-ret));
		return ret;
	}
	ret = cluster_detach_hook(c, &one, r, err, err_len);
	if (ret) {
		close(fd);
		return ret;
	}
	return cluster_attach_entry(c, &one, fd, 0, k, r, err, err_len);
}

/* Whether p has a tc hook with a program of its own on node n pinned at dir. */
static bool planned_pin(const struct topo *t, const struct hook_plan *p, int n,
			const char *dir)
{
	char want[PATH_MAX];
	int i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].node == n && hook_step_prog(t, &p->e[i]) &&
		    !feature_hook_pin(t, n, p->e[i].ifname, p->e[i].hook, NULL, want,
				      sizeof(want)) && !strcmp(want, dir))
			return true;
	return false;
}

void cluster_prune_hook_pins(const struct topo *t, const struct hook_plan *p)
{
	char base[PATH_MAX], dir[PATH_MAX + NAME_MAX + 2], failed[PATH_MAX];
	struct dirent *de;
	int n, rc;
	DIR *d;

	for (n = 0; n < t->n_nodes; n++) {
		feature_hooks_dir(t, n, base, sizeof(base));
		d = opendir(base);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' ||
			    fmt_fit(dir, sizeof(dir), "%s/%s", base, de->d_name) ||
			    planned_pin(t, p, n, dir))
				continue;
			/* The program lives on while attached (a link holds it). */
			rc = rm_tree(dir, failed, sizeof(failed));
			if (rc)
				log_warn("removing pin %s: %s (%s)\n", failed, errno_name(rc),
					 strerror(-rc));
		}
		if (d)
			closedir(d);
	}
}
