/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the Check suites in tests/.  One runner (tests/lib/main.c) runs
 * every suite in fork mode and prints "N passed, N failed, N skipped".
 */
#ifndef DPLAB_TESTS_TESTLIB_H
#define DPLAB_TESTS_TESTLIB_H

#include <check.h>
#include <stdbool.h>

/*
 * Each tests/test_<thing>.c registers its suite constructor with
 * TEST_SUITE(thing_suite); the runner collects them, no list to edit.
 */
void test_register_suite(Suite *(*make)(void), const char *name);
#define TEST_SUITE(make)                                                      \
	__attribute__((constructor)) static void register_##make(void)       \
	{                                                                     \
		test_register_suite(make, #make);                             \
	}

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

/* Skip the running test (with the reason) unless test_needs_root() allows it. */
#define need_root()                                                           \
	do {                                                                  \
		const char *why_ = test_needs_root();                        \
		if (why_)                                                     \
			test_skip("%s", why_);                                \
	} while (0)

/* Path of the dplab binary under test ($DPLAB, default build/dplab). */
const char *test_dplab_path(void);

#endif /* DPLAB_TESTS_TESTLIB_H */
