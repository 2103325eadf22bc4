// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Suite datapath_props: generated traffic through every datapath program
 * under BPF_PROG_TEST_RUN, judged by the invariants of props.h.  Each
 * program gets DPLAB_PROPS_SECONDS (default 1.2) or DPLAB_PROPS_FRAMES
 * (default 40000) frames, whichever ends first; a translator's programs
 * take turns, so replies meet the flows their partner opened.  The seed
 * is random unless DPLAB_PROPS_SEED is set, and every failure prints it
 * (the frames it draws stay the same; the LRU maps' evictions, and so
 * the modelled flows replies are drawn from, may differ from run to run).
 * DPLAB_PROPS_LOG=FILE logs every violation, a line each.
 * The judge itself is tested on programs that break an invariant on
 * purpose, so a quiet run means the invariants held.  The test moves
 * into a network namespace of its own (props_env_up); DPLAB_PROPS_NETNS=0
 * keeps it in the runner's, where host routing's FIB lookups all miss.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "lib/harness_progs.h"
#include "lib/testlib.h"
#include "props/props.h"

#define DEFAULT_SECONDS 1.2
#define DEFAULT_FRAMES 40000

/*
 * The programs of each object (same obj) in turns, drawn at random, until
 * each has had its frames or the object its time.
 */
static void run_all(struct props_env *env, struct props_rng *r, double secs, uint64_t frames)
{
	unsigned int i, k, n, members[16];
	double end;
	char err[512];
	int obj;

	for (i = 0; i < env->n_prog; i++) {
		obj = env->prog[i].obj;
		for (k = 0; k < i && env->prog[k].obj != obj; k++)
			;
		if (k < i)
			continue;		/* its object ran already */
		for (n = 0, k = i; k < env->n_prog && n < 16; k++)
			if (env->prog[k].obj == obj)
				members[n++] = k;
		end = props_now_s() + secs * n;
		while (props_now_s() < end) {
			k = members[props_pick(r, n)];
			if (env->prog[k].frames >= frames) {
				for (k = 0; k < n && env->prog[members[k]].frames >= frames; k++)
					;
				if (k == n)
					break;
				continue;
			}
			ck_assert_msg(props_step(env, k, r, err, sizeof(err)),
				      "seed %llu: %s", (unsigned long long)env->seed, err);
		}
	}
}

START_TEST(test_generated_traffic)
{
	double secs = props_env_num("DPLAB_PROPS_SECONDS", DEFAULT_SECONDS);
	uint64_t frames = (uint64_t)props_env_num("DPLAB_PROPS_FRAMES", DEFAULT_FRAMES);
	struct props_env env;
	struct props_rng r;
	static char table[4096];
	char err[512];
	uint64_t seed = props_pick_seed(), bad;
	const char *netns;
	unsigned int i;
	double start;

	need_root();
	netns = getenv("DPLAB_PROPS_NETNS");
	ck_assert_msg(!props_env_up(&env, !netns || strcmp(netns, "0"), err, sizeof(err)),
		      "%s", err);
	env.seed = seed;
	props_rng_seed(&r, seed);
	start = props_now_s();
	run_all(&env, &r, secs, frames);
	props_report(&env, table, sizeof(table));
	printf("datapath_props: seed %llu, per program up to %.1f s or %llu frames; %.1f s\n%s",
	       (unsigned long long)seed, secs, (unsigned long long)frames, props_now_s() - start,
	       table);
	bad = props_violations(&env);
	if (bad)
		props_report_samples(&env, stdout);
	for (i = 0; i < env.n_prog; i++)
		ck_assert_msg(env.prog[i].passed > 0, "%s: no generated frame went on",
			      env.prog[i].name);
	props_env_down(&env);
	ck_assert_msg(!bad, "%llu violations of the datapath's invariants (reproduce with "
		      "DPLAB_PROPS_SEED=%llu; the frames are printed above):\n%s",
		      (unsigned long long)bad, (unsigned long long)seed, table);
}
END_TEST

void props_add_generated(TCase *tc)
{
	tcase_add_test(tc, test_generated_traffic);
}
