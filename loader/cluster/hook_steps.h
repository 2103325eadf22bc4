/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tc hooks' own programs (datapath/hooks.bpf.c): the chain of plan
 * entries on one tc hook of a pod veth, an uplink or the VXLAN device runs
 * as the steps of one program, which parses the packet once.  Which program
 * a hook gets, and which of its steps the plan's entries are.  Pure.
 */
#ifndef DPLAB_LOADER_HOOK_STEPS_H
#define DPLAB_LOADER_HOOK_STEPS_H

#include "cluster/hook_plan.h"

/* The steps of hooks.bpf.c (its use_* rodata flags). */
enum hook_step {
	HOOK_STEP_LB_DNAT = 1u << 0,		/* tc_lb: tc_lb_dnat */
	HOOK_STEP_LB_REV = 1u << 1,		/* tc_lb: tc_lb_rev_nat */
	HOOK_STEP_NP_DNAT = 1u << 2,		/* tc_nodeport: tc_lb_dnat */
	HOOK_STEP_NP_REV = 1u << 3,		/* tc_nodeport: tc_lb_rev_nat */
	HOOK_STEP_XLB_REV = 1u << 4,		/* xdp_lb: tc_nodeport_rev */
	HOOK_STEP_MASQ = 1u << 5,		/* masq: masq_snat, masq_rev_snat */
	HOOK_STEP_HOST_ROUTING = 1u << 6,	/* host_routing: route_from_* */
	HOOK_STEP_OVERLAY = 1u << 7,		/* overlay: overlay_encap/decap */
};

/* The step entry e's program is, or 0 when it is none (XDP, cgroup). */
unsigned int hook_step_of(const struct hook_plan_entry *e);

/*
 * The hooks.bpf.c program of entry e's hook ("hook_from_pod", ...), or NULL
 * when that hook has none (XDP, cgroup hooks, an unknown device).
 */
const char *hook_step_prog(const struct topo *t, const struct hook_plan_entry *e);

/*
 * Whether steps (n of them, in plan order) are in the order program prog
 * runs them, each at most once: the plan and hooks.bpf.c must agree, or
 * the one program would not do what the chain did.
 */
bool hook_steps_in_order(const char *prog, const unsigned int *steps, int n);

/*
 * The steps of the hook of p's entry first: every entry of p on that hook,
 * in plan order, as HOOK_STEP_* bits into *steps, and the hook's program
 * into *prog.  0; -ENOENT when the hook has no hooks.bpf.c program (XDP,
 * cgroup); -EINVAL when an entry is no step of that program or the order
 * is not the program's (*prog is set then, for the message).
 */
int hook_steps_of(const struct topo *t, const struct hook_plan *p, int first,
		  unsigned int *steps, const char **prog);

/* The feature whose maps a step uses (its counters among them). */
enum feature_id hook_step_feature(unsigned int step);

#endif /* DPLAB_LOADER_HOOK_STEPS_H */
