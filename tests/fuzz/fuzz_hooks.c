// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hooks.bpf.c's programs against the chains they replace (props.h, "hook
 * programs"; the Check suite datapath_hooks runs the same for a few
 * seconds).  Needs root; the process moves into a namespace of its own.
 *
 * Every input drives the frame generator (its bytes, then a PRNG seeded
 * from them): one generated frame through every lane.  An input whose
 * first byte is odd is also sent, from its second byte on, as a raw frame
 * through every lane.  The worlds keep their maps from input to input.
 * A difference does not stop the run; at exit the table of lanes is
 * printed ("fuzz_hooks: ...") with the first differences and their frames,
 * and the exit status is 1 if any frame or counter differed.
 *
 *   DPLAB_FUZZ_GENERATE=N [DPLAB_PROPS_SEED=S] fuzz_hooks
 * sends N seeded frames through every lane, prints the table, and exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "props/props.h"

static struct props_hooks *hooks;
static FILE *out;	/* stderr as it was: libFuzzer's -close_fd_mask closes fd 2 */

static void report(const char *how)
{
	static char table[16384];
	uint64_t diff;

	props_hooks_check_totals(hooks);
	diff = props_hooks_differences(hooks);
	props_hooks_report(hooks, table, sizeof(table));
	fprintf(out, "fuzz_hooks: frames per lane, hook programs against their chains%s:\n%s",
		how, table);
	props_hooks_report_samples(hooks, out);
	fprintf(out, "fuzz_hooks: %llu differences\n", (unsigned long long)diff);
	fflush(out);
}

static void at_exit(void)
{
	if (!hooks)
		return;
	report("");
	if (props_hooks_differences(hooks)) {
		fprintf(out, "ERROR: fuzz_hooks: hook programs differ from their chains "
			"(table above)\n");
		fflush(out);
		_exit(1);
	}
}

static void step_all(struct props_rng *r)
{
	unsigned int i;
	char err[512];

	for (i = 0; i < props_hooks_lanes(hooks); i++)
		if (!props_hooks_step(hooks, i, r, err, sizeof(err))) {
			fprintf(out, "fuzz_hooks: %s\n", err);
			abort();
		}
}

static void generate(uint64_t frames)
{
	const char *s = getenv("DPLAB_PROPS_SEED");
	uint64_t seed = s && s[0] ? strtoull(s, NULL, 0) : (uint64_t)time(NULL), n;
	struct props_rng r;
	char how[64];

	props_hooks_set_seed(hooks, seed);
	props_rng_seed(&r, seed);
	for (n = 0; n < frames; n++)
		step_all(&r);
	snprintf(how, sizeof(how), " (generated, seed %llu)", (unsigned long long)seed);
	report(how);
	exit(props_hooks_differences(hooks) ? 1 : 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *gen = getenv("DPLAB_FUZZ_GENERATE"), *netns = getenv("DPLAB_PROPS_NETNS");
	char err[512];
	int fd = dup(2);

	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out)
		out = stderr;
	hooks = props_hooks_up(!netns || strcmp(netns, "0"), err, sizeof(err));
	if (!hooks) {
		fprintf(stderr, "fuzz_hooks: %s (needs root)\n", err);
		exit(2);
	}
	if (gen && gen[0])
		generate(strtoull(gen, NULL, 0));
	atexit(at_exit);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct props_rng r;
	unsigned int i;
	char err[512];

	props_rng_data(&r, data, size);
	step_all(&r);
	if (size > 14 && data[0] & 1)
		for (i = 0; i < props_hooks_lanes(hooks); i++)
			if (!props_hooks_run_frame(hooks, i, data + 1, size - 1, "raw fuzz input",
						   err, sizeof(err))) {
				fprintf(out, "fuzz_hooks: %s\n", err);
				abort();
			}
	return 0;
}
