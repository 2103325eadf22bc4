// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The test runner: every Check suite, fork mode, then one summary line
 * "N passed, N failed, N skipped".  Skips are counted in a page shared with
 * the forked test processes.  Namespaces made by tests carry this runner's
 * prefix (testns.h) and any a crashed test left are removed at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>

#include "testlib.h"
#include "testns.h"

static int *skipped;

void test_mark_skipped(const char *test, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	__atomic_add_fetch(skipped, 1, __ATOMIC_SEQ_CST);
}

const char *test_needs_root(void)
{
	if (geteuid() != 0)
		return "needs root (network namespaces, BPF attach)";
	if (access("/run/netns", F_OK) && system("ip netns list >/dev/null 2>&1"))
		return "ip netns does not work here";
	return NULL;
}

const char *test_dplab_path(void)
{
	const char *p = getenv("DPLAB");

	return p && p[0] ? p : "build/dplab";
}

int main(void)
{
	SRunner *sr;
	int run, failed;

	skipped = mmap(NULL, sizeof(*skipped), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (skipped == MAP_FAILED) {
		perror("mmap");
		return EXIT_FAILURE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sr = srunner_create(probe_rules_suite());
	srunner_add_suite(sr, probe_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	testns_remove_leftovers();
	printf("%d passed, %d failed, %d skipped\n", run - failed - *skipped, failed, *skipped);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
