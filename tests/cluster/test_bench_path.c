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
#include "lib/testlib.h"

#define TOPOLOGY "topologies/two-node.topo"

struct want {
	const char *where, *prog, *row;
};

static struct topo *two_node(void)
{
	static struct topo t;
	char err[256];

	if (access(TOPOLOGY, R_OK))
		return NULL;
	ck_assert_msg(!topo_parse(TOPOLOGY, &t, err, sizeof(err)), "%s", err);
	return &t;
}

static void walk(const struct topo *t, const char *preset, enum bench_path_kind kind,
		 struct knobs *k, struct hook_plan *p, struct bench_path *path)
{
	char err[256] = "";

	ck_assert_int_eq(knobs_profile(preset, k, err, sizeof(err)), 0);
	ck_assert_int_eq(hook_plan_build(t, k, p), 0);
	ck_assert_msg(!bench_path_walk(t, k, p, kind, path, err, sizeof(err)), "%s", err);
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

/* Node2's pod veth egress carries tc_lb_rev_nat in D and E; the packet
 * only reaches it where node2 hands it to the stack (no redirect_peer). */
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
	struct topo *t = two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("run from the source tree (%s)", TOPOLOGY);
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
		{ "node1 lxc0 tc ingress", "tc_lb_rev_nat", "not a reply" },
		{ "node1 lxc0 tc ingress", "route_from_pod", "remote (fib)" },
		{ "node1 eth0 tc egress", "tc_lb_rev_nat", "not a reply" },
		{ "node1 eth0 tc egress", "tc_nodeport_rev", "not a reply" },
		{ "node1 eth0 tc egress", "masq_snat", "in the cluster" },
		{ "fabric node1 xdp", "xdp_pass", "-" },
		{ "node2 eth0 xdp", "xdp_nodeport_lb", "not to the node" },
		{ "node2 eth0 tc ingress", "masq_rev_snat", "not a reply" },
		{ "node2 eth0 tc ingress", "tc_lb_dnat", "not a service" },
		{ "node2 eth0 tc ingress", "tc_lb_rev_nat", "not a reply" },
		{ "node2 eth0 tc ingress", "route_from_uplink", "to a local pod" },
	};
	static struct hook_plan p;
	struct topo *t = two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("run from the source tree (%s)", TOPOLOGY);
	walk(t, "E", BENCH_PATH_POD_UDP, &k, &p, &path);
	expect_steps(&path, pod_udp, sizeof(pod_udp) / sizeof(pod_udp[0]));
	expect_whole_chains(&p, &path);
	ck_assert(path.s[5].fabric && !path.s[4].fabric);
	ck_assert_str_eq(path.s[5].case_program, "noop (xdp_pass)");
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
	struct topo *t = two_node();
	struct bench_path path;
	struct knobs k;

	if (!t)
		test_skip("run from the source tree (%s)", TOPOLOGY);
	walk(t, "B", BENCH_PATH_VIP_SYN, &k, &p, &path);
	expect_steps(&path, syn, 2);
	ck_assert(strstr(path.note, "kube-proxy"));
	walk(t, "D", BENCH_PATH_POD_UDP, &k, &p, &path);
	ck_assert(reaches_egress_of(&path, "node2 lxc0 tc egress"));
}
END_TEST

/* A program the walk has no rule for fails it, never drops out. */
START_TEST(test_unknown_program_fails)
{
	static struct hook_plan p;
	struct topo *t = two_node();
	struct bench_path path;
	struct knobs k;
	char err[256] = "";

	if (!t)
		test_skip("run from the source tree (%s)", TOPOLOGY);
	walk(t, "E", BENCH_PATH_POD_UDP, &k, &p, &path);
	p.e[0].prog = "tc_new_program";
	ck_assert_int_eq(bench_path_walk(t, &k, &p, BENCH_PATH_POD_UDP, &path, err, sizeof(err)),
			 -EPROTO);
	ck_assert(strstr(err, "tc_new_program"));
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
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(bench_path_suite)
