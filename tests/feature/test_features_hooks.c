// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A tc hook's own program (feature_hook_load(), datapath/hooks.bpf.c) on
 * the features suite's topology: each of the five programs loads with all
 * its steps on, holds no map but its features' pinned ones and its rodata
 * (set as the features' loaders set theirs), is the only thing pinned in
 * its hook's directory; a program whose other features are not loaded
 * loads too (their maps are not created); a step whose feature is not
 * loaded is refused by name; and a packet through masquerade's step
 * counts into masq's own counters and conntrack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "cluster/hook_steps.h"
#include "lib/features_env.h"
#include "lib/pkt.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "util/netns.h"
#include "hooks.skel.h"

#define MAX_MAPS 32

/* Every program with every step it has, and where the plan puts it on node 0. */
static const struct {
	const char *prog;
	unsigned int steps;
	bool uplink;
	enum attach_hook hook;
} progs[] = {
	{ "hook_from_pod", HOOK_STEP_LB_DNAT | HOOK_STEP_LB_REV | HOOK_STEP_OVERLAY |
	  HOOK_STEP_HOST_ROUTING, false, HOOK_TC_INGRESS },
	{ "hook_to_pod", HOOK_STEP_LB_REV, false, HOOK_TC_EGRESS },
	{ "hook_from_uplink", HOOK_STEP_MASQ | HOOK_STEP_NP_DNAT | HOOK_STEP_LB_REV |
	  HOOK_STEP_HOST_ROUTING, true, HOOK_TC_INGRESS },
	{ "hook_to_uplink", HOOK_STEP_NP_REV | HOOK_STEP_XLB_REV | HOOK_STEP_MASQ, true,
	  HOOK_TC_EGRESS },
	{ "hook_from_tunnel", HOOK_STEP_LB_REV | HOOK_STEP_OVERLAY, false, HOOK_TC_INGRESS },
};

static const enum feature_id hook_features[] = {
	FEAT_TC_LB, FEAT_TC_NODEPORT, FEAT_MASQ, FEAT_HOST_ROUTING, FEAT_OVERLAY, FEAT_XDP_LB,
};

#define N_HOOK_FEATURES (int)(sizeof(hook_features) / sizeof(hook_features[0]))

static const char *dev_of(int i)
{
	if (progs[i].uplink)
		return fenv.t.nodes[0].uplink;
	return strcmp(progs[i].prog, "hook_from_tunnel") ? fenv.t.pods[0].host_if : "vx0";
}

/* feature_hook_load() in node 0's namespace; its return value, err filled. */
static int hook_load(const char *prog, unsigned int steps, const char *pin, char *err,
		     size_t err_len)
{
	struct feature_env env = { .t = &fenv.t, .node = 0, .k = &fenv.k };
	int saved, rc;

	rc = netns_enter(fenv.t.nodes[0].ns, &saved);
	ck_assert_msg(!rc, "entering %s: %s", fenv.t.nodes[0].ns, strerror(-rc));
	rc = feature_hook_load(&env, prog, steps, pin, err, err_len);
	netns_leave(saved);
	return rc;
}

/* The ids of the maps the program pinned at pin holds; how many. */
static int prog_maps(const char *pin, __u32 *ids)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin);

	ck_assert_msg(fd >= 0, "%s not pinned: %s", pin, strerror(errno));
	info.nr_map_ids = MAX_MAPS;
	info.map_ids = (__u64)(unsigned long)ids;
	ck_assert_int_eq(bpf_prog_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	ck_assert_uint_le(info.nr_map_ids, MAX_MAPS);
	return info.nr_map_ids;
}

static __u32 map_id(int fd, char *name, size_t len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);

	ck_assert_int_eq(bpf_map_get_info_by_fd(fd, &info, &info_len), 0);
	if (name)
		snprintf(name, len, "%s", info.name);
	return info.id;
}

/* Whether id is a map pinned by feature f on node 0 (name: its pin). */
static bool pinned_by(enum feature_id f, __u32 id, const char *name)
{
	char sub[64];
	int fd;
	bool same;

	snprintf(sub, sizeof(sub), "maps/%s", name);
	fd = fenv_pin_fd(f, 0, sub);
	if (fd < 0)
		return false;
	same = map_id(fd, NULL, 0) == id;
	close(fd);
	return same;
}

/* Whether a step of steps uses feature f's maps. */
static bool step_feature(unsigned int steps, enum feature_id f)
{
	unsigned int s;

	for (s = 1; s && s <= steps; s <<= 1)
		if ((steps & s) && hook_step_feature(s) == f)
			return true;
	return false;
}

/* The program's rodata, read from the kernel's map, into ro. */
static void read_rodata(__u32 id, struct hooks_bpf__rodata *ro)
{
	char value[4096];
	__u32 key = 0;
	int fd = bpf_map_get_fd_by_id(id);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bpf_map_lookup_elem(fd, &key, value), 0);
	memcpy(ro, value, sizeof(*ro));
	close(fd);
}

/*
 * Every map the program holds is a pinned map of a feature of its steps
 * (each step's counters among them), or its rodata, which says which
 * steps run and carries the node's configuration.
 */
static void check_maps(int i, const char *pin)
{
	static const char *const names[] = { "counters", "frags", "lb_ct", "lb_rev", "services",
		"backends", "snat", "endpoints", "tunnels" };
	const struct topo_node *node = &fenv.t.nodes[0];
	struct hooks_bpf__rodata ro = {};
	__u32 ids[MAX_MAPS];
	int n = prog_maps(pin, ids), m, f, k, rodata = 0, counters = 0;

	for (m = 0; m < n; m++) {
		char name[BPF_OBJ_NAME_LEN];
		int fd = bpf_map_get_fd_by_id(ids[m]);
		bool found = false;

		ck_assert_int_ge(fd, 0);
		map_id(fd, name, sizeof(name));
		close(fd);
		if (strstr(name, ".rodata")) {
			rodata++;
			read_rodata(ids[m], &ro);
			continue;
		}
		for (f = 0; f < N_HOOK_FEATURES && !found; f++)
			for (k = 0; k < (int)(sizeof(names) / sizeof(names[0])) && !found; k++) {
				if (!pinned_by(hook_features[f], ids[m], names[k]))
					continue;
				found = true;
				ck_assert_msg(step_feature(progs[i].steps, hook_features[f]),
					      "%s holds %s's map %s, of no step", progs[i].prog,
					      feature_name(hook_features[f]), names[k]);
				counters += !strcmp(names[k], "counters");
			}
		ck_assert_msg(found, "%s holds map %s (id %u), no feature's pin", progs[i].prog,
			      name, ids[m]);
	}
	ck_assert_int_eq(rodata, 1);
	ck_assert_int_ge(counters, 1);
	ck_assert_int_eq(ro.use_lb_rev, !!(progs[i].steps & HOOK_STEP_LB_REV));
	ck_assert_int_eq(ro.use_masq, !!(progs[i].steps & HOOK_STEP_MASQ));
	ck_assert_int_eq(ro.use_overlay, !!(progs[i].steps & HOOK_STEP_OVERLAY));
	ck_assert_int_eq(ro.use_np_dnat, !!(progs[i].steps & HOOK_STEP_NP_DNAT));
	ck_assert_uint_eq(ro.node_ip, node->underlay.addr);
	ck_assert_uint_eq(ro.pod_cidr_addr, node->pod_cidr.addr);
	ck_assert_uint_eq(ro.pod_cidr_prefix, node->pod_cidr.prefix);
	ck_assert_uint_eq(ro.cluster_cidr_addr, fenv.t.cluster_cidr.addr);
	ck_assert_uint_eq(ro.port_min, 32768);
	if (progs[i].steps & HOOK_STEP_OVERLAY) {
		ck_assert_int_eq(ro.vxlan_ifindex, fenv_ifindex(node->ns, "vx0"));
		ck_assert(ro.decap_to_stack);	/* the suite's knobs: legacy host routing */
	}
}

START_TEST(test_hooks_share_feature_maps)
{
	char pin[PATH_MAX], err[1024], dir[PATH_MAX], out[1024], want[128];
	int i, f;

	need_topology();
	for (f = 0; f < N_HOOK_FEATURES; f++)
		fenv_load(hook_features[f], 0, NULL);
	for (i = 0; i < (int)(sizeof(progs) / sizeof(progs[0])); i++) {
		ck_assert_int_eq(feature_hook_pin(&fenv.t, 0, dev_of(i), progs[i].hook,
						  progs[i].prog, pin, sizeof(pin)), 0);
		err[0] = '\0';
		ck_assert_msg(!hook_load(progs[i].prog, progs[i].steps, pin, err, sizeof(err)),
			      "%s with every step: %s", progs[i].prog, err);
		check_maps(i, pin);
		/* Only the program is pinned; the maps stay the features'. */
		feature_hook_pin(&fenv.t, 0, dev_of(i), progs[i].hook, NULL, dir, sizeof(dir));
		ck_assert_int_eq(sh_out(out, sizeof(out), 1, "ls %s", dir), 0);
		snprintf(want, sizeof(want), "%s\n", progs[i].prog);
		ck_assert_str_eq(out, want);
	}
	feature_hooks_dir(&fenv.t, 0, dir, sizeof(dir));
	sh("rm -rf %s", dir);
	for (f = 0; f < N_HOOK_FEATURES; f++)
		feature_unload(&fenv.t, 0, hook_features[f]);
}
END_TEST

/*
 * Masquerade alone on the uplink's egress: the program loads without the
 * other features (their maps are not created), refuses a step whose
 * feature is not loaded, and a pod's packet to the outside leaves with
 * the node's address, counted in masq's counters, its flow in masq's map.
 */
START_TEST(test_hook_masq_alone_counts_in_masq)
{
	const struct topo_pod *pod = &fenv.t.pods[0];
	const struct topo_node *node = &fenv.t.nodes[pod->node];
	struct pkt_spec spec = {
		.saddr = pod->ip, .daddr = IP4(192, 168, 100, 100), .proto = IPPROTO_TCP,
		.sport = 40001, .dport = 7000, .tcp_flags = PKT_SYN, .seq = 1,
	};
	__u8 in[PKT_MAX], outp[PKT_MAX];
	char pin[PATH_MAX], err[1024] = "", dir[PATH_MAX];
	size_t len = pkt_build(in, sizeof(in), &spec);
	__be32 saddr;
	json_t *stats;
	int fd, rc;
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = in, .data_size_in = len,
		    .data_out = outp, .data_size_out = sizeof(outp));

	need_topology();
	ck_assert_int_eq(pod->node, 0);
	fenv_load(FEAT_MASQ, 0, NULL);
	feature_hook_pin(&fenv.t, 0, node->uplink, HOOK_TC_EGRESS, "hook_to_uplink", pin,
			 sizeof(pin));
	rc = hook_load("hook_to_uplink", HOOK_STEP_NP_REV | HOOK_STEP_MASQ, pin, err,
		       sizeof(err));
	ck_assert_int_eq(rc, -ENOENT);
	ck_assert_msg(strstr(err, "tc_nodeport") && strstr(err, "is it loaded"),
		      "the refusal names the feature: %s", err);
	err[0] = '\0';
	ck_assert_msg(!hook_load("hook_to_uplink", HOOK_STEP_MASQ, pin, err, sizeof(err)),
		      "masq alone: %s", err);
	fd = bpf_obj_get(pin);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bpf_prog_test_run_opts(fd, &run), 0);
	close(fd);
	ck_assert_uint_ge(run.data_size_out, 34);
	memcpy(&saddr, outp + 14 + 12, sizeof(saddr));	/* the IPv4 source */
	ck_assert_uint_eq(saddr, node->underlay.addr);
	stats = feature_stats(&fenv.t, 0, FEAT_MASQ);
	ck_assert(stats);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(stats, "counters"),
							    "rewrite")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(
		json_object_get(stats, "maps"), "snat"), "entries")), 2);
	json_decref(stats);
	feature_hooks_dir(&fenv.t, 0, dir, sizeof(dir));
	sh("rm -rf %s", dir);
	feature_unload(&fenv.t, 0, FEAT_MASQ);
}
END_TEST

void features_hooks_add(TCase *tc)
{
	tcase_add_test(tc, test_hooks_share_feature_maps);
	tcase_add_test(tc, test_hook_masq_alone_counts_in_masq);
}
