// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The counter list of include/dplab/counters.h: one X-macro makes both the
 * enum and the names, so every counter has a name, names are unique, and
 * they are what `dplab status` prints (lower-case enum suffixes).
 */
#include <ctype.h>
#include <string.h>
#include <linux/types.h>

#include "dplab/counters.h"
#include "lib/testlib.h"

START_TEST(test_every_counter_named_once)
{
	static const char *const names[DPLAB_CNT_MAX] = DPLAB_COUNTER_NAMES;
	int i, j;

	for (i = 0; i < DPLAB_CNT_MAX; i++) {
		ck_assert_msg(names[i] && names[i][0], "counter %d has no name", i);
		for (j = 0; names[i][j]; j++)
			ck_assert_msg(islower((unsigned char)names[i][j]) ||
				      isdigit((unsigned char)names[i][j]) || names[i][j] == '_',
				      "counter name '%s' is not lower_case", names[i]);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(names[i], names[j]),
				      "counters %d and %d share the name '%s'", j, i, names[i]);
	}
}
END_TEST

START_TEST(test_names_follow_enum)
{
	static const char *const names[DPLAB_CNT_MAX] = DPLAB_COUNTER_NAMES;

	/* Spot checks at both ends and in the middle of the list. */
	ck_assert_str_eq(names[DPLAB_CNT_PASS], "pass");
	ck_assert_str_eq(names[DPLAB_CNT_REV_NAT], "rev_nat");
	ck_assert_str_eq(names[DPLAB_CNT_DROP_NAT_NO_PORT], "drop_nat_no_port");
	ck_assert_str_eq(names[DPLAB_CNT_DROP_DELIBERATE], "drop_deliberate");
	ck_assert_int_eq(DPLAB_CNT_DROP_DELIBERATE, DPLAB_CNT_MAX - 1);
}
END_TEST

static Suite *counters_suite(void)
{
	Suite *s = suite_create("counters");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_every_counter_named_once);
	tcase_add_test(tc, test_names_follow_enum);
	suite_add_tcase(s, tc);
	return s;
}
TEST_SUITE(counters_suite)
