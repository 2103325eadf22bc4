// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The report tests' fixture document and scratch directories (report_fixture.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/fsutil.h"
#include "run/run_report.h"
#include "lib/testlib.h"
#include "lib/report_fixture.h"

/* Each test's directory lives in root, made and removed by the runner
 * process (unchecked fixture), so a failed test leaves nothing behind. */
static char root[64];
char report_dir[96];

void report_root_make(void)
{
	snprintf(root, sizeof(root), "/tmp/dplab-report-%d", getpid());
	if (mkdir(root, 0700) && errno != EEXIST)
		fprintf(stderr, "run_report: mkdir %s: %s\n", root, strerror(errno));
}

void report_root_remove(void)
{
	char failed[256];

	if (rm_tree(root, failed, sizeof(failed)))
		fprintf(stderr, "run_report: rm -r %s: %s\n", root, failed);
}

json_t *report_fixture(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(REPORT_FIXTURE, 0, &jerr);

	ck_assert_msg(doc, "%s: %s (line %d)", REPORT_FIXTURE, jerr.text, jerr.line);
	return doc;
}

void report_make_dir(void)
{
	snprintf(report_dir, sizeof(report_dir), "%s/t-XXXXXX", root);
	ck_assert_msg(mkdtemp(report_dir), "mkdtemp: %s", strerror(errno));
}

void report_remove_dir(void)
{
	char failed[256];

	if (report_dir[0])
		ck_assert_msg(!rm_tree(report_dir, failed, sizeof(failed)), "rm -r %s: %s", report_dir, failed);
	report_dir[0] = '\0';
}

/* The whole file, NUL-terminated (caller frees). */
char *report_slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r"), *m;
	int c;

	ck_assert_msg(f, "%s: %s", path, strerror(errno));
	m = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

void report_write(void)
{
	char err[512] = "";
	json_t *doc = report_fixture();

	report_make_dir();
	ck_assert_msg(!run_report_write(doc, report_dir, err, sizeof(err)), "run_report_write: %s", err);
	json_decref(doc);
}

/* The text between two headings (to the end when `to` is NULL). */
char *report_section(const char *md, const char *from, const char *to)
{
	const char *a = strstr(md, from), *b;

	ck_assert_msg(a, "report.md has no \"%s\"", from);
	b = to ? strstr(a, to) : a + strlen(a);
	ck_assert_msg(b, "report.md has no \"%s\" after \"%s\"", to, from);
	return strndup(a, b - a);
}

/* The effect of metric in the config named name. */
json_t *report_effect_of(json_t *doc, const char *name, const char *metric)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "configs"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return json_object_get(json_object_get(c, "effect"), metric);
	ck_abort_msg("the fixture has no config %s", name);
	return NULL;
}

/* The fixture as B: another kernel, A's NDR 10% higher, the config of
 * group "config" gone, host_routing=bpf's NDR effect flipped to worse and
 * masquerade=bpf's changed from equivalent to undecided. */
json_t *report_b_document(void)
{
	json_t *doc = report_fixture(), *cfgs = json_object_get(doc, "configs"), *res, *e;
	size_t i;

	json_object_set_new(json_object_get(doc, "machine"), "kernel", json_string("6.19.1"));
	res = json_object_get(json_object_get(json_array_get(cfgs, 0), "results"), "udp_ndr_pps");
	json_object_set_new(res, "median", json_integer(440000));
	json_object_set_new(res, "min", json_integer(438000));
	json_object_set_new(res, "max", json_integer(442000));
	for (i = json_array_size(cfgs); i-- > 0;)
		if (!strcmp(json_string_value(json_object_get(json_array_get(cfgs, i), "group")),
			    "config"))
			json_array_remove(cfgs, i);
	e = report_effect_of(doc, "A+host_routing=bpf", "udp_ndr_pps");
	json_object_set_new(e, "percent", json_real(-5.0));
	json_object_set_new(e, "better", json_false());
	e = report_effect_of(doc, "A+masquerade=bpf", "udp_ndr_pps");
	json_object_set_new(e, "verdict", json_string("undecided"));
	return doc;
}

