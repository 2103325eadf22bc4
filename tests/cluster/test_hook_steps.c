// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tc hooks' own programs (loader/cluster/hook_steps.c): under every
 * preset A-E and every configuration `dplab run` measures (its default and
 * quick plans), each tc hook of the plan gets the datapath/hooks.bpf.c
 * program of its device and direction, the plan's entries there are that
 * program's steps in its order, and each step's feature is loaded on the
 * node (its maps are the ones the program shares).  No root needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster/hook_steps.h"
#include "run/run_plan.h"
#include "lib/testlib.h"
#include "lib/topo_test.h"



/* The program of a tc hook, from the topology alone (NULL: none expected). */
static const char *expected_prog(const struct topo *t, const struct hook_plan_entry *e)
{
	bool in = e->hook == HOOK_TC_INGRESS;
	int i;

	if (e->node < 0 || (e->hook != HOOK_TC_INGRESS && e->hook != HOOK_TC_EGRESS))
		return NULL;
	if (!strcmp(e->ifname, t->nodes[e->node].uplink))
		return in ? "hook_from_uplink" : "hook_to_uplink";
	if (!strcmp(e->ifname, "vx0"))
		return in ? "hook_from_tunnel" : NULL;
	for (i = 0; i < t->n_pods; i++)
		if (t->pods[i].node == e->node && !strcmp(t->pods[i].host_if, e->ifname))
			return in ? "hook_from_pod" : "hook_to_pod";
	return NULL;
}

/* Every hook of the plan of k, checked; the number of tc hooks with a program. */
static int check_plan(const struct topo *t, const struct knobs *k, const char *label)
{
	static struct hook_plan p;
	unsigned int steps, s;
	const char *prog, *want;
	int i, ret, n = 0;

	ck_assert_int_eq(hook_plan_build(t, k, &p), 0);
	for (i = 0; i < p.n; i++) {
		const struct hook_plan_entry *e = &p.e[i];

		want = expected_prog(t, e);
		ck_assert_msg(!want == !hook_step_prog(t, e) &&
			      (!want || !strcmp(want, hook_step_prog(t, e))),
			      "%s: %s %s %s: program %s, want %s", label, e->ifname, e->prog,
			      attach_hook_name(e->hook), hook_step_prog(t, e) ?: "none",
			      want ?: "none");
		if (!want) {
			ck_assert_uint_eq(hook_step_of(e), 0);	/* XDP, cgroup, fabric */
			continue;
		}
		ck_assert_msg(hook_step_of(e), "%s: %s on %s is no step", label, e->prog,
			      e->ifname);
		if (hook_plan_first_on(t, &p, e) != i)
			continue;	/* the hook was checked with its first entry */
		ret = hook_steps_of(t, &p, i, &steps, &prog);
		ck_assert_msg(!ret, "%s: %s %s: steps not in %s's order (%d)", label, e->ifname,
			      attach_hook_name(e->hook), prog, ret);
		ck_assert_str_eq(prog, want);
		ck_assert_uint_ne(steps, 0);
		for (s = 1; s <= steps; s <<= 1)
			if (steps & s)
				ck_assert_msg(p.load[e->node][hook_step_feature(s)],
					      "%s: step %#x on %s without its feature %s", label,
					      s, e->ifname, feature_name(hook_step_feature(s)));
		n++;
	}
	return n;
}

START_TEST(test_presets_and_runner_configs)
{
	static struct run_plan plans[2];
	static const char *const presets[] = { "A", "B", "C", "D", "E" };
	struct topo *t = topo_test_two_node();
	char err[256];
	struct knobs k;
	int i, q, with_progs = 0;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(knobs_profile(presets[i], &k, err, sizeof(err)), 0);
		with_progs += check_plan(t, &k, presets[i]);
	}
	ck_assert_int_gt(with_progs, 0);
	for (q = 0; q < 2; q++) {
		ck_assert_msg(!run_plan_parse(run_plan_builtin(q), q ? "quick" : "default",
					      &plans[q], err, sizeof(err)), "%s", err);
		ck_assert_int_gt(plans[q].n_configs, 10);
		for (i = 0; i < plans[q].n_configs; i++)
			check_plan(t, &plans[q].configs[i].k, plans[q].configs[i].name);
		run_plan_free(&plans[q]);
	}
}
END_TEST

/* The steps of the program on node 0's device dev (hook), or ~0u when none. */
static unsigned int steps_on(const struct topo *t, const struct hook_plan *p, const char *dev,
			     enum attach_hook hook)
{
	struct hook_plan_entry probe = { .node = 0, .hook = hook };
	unsigned int steps;
	const char *prog;
	int first;

	snprintf(probe.ifname, sizeof(probe.ifname), "%s", dev);
	first = hook_plan_first_on(t, p, &probe);
	if (first < 0 || hook_steps_of(t, p, first, &steps, &prog))
		return ~0u;
	return steps;
}

/* E with routing=vxlan and service_lb=tc: every step there is, on its hook. */
START_TEST(test_steps_of_the_fullest_plan)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	const char *lxc;
	struct knobs k;
	char err[256];

	if (!t)
		test_skip("no %s", topo_test_default_file());
	lxc = t->pods[0].host_if;
	knobs_profile("E", &k, err, sizeof(err));
	ck_assert_int_eq(knobs_assign(&k, "routing=vxlan", NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(knobs_assign(&k, "service_lb=tc", NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	ck_assert_uint_eq(steps_on(t, &p, lxc, HOOK_TC_INGRESS), HOOK_STEP_LB_DNAT |
			  HOOK_STEP_LB_REV | HOOK_STEP_OVERLAY | HOOK_STEP_HOST_ROUTING);
	ck_assert_uint_eq(steps_on(t, &p, lxc, HOOK_TC_EGRESS), HOOK_STEP_LB_REV);
	ck_assert_uint_eq(steps_on(t, &p, "eth0", HOOK_TC_INGRESS), HOOK_STEP_MASQ |
			  HOOK_STEP_NP_DNAT | HOOK_STEP_LB_REV | HOOK_STEP_HOST_ROUTING);
	ck_assert_uint_eq(steps_on(t, &p, "eth0", HOOK_TC_EGRESS), HOOK_STEP_NP_REV |
			  HOOK_STEP_XLB_REV | HOOK_STEP_MASQ);
	ck_assert_uint_eq(steps_on(t, &p, "vx0", HOOK_TC_INGRESS),
			  HOOK_STEP_LB_REV | HOOK_STEP_OVERLAY);
	ck_assert_uint_eq(steps_on(t, &p, "eth0", HOOK_XDP), ~0u);	/* XDP: no program */
}
END_TEST

/* A plan whose order is not the program's, or with a step twice, is refused. */
START_TEST(test_order_refused)
{
	static const unsigned int ok[] = { HOOK_STEP_MASQ, HOOK_STEP_NP_DNAT,
					   HOOK_STEP_HOST_ROUTING };
	static const unsigned int swapped[] = { HOOK_STEP_NP_DNAT, HOOK_STEP_MASQ };
	static const unsigned int twice[] = { HOOK_STEP_LB_REV, HOOK_STEP_LB_REV };
	static const unsigned int foreign[] = { HOOK_STEP_OVERLAY };
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct hook_plan_entry e;
	unsigned int steps;
	const char *prog;
	struct knobs k;
	char err[256];
	int i;

	ck_assert(hook_steps_in_order("hook_from_uplink", ok, 3));
	ck_assert(!hook_steps_in_order("hook_from_uplink", swapped, 2));
	ck_assert(!hook_steps_in_order("hook_to_pod", twice, 2));
	ck_assert(!hook_steps_in_order("hook_to_uplink", foreign, 1));
	ck_assert(!hook_steps_in_order("hook_nowhere", ok, 1));
	if (!t)
		test_skip("no %s", topo_test_default_file());
	/* E's uplink ingress with its first two entries swapped. */
	knobs_profile("E", &k, err, sizeof(err));
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	for (i = 0; i < p.n; i++)
		if (!strcmp(p.e[i].ifname, "eth0") && p.e[i].hook == HOOK_TC_INGRESS)
			break;
	ck_assert_int_lt(i + 1, p.n);
	ck_assert_int_eq(hook_steps_of(t, &p, i, &steps, &prog), 0);
	e = p.e[i];
	p.e[i] = p.e[i + 1];
	p.e[i + 1] = e;
	ck_assert_int_eq(hook_steps_of(t, &p, i, &steps, &prog), -EINVAL);
	ck_assert_str_eq(prog, "hook_from_uplink");
}
END_TEST

static Suite *hook_steps_suite(void)
{
	Suite *s = suite_create("hook_steps");
	TCase *tc = tcase_create("hook_steps");

	tcase_add_test(tc, test_presets_and_runner_configs);
	tcase_add_test(tc, test_steps_of_the_fullest_plan);
	tcase_add_test(tc, test_order_refused);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(hook_steps_suite)
