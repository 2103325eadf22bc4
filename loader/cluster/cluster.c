// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A running cluster and the transactional apply of knobs (cluster.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "cluster/cluster.h"
#include "cluster/cluster_int.h"
#include "cluster/hook_steps.h"
#include "util/log.h"
#include "util/netns.h"
#include "cluster/services.h"
#include "cluster/stack.h"
#include "dplab/fmt.h"

/* The only topology with state under /run/dplab, into name. */
static int only_topology(char *name, size_t len, char *err, size_t err_len)
{
	struct dirent *de;
	int found = 0;
	bool foreign = false;
	DIR *d = opendir(DPLAB_RUN_DIR);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* Not a topology's name: never cut or taken as one. */
		if (!topo_name_valid(de->d_name) || fmt_fit(name, len, "%s", de->d_name))
			foreign = true;
		found++;
	}
	if (d)
		closedir(d);
	if (found == 1 && !foreign)
		return 0;
	if (foreign)
		snprintf(err, err_len, "%s holds an entry that is not a topology's: name one with "
			 "--topology", DPLAB_RUN_DIR);
	else
		snprintf(err, err_len, found ? "%d topologies are up: name one with --topology" :
			 "no topology is up (dplab up first)", found);
	return -ENOENT;
}

int cluster_open(const char *name, struct cluster *c, char *err, size_t err_len)
{
	char only[TOPO_NAME], path[PATH_MAX];
	int ret;

	memset(c, 0, sizeof(*c));
	if (!name) {
		ret = only_topology(only, sizeof(only), err, err_len);
		if (ret)
			return ret;
		name = only;
	}
	ret = topo_state_load(name, &c->t, err, err_len);
	if (ret)
		return ret;
	topo_state_path(name, "knobs", path, sizeof(path));
	if (!access(path, R_OK)) {
		ret = knobs_load(&c->k, path, err, err_len);
		if (ret)
			return ret;
		c->applied = true;
	}
	topo_state_path(name, "attachments", path, sizeof(path));
	if (!access(path, R_OK)) {
		ret = attach_load(path, c->att, HOOK_PLAN_MAX);
		if (ret < 0) {
			snprintf(err, err_len, "%s: unreadable: %s", path, strerror(-ret));
			return ret;
		}
		c->n_att = ret;
	}
	return 0;
}

/* Write the attachments and knobs; 0, or -errno with the failing file in path. */
static int cluster_save(const struct cluster *c, char *path, size_t len)
{
	int ret;

	topo_state_path(c->t.name, "attachments", path, len);
	ret = attach_save(path, c->att, c->n_att);
	if (ret || !c->applied)
		return ret;
	topo_state_path(c->t.name, "knobs", path, len);
	return knobs_save(&c->k, path);
}

/* ------------------------------------------------------------ features */

static const char *feature_ns(const struct topo *t, enum feature_id f, int node)
{
	return f == FEAT_XDP_PEER ? t->fabric_ns : t->nodes[node].ns;
}

static int load_feature(const struct topo *t, enum feature_id f, int node,
			const struct feature_env *env, char *err, size_t err_len)
{
	int saved, ret;

	ret = netns_enter(feature_ns(t, f, node), &saved);
	if (ret) {
		snprintf(err, err_len, "namespace %s: %s", feature_ns(t, f, node), strerror(-ret));
		return ret;
	}
	ret = feature_load(f, env, err, err_len);
	netns_leave(saved);
	return ret;
}

/* ------------------------------------------------------------ hooks */

/* Attach entry e's program, from its feature's pin. */
static int attach_feature_entry(struct cluster *c, const struct hook_plan_entry *e,
				int position, const struct knobs *k, struct apply_report *r,
				char *err, size_t err_len)
{
	int fd = feature_prog_fd(&c->t, e->feature_node, e->feature, e->prog);

	if (fd < 0) {
		snprintf(err, err_len, "%s of %s (node %d): not loaded: %s", e->prog,
			 feature_name(e->feature), e->feature_node, strerror(-fd));
		return fd;
	}
	return cluster_attach_entry(c, e, fd, position, k, r, err, err_len);
}

/* Rebuild one hook when its chain differs from the plan, a feature on it
 * was reloaded or it was attached under other attach knobs: detach what is
 * there, attach the plan's, in order.  A tc hook with a program of its own
 * gets that one instead (cluster_hooks.c). */
static int sync_hook(struct cluster *c, const struct hook_plan *p, const struct hook_plan *old,
		     int first, const struct knobs *k, bool reloaded[][FEAT_COUNT],
		     struct apply_report *r, char *err, size_t err_len)
{
	const struct hook_plan_entry *e0 = &p->e[first];
	const char *ns = hook_plan_entry_ns(&c->t, e0);
	int i, pos, cur = 0, ret;
	bool rebuild = false;

	if (hook_step_prog(&c->t, e0))
		return cluster_sync_steps_hook(c, p, old, first, k, reloaded, r, err, err_len);
	for (i = first; i < p->n; i++) {
		const struct hook_plan_entry *e = &p->e[i];

		if (!hook_plan_same_hook(&c->t, e, e0))
			continue;
		while (cur < c->n_att && !cluster_on_hook(ns, e0->ifname, e0->hook, &c->att[cur]))
			cur++;
		if (cur == c->n_att || strcmp(c->att[cur].prog_name, e->prog) ||
		    reloaded[e->feature_node][e->feature] ||
		    cluster_attached_otherwise(c, &c->att[cur], e, k))
			rebuild = true;
		else
			cur++;
	}
	for (; cur < c->n_att; cur++)
		if (cluster_on_hook(ns, e0->ifname, e0->hook, &c->att[cur]))
			rebuild = true;	/* more there than planned */
	if (!rebuild)
		return 0;
	ret = cluster_detach_hook(c, e0, r, err, err_len);
	if (ret)
		return ret;
	for (i = first, pos = 0; i < p->n; i++) {
		const struct hook_plan_entry *e = &p->e[i];

		if (!hook_plan_same_hook(&c->t, e, e0))
			continue;
		ret = attach_feature_entry(c, e, pos++, k, r, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

static bool planned_hook(const struct topo *t, const struct hook_plan *p, const struct attachment *a)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (cluster_on_hook(hook_plan_entry_ns(t, &p->e[i]), p->e[i].ifname, p->e[i].hook, a))
			return true;
	return false;
}

/* ------------------------------------------------------------ apply */

/* Load the features p needs that old did not (or whose config changed). */
static int load_features(struct cluster *c, const struct knobs *want, bool force_reload,
			 const struct hook_plan *p, const struct hook_plan *old,
			 struct feature_env *env, bool reloaded[][FEAT_COUNT],
			 struct apply_report *r, char *err, size_t err_len)
{
	int n, f, ret;

	for (n = 0; n < c->t.n_nodes; n++) {
		env->node = n;
		for (f = 0; f < FEAT_COUNT; f++) {
			if (!p->load[n][f] || (!force_reload && old->load[n][f] &&
					       !hook_plan_feature_config_changed(f, &c->k, want)))
				continue;
			ret = load_feature(&c->t, f, n, env, err, err_len);
			if (ret)
				return ret;
			reloaded[n][f] = true;
			r->reloaded++;
		}
	}
	return 0;
}

/* Hooks no longer planned lose their programs; planned ones are synced. */
static int sync_hooks(struct cluster *c, const struct knobs *want, const struct hook_plan *p,
		      const struct hook_plan *old, bool reloaded[][FEAT_COUNT],
		      struct apply_report *r, char *err, size_t err_len)
{
	int i, j, ret;

	for (i = c->n_att - 1; i >= 0; i--) {
		if (planned_hook(&c->t, p, &c->att[i]))
			continue;
		ret = cluster_detach_at(c, i, err, err_len);
		if (ret)
			return ret;
		r->detached++;
	}
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < i; j++)
			if (hook_plan_same_hook(&c->t, &p->e[j], &p->e[i]))
				break;
		if (j < i)
			continue;	/* this hook was synced with its first entry */
		ret = sync_hook(c, p, old, i, want, reloaded, r, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

static int apply_datapath(struct cluster *c, const struct knobs *want, bool force_reload,
			  const struct svc_instance *svcs, int n_svcs, struct apply_report *r,
			  char *err, size_t err_len)
{
	struct hook_plan *p = calloc(1, sizeof(*p)), *old = calloc(1, sizeof(*old));
	bool reloaded[TOPO_MAX_NODES][FEAT_COUNT] = { { false } };
	struct feature_env env = { .t = &c->t, .k = want, .svcs = svcs, .n_svcs = n_svcs };
	int n, f, ret = -ENOMEM;

	if (!p || !old) {
		snprintf(err, err_len, "the hook plans: %s", strerror(ENOMEM));
		goto out;
	}
	ret = hook_plan_build(&c->t, want, p);
	if (!ret && c->applied)
		ret = hook_plan_build(&c->t, &c->k, old);
	if (ret) {
		snprintf(err, err_len, ret == -ENAMETOOLONG ?
			 "a device or cgroup path of the topology is longer than %d bytes" :
			 "the topology has more hooks than dplab plans for (%d)",
			 ret == -ENAMETOOLONG ? ATTACH_TARGET_LEN - 1 : HOOK_PLAN_MAX);
		goto out;
	}
	ret = load_features(c, want, force_reload, p, old, &env, reloaded, r, err, err_len);
	if (!ret)
		ret = sync_hooks(c, want, p, old, reloaded, r, err, err_len);
	if (ret)
		goto out;
	for (n = 0; n < c->t.n_nodes; n++)
		for (f = 0; f < FEAT_COUNT; f++)
			if (old->load[n][f] && !p->load[n][f])
				feature_unload(&c->t, n, f);
	cluster_prune_hook_pins(&c->t, p);
out:
	free(p);
	free(old);
	return ret;
}

static int apply_once(struct cluster *c, const struct knobs *want, bool force_reload,
		      struct apply_report *r, char *err, size_t err_len)
{
	struct svc_instance *svcs = calloc(SERVICES_MAX, sizeof(*svcs));
	int n_svcs, ret;

	if (!svcs) {
		snprintf(err, err_len, "services=%u: %s", want->services, strerror(ENOMEM));
		return -ENOMEM;
	}
	n_svcs = services_expand(&c->t, want->services, svcs, SERVICES_MAX);
	if (n_svcs < 0) {
		snprintf(err, err_len, "services=%u: more than the service CIDR or %d holds",
			 want->services, SERVICES_MAX);
		free(svcs);
		return n_svcs;
	}
	ret = stack_bandwidth_manager(want, err, err_len);
	if (!ret)
		ret = stack_routing(&c->t, want, err, err_len);
	if (!ret)
		ret = stack_iptables(&c->t, want, svcs, n_svcs, err, err_len);
	if (!ret)
		ret = stack_congestion(&c->t, want, err, err_len);
	if (!ret)
		ret = apply_datapath(c, want, force_reload, svcs, n_svcs, r, err, err_len);
	free(svcs);
	if (ret)
		return ret;
	c->k = *want;
	c->applied = true;
	return 0;
}

/*
 * Record the state; when it cannot be written, detach every program (what
 * is attached and not recorded could not be removed by `down`) and say so
 * in err after what it holds.  0 or -errno.
 */
static int cluster_record(struct cluster *c, struct apply_report *r, char *err, size_t err_len)
{
	char path[PATH_MAX], why[256];
	int ret, n = c->n_att, left, i;
	size_t used = strlen(err);

	ret = cluster_save(c, path, sizeof(path));
	if (!ret)
		return 0;
	for (i = c->n_att - 1; i >= 0; i--)
		cluster_detach_at(c, i, why, sizeof(why));
	left = c->n_att;
	cluster_save(c, why, sizeof(why));	/* best effort: now nothing to record */
	r->unrecorded = true;
	snprintf(err + used, err_len - used, "%scannot record the cluster's state in %s: %s; "
		 "detached %d of %d programs so that nothing stays attached that `dplab down` "
		 "would not know%s", used ? "; " : "", path, strerror(-ret), n - left, n,
		 left ? " (the rest could not be detached)" : "");
	return ret;
}

int cluster_apply(struct cluster *c, const struct knobs *want, struct apply_report *r,
		  char *err, size_t err_len)
{
	struct timespec t0, t1;
	struct knobs old = c->k;
	bool had = c->applied;
	char rb_err[512];
	int ret, save;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = apply_once(c, want, false, r, err, err_len);
	if (ret && had) {
		/* Back to what was in force: rebuild it from scratch. */
		struct apply_report rb;

		memset(&rb, 0, sizeof(rb));
		c->k = *want;
		if (apply_once(c, &old, true, &rb, rb_err, sizeof(rb_err))) {
			size_t used = strlen(err);

			snprintf(err + used, err_len - used, "; restoring the previous knobs "
				 "failed too: %s", rb_err);
		}
	}
	if (!ret)
		hook_plan_notes(want, r->notes + strlen(r->notes), sizeof(r->notes) - strlen(r->notes));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!ret)
		err[0] = '\0';
	save = cluster_record(c, r, err, err_len);
	return ret ? ret : save;
}
