// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `dplab fleet-report`'s inputs and outputs: the stream forms `kubectl logs`
 * prints (documents one after another, log lines between them, --prefix on
 * every line), malformed and foreign documents named and skipped, a node
 * probed twice, bad input, and the Markdown and CSV views of the fixture
 * fleet (tests/data/fleet/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/report_fixture.h"
#include "lib/fleet_fixture.h"
#include "lib/fleet_check.h"

#define OUT_LEN (1 << 20)
#define M6I_A FLEET_FIXTURE_DIR "/ena-m6i-a.json"

static char out[OUT_LEN];

/* The groups with each member's source removed: where a document came from differs by form. */
static json_t *groups_sans_source(json_t *report)
{
	json_t *groups = json_deep_copy(json_object_get(report, "groups")), *g, *m;
	size_t i, k;

	json_array_foreach(groups, i, g)
		json_array_foreach(json_object_get(g, "members"), k, m)
			json_object_del(m, "source");
	return groups;
}

/* The fleet without the older probe (whose node is named by its place). */
static void copy_named_fleet(void)
{
	report_make_dir();
	ck_assert(!sh("cp %s/*.json %s/ && rm %s/old-probe.json", FLEET_FIXTURE_DIR, report_dir,
		      report_dir));
}

START_TEST(stream_forms)
{
	json_t *from_dir, *from_cat, *from_kubectl, *a, *b;

	need_dplab();
	copy_named_fleet();
	from_dir = fleet_run_json("%s", report_dir);
	ck_assert_int_eq(json_array_size(json_object_get(from_dir, "groups")), 8);
	/* kubectl logs without --prefix: the documents one after another. */
	from_cat = fleet_run_json_stdin("cat %s/*.json", report_dir);
	/* with --prefix, and a log line of each pod before its document */
	from_kubectl = fleet_run_json_stdin(
		"for f in %s/*.json; do n=$(basename $f .json); "
		"{ echo \"probe: $n: starting\"; cat $f; } | sed \"s|^|[pod/dplab-probe-$n/probe] |\"; "
		"done", report_dir);
	a = groups_sans_source(from_dir);
	b = groups_sans_source(from_cat);
	ck_assert_msg(json_equal(a, b), "cat of the documents groups otherwise than the files");
	json_decref(b);
	b = groups_sans_source(from_kubectl);
	ck_assert_msg(json_equal(a, b), "the kubectl --prefix stream groups otherwise");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(from_kubectl,
		"documents"), "read")), fleet_fixtures_n - 1);
	/* each pod's log line is named and skipped */
	ck_assert_int_eq(json_array_size(json_object_get(from_kubectl, "skipped")),
			 fleet_fixtures_n - 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(from_kubectl, "skipped"), 0), "source")), "stdin:1");
	ck_assert_int_eq(json_array_size(json_object_get(from_cat, "skipped")), 0);
	json_decref(a);
	json_decref(b);
	json_decref(from_dir);
	json_decref(from_cat);
	json_decref(from_kubectl);
	report_remove_dir();
}
END_TEST

START_TEST(bad_documents_skipped)
{
	char path[256];
	json_t *r, *s;
	int rc;

	need_dplab();
	report_make_dir();
	ck_assert(!sh("cp %s %s/1.json", M6I_A, report_dir));
	ck_assert(!sh("printf '{\"schema\": \"dplab.probe/1\", \"interfaces\": [\\n' > %s/2.json",
		      report_dir));
	ck_assert(!sh("echo '{\"schema\": \"dplab.fleet-report/1\", \"groups\": []}' > %s/3.json",
		      report_dir));
	/* a document cut short by a restarting pod, then the next pod's whole one */
	ck_assert(!sh("{ head -n 20 %s/ena-m6i-b.json; cat %s/mlx5-a.json; } > %s/4.json",
		      FLEET_FIXTURE_DIR, FLEET_FIXTURE_DIR, report_dir));
	snprintf(path, sizeof(path), "%s/r.json", report_dir);
	rc = sh_out(out, sizeof(out), 1, "%s fleet-report --format json --out %s %s",
		    test_dplab_path(), path, report_dir);
	ck_assert_msg(rc == 0, "exited %d: %s", rc, out);
	ck_assert_msg(strstr(out, "2.json:1 (document 1): not valid JSON: "), "%s", out);
	ck_assert_msg(strstr(out, "3.json:1 (document 1): not a dplab.probe/1 document "
			      "(schema \"dplab.fleet-report/1\"); skipped"), "%s", out);
	ck_assert_msg(strstr(out, "4.json:1 (document 1): not valid JSON: "), "%s", out);
	ck_assert_msg(!strstr(out, "4.json:21"), "the next document was not found again: %s", out);
	r = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(r);
	s = json_object_get(r, "documents");
	ck_assert_int_eq(json_integer_value(json_object_get(s, "read")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "skipped")), 3);
	ck_assert_int_eq(json_array_size(json_object_get(r, "groups")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(r, "groups"), 0), "driver")), "mlx5_core");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(json_array_get(
		json_object_get(json_array_get(json_object_get(r, "groups"), 0), "members"), 0),
		"source")), "4.json:21"));
	json_decref(r);
	report_remove_dir();
}
END_TEST

START_TEST(bad_input)
{
	int rc;

	need_dplab();
	rc = sh_out(out, sizeof(out), 1, "%s fleet-report < /dev/null", test_dplab_path());
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(out, "no dplab.probe/1 document in the input (0 skipped)"), "%s", out);
	rc = sh_out(out, sizeof(out), 1, "echo '{\"schema\": \"x\"}' | %s fleet-report -",
		    test_dplab_path());
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(out, "stdin:1 (document 1): not a dplab.probe/1 document") &&
		      strstr(out, "(1 skipped)"), "%s", out);
	rc = sh_out(out, sizeof(out), 1, "%s fleet-report %s /nonexistent/nodes.json",
		    test_dplab_path(), M6I_A);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "/nonexistent/nodes.json: No such file or directory"), "%s", out);
	rc = sh_out(out, sizeof(out), 1, "%s fleet-report --format xml %s", test_dplab_path(),
		    M6I_A);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "--format 'xml': not one of md, json, csv"), "%s", out);
	ck_assert_int_eq(sh("%s fleet-report --bogus %s >/dev/null 2>&1", test_dplab_path(),
			    M6I_A), 2);
	rc = sh_out(out, sizeof(out), 0, "%s fleet-report --help", test_dplab_path());
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(out, "Exit status: 0 report written"), "%s", out);
}
END_TEST

/*
 * --out onto a device node writes into it: a temporary file renamed over
 * it would have replaced the node (it once replaced /dev/null).  Tried on
 * a null device of the test's own, never on the machine's.
 */
START_TEST(out_to_device_node)
{
	char dev[256];

	need_dplab();
	need_root();
	report_make_dir();
	snprintf(dev, sizeof(dev), "%s/null", report_dir);
	ck_assert(!sh("mknod %s c 1 3", dev));
	ck_assert_int_eq(sh("%s fleet-report --out %s %s", test_dplab_path(), dev, M6I_A), 0);
	ck_assert_int_eq(sh("test -c %s && test ! -e %s.tmp", dev, dev), 0);
	report_remove_dir();
}
END_TEST

START_TEST(duplicate_node_last_wins)
{
	json_t *r, *d;
	int rc;

	need_dplab();
	rc = sh_out(out, sizeof(out), 0, "%s fleet-report --format csv %s %s 2>&1 >/dev/null",
		    test_dplab_path(), M6I_A, M6I_A);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(out, "warning: node ip-10-0-1-11.ec2.internal: the document at "
			      M6I_A ":1 (document 1) replaces the one at " M6I_A ":1"), "%s", out);
	r = fleet_run_json("%s %s 2>/dev/null", M6I_A, M6I_A);
	d = json_object_get(r, "documents");
	ck_assert_int_eq(json_integer_value(json_object_get(d, "read")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "nodes")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "duplicates")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "rows")), 1);
	json_decref(r);
}
END_TEST

static Suite *fleet_cli_suite(void)
{
	Suite *s = suite_create("fleet_cli");
	TCase *tc = tcase_create("inputs");

	tcase_add_unchecked_fixture(tc, report_root_make, report_root_remove);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, stream_forms);
	tcase_add_test(tc, bad_documents_skipped);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, duplicate_node_last_wins);
	tcase_add_test(tc, out_to_device_node);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(fleet_cli_suite)
