/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The features suite (loader/feature/feature.h) in three files:
 *   features_env.c        a real two-node topology and the helpers below;
 *   test_features.c       load, pins, fds, stats, unload, replace, errors,
 *                         a host routing smoke test; the suite;
 *   test_features_maps.c  map contents and rodata of every feature;
 *   test_features_hooks.c the tc hooks' own programs on the features' maps.
 *
 * The topology is topologies/two-node.topo under a name of this runner's
 * own ("f<pid>"), built by topo_build() in an unchecked fixture (run by
 * the runner itself, so topo_down() runs after the tests whatever they
 * did).  Knobs: preset A with ct_max FENV_CT_MAX and two filler services.
 */
#ifndef DPLAB_TESTS_FEATURES_ENV_H
#define DPLAB_TESTS_FEATURES_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <check.h>
#include <linux/types.h>

#include "feature/feature.h"
#include "cluster/knobs.h"
#include "cluster/services.h"
#include "topo/topo.h"

#define FENV_CT_MAX 4096
#define FENV_FILLERS 2

struct fenv {
	struct topo t;
	struct knobs k;
	struct svc_instance svcs[TOPO_MAX_SERVICES + FENV_FILLERS];
	int n_svcs;
	char setup_err[1024];	/* why the topology is not there, "" when it is */
};

extern struct fenv fenv;

/* Unchecked fixture: build / tear down the topology. */
void fenv_up(void);
void fenv_down(void);

/* Fail or skip the test unless the topology is up. */
void fenv_need(void);
#define need_topology()                                                       \
	do {                                                                  \
		if (test_needs_root())                                        \
			test_skip("%s", test_needs_root());                   \
		fenv_need();                                                  \
	} while (0)

/* The namespace a feature is loaded in for node (the fabric's for XDP_PEER). */
const char *fenv_ns(enum feature_id f, int node);

/* feature_load() inside its namespace with knobs k (NULL: fenv.k); asserts 0. */
void fenv_load(enum feature_id f, int node, const struct knobs *k);

/* fd of a pin below the feature's dir ("maps/services"), or -errno. */
int fenv_pin_fd(enum feature_id f, int node, const char *sub);
bool fenv_pinned(enum feature_id f, int node, const char *sub);

/* The value of key 0 of the pinned map "maps/<name>" (rodata) into buf. */
void fenv_map_value0(enum feature_id f, int node, const char *name, void *buf, size_t len);

/* max_entries of a pinned map. */
__u32 fenv_map_max(enum feature_id f, int node, const char *name);

/* From `ip -n NS link show DEV`, independently of the loader: 0 if absent. */
int fenv_ifindex(const char *ns, const char *dev);
void fenv_mac(const char *ns, const char *dev, __u8 mac[6]);

/* Backends of service svc on node; local ones only when local_only. */
int fenv_backends_on(const struct topo_service *svc, int node, bool local_only);

/* test_features_maps.c's tests. */
void features_maps_add(TCase *tc);
/* test_features_hooks.c's: the tc hooks' own programs. */
void features_hooks_add(TCase *tc);

#endif /* DPLAB_TESTS_FEATURES_ENV_H */
