// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The test runner's verdict (tests/lib/main.c): a run that tested nothing
 * must not pass.  Each test runs this same runner binary on a small suite
 * and checks its exit status and message:
 *   - as an unprivileged user every test of a root-only suite skips: no test
 *     passed, exit 1;
 *   - as root with the environment check made to fail
 *     (DPLAB_TEST_SIMULATE_MISSING), more than --max-skip percent skip on a
 *     machine that has what they need: exit 1; with --max-skip 100: exit 0;
 *   - a suite with nothing to skip: exit 0.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "lib/testlib.h"

/* Run "ENV... runner ARGS" through sh; stderr into err; the exit status. */
static int run_runner(const char *env, const char *args, char *err, size_t len)
{
	char self[PATH_MAX], cmd[PATH_MAX + 512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t got;
	FILE *p;
	int st;

	ck_assert_msg(n > 0, "readlink /proc/self/exe");
	self[n] = '\0';
	ck_assert(snprintf(cmd, sizeof(cmd), "env %s '%s' %s 2>&1 >/dev/null", env, self, args) <
		  (int)sizeof(cmd));
	p = popen(cmd, "r");
	ck_assert_msg(p, "popen %s", cmd);
	got = fread(err, 1, len - 1, p);
	err[got] = '\0';
	st = pclose(p);
	ck_assert_msg(WIFEXITED(st), "runner did not exit: %s", cmd);
	return WEXITSTATUS(st);
}

START_TEST(test_all_skipped_fails)
{
	char err[4096];
	int rc;

	need_root();
	if (system("command -v setpriv >/dev/null 2>&1"))
		test_skip("setpriv (util-linux) is missing: cannot drop root");
	rc = run_runner("CK_RUN_SUITE=xdp_lb setpriv --reuid=65534 --regid=65534 --clear-groups",
			"", err, sizeof(err));
	ck_assert_msg(rc == EXIT_FAILURE, "every test skipped, yet exit %d: %s", rc, err);
	ck_assert_msg(strstr(err, "no test passed"), "message: %s", err);
	ck_assert_msg(strstr(err, "needs root"), "the reason is not named: %s", err);
}
END_TEST

START_TEST(test_skip_share_fails_where_nothing_is_missing)
{
	char err[4096];
	int rc;

	need_root();
	/* "harness" mixes tests that need root with tests that do not. */
	rc = run_runner("CK_RUN_SUITE=harness DPLAB_TEST_SIMULATE_MISSING=simulated", "",
			err, sizeof(err));
	ck_assert_msg(rc == EXIT_FAILURE, "skips on a capable machine, yet exit %d: %s", rc, err);
	ck_assert_msg(strstr(err, "skipped (more than 5%)"), "message: %s", err);

	rc = run_runner("CK_RUN_SUITE=harness DPLAB_TEST_SIMULATE_MISSING=simulated",
			"--max-skip 100", err, sizeof(err));
	ck_assert_msg(rc == EXIT_SUCCESS, "--max-skip 100 still failed (%d): %s", rc, err);
}
END_TEST

START_TEST(test_clean_run_passes)
{
	char err[4096];
	int rc;

	rc = run_runner("CK_RUN_SUITE=counters", "", err, sizeof(err));
	ck_assert_msg(rc == EXIT_SUCCESS, "a clean run exited %d: %s", rc, err);
	rc = run_runner("CK_RUN_SUITE=counters", "--max-skip 101", err, sizeof(err));
	ck_assert_msg(rc == 2 && strstr(err, "--max-skip '101'"), "bad --max-skip: %d %s", rc, err);
}
END_TEST

static Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *tc = tcase_create("verdict");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_all_skipped_fails);
	tcase_add_test(tc, test_skip_share_fails_where_nothing_is_missing);
	tcase_add_test(tc, test_clean_run_passes);
	suite_add_tcase(s, tc);
	return s;
}
TEST_SUITE(runner_suite)
