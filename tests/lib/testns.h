/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Throwaway network namespaces and shell helpers for integration tests. */
#ifndef DPLAB_TESTS_TESTNS_H
#define DPLAB_TESTS_TESTNS_H

#include <stddef.h>

#define TESTNS_NAME 32

/* Create a uniquely named namespace "dplabt<runner pid>-<n>"; 0 or -1. */
int testns_create(char name[TESTNS_NAME]);
/* Delete it (idempotent). */
void testns_delete(const char *name);
/* Delete every namespace this runner made that is still there. */
void testns_remove_leftovers(void);
/*
 * Enter, for the rest of the running test, namespace name that a suite's
 * unchecked fixture made; err is why making it failed ("" when it did
 * not), and fails the test.
 */
void testns_enter_made(const char *name, const char *err);

/* Run a shell command (printf format); its exit status, -1 if not run. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run it and capture stdout (and stderr when merge_stderr) into buf. */
int sh_out(char *buf, size_t len, int merge_stderr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* DPLAB_TESTS_TESTNS_H */
