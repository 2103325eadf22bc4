// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The state files `down` (and `set`, `status`) read back from
 * /run/dplab/NAME/: the first byte picks which, the rest is the file -
 *   0: knobs         (knobs_load)
 *   1: attachments   (attach_load: what gets detached)
 *   2: allowed_congestion_control (stack_read_saved_cc: what is written
 *      back to a host sysctl).
 * The topology copy is fuzz_topo's.  Seeds: files saved by a real `up`.
 */
#include "attach/attach.h"
#include "cluster/hook_plan.h"
#include "cluster/knobs.h"
#include "cluster/stack.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct attachment a[HOOK_PLAN_MAX];
	char err[512], cc[256];
	struct knobs k;
	const char *path;

	if (!size)
		return 0;
	path = fuzz_file(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0: knobs_load(&k, path, err, sizeof(err)); break;
	case 1: attach_load(path, a, HOOK_PLAN_MAX); break;
	default: stack_read_saved_cc(path, cc, sizeof(cc)); break;
	}
	return 0;
}
