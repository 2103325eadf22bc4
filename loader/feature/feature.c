// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Features (feature.h): the table of objects, where they are pinned, and
 * the helpers every loader shares (feature_int.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "feature/feature_int.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "dplab/fmt.h"

static const struct {
	const char *name;
	feature_loader load;
} features[FEAT_COUNT] = {
	[FEAT_TC_LB] = { "tc_lb", feature_load_tc_lb },
	[FEAT_TC_NODEPORT] = { "tc_nodeport", feature_load_tc_nodeport },
	[FEAT_SOCK_LB] = { "sock_lb", feature_load_sock_lb },
	[FEAT_MASQ] = { "masq", feature_load_masq },
	[FEAT_HOST_ROUTING] = { "host_routing", feature_load_host_routing },
	[FEAT_OVERLAY] = { "overlay", feature_load_overlay },
	[FEAT_XDP_LB] = { "xdp_lb", feature_load_xdp_lb },
	[FEAT_XDP_PEER] = { "xdp_peer", feature_load_xdp_peer },
};

const char *feature_name(enum feature_id f)
{
	return (unsigned int)f < FEAT_COUNT ? features[f].name : "unknown-feature";
}

void feature_dir(const struct topo *t, int node, enum feature_id f, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s/%s", DPLAB_PIN_DIR, t->name, t->nodes[node].name,
		 feature_name(f));
}

int feature_load(enum feature_id f, const struct feature_env *env, char *err, size_t err_len)
{
	char dir[PATH_MAX], why[512] = "";
	int rc;

	if ((unsigned int)f >= FEAT_COUNT || env->node < 0 || env->node >= env->t->n_nodes) {
		snprintf(err, err_len, "feature %d for node %d: no such feature or node", f,
			 env->node);
		return -EINVAL;
	}
	feature_dir(env->t, env->node, f, dir, sizeof(dir));
	rc = features[f].load(env, dir, why, sizeof(why));
	if (rc)
		snprintf(err, err_len, "feature %s of node %s: %s", feature_name(f),
			 env->t->nodes[env->node].name, why);
	return rc;
}

/* fd of the pin dir/<kind>/<name> of a feature, or -errno. */
static int pinned_fd(const struct topo *t, int node, enum feature_id f, const char *kind,
		     const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int fd;

	feature_dir(t, node, f, dir, sizeof(dir));
	if (fmt_fit(path, sizeof(path), "%s/%s/%s", dir, kind, name))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int feature_prog_fd(const struct topo *t, int node, enum feature_id f, const char *prog)
{
	return pinned_fd(t, node, f, "progs", prog);
}

int feature_map_fd(const struct topo *t, int node, enum feature_id f, const char *map)
{
	return pinned_fd(t, node, f, "maps", map);
}

void feature_unload(const struct topo *t, int node, enum feature_id f)
{
	char dir[PATH_MAX], failed[PATH_MAX];
	int rc;

	feature_dir(t, node, f, dir, sizeof(dir));
	rc = rm_tree(dir, failed, sizeof(failed));
	if (rc)
		log_warn("feature %s of node %s: removing pin %s: %s (%s)\n", feature_name(f),
			 t->nodes[node].name, failed, errno_name(rc), strerror(-rc));
}
