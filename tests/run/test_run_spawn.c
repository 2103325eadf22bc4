// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How dplab starts its children (suite spawn, no root): util/argv.c,
 * util/runcmd.c and run/run_spawn.c.
 *
 * - A binary path with a space stays one argument: the child runs (the
 *   old command line was split at spaces and ran "/tmp/dir").
 * - A value that would not stay one word (a space, empty) or a command
 *   too long is refused, never split or cut.
 * - A child that exits 0 without printing the line it was waited for is
 *   not ready (-ENODATA), and the reason says so.
 * - What a child left running in its process group is killed when the
 *   child is reaped, and when it is stopped after its leader exited.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/argv.h"
#include "util/runcmd.h"
#include "run/run_spawn.h"
#include "lib/testlib.h"
#include "lib/testns.h"

START_TEST(test_path_with_space)
{
	char dir[] = "/tmp/dplab spawn XXXXXX", bin[128], msg[256], want[256];
	struct run_child c;
	struct argv a;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(bin, sizeof(bin), "%s/say it", dir);
	ck_assert_int_eq(sh("cp /bin/echo '%s'", bin), 0);
	argv_init(&a);
	argv_add(&a, "%s", bin);
	argv_add(&a, "two words");
	ck_assert_int_eq(a.n, 2);
	ck_assert_int_eq(run_child_run(&c, 5, NULL, &a), 0);
	ck_assert_str_eq(c.buf, "two words\n");
	run_child_free(&c);
	snprintf(want, sizeof(want), "'%s' 'two words'", bin);
	ck_assert_str_eq(argv_text(&a, msg, sizeof(msg)), want);
	sh("rm -rf '%s'", dir);
}
END_TEST

START_TEST(test_values_refused_not_split)
{
	char err[256], long_word[ARGV_STORE + 8];
	struct argv a;

	argv_init(&a);
	argv_words(&a, "link set dev %s up", "a b");
	ck_assert_int_eq(a.err, -EINVAL);
	argv_init(&a);
	argv_words(&a, "link set dev %s up", "");
	ck_assert_int_eq(a.err, -EINVAL);
	argv_init(&a);
	argv_words(&a, "link set dev %s up", "veth0");
	ck_assert_int_eq(a.err, 0);
	ck_assert_int_eq(a.n, 5);
	ck_assert_str_eq(a.v[3], "veth0");
	memset(long_word, 'x', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	argv_add(&a, "%s", long_word);
	ck_assert_int_eq(a.err, -E2BIG);
	ck_assert_int_eq(a.n, 5);	/* nothing cut in */
	ck_assert_int_eq(runcmd(err, sizeof(err), "true %s", "x y"), -EINVAL);
	ck_assert_msg(strstr(err, "holds a space"), "%s", err);
	ck_assert_int_eq(runcmd(err, sizeof(err), "true %s", "x"), 0);
}
END_TEST

START_TEST(test_exit_without_ready_line)
{
	char why[256];
	struct run_child c;
	struct argv a;
	int ret;

	argv_init(&a);
	argv_words(&a, "sh -c");
	argv_add(&a, "echo starting; exit 0");
	ck_assert_int_eq(run_child_start(&c, &a), 0);
	ret = run_child_wait(&c, "listening", 5, NULL);
	ck_assert_int_eq(ret, -ENODATA);
	ck_assert_str_eq(run_child_why(&c, ret, "listening", why, sizeof(why)),
			 "exited without printing 'listening': starting");
	run_child_free(&c);
	argv_init(&a);
	argv_words(&a, "sh -c");
	argv_add(&a, "echo listening; sleep 30");
	ck_assert_int_eq(run_child_start(&c, &a), 0);
	ck_assert_int_eq(run_child_wait(&c, "listening", 5, NULL), 0);
	run_child_kill(&c);
}
END_TEST

/* The pid the child wrote to file no longer runs: gone, or a zombie nobody reaped yet. */
static bool gone(const char *file)
{
	char line[32] = "", stat[256] = "", *state;
	FILE *f = fopen(file, "r");
	int pid;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	pid = atoi(line);
	ck_assert_int_gt(pid, 1);
	usleep(100000);
	snprintf(line, sizeof(line), "/proc/%d/stat", pid);
	f = fopen(line, "r");
	if (!f)
		return true;
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	state = strrchr(stat, ')');	/* "pid (comm) S ..." */
	return state && state[1] == ' ' && state[2] == 'Z';
}

START_TEST(test_group_killed_after_leader)
{
	char file[] = "/tmp/dplab-spawn-XXXXXX", script[256];
	struct run_child c;
	struct argv a;
	int fd = mkstemp(file);

	ck_assert_int_ge(fd, 0);
	close(fd);
	/* A grandchild that ignores SIGTERM and outlives its parent. */
	snprintf(script, sizeof(script), "(trap '' TERM; exec sleep 60) >/dev/null 2>&1 & echo $! > %s",
		 file);
	argv_init(&a);
	argv_words(&a, "sh -c");
	argv_add(&a, "%s", script);
	ck_assert_int_eq(run_child_run(&c, 5, NULL, &a), 0);
	run_child_free(&c);
	ck_assert_msg(gone(file), "the grandchild outlived its reaped parent");
	/* The same, stopped instead of reaped: the leader exits on SIGTERM first. */
	argv_init(&a);
	argv_words(&a, "sh -c");
	argv_add(&a, "%s; echo ready; sleep 60", script);
	ck_assert_int_eq(run_child_start(&c, &a), 0);
	ck_assert_int_eq(run_child_wait(&c, "ready", 5, NULL), 0);
	run_child_kill(&c);
	ck_assert_msg(gone(file), "the grandchild outlived its stopped parent");
	unlink(file);
}
END_TEST

static Suite *spawn_suite(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("children");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_path_with_space);
	tcase_add_test(tc, test_values_refused_not_split);
	tcase_add_test(tc, test_exit_without_ready_line);
	tcase_add_test(tc, test_group_killed_after_leader);
	suite_add_tcase(s, tc);
	return s;
}
TEST_SUITE(spawn_suite)
