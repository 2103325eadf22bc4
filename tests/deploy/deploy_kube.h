/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * deploy/ as Kubernetes objects: Debian's kubectl 1.20 (make tools) parses
 * the manifests offline and the tests read its -o json with jansson.
 */
#ifndef DPLAB_TESTS_DEPLOY_KUBE_H
#define DPLAB_TESTS_DEPLOY_KUBE_H

#include <stddef.h>
#include <jansson.h>

#include "lib/testlib.h"

#define DEPLOY_DIR_DEFAULT "deploy"
#define KUBE_DISCOVERY_DIR "tests/data/kube-1.20-discovery"

/* $DPLAB_DEPLOY_DIR, default deploy/ (the tests run from the top folder). */
const char *deploy_dir(void);
/* $DPLAB_KUBECTL, default the one `make tools` unpacks. */
const char *deploy_kubectl(void);
/* NULL when deploy_kubectl() is an executable kubectl 1.20, else why not. */
const char *deploy_kubectl_missing(char *why, size_t len);
/* True when $CI is "true": a missing tool fails there instead of skipping. */
int deploy_in_ci(void);

/*
 * kubectl 1.20 missing: fail in CI (make check installs it), skip with the
 * reason elsewhere.
 */
#define need_kubectl()                                                        \
	do {                                                                  \
		char why_[512];                                               \
		if (deploy_kubectl_missing(why_, sizeof(why_))) {             \
			ck_assert_msg(!deploy_in_ci(), "CI=true: %s", why_);  \
			test_skip("%s", why_);                                \
		}                                                             \
	} while (0)

/*
 * `kubectl create --dry-run=client -o json --validate=false FLAG deploy/`
 * (FLAG "-f" or "-k"): the objects, each a new reference in one array, or
 * NULL with kubectl's exit status and output in out.
 */
json_t *deploy_objects(const char *flag, int *rc, char *out, size_t len);

/* The object of this kind and name in objs (borrowed), or NULL. */
json_t *deploy_find(json_t *objs, const char *kind, const char *name);
/* The value at a dotted path ("spec.template.spec"), or NULL; borrowed. */
json_t *jpath(json_t *root, const char *path);
/* The string at a dotted path, or NULL. */
const char *jpath_str(json_t *root, const char *path);

/* The deploy suite's other test cases (test_deploy_sched.c, test_deploy_image.c). */
void deploy_add_sched_tests(Suite *s);
void deploy_add_image_tests(Suite *s);

#endif /* DPLAB_TESTS_DEPLOY_KUBE_H */
