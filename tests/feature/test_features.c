// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/feature/feature.c on a real two-node topology (features_env.h): every
 * feature loads on every node (the verifier accepts it configured so),
 * pins its programs and maps, hands out program fds, reports its maps and
 * counters, unloads, and is replaced cleanly when loaded again; a failed
 * load names the cause and leaves the previous pins alone.  A smoke test
 * attaches host routing to a pod's veth and pings through it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "lib/features_env.h"
#include "util/netns.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "dplab/counters.h"

#define MAX_PROGS 7
#define OUT_LEN 4096

/* The programs each feature pins (and, for XDP_PEER, only that one). */
static const char *const progs_of[FEAT_COUNT][MAX_PROGS] = {
	[FEAT_TC_LB] = { "tc_lb_dnat", "tc_lb_rev_nat" },
	[FEAT_TC_NODEPORT] = { "tc_lb_dnat", "tc_lb_rev_nat" },
	[FEAT_SOCK_LB] = { "sock_lb_connect4", "sock_lb_sendmsg4", "sock_lb_recvmsg4",
			   "sock_lb_getpeername4", "sock_lb_connect6", "sock_lb_recvmsg6",
			   "sock_lb_getpeername6" },
	[FEAT_MASQ] = { "masq_snat", "masq_rev_snat" },
	[FEAT_HOST_ROUTING] = { "route_from_pod", "route_from_uplink" },
	[FEAT_OVERLAY] = { "overlay_encap", "overlay_decap" },
	[FEAT_XDP_LB] = { "xdp_nodeport_lb", "tc_nodeport_rev" },
	[FEAT_XDP_PEER] = { "xdp_pass" },
};

static bool dir_exists(enum feature_id f, int node)
{
	char dir[PATH_MAX];

	feature_dir(&fenv.t, node, f, dir, sizeof(dir));
	return access(dir, F_OK) == 0;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	ck_assert_int_eq(bpf_prog_get_info_by_fd(fd, &info, &len), 0);
	return info.id;
}

/* feature_prog_fd gives the program by that name (the kernel keeps 15 characters). */
static void check_prog_fd(enum feature_id f, int node, const char *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = feature_prog_fd(&fenv.t, node, f, prog);

	ck_assert_msg(fd >= 0, "feature_prog_fd %s/%s: %s", feature_name(f), prog,
		      strerror(-fd));
	ck_assert_int_eq(bpf_prog_get_info_by_fd(fd, &info, &len), 0);
	ck_assert_msg(!strncmp(info.name, prog, BPF_OBJ_NAME_LEN - 1), "%s: fd of %s is %s",
		      feature_name(f), prog, info.name);
	close(fd);
}

START_TEST(test_load_pins_fds_unload)
{
	enum feature_id f;
	int node, i;

	need_topology();
	for (node = 0; node < fenv.t.n_nodes; node++) {
		for (f = 0; f < FEAT_COUNT; f++) {
			char sub[64];

			fenv_load(f, node, NULL);
			for (i = 0; i < MAX_PROGS && progs_of[f][i]; i++) {
				snprintf(sub, sizeof(sub), "progs/%s", progs_of[f][i]);
				ck_assert_msg(fenv_pinned(f, node, sub), "%s: %s not pinned",
					      feature_name(f), sub);
				check_prog_fd(f, node, progs_of[f][i]);
			}
			ck_assert_msg(f == FEAT_XDP_PEER || fenv_pinned(f, node, "maps/counters"),
				      "%s: maps/counters not pinned", feature_name(f));
			ck_assert_int_eq(feature_prog_fd(&fenv.t, node, f, "no_such_prog"),
					 -ENOENT);
		}
		ck_assert(!fenv_pinned(FEAT_XDP_PEER, node, "progs/tc_pass"));
		ck_assert(!fenv_pinned(FEAT_XDP_PEER, node,
				       "progs/probe_xdp_link_attach_failed"));
		for (f = 0; f < FEAT_COUNT; f++) {
			feature_unload(&fenv.t, node, f);
			ck_assert_msg(!dir_exists(f, node), "%s: pins left after unload",
				      feature_name(f));
			ck_assert_int_eq(feature_prog_fd(&fenv.t, node, f, progs_of[f][0]),
					 -ENOENT);
		}
	}
}
END_TEST

static json_t *stats_map(json_t *stats, const char *name)
{
	json_t *m = json_object_get(json_object_get(stats, "maps"), name);

	ck_assert_msg(m, "feature_stats: no map %s", name);
	return m;
}

START_TEST(test_stats)
{
	static const char *const names[DPLAB_CNT_MAX] = DPLAB_COUNTER_NAMES;
	json_t *stats, *counters;
	int i;

	need_topology();
	fenv_load(FEAT_MASQ, 0, NULL);
	stats = feature_stats(&fenv.t, 0, FEAT_MASQ);
	ck_assert_msg(stats, "feature_stats of a loaded feature is NULL");
	ck_assert_int_eq(json_integer_value(json_object_get(stats_map(stats, "snat"), "entries")),
			 0);
	ck_assert_int_eq(json_integer_value(json_object_get(stats_map(stats, "snat"), "max")),
			 2 * FENV_CT_MAX);
	ck_assert_int_eq(json_integer_value(json_object_get(stats_map(stats, "counters"), "max")),
			 DPLAB_CNT_MAX);
	ck_assert(json_object_get(json_object_get(stats, "maps"), "rodata"));
	counters = json_object_get(stats, "counters");
	ck_assert_int_eq(json_object_size(counters), DPLAB_CNT_MAX);
	for (i = 0; i < DPLAB_CNT_MAX; i++)
		ck_assert_msg(json_integer_value(json_object_get(counters, names[i])) == 0 &&
			      json_is_integer(json_object_get(counters, names[i])),
			      "counter %s missing or not zero", names[i]);
	json_decref(stats);
	feature_unload(&fenv.t, 0, FEAT_MASQ);
	ck_assert_msg(!feature_stats(&fenv.t, 0, FEAT_MASQ), "feature_stats after unload");
}
END_TEST

/* `find DIR`, sorted: the shape of a feature's pins. */
static void pin_listing(enum feature_id f, int node, char *out, size_t len)
{
	char dir[PATH_MAX];

	feature_dir(&fenv.t, node, f, dir, sizeof(dir));
	ck_assert_int_eq(sh_out(out, len, 1, "find %s | sort", dir), 0);
}

START_TEST(test_load_twice_replaces)
{
	char before[OUT_LEN], after[OUT_LEN];
	int fd, node = fenv.t.n_nodes - 1;
	__u32 first, second;

	need_topology();
	fenv_load(FEAT_TC_LB, node, NULL);
	pin_listing(FEAT_TC_LB, node, before, sizeof(before));
	fd = feature_prog_fd(&fenv.t, node, FEAT_TC_LB, "tc_lb_dnat");
	ck_assert_int_ge(fd, 0);
	first = prog_id(fd);
	close(fd);
	fenv_load(FEAT_TC_LB, node, NULL);
	pin_listing(FEAT_TC_LB, node, after, sizeof(after));
	ck_assert_str_eq(before, after);
	fd = feature_prog_fd(&fenv.t, node, FEAT_TC_LB, "tc_lb_dnat");
	ck_assert_int_ge(fd, 0);
	second = prog_id(fd);
	close(fd);
	ck_assert_msg(first != second, "loading again kept program id %u", first);
	feature_unload(&fenv.t, node, FEAT_TC_LB);
}
END_TEST

START_TEST(test_failed_load_keeps_previous)
{
	struct feature_env env = {
		.t = &fenv.t, .node = 0, .k = &fenv.k, .svcs = fenv.svcs, .n_svcs = fenv.n_svcs,
	};
	char before[OUT_LEN], after[OUT_LEN], err[1024] = "";
	int saved, rc;

	need_topology();
	fenv_load(FEAT_OVERLAY, 0, NULL);
	pin_listing(FEAT_OVERLAY, 0, before, sizeof(before));
	/* The fabric has no VXLAN device. */
	ck_assert_int_eq(netns_enter(fenv.t.fabric_ns, &saved), 0);
	rc = feature_load(FEAT_OVERLAY, &env, err, sizeof(err));
	netns_leave(saved);
	ck_assert_int_eq(rc, -ENODEV);
	ck_assert_msg(strstr(err, "overlay") && strstr(err, "vx0") && strstr(err, "ENODEV"),
		      "the error does not say what failed: %s", err);
	pin_listing(FEAT_OVERLAY, 0, after, sizeof(after));
	ck_assert_str_eq(before, after);
	env.node = fenv.t.n_nodes;
	ck_assert_int_eq(feature_load(FEAT_OVERLAY, &env, err, sizeof(err)), -EINVAL);
	feature_unload(&fenv.t, 0, FEAT_OVERLAY);
}
END_TEST

static __u64 counter(enum feature_id f, int node, const char *name)
{
	json_t *stats = feature_stats(&fenv.t, node, f);
	__u64 v;

	ck_assert(stats);
	v = json_integer_value(json_object_get(json_object_get(stats, "counters"), name));
	json_decref(stats);
	return v;
}

/* Two pods of one node: host routing redirect_peer's one's pings to the other. */
START_TEST(test_host_routing_smoke)
{
	const struct topo_pod *from = NULL, *to = NULL;
	char out[OUT_LEN], ip[INET_ADDRSTRLEN];
	int i, saved, prog, link, rc, node = 0;

	need_topology();
	for (i = 0; i < fenv.t.n_pods && !to; i++) {
		if (fenv.t.pods[i].node != node)
			continue;
		if (!from)
			from = &fenv.t.pods[i];
		else
			to = &fenv.t.pods[i];
	}
	if (!to)
		test_skip("node %s has fewer than two pods", fenv.t.nodes[node].name);
	fenv_load(FEAT_HOST_ROUTING, node, NULL);
	prog = feature_prog_fd(&fenv.t, node, FEAT_HOST_ROUTING, "route_from_pod");
	ck_assert_int_ge(prog, 0);
	ck_assert_int_eq(netns_enter(fenv.t.nodes[node].ns, &saved), 0);
	link = bpf_link_create(prog, fenv_ifindex(fenv.t.nodes[node].ns, from->host_if),
			       BPF_TCX_INGRESS, NULL);
	netns_leave(saved);
	ck_assert_msg(link >= 0, "tcx attach to %s: %s", from->host_if, strerror(-link));
	inet_ntop(AF_INET, &to->ip, ip, sizeof(ip));
	rc = sh_out(out, sizeof(out), 1, "ip netns exec %s ping -c 3 -i 0.2 -W 2 %s", from->ns,
		    ip);
	close(link);
	close(prog);
	ck_assert_msg(rc == 0, "ping %s -> %s through route_from_pod failed: %s", from->name,
		      to->name, out);
	ck_assert_uint_ge(counter(FEAT_HOST_ROUTING, node, "redirect"), 3);
	feature_unload(&fenv.t, node, FEAT_HOST_ROUTING);
}
END_TEST

static Suite *features_suite(void)
{
	Suite *s = suite_create("features");
	TCase *tc = tcase_create("two-node");

	tcase_add_unchecked_fixture(tc, fenv_up, fenv_down);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_load_pins_fds_unload);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_load_twice_replaces);
	tcase_add_test(tc, test_failed_load_keeps_previous);
	features_maps_add(tc);
	features_hooks_add(tc);
	tcase_add_test(tc, test_host_routing_smoke);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(features_suite);
