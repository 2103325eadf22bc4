// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Rows of the report measured with a change their knob implies (suite
 * run_report_implied): results.json's "also" (the runner's
 * A+xdp_lb=native+veth_napi=on, E+service_lb=iptables+host_routing=legacy)
 * in the row's label, and the line under the table that says how to read
 * such a row beside the implied change's own row.  From the hand-written
 * fixture tests/data/run-results.json, edited here; no root needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "run/run_report.h"
#include "lib/testlib.h"
#include "lib/report_fixture.h"

static json_t *config_named(json_t *doc, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "configs"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")) ?: "", name))
			return c;
	ck_abort_msg("the fixture has no config %s", name);
	return NULL;
}

static char *impact_of(json_t *doc, const char *from, const char *to)
{
	char err[512] = "", path[128], *md, *sec;

	report_make_dir();
	ck_assert_msg(!run_report_write(doc, report_dir, err, sizeof(err)), "%s", err);
	snprintf(path, sizeof(path), "%s/report.md", report_dir);
	md = report_slurp(path);
	sec = report_section(md, from, to);
	free(md);
	report_remove_dir();
	return sec;
}

/*
 * A row whose knob implies another change (results.json "also", as the
 * runner writes for xdp_lb=native from A: veth_napi=on) names it in its
 * label, and the table says how to read it: with the implied change's own
 * row against the same baseline, their difference is the knob's own
 * effect; without one, that no row measures it alone.
 */
START_TEST(test_implied_change_rows)
{
	json_t *doc = report_fixture(), *lb, *napi;
	char *on, *off;

	lb = config_named(doc, "A+xdp_lb=native");
	json_object_set_new(lb, "also", json_string("veth_napi=on"));
	json_object_set_new(config_named(doc, "E+service_lb=iptables"), "also",
			    json_string("host_routing=legacy"));
	on = impact_of(doc, "### Switched on from A", "### Switched off from E");
	ck_assert_msg(strstr(on, "\n| xdp_lb → native (with veth_napi=on) |"), "%s", on);
	ck_assert_msg(strstr(on, "\n**xdp_lb → native (with veth_napi=on)** holds both changes, "
			     "and no row here measures veth_napi=on alone.\n"), "%s", on);
	free(on);
	off = impact_of(doc, "### Switched off from E", "### Scenarios against A");
	ck_assert_msg(strstr(off, "\n| service_lb → iptables (with host_routing=legacy) | "
			      "−6.4% [−9.0, −3.8] worse |"), "%s", off);
	ck_assert_msg(strstr(off, "\n**service_lb → iptables (with host_routing=legacy)** holds "
			      "both changes; **host_routing → legacy** is host_routing=legacy "
			      "alone against the same baseline, so the difference of the two rows "
			      "is service_lb's own effect"), "%s", off);
	free(off);

	/* veth_napi=on alone, against A: the xdp_lb row is read against it. */
	napi = json_deep_copy(config_named(doc, "A+masquerade=bpf"));
	json_object_set_new(napi, "name", json_string("A+veth_napi=on"));
	json_object_set_new(napi, "knob", json_string("veth_napi"));
	json_object_set_new(napi, "value", json_string("on"));
	json_array_append_new(json_object_get(doc, "configs"), napi);
	json_array_append_new(json_object_get(doc, "knobs"), json_string("veth_napi"));
	on = impact_of(doc, "### Switched on from A", "### Switched off from E");
	ck_assert_msg(strstr(on, "\n| veth_napi → on | ≈ +0.2% [−1.2, +1.7] |"), "%s", on);
	ck_assert_msg(strstr(on, "\n**xdp_lb → native (with veth_napi=on)** holds both changes; "
			     "**veth_napi → on** is veth_napi=on alone against the same baseline, "
			     "so the difference of the two rows is xdp_lb's own effect (read from "
			     "the two rows: no interval of its own is computed).\n"), "%s", on);
	free(on);
	json_decref(doc);
}
END_TEST

static Suite *run_report_implied_suite(void)
{
	Suite *s = suite_create("run_report_implied");
	TCase *tc = tcase_create("implied");

	tcase_add_unchecked_fixture(tc, report_root_make, report_root_remove);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_implied_change_rows);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(run_report_implied_suite)
