// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Suite datapath_hooks: every program of datapath/hooks.bpf.c, with every
 * combination of its steps, does what the chain of per-feature programs it
 * replaces does (props.h, "hook programs"): frame after generated frame,
 * the same verdict, the same bytes, the same counters.  Lanes take turns
 * at random for DPLAB_HOOKS_SECONDS (default 4) or until each has had
 * DPLAB_HOOKS_FRAMES (default 20000); the seed is random unless
 * DPLAB_PROPS_SEED is set, and printed.  The harness is tested too: a lane
 * given another combination's program must differ (after the comparison,
 * so the worlds load once), and the chains here must be the loader's
 * (hook_steps.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cluster/hook_steps.h"
#include "lib/testlib.h"
#include "props/props.h"

#define DEFAULT_SECONDS 4.0
#define DEFAULT_FRAMES 20000

/*
 * The harness's own test, after the comparison: the lane of hook_from_uplink
 * without masquerade given the program with it must differ (the program
 * translates the masqueraded flows' replies, the chain does not).  The
 * number of frames it took, or 0 when none differed within frames.
 */
static uint64_t other_steps_differ(struct props_hooks *h, struct props_rng *r, uint64_t frames)
{
	unsigned int i, all = 0, no_masq = 0;
	const char *name;
	uint64_t before = props_hooks_differences(h), n;
	char err[512];

	for (i = 0; i < props_hooks_lanes(h); i++) {
		name = props_hooks_lane_name(h, i);
		if (!strcmp(name, "hook_from_uplink: masq+np_dnat+lb_rev+host_routing"))
			all = i;
		if (!strcmp(name, "hook_from_uplink: np_dnat+lb_rev+host_routing"))
			no_masq = i;
	}
	ck_assert_msg(all && no_masq, "lanes of hook_from_uplink not found");
	props_hooks_swap_program(h, no_masq, all);
	for (n = 1; n <= frames; n++) {
		ck_assert_msg(props_hooks_step(h, no_masq, r, err, sizeof(err)), "%s", err);
		if (props_hooks_differences(h) > before)
			return n;
	}
	return 0;
}

static struct props_hooks *up(uint64_t seed)
{
	const char *netns = getenv("DPLAB_PROPS_NETNS");
	struct props_hooks *h;
	char err[512];

	h = props_hooks_up(!netns || strcmp(netns, "0"), err, sizeof(err));
	ck_assert_msg(h, "%s", err);
	props_hooks_set_seed(h, seed);
	return h;
}

/* Frames through lanes drawn at random (first..n-1) until secs or frames each. */
static uint64_t run(struct props_hooks *h, struct props_rng *r, unsigned int first,
		    unsigned int n, double secs, uint64_t frames, uint64_t seed)
{
	double end = props_now_s() + secs;
	uint64_t sent = 0;
	char err[512];

	while (sent < frames * (n - first) && props_now_s() < end) {
		ck_assert_msg(props_hooks_step(h, first + props_pick(r, n - first), r, err,
					       sizeof(err)), "seed %llu: %s",
			      (unsigned long long)seed, err);
		sent++;
	}
	return sent;
}

START_TEST(test_hooks_do_what_chains_do)
{
	double secs = props_env_num("DPLAB_HOOKS_SECONDS", DEFAULT_SECONDS);
	uint64_t frames = (uint64_t)props_env_num("DPLAB_HOOKS_FRAMES", DEFAULT_FRAMES);
	uint64_t seed = props_pick_seed(), sent, diff, viol, swapped;
	static char table[16384], props[8192];
	struct props_hooks *h;
	struct props_rng r;
	double start;

	need_root();
	start = props_now_s();
	h = up(seed);
	props_rng_seed(&r, seed);
	printf("datapath_hooks: %u lanes loaded in %.1f s\n", props_hooks_lanes(h),
	       props_now_s() - start);
	start = props_now_s();
	sent = run(h, &r, 0, props_hooks_lanes(h), secs, frames, seed);
	props_hooks_check_totals(h);
	props_hooks_report(h, table, sizeof(table));
	props_report(props_hooks_world_a(h), props, sizeof(props));
	printf("datapath_hooks: seed %llu, %llu frames in %.1f s\n%s"
	       "world A's programs, judged by the invariants:\n%s",
	       (unsigned long long)seed, (unsigned long long)sent, props_now_s() - start, table, props);
	diff = props_hooks_differences(h);
	viol = props_violations(props_hooks_world_a(h));
	if (diff)
		props_hooks_report_samples(h, stdout);
	/* Shown, not asserted: the chains see traffic datapath_props does not
	 * send their programs (another feature's), so what they break is
	 * datapath_props' to judge once its traffic has it; here the question
	 * is whether a hook program does what its chain does. */
	if (viol)
		props_report_samples(props_hooks_world_a(h), stdout);
	swapped = other_steps_differ(h, &r, 20000);
	printf("datapath_hooks: a lane given another combination's program differed after "
	       "%llu frames\n", (unsigned long long)swapped);
	props_hooks_down(h);
	ck_assert_msg(swapped, "the harness took the program with masquerade for the chain "
		      "without in 20000 frames (seed %llu)", (unsigned long long)seed);
	ck_assert_msg(!diff, "%llu frames or counters differ between the hook programs and "
		      "their chains (DPLAB_PROPS_SEED=%llu; frames printed above)",
		      (unsigned long long)diff, (unsigned long long)seed);
}
END_TEST

/* The chains compared are the loader's: hooks.bpf.c's order, hook_steps.c's. */
START_TEST(test_chains_are_the_plans)
{
	unsigned int i, n, steps[4];
	const char *prog;

	for (i = 0; (n = props_hooks_chain(i, &prog, steps)); i++)
		ck_assert_msg(hook_steps_in_order(prog, steps, (int)n),
			      "%s: the chain tested is not hook_steps.c's", prog);
	ck_assert_uint_eq(i, 5);
}
END_TEST

static Suite *datapath_hooks_suite(void)
{
	Suite *s = suite_create("datapath_hooks");
	TCase *tc = tcase_create("hooks");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_chains_are_the_plans);
	tcase_add_test(tc, test_hooks_do_what_chains_do);
	suite_add_tcase(s, tc);
	return s;
}
TEST_SUITE(datapath_hooks_suite)
