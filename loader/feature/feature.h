/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Features: one datapath object (datapath/<object>.bpf.c) loaded for one
 * node of a topology, configured from the topology, the knobs and the
 * services, with its programs and maps pinned so that `dplab set` and
 * `dplab status` in later processes find them:
 *
 *   DPLAB_PIN_DIR/<topo>/<node>/<feature>/progs/<program>
 *   DPLAB_PIN_DIR/<topo>/<node>/<feature>/maps/<map>
 *
 * Loading attaches nothing (hook_plan.c decides where each program goes, in
 * which order, and attach.c attaches it).  (The file is feature.h, not
 * features.h: -Iloader would shadow glibc's <features.h>.)
 */
#ifndef DPLAB_LOADER_FEATURE_H
#define DPLAB_LOADER_FEATURE_H

#include <jansson.h>

#include "attach/attach.h"
#include "cluster/knobs.h"
#include "cluster/services.h"
#include "topo/topo.h"

enum feature_id {
	FEAT_TC_LB,		/* tc_lb: ClusterIP at pod veths */
	FEAT_TC_NODEPORT,	/* tc_lb again: NodePort (local backends)
				 * at the uplink, conntrack of its own */
	FEAT_SOCK_LB,		/* sock_lb: ClusterIP at connect()/sendmsg() */
	FEAT_MASQ,		/* masq: pod CIDR -> node address at the uplink */
	FEAT_HOST_ROUTING,	/* host_routing */
	FEAT_OVERLAY,		/* overlay: VXLAN encap/decap */
	FEAT_XDP_LB,		/* xdp_lb: NodePort at XDP, all backends */
	FEAT_XDP_PEER,		/* probe's pass-through XDP for the fabric side
				 * of an uplink: veth delivers XDP_TX'd frames
				 * only to a peer with XDP of its own */
	FEAT_COUNT,
};

struct feature_env {
	const struct topo *t;
	int node;				/* index into t->nodes */
	const struct knobs *k;
	const struct svc_instance *svcs;	/* services_expand() */
	int n_svcs;
};

const char *feature_name(enum feature_id f);	/* "tc_lb", ... */

/* DPLAB_PIN_DIR/<topo>/<node>/<feature> */
void feature_dir(const struct topo *t, int node, enum feature_id f, char *buf, size_t len);

/*
 * Load and pin.  The caller has entered the node's network namespace
 * (the fabric's for FEAT_XDP_PEER), so interface indexes resolve there.
 * A feature already pinned at dir is replaced.  0 or -errno with err.
 */
int feature_load(enum feature_id f, const struct feature_env *env, char *err, size_t err_len);

/* fd of a pinned program (close it), or -errno. */
int feature_prog_fd(const struct topo *t, int node, enum feature_id f, const char *prog);

/* fd of a pinned map (close it), or -errno. */
int feature_map_fd(const struct topo *t, int node, enum feature_id f, const char *map);

/* Remove the pins (programs stay while attached). */
void feature_unload(const struct topo *t, int node, enum feature_id f);

/*
 * A tc hook's own program (datapath/hooks.bpf.c, cluster/hook_steps.h),
 * pinned alone, a directory per hook:
 *
 *   DPLAB_PIN_DIR/<topo>/<node>/hooks/<device>_<hook>/<program>
 *
 * feature_hooks_dir() writes the node's hooks/ directory, feature_hook_pin()
 * the pin of prog, or with prog NULL its hook's directory (-ENAMETOOLONG
 * when it does not fit).
 */
void feature_hooks_dir(const struct topo *t, int node, char *buf, size_t len);
int feature_hook_pin(const struct topo *t, int node, const char *dev, enum attach_hook hook,
		     const char *prog, char *buf, size_t len);

/*
 * Load program prog of hooks.bpf.c for node env->node with the steps
 * (HOOK_STEP_* bits) on, every map of their features shared with that
 * feature's pins (so the features must be loaded first), and pin it at
 * pin, replacing the previous one.  The caller has entered the node's
 * namespace.  0 or -errno with err.
 */
int feature_hook_load(const struct feature_env *env, const char *prog, unsigned int steps,
		      const char *pin, char *err, size_t err_len);

/* {"maps": {name: {"entries": n, "max": m}}, "counters": {name: n}};
 * NULL when the feature is not pinned. */
json_t *feature_stats(const struct topo *t, int node, enum feature_id f);

#endif /* DPLAB_LOADER_FEATURE_H */
