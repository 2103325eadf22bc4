// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The datapath's tc/XDP programs under BPF_PROG_TEST_RUN, judged by the
 * invariants of the property tests (tests/props/props.h).  Needs root (it
 * loads BPF programs); the process moves into a network namespace of its
 * own first (unshare), so routes and devices it makes go with it.
 *
 * Every input drives the frame generator (its bytes are the generator's
 * choices, then a PRNG seeded from them): one generated frame through each
 * program.  An input whose first byte is odd is also sent, from its second
 * byte on, as a raw frame through every program.  Programs keep their maps
 * from input to input, and the flow model with them.
 *
 * A violation does not stop the run (the datapath has known ones: the
 * fuzzer would stop at once); each is counted, the first of each kind
 * printed with its frames, and at exit the table of frames and violations
 * per program is printed ("fuzz_datapath: ...") and the exit status is 1
 * if any invariant was violated.  DPLAB_FUZZ_QUIET=1 leaves out the frames.
 *
 * Generated-frame mode, without libFuzzer's input:
 *   DPLAB_FUZZ_GENERATE=N [DPLAB_PROPS_SEED=S] fuzz_datapath
 * sends N seeded generated frames through each program, prints the table
 * with the time taken, and exits (1 on a violation).  DPLAB_PROPS_NETNS=0
 * stays in the caller's namespace and makes none: host routing's and the
 * overlay's FIB lookups then all miss (no device is given).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "props/props.h"

static struct props_env env;
static bool env_ready;
static FILE *out;	/* stderr as it was: libFuzzer's -close_fd_mask closes fd 2 */

static void report(const char *how)
{
	static char table[8192];
	uint64_t bad = props_violations(&env);

	props_report(&env, table, sizeof(table));
	fprintf(out, "fuzz_datapath: frames per program and violations per invariant%s:\n%s",
		how, table);
	if (bad && !getenv("DPLAB_FUZZ_QUIET"))
		props_report_samples(&env, out);
	fprintf(out, "fuzz_datapath: %llu violations\n", (unsigned long long)bad);
	fflush(out);
}

/* After libFuzzer's own exit: the table, and a failing status on violations. */
static void at_exit(void)
{
	if (!env_ready)
		return;
	report("");
	if (props_violations(&env)) {
		fprintf(out, "ERROR: fuzz_datapath: datapath invariants violated (table above)\n");
		fflush(out);
		_exit(1);
	}
}

static void generate(uint64_t frames)
{
	const char *s = getenv("DPLAB_PROPS_SEED");
	uint64_t seed = s && s[0] ? strtoull(s, NULL, 0) : (uint64_t)time(NULL);
	struct props_rng r;
	char err[512], how[128];
	double start = props_now_s();
	uint64_t n;
	unsigned int i;

	env.seed = seed;
	props_rng_seed(&r, seed);
	for (n = 0; n < frames; n++)
		for (i = 0; i < env.n_prog; i++)
			if (!props_step(&env, i, &r, err, sizeof(err))) {
				fprintf(stderr, "fuzz_datapath: %s\n", err);
				exit(2);
			}
	snprintf(how, sizeof(how), " (generated, seed %llu, %.1f s)",
		 (unsigned long long)seed, props_now_s() - start);
	env_ready = false;		/* reported here, not at exit */
	report(how);
	exit(props_violations(&env) ? 1 : 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *gen = getenv("DPLAB_FUZZ_GENERATE");
	char err[512];

	const char *netns = getenv("DPLAB_PROPS_NETNS");
	int fd = dup(2);

	/* Runs before libFuzzer closes fd 2; the report at exit goes here. */
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out)
		out = stderr;
	if (props_env_up(&env, !netns || strcmp(netns, "0"), err, sizeof(err))) {
		fprintf(stderr, "fuzz_datapath: %s (needs root)\n", err);
		exit(2);
	}
	if (gen && gen[0])
		generate(strtoull(gen, NULL, 0));
	env_ready = true;
	atexit(at_exit);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct props_rng r;
	char err[512];
	unsigned int i;

	props_rng_data(&r, data, size);
	for (i = 0; i < env.n_prog; i++)
		if (!props_step(&env, i, &r, err, sizeof(err))) {
			fprintf(out, "fuzz_datapath: %s\n", err);
			abort();
		}
	if (size > 14 && data[0] & 1)
		for (i = 0; i < env.n_prog; i++)
			if (!props_run_frame(&env, i, data + 1, size - 1, "raw fuzz input",
					     err, sizeof(err))) {
				fprintf(out, "fuzz_datapath: %s\n", err);
				abort();
			}
	return 0;
}
