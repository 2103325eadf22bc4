/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The cluster suite's shared environment (cluster_env.c): one topology
 * "c<runner pid>" from topologies/two-node.topo, servers in its pods and
 * on the external host, the checks every configuration must pass, and
 * the teardown tests.
 */
#ifndef DPLAB_TESTS_CLUSTER_TEST_H
#define DPLAB_TESTS_CLUSTER_TEST_H

#include <check.h>
#include <stddef.h>

/* Unchecked fixture: snapshot the machine, `dplab up` profile A, servers. */
void cluster_up(void);
/* NULL when the suite can run, else why not (not root, no topology file). */
const char *cluster_skip_reason(void);

const char *cluster_name(void);
const char *cluster_file(void);
const char *cluster_fabric_ns(void);

/* `dplab ARGS` (stdout and stderr into out); its exit status. */
int cluster_dplab(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The value of a knob in force, from `dplab status --json`. */
void cluster_knob(const char *name, char *buf, size_t len);
/* "namespace device hook program mechanism" per attached program. */
void cluster_attachments(char *buf, size_t len);

/* Every XDP/tc attachment uses the mechanism and XDP mode the knobs ask. */
void cluster_check_attach_modes(const char *label);

/* Every traffic check, with what the knobs in force lead one to expect. */
void cluster_check_traffic(const char *label);

/* down leaves the snapshot; SIGKILL during up, then down, too. */
void cluster_add_down_tests(TCase *tc);

#endif /* DPLAB_TESTS_CLUSTER_TEST_H */
