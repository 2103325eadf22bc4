/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * For the report tests (tests/run/test_run_report.c): the hand-written
 * schema-2 results document, a B side derived from it for compare, and a
 * scratch directory per test under one root the runner process makes and
 * removes (an unchecked fixture), so a failed test leaves nothing behind.
 */
#ifndef DPLAB_TESTS_REPORT_FIXTURE_H
#define DPLAB_TESTS_REPORT_FIXTURE_H

#include <jansson.h>

#define REPORT_FIXTURE "tests/data/run-results.json"

extern char report_dir[96];		/* the running test's directory, "" when none */

void report_root_make(void);
void report_root_remove(void);
void report_make_dir(void);
void report_remove_dir(void);

/* The fixture document (caller decrefs). */
json_t *report_fixture(void);
/* The fixture as B: another kernel, A's NDR 10% higher, the config of
 * group "config" gone, host_routing=bpf's NDR effect flipped to worse and
 * masquerade=bpf's changed from equivalent to undecided. */
json_t *report_b_document(void);
/* The effect of metric in the config named name (borrowed). */
json_t *report_effect_of(json_t *doc, const char *name, const char *metric);

/* report_make_dir() and the fixture's report written there. */
void report_write(void);
/* The whole file, NUL-terminated (caller frees). */
char *report_slurp(const char *path);
/* The text from one heading to the next (to the end when to is NULL). */
char *report_section(const char *md, const char *from, const char *to);

#endif /* DPLAB_TESTS_REPORT_FIXTURE_H */
