/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the Check suites in tests/.  One runner (tests/main.c) runs
 * every suite in fork mode and prints "N passed, N failed, N skipped".
 */
#ifndef DPLAB_TESTS_TESTLIB_H
#define DPLAB_TESTS_TESTLIB_H

#include <check.h>
#include <stdbool.h>

/* One constructor per tests/test_<thing>.c; listed in tests/main.c. */
Suite *probe_rules_suite(void);
Suite *probe_suite(void);

/*
 * Mark the running test skipped, print "SKIP <test>: <reason>" and return
 * from the test.  A skipped test is counted as skipped, not passed.
 */
#define test_skip(...)                                                        \
	do {                                                                  \
		test_mark_skipped(__func__, __VA_ARGS__);                     \
		return;                                                       \
	} while (0)
void test_mark_skipped(const char *test, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* NULL when the test may run as root with namespaces, else why not. */
const char *test_needs_root(void);

/* Path of the dplab binary under test ($DPLAB, default build/dplab). */
const char *test_dplab_path(void);

#endif /* DPLAB_TESTS_TESTLIB_H */
