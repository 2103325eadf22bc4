// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzz targets inside `make check` (suite fuzz): each libFuzzer binary
 * of build-fuzz/ runs for DPLAB_FUZZ_SECONDS over its committed seeds
 * (tests/fuzz/run.sh) and must end without a crash, leak, timeout or UB
 * report.  `make fuzz FUZZ_SECONDS=N` runs them longer.  And every target
 * built is one of this table, so a new one cannot be left out of the check.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/testlib.h"
#include "lib/testns.h"

static const char *const targets[] = {
	"datapath", "fleet", "hooks", "knob", "pcap", "pktgen_opts", "plan", "probe_nl", "profile",
	"state", "topo",
};
#define N_TARGETS (int)(sizeof(targets) / sizeof(targets[0]))

/* The build directory and the runner, or NULL (after marking the test skipped). */
static const char *fuzz_dir(const char *test)
{
	const char *dir = getenv("DPLAB_FUZZ_DIR");

	if (!dir || !getenv("DPLAB_FUZZ_RUN"))
		test_mark_skipped(test, "DPLAB_FUZZ_DIR and DPLAB_FUZZ_RUN unset (make check sets "
				  "them after building the fuzz targets)");
	return dir && getenv("DPLAB_FUZZ_RUN") ? dir : NULL;
}

START_TEST(test_target_clean)
{
	const char *dir = fuzz_dir("fuzz"), *secs = getenv("DPLAB_FUZZ_SECONDS");
	char out[4096];
	int rc;

	if (!dir)
		return;
	/* Its own corpus, logs and artifacts: a `make fuzz` may run beside it. */
	rc = sh_out(out, sizeof(out), 1, "FUZZ_OUT=%s/check %s %s %s fuzz_%s", dir,
		    getenv("DPLAB_FUZZ_RUN"), dir, secs ? secs : "3", targets[_i]);
	ck_assert_msg(rc == 0, "fuzz_%s:\n%s", targets[_i], out);
	printf("%s", out);
}
END_TEST

START_TEST(test_every_target_checked)
{
	const char *dir = fuzz_dir("fuzz");
	char path[4096];
	struct dirent *d;
	int i, n = 0;
	DIR *fd;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/fuzz", dir);
	fd = opendir(path);
	ck_assert_msg(fd, "%s: no fuzz targets built", path);
	while ((d = readdir(fd))) {
		if (strncmp(d->d_name, "fuzz_", 5))
			continue;
		for (i = 0; i < N_TARGETS && strcmp(d->d_name + 5, targets[i]); i++)
			;
		ck_assert_msg(i < N_TARGETS, "%s is built but not in check_fuzz.c's table",
			      d->d_name);
		n++;
	}
	closedir(fd);
	ck_assert_int_eq(n, N_TARGETS);
}
END_TEST

static Suite *fuzz_suite(void)
{
	Suite *s = suite_create("fuzz");
	TCase *tc = tcase_create("targets");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_target_checked);
	tcase_add_loop_test(tc, test_target_clean, 0, N_TARGETS);
	suite_add_tcase(s, tc);
	return s;
}
TEST_SUITE(fuzz_suite)
