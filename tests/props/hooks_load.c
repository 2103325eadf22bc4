// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One program of datapath/hooks.bpf.c loaded as the loader loads it: its
 * steps chosen by the use_* rodata flags, every map of a feature with a
 * step in it shared (bpf_map__reuse_fd) with that feature's map in a world
 * of progs.c, the maps of the other features not created at all (their
 * code is dead to the verifier), the rest of its rodata the address plan's
 * (props.h: PROPS_MASQ_RODATA, PROPS_CT_RODATA).  Used by hooks.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cluster/hook_steps.h"
#include "hooks.skel.h"
#include "props/hooks.h"

/* Which world object each prefix of hooks.bpf.c's map names stands for. */
static const struct {
	const char *prefix;
	enum props_obj obj;
	unsigned int steps;
} feats[] = {
	{ "lb_", PROPS_OBJ_TC_LB, HOOK_STEP_LB_DNAT | HOOK_STEP_LB_REV },
	{ "np_", PROPS_OBJ_TC_NODEPORT, HOOK_STEP_NP_DNAT | HOOK_STEP_NP_REV },
	{ "xlb_", PROPS_OBJ_XDP_LB, HOOK_STEP_XLB_REV },
	{ "masq_", PROPS_OBJ_MASQ, HOOK_STEP_MASQ },
	{ "hr_", PROPS_OBJ_HOST_ROUTING, HOOK_STEP_HOST_ROUTING },
	{ "ov_", PROPS_OBJ_OVERLAY, HOOK_STEP_OVERLAY },
};

#define N_FEATS (sizeof(feats) / sizeof(feats[0]))

/*
 * The feature's own map that hooks.bpf.c's map name stands for: the name
 * without its prefix; the LB objects call their conntrack lb_ct and lb_rev.
 */
static struct bpf_map *world_map(const struct props_env *world, const char *name,
				 unsigned int *steps)
{
	char own[64];
	size_t i, n;

	for (i = 0; i < N_FEATS; i++) {
		n = strlen(feats[i].prefix);
		if (strncmp(name, feats[i].prefix, n))
			continue;
		name += n;
		snprintf(own, sizeof(own), "%s%s",
			 !strcmp(name, "ct") || !strcmp(name, "rev") ? "lb_" : "", name);
		*steps = feats[i].steps;
		return bpf_object__find_map_by_name(props_env_object(world, feats[i].obj), own);
	}
	return NULL;
}

/* Share or leave out every map of the object; 0 or -1 with err set. */
static int share_maps(struct hooks_bpf *s, const struct props_env *world, unsigned int steps,
		      char *err, size_t err_len)
{
	struct bpf_map *m, *own;
	unsigned int of;

	bpf_object__for_each_map(m, s->obj) {
		if (m == s->maps.rodata)
			continue;
		own = world_map(world, bpf_map__name(m), &of);
		if (!own) {
			snprintf(err, err_len, "hooks.bpf.o: map %s is none of a feature's",
				 bpf_map__name(m));
			return -1;
		}
		if (!(of & steps)) {
			if (bpf_map__set_autocreate(m, false))
				goto fail;
			continue;
		}
		if (bpf_map__reuse_fd(m, bpf_map__fd(own)))
			goto fail;
	}
	return 0;
fail:
	snprintf(err, err_len, "hooks.bpf.o: map %s: %s", bpf_map__name(m), strerror(errno));
	return -1;
}

struct hooks_bpf *hooks_load(const struct props_env *world, const struct props_opts *opts,
			     const char *prog, unsigned int steps, int *fd, char *err,
			     size_t err_len)
{
	struct hooks_bpf *s = hooks_bpf__open();
	struct bpf_program *p;

	if (!s) {
		snprintf(err, err_len, "hooks.bpf.o: open: %s", strerror(errno));
		return NULL;
	}
	s->rodata->use_lb_dnat = steps & HOOK_STEP_LB_DNAT;
	s->rodata->use_lb_rev = steps & HOOK_STEP_LB_REV;
	s->rodata->use_np_dnat = steps & HOOK_STEP_NP_DNAT;
	s->rodata->use_np_rev = steps & HOOK_STEP_NP_REV;
	s->rodata->use_xlb_rev = steps & HOOK_STEP_XLB_REV;
	s->rodata->use_masq = steps & HOOK_STEP_MASQ;
	s->rodata->use_host_routing = steps & HOOK_STEP_HOST_ROUTING;
	s->rodata->use_overlay = steps & HOOK_STEP_OVERLAY;
	PROPS_MASQ_RODATA(s->rodata, opts);
	PROPS_CT_RODATA(s->rodata, opts);
	PROPS_OVERLAY_RODATA(s->rodata, world);
	bpf_object__for_each_program(p, s->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	if (share_maps(s, world, steps, err, err_len))
		goto fail;
	if (hooks_bpf__load(s)) {
		snprintf(err, err_len, "hooks.bpf.o: %s with steps 0x%x: load: %s", prog, steps,
			 strerror(errno));
		goto fail;
	}
	p = bpf_object__find_program_by_name(s->obj, prog);
	*fd = p ? bpf_program__fd(p) : -1;
	if (*fd >= 0)
		return s;
	snprintf(err, err_len, "hooks.bpf.o: no program %s", prog);
fail:
	hooks_bpf__destroy(s);
	return NULL;
}

void hooks_unload(struct hooks_bpf *s)
{
	hooks_bpf__destroy(s);
}
