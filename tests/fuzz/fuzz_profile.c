// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Profile files (`dplab up --profile FILE`: knobs_profile's file branch,
 * lines of KNOB=VALUE and comments).  Seeds: the presets written out as
 * files, and malformed ones.
 */
#include "cluster/knobs.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct knobs k;

	/* A path is never a preset name ("A".."E"), so this is the file branch. */
	knobs_profile(fuzz_file(data, size), &k, err, sizeof(err));
	return 0;
}
