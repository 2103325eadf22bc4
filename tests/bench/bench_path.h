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
#define BENCH_PATH_MAX_HOOKS 8
#define BENCH_PATH_NOTE_LEN 160

/* The presets the path table walks, in order (NULL-terminated). */
extern const char *const bench_path_presets[];

/*
 * The packet as it reaches a hook, as the walk knows it: flags.  Without
 * BENCH_PKT_SYN a UDP packet; without BENCH_PKT_VIP to the destination
 * pod's address (the backend's, for the SYN); without BENCH_PKT_IN on
 * the sending pod's node.
 */
enum bench_pkt {
	BENCH_PKT_SYN = 1u << 0,	/* TCP SYN, else UDP */
	BENCH_PKT_VIP = 1u << 1,	/* still addressed to the ClusterIP */
	BENCH_PKT_TUNNEL = 1u << 2,	/* inside VXLAN: the hook sees node -> node UDP */
	BENCH_PKT_IN = 1u << 3,		/* on the destination pod's node */
	BENCH_PKT_ALL = (1u << 4) - 1,
};

struct bench_path_step {
	char where[64];			/* "node1 lxc0 tc ingress" */
	const struct hook_plan_entry *entry;	/* in the plan walked */
	const char *case_program;	/* bench-datapath's row: program ... */
	const char *case_path;		/* ... and path; NULL for connect-time */
	bool connect_time;		/* socket LB: once per connect(), not per packet */
	bool fabric;			/* the emulation's fabric, not a node */
};

/*
 * One tc hook the packet reaches, as the one program of hooks.bpf.c that
 * the plan's chain there becomes (loader/cluster/hook_steps.h): every
 * entry of the chain is a step of it, also those after a redirect.
 */
struct bench_path_hook {
	char where[64];			/* as the steps' */
	const char *prog;		/* "hook_from_pod", ... */
	unsigned int steps;		/* HOOK_STEP_* of the chain's entries */
	bool decap_to_stack;		/* overlay's rodata (legacy host routing) */
	unsigned int pkt;		/* enum bench_pkt, as the packet arrives */
	bool redirect;			/* the chain redirects it, else it goes on */
	int first, n;			/* the entries' steps in bench_path.s[] */
};

struct bench_path {
	int n;
	struct bench_path_step s[BENCH_PATH_MAX_STEPS];
	int n_hooks;
	struct bench_path_hook h[BENCH_PATH_MAX_HOOKS];
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

/*
 * The same for a preset: its knobs into k, its plan into p (a large
 * struct: static), then the walk.  0 or -errno, err saying why.
 */
int bench_path_preset(const struct topo *t, const char *preset, enum bench_path_kind kind,
		      struct knobs *k, struct hook_plan *p, struct bench_path *out, char *err,
		      size_t err_len);

/* "lb_rev+host_routing" for HOOK_STEP_LB_REV | HOOK_STEP_HOST_ROUTING, in
 * program prog's order (NULL: hook_steps.h's); "-" for none.  Truncated
 * to len. */
void bench_steps_text(const char *prog, unsigned int steps, char *buf, size_t len);

/* "pod UDP, sending node", "VXLAN (pod SYN), receiving node", ... */
void bench_pkt_text(unsigned int pkt, char *buf, size_t len);

#endif /* DPLAB_BENCH_PATH_H */
