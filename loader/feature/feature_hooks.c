// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A tc hook's own program (datapath/hooks.bpf.c, feature.h): one of its
 * five programs, loaded for one hook of one node with the use_* flags of
 * the steps the plan puts there.  It owns no map: every map of a step's
 * feature is that feature's pinned map (so both count into the same
 * counters and share conntrack), and the maps of the steps that are off
 * are not created at all (libbpf poisons their references, which sit in
 * the code the verifier drops as dead).  Only the program is pinned.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cluster/hook_steps.h"
#include "feature/feature_int.h"
#include "util/fsutil.h"
#include "dplab/fmt.h"
#include "hooks.skel.h"

/* Each placeholder of hooks.bpf.c and the feature's map it stands for. */
static const struct {
	const char *map;
	enum feature_id f;
	const char *pin;		/* <feature dir>/maps/<pin> */
} shared[] = {
	{ "lb_counters", FEAT_TC_LB, "counters" },
	{ "lb_frags", FEAT_TC_LB, "frags" },
	{ "lb_ct", FEAT_TC_LB, "lb_ct" },
	{ "lb_rev", FEAT_TC_LB, "lb_rev" },
	{ "lb_services", FEAT_TC_LB, "services" },
	{ "lb_backends", FEAT_TC_LB, "backends" },
	{ "np_counters", FEAT_TC_NODEPORT, "counters" },
	{ "np_frags", FEAT_TC_NODEPORT, "frags" },
	{ "np_ct", FEAT_TC_NODEPORT, "lb_ct" },
	{ "np_rev", FEAT_TC_NODEPORT, "lb_rev" },
	{ "np_services", FEAT_TC_NODEPORT, "services" },
	{ "np_backends", FEAT_TC_NODEPORT, "backends" },
	{ "xlb_counters", FEAT_XDP_LB, "counters" },
	{ "xlb_frags", FEAT_XDP_LB, "frags" },
	{ "xlb_ct", FEAT_XDP_LB, "lb_ct" },
	{ "xlb_rev", FEAT_XDP_LB, "lb_rev" },
	{ "masq_counters", FEAT_MASQ, "counters" },
	{ "masq_frags", FEAT_MASQ, "frags" },
	{ "masq_snat", FEAT_MASQ, "snat" },
	{ "hr_counters", FEAT_HOST_ROUTING, "counters" },
	{ "hr_endpoints", FEAT_HOST_ROUTING, "endpoints" },
	{ "ov_counters", FEAT_OVERLAY, "counters" },
	{ "ov_endpoints", FEAT_OVERLAY, "endpoints" },
	{ "ov_tunnels", FEAT_OVERLAY, "tunnels" },
};

#define N_SHARED (sizeof(shared) / sizeof(shared[0]))

void feature_hooks_dir(const struct topo *t, int node, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s/hooks", DPLAB_PIN_DIR, t->name, t->nodes[node].name);
}

int feature_hook_pin(const struct topo *t, int node, const char *dev, enum attach_hook hook,
		     const char *prog, char *buf, size_t len)
{
	char dir[PATH_MAX];

	feature_hooks_dir(t, node, dir, sizeof(dir));
	return fmt_fit(buf, len, "%s/%s_%s%s%s", dir, dev, attach_hook_name(hook),
		       prog ? "/" : "", prog ? prog : "");
}

/* The features whose maps steps use. */
static bool uses_feature(unsigned int steps, enum feature_id f)
{
	unsigned int s;

	for (s = 1; s && s <= steps; s <<= 1)
		if ((steps & s) && hook_step_feature(s) == f)
			return true;
	return false;
}

/* Every placeholder: the feature's pinned map when a step uses it, else none. */
static int share_maps(struct bpf_object *obj, const struct feature_env *env,
		      unsigned int steps, char *err, size_t err_len)
{
	struct bpf_map *map;
	size_t i;
	int fd, rc;

	for (i = 0; i < N_SHARED; i++) {
		map = bpf_object__find_map_by_name(obj, shared[i].map);
		if (!map)
			return feature_fail(err, err_len, -ENOENT, "hooks.bpf.o: map %s",
					    shared[i].map);
		if (!uses_feature(steps, shared[i].f)) {
			rc = bpf_map__set_autocreate(map, false);
			if (rc)
				return feature_fail(err, err_len, rc, "map %s: not creating it",
						    shared[i].map);
			continue;
		}
		fd = feature_map_fd(env->t, env->node, shared[i].f, shared[i].pin);
		if (fd < 0)
			return feature_fail(err, err_len, fd, "map %s of feature %s (is it "
					    "loaded?)", shared[i].pin, feature_name(shared[i].f));
		rc = bpf_map__reuse_fd(map, fd);
		close(fd);	/* reuse_fd took its own */
		if (rc)
			return feature_fail(err, err_len, rc, "map %s: sharing %s of %s",
					    shared[i].map, shared[i].pin,
					    feature_name(shared[i].f));
	}
	return 0;
}

/* The rodata: the steps that run, and the config of their features. */
static int set_rodata(struct hooks_bpf *skel, const struct feature_env *env, unsigned int steps,
		      char *err, size_t err_len)
{
	struct hooks_bpf__rodata *ro = skel->rodata;
	struct feature_masq_config masq;

	ro->use_lb_dnat = steps & HOOK_STEP_LB_DNAT;
	ro->use_lb_rev = steps & HOOK_STEP_LB_REV;
	ro->use_np_dnat = steps & HOOK_STEP_NP_DNAT;
	ro->use_np_rev = steps & HOOK_STEP_NP_REV;
	ro->use_xlb_rev = steps & HOOK_STEP_XLB_REV;
	ro->use_masq = steps & HOOK_STEP_MASQ;
	ro->use_host_routing = steps & HOOK_STEP_HOST_ROUTING;
	ro->use_overlay = steps & HOOK_STEP_OVERLAY;
	feature_masq_config(env, &masq);
	FEATURE_MASQ_RODATA(ro, &masq);	/* node_ip too: tc_nodeport's and xdp_lb's */
	if (!(steps & HOOK_STEP_OVERLAY))
		return 0;
	return feature_overlay_config(env, &ro->vxlan_ifindex, &ro->decap_to_stack, err,
				      err_len);
}

/* Pin the one loaded program at pin, replacing what was there. */
static int pin_prog(struct bpf_program *prog, const char *pin, char *err, size_t err_len)
{
	char dir[PATH_MAX];
	char *slash;
	int rc;

	snprintf(dir, sizeof(dir), "%s", pin);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	rc = mkdir_p(dir, 0755);
	if (rc)
		return feature_fail(err, err_len, rc, "creating %s (is bpffs mounted?)", dir);
	if (unlink(pin) && errno != ENOENT)
		return feature_fail(err, err_len, -errno, "removing the previous pin %s", pin);
	rc = bpf_program__pin(prog, pin);
	if (rc)
		return feature_fail(err, err_len, rc, "pinning program %s at %s",
				    bpf_program__name(prog), pin);
	return 0;
}

int feature_hook_load(const struct feature_env *env, const char *prog, unsigned int steps,
		      const char *pin, char *err, size_t err_len)
{
	struct bpf_program *p, *want = NULL;
	struct hooks_bpf *skel;
	int rc;

	skel = hooks_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening hooks.bpf.o");
	bpf_object__for_each_program(p, skel->obj) {
		if (!strcmp(bpf_program__name(p), prog))
			want = p;
		else
			bpf_program__set_autoload(p, false);
	}
	if (!want) {
		rc = feature_fail(err, err_len, -ENOENT, "hooks.bpf.o has no program %s", prog);
		goto out;
	}
	rc = set_rodata(skel, env, steps, err, err_len);
	if (!rc)
		rc = share_maps(skel->obj, env, steps, err, err_len);
	if (rc)
		goto out;
	rc = hooks_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading %s of hooks.bpf.o (libbpf's messages say "
			     "why)", prog);
		goto out;
	}
	rc = pin_prog(want, pin, err, err_len);
out:
	hooks_bpf__destroy(skel);
	return rc;
}
