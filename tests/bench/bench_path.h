/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The programs one packet crosses in the cluster, hook by hook, read from
 * the loader's hook plan (loader/cluster/hook_plan.c) for a topology and
 * a set of knobs; and, for each, which row of bench-datapath's table (the
 * path the program takes for that packet) gives its cost.  Pure: no BPF,
 * no namespaces (unit-tested in tests/cluster/test_bench_path.c).
 *
 * The plan says which programs sit on a hook; the walk says which hooks
 * the packet reaches.  That needs each program's verdict for the packet,
 * which bench_path.c states per program (a program it does not know is an
 * error, so a new program on a path cannot be left out silently):
 *   - a tc chain stops at the first redirect (tcx: only TC_ACT_UNSPEC goes
 *     on to the next program);
 *   - bpf_redirect / bpf_redirect_neigh to a device and the stack's own
 *     forwarding both run that device's tc egress hook;
 *   - bpf_redirect_peer skips the host veth's egress hook;
 *   - the fabric's pass-through XDP program (xdp_lb's emulation aid) runs
 *     on the fabric port of the sending node's uplink.
 */
#ifndef DPLAB_BENCH_PATH_H
#define DPLAB_BENCH_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "cluster/hook_plan.h"
#include "cluster/knobs.h"
#include "topo/topo.h"

enum bench_path_kind {
	BENCH_PATH_POD_UDP,	/* UDP from a pod of node 1 to a pod of node 2 */
	BENCH_PATH_VIP_SYN,	/* TCP SYN to a ClusterIP with a backend on node 2 */
	BENCH_PATH_COUNT,
};

#define BENCH_PATH_MAX_STEPS 32
#define BENCH_PATH_NOTE_LEN 160

struct bench_path_step {
	char where[64];			/* "node1 lxc0 tc ingress" */
	const struct hook_plan_entry *entry;	/* in the plan walked */
	const char *case_program;	/* bench-datapath's row: program ... */
	const char *case_path;		/* ... and path; NULL for connect-time */
	bool connect_time;		/* socket LB: once per connect(), not per packet */
	bool fabric;			/* the emulation's fabric, not a node */
};

struct bench_path {
	int n;
	struct bench_path_step s[BENCH_PATH_MAX_STEPS];
	char what[BENCH_PATH_NOTE_LEN];	/* "node1/pod1 -> node2/pod1 (10.244.2.2)" */
	char note[BENCH_PATH_NOTE_LEN];	/* what happens outside BPF, or "" */
};

const char *bench_path_name(enum bench_path_kind kind);

/*
 * Walk kind's packet through plan p (built for t and k).  0; -ENOENT when
 * the topology has no such pods or service; -EPROTO with err naming a
 * program the walk does not know; -E2BIG past BENCH_PATH_MAX_STEPS.
 */
int bench_path_walk(const struct topo *t, const struct knobs *k, const struct hook_plan *p,
		    enum bench_path_kind kind, struct bench_path *out, char *err, size_t err_len);

#endif /* DPLAB_BENCH_PATH_H */
