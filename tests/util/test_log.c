// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/util/log.c: what libbpf says reaches stderr whole.  A verifier
 * log is one libbpf message of many kilobytes with its reason at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "util/log.h"
#include "lib/testlib.h"

static int call_print(libbpf_print_fn_t fn, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fn(LIBBPF_WARN, fmt, ap);
	va_end(ap);
	return rc;
}

START_TEST(test_libbpf_message_whole)
{
	char path[] = "/tmp/dplab-test-log.XXXXXX", *msg, *out;
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	size_t len = 16384, n;
	libbpf_print_fn_t fn;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	msg = malloc(len + 1);
	out = calloc(1, 2 * len);
	memset(msg, 'v', len);
	memcpy(msg + len - 24, "R1 invalid mem access\n", 23);
	msg[len] = '\0';
	log_init();
	fn = libbpf_set_print(NULL);	/* the printer log_init() set */
	libbpf_set_print(fn);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	call_print(fn, "-- BEGIN PROG LOAD LOG --\n%s-- END PROG LOAD LOG --\n", msg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	f = fopen(path, "r");
	n = fread(out, 1, 2 * len - 1, f);
	fclose(f);
	close(fd);
	unlink(path);
	ck_assert_msg(n > len, "%zu bytes of a %zu-byte message reached stderr", n, len);
	ck_assert_ptr_nonnull(strstr(out, "R1 invalid mem access\n-- END PROG LOAD LOG --"));
	free(msg);
	free(out);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("libbpf");

	tcase_add_test(tc, test_libbpf_message_whole);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(log_suite)
