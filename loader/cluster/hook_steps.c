// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* hooks.bpf.c's programs and steps for the hook plan (hook_steps.h). */
#include <errno.h>
#include <string.h>

#include "cluster/hook_steps.h"
#include "feature/feature_int.h"

/* What each program of hooks.bpf.c runs, in its order. */
static const struct {
	const char *prog;
	bool uplink, tunnel;		/* the device: uplink, VXLAN, else a pod veth */
	enum attach_hook hook;
	unsigned int order[4];
} progs[] = {
	{ "hook_from_pod", false, false, HOOK_TC_INGRESS,
	  { HOOK_STEP_LB_DNAT, HOOK_STEP_LB_REV, HOOK_STEP_OVERLAY, HOOK_STEP_HOST_ROUTING } },
	{ "hook_to_pod", false, false, HOOK_TC_EGRESS, { HOOK_STEP_LB_REV } },
	{ "hook_from_uplink", true, false, HOOK_TC_INGRESS,
	  { HOOK_STEP_MASQ, HOOK_STEP_NP_DNAT, HOOK_STEP_LB_REV, HOOK_STEP_HOST_ROUTING } },
	{ "hook_to_uplink", true, false, HOOK_TC_EGRESS,
	  { HOOK_STEP_NP_REV, HOOK_STEP_XLB_REV, HOOK_STEP_MASQ } },
	{ "hook_from_tunnel", false, true, HOOK_TC_INGRESS,
	  { HOOK_STEP_LB_REV, HOOK_STEP_OVERLAY } },
};

#define N_PROGS (sizeof(progs) / sizeof(progs[0]))

unsigned int hook_step_of(const struct hook_plan_entry *e)
{
	bool dnat = !strcmp(e->prog, "tc_lb_dnat"), rev = !strcmp(e->prog, "tc_lb_rev_nat");

	switch (e->feature) {
	case FEAT_TC_LB:
		return dnat ? HOOK_STEP_LB_DNAT : rev ? HOOK_STEP_LB_REV : 0;
	case FEAT_TC_NODEPORT:
		return dnat ? HOOK_STEP_NP_DNAT : rev ? HOOK_STEP_NP_REV : 0;
	case FEAT_XDP_LB:
		return !strcmp(e->prog, "tc_nodeport_rev") ? HOOK_STEP_XLB_REV : 0;
	case FEAT_MASQ:
		return HOOK_STEP_MASQ;
	case FEAT_HOST_ROUTING:
		return HOOK_STEP_HOST_ROUTING;
	case FEAT_OVERLAY:
		return HOOK_STEP_OVERLAY;
	default:
		return 0;
	}
}

static bool is_uplink(const struct topo *t, const struct hook_plan_entry *e)
{
	return e->node >= 0 && !strcmp(e->ifname, t->nodes[e->node].uplink);
}

const char *hook_step_prog(const struct topo *t, const struct hook_plan_entry *e)
{
	bool uplink = is_uplink(t, e), tunnel = !strcmp(e->ifname, FEATURE_VXLAN_DEV);
	size_t i;

	if (e->node < 0 || (e->hook != HOOK_TC_INGRESS && e->hook != HOOK_TC_EGRESS))
		return NULL;
	for (i = 0; i < N_PROGS; i++)
		if (progs[i].uplink == uplink && progs[i].tunnel == tunnel &&
		    progs[i].hook == e->hook)
			return progs[i].prog;
	return NULL;
}

bool hook_steps_in_order(const char *prog, const unsigned int *steps, int n)
{
	size_t i, at = 0;
	int k;

	for (i = 0; i < N_PROGS && strcmp(progs[i].prog, prog); i++)
		;
	if (i == N_PROGS)
		return false;
	for (k = 0; k < n; k++) {
		while (at < 4 && progs[i].order[at] != steps[k])
			at++;
		if (at == 4)
			return false;	/* not this program's, or out of order */
		at++;
	}
	return true;
}

int hook_steps_of(const struct topo *t, const struct hook_plan *p, int first,
		  unsigned int *steps, const char **prog)
{
	const struct hook_plan_entry *e0 = &p->e[first];
	unsigned int order[HOOK_PLAN_MAX];
	int i, n = 0;

	*steps = 0;
	*prog = hook_step_prog(t, e0);
	if (!*prog)
		return -ENOENT;
	for (i = first; i < p->n; i++) {
		if (!hook_plan_same_hook(t, &p->e[i], e0))
			continue;
		order[n] = hook_step_of(&p->e[i]);
		if (!order[n])
			return -EINVAL;
		*steps |= order[n++];
	}
	return hook_steps_in_order(*prog, order, n) ? 0 : -EINVAL;
}

enum feature_id hook_step_feature(unsigned int step)
{
	switch (step) {
	case HOOK_STEP_LB_DNAT:
	case HOOK_STEP_LB_REV:
		return FEAT_TC_LB;
	case HOOK_STEP_NP_DNAT:
	case HOOK_STEP_NP_REV:
		return FEAT_TC_NODEPORT;
	case HOOK_STEP_XLB_REV:
		return FEAT_XDP_LB;
	case HOOK_STEP_MASQ:
		return FEAT_MASQ;
	case HOOK_STEP_HOST_ROUTING:
		return FEAT_HOST_ROUTING;
	default:
		return FEAT_OVERLAY;
	}
}
