// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Plan files of `dplab run --plan` (run_plan_parse, with the expansion
 * into configurations).  Seeds: the built-in plans, docs/run-plan.md's
 * examples and the malformed ones of the run_plan suite.
 */
#include "run/run_plan.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run_plan p;
	char err[512], *text = fuzz_text(data, size);

	if (!run_plan_parse(text, "fuzz.plan", &p, err, sizeof(err)))
		run_plan_free(&p);
	free(text);
	return 0;
}
