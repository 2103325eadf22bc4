// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * KNOB=VALUE as given to `dplab up`/`set` (knobs_assign), then the knobs'
 * printing (what `status` and the state file write back).  Seeds: every
 * knob with each of its values, and malformed assignments.
 */
#include "cluster/knobs.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], value[64], *text = fuzz_text(data, size);
	enum knob_id changed;
	struct knobs k;
	int i;

	knobs_default(&k);
	if (!knobs_assign(&k, text, &changed, err, sizeof(err)))
		for (i = 0; i < KNOB_COUNT; i++)
			knob_value(&k, i, value, sizeof(value));
	free(text);
	return 0;
}
