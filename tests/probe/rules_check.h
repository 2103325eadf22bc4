/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Assertions of the probe's rule tests (test_probe_rules*.c) on a
 * diagnosis: find a finding, show it, every failed trial explained.
 */
#ifndef DPLAB_TESTS_PROBE_RULES_CHECK_H
#define DPLAB_TESTS_PROBE_RULES_CHECK_H

#include <string.h>
#include "probe/probe.h"
#include "lib/testlib.h"

const struct probe_finding *find(const struct probe_diagnosis *d, const char *rule);
int count(const struct probe_diagnosis *d, enum probe_severity sev);
/* The diagnosis, on failure (dump) or with DPLAB_TEST_VERBOSE set (show). */
void dump(const struct probe_diagnosis *d);
void show(const struct probe_diagnosis *d);
/* Every failed trial is named by some finding, never as a lack of bpf_link. */
void all_explained(const struct probe_trials *tr, const struct probe_diagnosis *d);

/* The finding RULE must exist; returned for further checks. */
#define need(d, rule)                                                         \
	({                                                                    \
		const struct probe_finding *f_ = find(d, rule);              \
		if (!f_)                                                      \
			dump(d);                                              \
		ck_assert_msg(f_, "no %s finding", rule);                     \
		f_;                                                           \
	})
#define has(s, sub) ck_assert_msg(strstr(s, sub), "\"%s\" lacks \"%s\"", s, sub)
#define lacks(s, sub) ck_assert_msg(!strstr(s, sub), "\"%s\" has \"%s\"", s, sub)

#endif /* DPLAB_TESTS_PROBE_RULES_CHECK_H */
