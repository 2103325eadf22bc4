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
#include "lib/probe_fixture.h"

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

/* ------------------------------------------------------------ Markdown, CSV */

#define NATIVE_FAILS "native XDP fails (see findings); generic XDP works (bpf_link and " \
	"netlink); tc works (tcx and legacy)"
#define CSV_COLUMNS 23

/* Unescaped '|' in a Markdown line. */
static int pipes(const char *line, const char *end)
{
	int n = 0;

	for (; line < end; line++)
		n += *line == '|' && (line == out || line[-1] != '\\');
	return n;
}

START_TEST(markdown)
{
	const char *p, *end;
	int rc, rows = 0;

	need_dplab();
	rc = sh_out(out, sizeof(out), 0, "%s fleet-report %s", test_dplab_path(), FLEET_FIXTURE_DIR);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(!strncmp(out, "# dplab fleet report\n\n13 rows (one per node × interface) "
			       "from 12 nodes in 9 groups", 80), "%.200s", out);
	p = strstr(out, "## Groups\n\n| instance type | kernel | driver | firmware | nodes | "
		     "XDP native, bpf_link | XDP native, netlink | XDP generic | tcx | tc legacy | "
		     "likely (inferred, not tried) | verdict | flagged |\n|---|");
	ck_assert_ptr_nonnull(p);
	/* Nine group rows of thirteen cells under the header and its rule. */
	p = strchr(strstr(p, "|---|"), '\n') + 1;
	for (; !strncmp(p, "| ", 2); p = end + 1, rows++) {
		end = strchr(p, '\n');
		ck_assert_int_eq(pipes(p, end), 14);
	}
	ck_assert_int_eq(rows, 9);
	ck_assert_ptr_nonnull(strstr(out, "\n| m6i.xlarge | 6.12.37-61.105.amzn2023.x86_64 | ena "
		"| - | 3 | 1/3 ok, 2 failed | 1/3 ok, 2 failed | 3/3 ok | 3/3 ok | 3/3 ok | - | "
		NATIVE_FAILS " (2 of 3) | ip-10-0-1-13.ec2.internal |\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n| c6in.2xlarge | 5.10.238-231.953.amzn2.x86_64 | ena "
		"| - | 1 | not tried (read-only) | not tried (read-only) | not tried (read-only) | "
		"not tried (read-only) | not tried (read-only) | inferred for 1 not tried: native "
		"XDP no, XDP bpf_link yes, tcx no | not tested (--read-only); facts show a blocker: "
		"ena-mtu, ena-channels; warnings: tcx-unsupported | - |\n"));
	ck_assert_ptr_nonnull(strstr(out, "| 0/1 ok, 1 skipped; 1 not tried (read-only) |"));
	ck_assert_ptr_nonnull(strstr(out, " (1 of 2; no majority) | gke-pool-1-a, gke-pool-1-b |"));
	p = strstr(out, "### m6i.xlarge · 6.12.37-61.105.amzn2023.x86_64 · ena · firmware -\n\n"
		     "| failure | nodes | fix |\n|---|---:|---|\n| trial xdp_native_link, "
		     "xdp_native_netlink: EINVAL, \"ena: Failed to set xdp program, the current MTU");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, "(explained by ena-mtu) | 2 | ip link set dev eth0 mtu 3498"));
	ck_assert_ptr_nonnull(strstr(p, "\n- **ip-10-0-1-13.ec2.internal** disagrees with its "
		"group: verdict differs from the group's: native XDP works (bpf_link and netlink); "
		"tc works (tcx and legacy)\n"));
	ck_assert_ptr_nonnull(strstr(out, "firmware 4.40 0x8001c967 1.3534.0\n\nNo failure.\n"));
	ck_assert_ptr_null(strstr(out, "## Skipped input"));
}
END_TEST

/* One RFC 4180 record from *p (advanced past it): its fields, how many. */
static int csv_record(const char **p, char fields[][1024], int max)
{
	const char *s = *p;
	int n = 0;

	while (*s && n < max) {
		size_t len = 0;

		if (*s == '"') {
			for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
				if (*s == '"')
					s++;	/* a doubled quote */
				if (len < 1023)
					fields[n][len++] = *s;
			}
			s += *s == '"';
		} else {
			while (*s && *s != ',' && *s != '\n')
				if (len < 1023)
					fields[n][len++] = *s++;
		}
		fields[n++][len] = '\0';
		if (*s != ',')
			break;
		s++;
	}
	ck_assert_msg(*s == '\n', "record %d fields, then '%c'", n, *s ? *s : '0');
	*p = s + 1;
	return n;
}

START_TEST(csv)
{
	static char f[CSV_COLUMNS + 2][1024];
	const char *p = out;
	int rc, rec = 0, m6i = 0;

	need_dplab();
	rc = sh_out(out, sizeof(out), 0, "%s fleet-report --format csv %s", test_dplab_path(),
		    FLEET_FIXTURE_DIR);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(csv_record(&p, f, CSV_COLUMNS + 2), CSV_COLUMNS);
	ck_assert_str_eq(f[0], "instance_type");
	ck_assert_str_eq(f[6], "xdp_native_link_ok");
	ck_assert_str_eq(f[16], "likely_xdp_native");
	ck_assert_str_eq(f[22], "flagged");
	for (; *p; rec++) {
		ck_assert_int_eq(csv_record(&p, f, CSV_COLUMNS + 2), CSV_COLUMNS);
		if (strcmp(f[0], "m6i.xlarge"))
			continue;
		m6i++;
		ck_assert_str_eq(f[4], "3");
		ck_assert_str_eq(f[5], "0");
		ck_assert_str_eq(f[6], "1");
		ck_assert_str_eq(f[7], "3");
		ck_assert_str_eq(f[12], "3");
		ck_assert_str_eq(f[19], NATIVE_FAILS);
		ck_assert_str_eq(f[20], "2");
		ck_assert_str_eq(f[21], "EINVAL \"" ENA_MTU_MSG "\": 2; EINVAL: 2; ena-mtu (block): 2");
		ck_assert_str_eq(f[22], "ip-10-0-1-13.ec2.internal");
	}
	ck_assert_int_eq(rec, 9);
	ck_assert_int_eq(m6i, 1);
	/* quotes doubled inside a quoted field */
	ck_assert_ptr_nonnull(strstr(out, ",\"EINVAL \"\"ena: Failed to set xdp program, "));
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

	tc = tcase_create("views");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, markdown);
	tcase_add_test(tc, csv);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(fleet_cli_suite)
