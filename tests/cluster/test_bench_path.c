// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath's path walk (tests/bench/bench_path.c): the programs a
 * pod-to-pod UDP packet and a ClusterIP SYN cross in a preset's cluster,
 * read from the loader's hook plan.  No BPF, no root.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench_path.h"
#include "cluster/hook_steps.h"
#include "lib/testlib.h"
#include "lib/topo_test.h"


struct want {
	const char *where, *prog, *row;
};


/* preset's path; with tc_lb true, with service_lb=tc in place of its own. */
static void walk_lb(const struct topo *t, const char *preset, bool tc_lb,
		    enum bench_path_kind kind, struct knobs *k, struct hook_plan *p,
		    struct bench_path *path)
{
	char err[256] = "";

	ck_assert_int_eq(knobs_profile(preset, k, err, sizeof(err)), 0);
	if (tc_lb)
		k->service_lb = SERVICE_LB_TC;
	ck_assert_int_eq(hook_plan_build(t, k, p), 0);
	ck_assert_msg(!bench_path_walk(t, k, p, kind, path, err, sizeof(err)), "%s", err);
}

static void walk(const struct topo *t, const char *preset, enum bench_path_kind kind,
		 struct knobs *k, struct hook_plan *p, struct bench_path *path)
{
	walk_lb(t, preset, false, kind, k, p, path);
}

static void expect_steps(const struct bench_path *path, const struct want *w, int n)
{
	int i;

	ck_assert_int_eq(path->n, n);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(path->s[i].where, w[i].where);
		ck_assert_str_eq(path->s[i].entry->prog, w[i].prog);
		if (w[i].row)
			ck_assert_str_eq(path->s[i].case_path, w[i].row);
		else
			ck_assert(path->s[i].connect_time);
	}
}

/*
 * Every hook the path reaches shows that hook's whole chain from the plan,
 * in the plan's order (no program on those paths ends a chain early but
 * the last); every step is an entry of the plan.
 */
static void expect_whole_chains(const struct hook_plan *p, const struct bench_path *path)
{
	int i = 0, j;

	while (i < path->n) {
		const struct hook_plan_entry *first = path->s[i].entry;

		ck_assert(first >= p->e && first < p->e + p->n);
		for (j = 0; j < p->n; j++) {
			const struct hook_plan_entry *e = &p->e[j];

			if (e->node != first->node || e->hook != first->hook ||
			    strcmp(e->ifname, first->ifname))
				continue;
			ck_assert_msg(i < path->n && path->s[i].entry == e,
				      "%s on %s: missing from the path or out of order", e->prog,
				      e->ifname);
			i++;
		}
	}
}

/* Node2's pod veth egress carries tc_lb_rev_nat with service_lb=tc; the
 * packet only reaches it where node2 hands it to the stack (no
 * redirect_peer). */
static bool reaches_egress_of(const struct bench_path *path, const char *where)
{
	int i;

	for (i = 0; i < path->n; i++)
		if (!strcmp(path->s[i].where, where))
			return true;
	return false;
}

START_TEST(test_preset_a_has_no_programs)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk(t, "A", BENCH_PATH_POD_UDP, &k, &p, &path);
	ck_assert_int_eq(path.n, 0);
	ck_assert_str_eq(path.what, "node1/pod1 -> node2/pod1");
	walk(t, "A", BENCH_PATH_VIP_SYN, &k, &p, &path);
	ck_assert_int_eq(path.n, 0);
	ck_assert(strstr(path.note, "iptables"));
}
END_TEST

START_TEST(test_preset_e_follows_the_plan)
{
	static const struct want pod_udp[] = {
		{ "node1 lxc0 tc ingress", "route_from_pod", "remote (fib)" },
		{ "node1 eth0 tc egress", "tc_lb_rev_nat", "not a reply" },
		{ "node1 eth0 tc egress", "tc_nodeport_rev", "not a reply" },
		{ "node1 eth0 tc egress", "masq_snat", "in the cluster" },
		{ "fabric node1 xdp", "xdp_pass", "-" },
		{ "node2 eth0 xdp", "xdp_nodeport_lb", "not to the node" },
		{ "node2 eth0 tc ingress", "masq_rev_snat", "not a reply" },
		{ "node2 eth0 tc ingress", "tc_lb_dnat", "not a service" },
		{ "node2 eth0 tc ingress", "route_from_uplink", "to a local pod" },
	};
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk(t, "E", BENCH_PATH_POD_UDP, &k, &p, &path);
	expect_steps(&path, pod_udp, sizeof(pod_udp) / sizeof(pod_udp[0]));
	expect_whole_chains(&p, &path);
	ck_assert(path.s[4].fabric && !path.s[3].fabric);
	ck_assert_str_eq(path.s[4].case_program, "noop (xdp_pass)");
	ck_assert(!reaches_egress_of(&path, "node2 lxc0 tc egress"));

	/* Socket LB: connect() picks the backend, then the same hooks. */
	walk(t, "E", BENCH_PATH_VIP_SYN, &k, &p, &path);
	ck_assert_int_eq(path.n, 1 + (int)(sizeof(pod_udp) / sizeof(pod_udp[0])));
	ck_assert(path.s[0].connect_time);
	ck_assert_str_eq(path.s[0].entry->prog, "sock_lb_connect4");
	ck_assert_str_eq(path.what, "node1/pod1 -> web:80, backend node2/pod1");
	expect_whole_chains(&p, &path);
}
END_TEST

/* Overlay with kube-proxy: the VIP passes the encap to the stack, the
 * legacy decap hands to the stack, which forwards through the veth. */
START_TEST(test_preset_b_syn_goes_through_the_stack)
{
	static const struct want syn[] = {
		{ "node1 lxc0 tc ingress", "overlay_encap", "no tunnel (to the stack)" },
		{ "node2 vx0 tc ingress", "overlay_decap", "to the stack (legacy)" },
	};
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk(t, "B", BENCH_PATH_VIP_SYN, &k, &p, &path);
	expect_steps(&path, syn, 2);
	ck_assert(strstr(path.note, "kube-proxy"));
	walk_lb(t, "D", true, BENCH_PATH_POD_UDP, &k, &p, &path);
	ck_assert(reaches_egress_of(&path, "node2 lxc0 tc egress"));
	walk(t, "D", BENCH_PATH_POD_UDP, &k, &p, &path);	/* socket LB: no tc_lb */
	ck_assert(!reaches_egress_of(&path, "node2 lxc0 tc egress"));
}
END_TEST

/* A program the walk has no rule for fails it, never drops out. */
START_TEST(test_unknown_program_fails)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;
	char err[256] = "";

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk(t, "E", BENCH_PATH_POD_UDP, &k, &p, &path);
	p.e[0].prog = "tc_new_program";
	ck_assert_int_eq(bench_path_walk(t, &k, &p, BENCH_PATH_POD_UDP, &path, err, sizeof(err)),
			 -EPROTO);
	ck_assert(strstr(err, "tc_new_program"));
}
END_TEST

struct want_hook {
	const char *where, *prog;
	unsigned int steps, pkt;
	bool redirect, decap_to_stack;
	int first, n;
};

static void expect_hooks(const struct bench_path *path, const struct want_hook *w, int n)
{
	int i;

	ck_assert_int_eq(path->n_hooks, n);
	for (i = 0; i < n; i++) {
		const struct bench_path_hook *h = &path->h[i];

		ck_assert_str_eq(h->where, w[i].where);
		ck_assert_str_eq(h->prog, w[i].prog);
		ck_assert_uint_eq(h->steps, w[i].steps);
		ck_assert_uint_eq(h->pkt, w[i].pkt);
		ck_assert_int_eq(h->redirect, w[i].redirect);
		ck_assert_int_eq(h->decap_to_stack, w[i].decap_to_stack);
		ck_assert_int_eq(h->first, w[i].first);
		ck_assert_int_eq(h->n, w[i].n);
	}
}

#define S_LB_REV HOOK_STEP_LB_REV
#define S_HR HOOK_STEP_HOST_ROUTING
#define S_OV HOOK_STEP_OVERLAY

/* E: three tc hooks, each one program with the chain's steps; the
 * receiving node's uplink redirects to the pod's peer. */
START_TEST(test_preset_e_hooks)
{
	static const struct want_hook udp[] = {
		{ "node1 lxc0 tc ingress", "hook_from_pod", S_HR, 0, true, false, 0, 1 },
		{ "node1 eth0 tc egress", "hook_to_uplink",
		  HOOK_STEP_NP_REV | HOOK_STEP_XLB_REV | HOOK_STEP_MASQ, 0, false, false, 1, 3 },
		{ "node2 eth0 tc ingress", "hook_from_uplink",
		  HOOK_STEP_MASQ | HOOK_STEP_NP_DNAT | S_HR, BENCH_PKT_IN, true, false, 6, 3 },
	};
	struct want_hook syn[3];
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;
	int i;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk(t, "E", BENCH_PATH_POD_UDP, &k, &p, &path);
	expect_hooks(&path, udp, 3);
	/* After connect(): the SYN to the backend, one step later in s[]. */
	for (i = 0; i < 3; i++) {
		syn[i] = udp[i];
		syn[i].pkt |= BENCH_PKT_SYN;
		syn[i].first++;
	}
	walk(t, "E", BENCH_PATH_VIP_SYN, &k, &p, &path);
	expect_hooks(&path, syn, 3);
}
END_TEST

/* C: the uplinks see the tunnel's outer packet, vx0 the inner one; the
 * legacy decap hands it to the stack, which forwards through lxc0. */
START_TEST(test_preset_c_hooks_see_the_tunnel)
{
	static const struct want_hook udp[] = {
		{ "node1 lxc0 tc ingress", "hook_from_pod", HOOK_STEP_LB_DNAT | S_LB_REV | S_OV, 0,
		  true, true, 0, 3 },
		{ "node1 eth0 tc egress", "hook_to_uplink", HOOK_STEP_NP_REV, BENCH_PKT_TUNNEL,
		  false, false, 3, 1 },
		{ "node2 eth0 tc ingress", "hook_from_uplink", HOOK_STEP_NP_DNAT | S_LB_REV,
		  BENCH_PKT_TUNNEL | BENCH_PKT_IN, false, false, 4, 2 },
		{ "node2 vx0 tc ingress", "hook_from_tunnel", S_LB_REV | S_OV, BENCH_PKT_IN,
		  false, true, 6, 2 },
		{ "node2 lxc0 tc egress", "hook_to_pod", S_LB_REV, BENCH_PKT_IN, false, false, 8, 1 },
	};	/* C with service_lb=tc: every hook has a tc_lb step */
	static const struct want_hook b_syn[] = {
		{ "node1 lxc0 tc ingress", "hook_from_pod", S_OV, BENCH_PKT_SYN | BENCH_PKT_VIP,
		  false, true, 0, 1 },
		{ "node2 vx0 tc ingress", "hook_from_tunnel", S_OV, BENCH_PKT_SYN | BENCH_PKT_IN,
		  false, true, 1, 1 },
	};
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk_lb(t, "C", true, BENCH_PATH_POD_UDP, &k, &p, &path);
	expect_hooks(&path, udp, 5);
	walk(t, "B", BENCH_PATH_VIP_SYN, &k, &p, &path);
	expect_hooks(&path, b_syn, 2);
}
END_TEST

/* In every preset, each tc step of a path stands in exactly one hook, of
 * that hook's device and direction; XDP and connect() steps in none. */
START_TEST(test_hooks_cover_the_tc_steps)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;
	char err[256];
	int pr, kind, i, j, in;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	for (pr = 0; bench_path_presets[pr]; pr++)
		for (kind = 0; kind < BENCH_PATH_COUNT; kind++) {
			ck_assert_msg(!bench_path_preset(t, bench_path_presets[pr], kind, &k, &p,
							 &path, err, sizeof(err)), "%s", err);
			for (i = 0; i < path.n; i++) {
				enum attach_hook hk = path.s[i].entry->hook;
				bool tc = hk == HOOK_TC_INGRESS || hk == HOOK_TC_EGRESS;

				for (j = 0, in = 0; j < path.n_hooks; j++) {
					const struct bench_path_hook *h = &path.h[j];

					if (i < h->first || i >= h->first + h->n)
						continue;
					in++;
					ck_assert_str_eq(h->where, path.s[i].where);
					ck_assert(h->steps & hook_step_of(path.s[i].entry));
				}
				ck_assert_int_eq(in, tc ? 1 : 0);
			}
		}
}
END_TEST

/* A tc program that is no step of hooks.bpf.c, or steps out of the
 * program's order, fail the walk: the one program would not be the chain. */
START_TEST(test_hook_without_step_fails)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct bench_path path;
	struct knobs k;
	char err[256] = "";
	struct hook_plan_entry e;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	walk_lb(t, "E", true, BENCH_PATH_POD_UDP, &k, &p, &path);
	ck_assert_str_eq(p.e[1].prog, "tc_lb_rev_nat");
	ck_assert_str_eq(p.e[2].prog, "route_from_pod");
	e = p.e[1];
	p.e[1] = p.e[2];
	p.e[2] = e;
	ck_assert_int_eq(bench_path_walk(t, &k, &p, BENCH_PATH_POD_UDP, &path, err, sizeof(err)),
			 -EPROTO);
	ck_assert_msg(strstr(err, "order"), "%s", err);
	walk_lb(t, "E", true, BENCH_PATH_POD_UDP, &k, &p, &path);
	p.e[1].feature = FEAT_SOCK_LB;	/* tc_lb_rev_nat, but of no step's feature */
	ck_assert_int_eq(bench_path_walk(t, &k, &p, BENCH_PATH_POD_UDP, &path, err, sizeof(err)),
			 -EPROTO);
	ck_assert_msg(strstr(err, "no program or step"), "%s", err);
}
END_TEST

START_TEST(test_texts)
{
	char buf[64];

	bench_steps_text(NULL, S_LB_REV | S_HR, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lb_rev+host_routing");
	/* hooks.bpf.c's hook_from_uplink runs masquerade's reverse first */
	bench_steps_text("hook_from_uplink", HOOK_STEP_MASQ | HOOK_STEP_NP_DNAT | S_LB_REV | S_HR,
			 buf, sizeof(buf));
	ck_assert_str_eq(buf, "masq+np_dnat+lb_rev+host_routing");
	bench_steps_text(NULL, HOOK_STEP_MASQ | HOOK_STEP_NP_DNAT | S_LB_REV | S_HR, buf,
			 sizeof(buf));
	ck_assert_str_eq(buf, "lb_rev+np_dnat+masq+host_routing");
	bench_steps_text("hook_from_uplink", 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
	bench_pkt_text(BENCH_PKT_SYN | BENCH_PKT_TUNNEL | BENCH_PKT_IN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "VXLAN (pod SYN), receiving node");
	bench_pkt_text(BENCH_PKT_SYN | BENCH_PKT_VIP, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ClusterIP SYN, sending node");
	bench_pkt_text(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "pod UDP, sending node");
}
END_TEST

static Suite *bench_path_suite(void)
{
	Suite *s = suite_create("bench_path");
	TCase *tc = tcase_create("bench_path");

	tcase_add_test(tc, test_preset_a_has_no_programs);
	tcase_add_test(tc, test_preset_e_follows_the_plan);
	tcase_add_test(tc, test_preset_b_syn_goes_through_the_stack);
	tcase_add_test(tc, test_unknown_program_fails);
	tcase_add_test(tc, test_preset_e_hooks);
	tcase_add_test(tc, test_preset_c_hooks_see_the_tunnel);
	tcase_add_test(tc, test_hooks_cover_the_tc_steps);
	tcase_add_test(tc, test_hook_without_step_fails);
	tcase_add_test(tc, test_texts);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(bench_path_suite)
