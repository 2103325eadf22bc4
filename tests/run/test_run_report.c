// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The report of `dplab run` (loader/run_report*.c, loader/run/svg.c) and
 * `dplab compare`, from the hand-written schema-2 results document
 * tests/data/run-results.json: scenarios A-E against A, isolate_on/isolate_off
 * configs (one unsupported, one without change, one failed) with effects of
 * every verdict (effect better/worse, equivalent, undecided, too few pairs),
 * the placebos A/A and E/E, a sweep iptables/tc/socket x 10/1000, failed
 * visits and the visits themselves.  No root needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "run/run_report.h"
#include "run/run_report_fmt.h"
#include "run/svg.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/report_fixture.h"

#define CSV_HEADER "config,group,knob,knob_value,round,baseline_visit,metric,unit,value\n"

START_TEST(test_format)
{
	char buf[64];
	struct svg_ticks t;

	rr_fmt_value(405000, "pps", buf, sizeof(buf));
	ck_assert_str_eq(buf, "405,000");
	rr_fmt_value(1234567.4, "conn/s", buf, sizeof(buf));
	ck_assert_str_eq(buf, "1,234,567");
	rr_fmt_value(999, "pps", buf, sizeof(buf));
	ck_assert_str_eq(buf, "999");
	rr_fmt_value(40.14, "µs", buf, sizeof(buf));
	ck_assert_str_eq(buf, "40.1");
	rr_fmt_value(9.414, "Gbit/s", buf, sizeof(buf));
	ck_assert_str_eq(buf, "9.41");
	rr_fmt_value(0.0312, "%", buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.031");
	rr_fmt_percent(6.58, buf, sizeof(buf));
	ck_assert_str_eq(buf, "+6.6%");
	rr_fmt_percent(-12.0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "−12.0%");
	rr_fmt_percent(-0.01, buf, sizeof(buf));
	ck_assert_str_eq(buf, "+0.0%");

	rr_fmt_signed(-1.24, buf, sizeof(buf));
	ck_assert_str_eq(buf, "−1.2");

	svg_nice_ticks(0, 486000, 6, &t);
	ck_assert(t.lo == 0 && t.hi == 500000 && t.step == 100000 && t.n == 6);
	svg_tick_label(400000, t.step, buf, sizeof(buf));
	ck_assert_str_eq(buf, "400k");
	svg_nice_ticks(-12.3, 6.6, 6, &t);
	ck_assert(t.lo <= -12.3 && t.hi >= 6.6 && t.step == 5);
	svg_tick_label(-10, t.step, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-10");
	svg_nice_ticks(0, 0.04, 6, &t);
	svg_tick_label(0.01, t.step, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.01");
	svg_nice_ticks(0, 0, 6, &t);
	ck_assert(t.hi > t.lo && t.n >= 2);
}
END_TEST

/* An effect object as results.json has it (docs/run-json.md). */
static json_t *effect(int pairs, double pct, double lo, double hi, const char *verdict,
		      int better)
{
	return json_pack("{s:i,s:f,s:f,s:f,s:s,s:o}", "pairs", pairs, "percent", pct,
			 "ci_low_pct", lo, "ci_high_pct", hi, "verdict", verdict, "better",
			 better < 0 ? json_null() : json_boolean(better));
}

static void assert_effect_cell(json_t *e, const char *want)
{
	char buf[RR_CELL];

	rr_fmt_effect(e, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	json_decref(e);
}

START_TEST(test_effect_cells)
{
	assert_effect_cell(effect(6, 5.23, 3.1, 7.4, "effect", 0), "+5.2% [+3.1, +7.4] worse");
	assert_effect_cell(effect(6, -6.4, -9.0, -3.8, "effect", 1),
			   "−6.4% [−9.0, −3.8] better");
	assert_effect_cell(effect(6, 0.4, -1.2, 2.0, "equivalent", -1), "≈ +0.4% [−1.2, +2.0]");
	assert_effect_cell(effect(6, 2.0, -4.1, 8.5, "undecided", -1), "? +2.0% [−4.1, +8.5]");
	assert_effect_cell(effect(1, 2.0, -40, 44, "too few pairs", -1), "— (1 pair)");
	assert_effect_cell(json_pack("{s:i,s:n,s:s}", "pairs", 0, "percent", "verdict",
				     "too few pairs"), "— (0 pairs)");
	assert_effect_cell(effect(6, -18.0, -20.5, -15.5, "not scored", -1),
			   "−18.0% [−20.5, −15.5]");
	assert_effect_cell(effect(6, 3.0, 1.0, 5.0, "attribution", -1), "+3.0% [+1.0, +5.0]");
	assert_effect_cell(json_object(), "—");
}
END_TEST

START_TEST(test_doc_rejected)
{
	json_t *doc = json_pack("{s:s,s:[]}", "tool", "dplab run", "configs");
	char err[256] = "";
	struct rr_doc d;

	ck_assert_int_eq(rr_doc_init(&d, doc, "x.json", err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "x.json") && strstr(err, "schema"), "%s", err);
	/* Made before the paired-visit protocol: refused, with what to do. */
	json_object_set_new(doc, "schema", json_integer(1));
	ck_assert_int_eq(rr_doc_init(&d, doc, "x.json", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "x.json: made before the paired-visit protocol (schema 1): "
			 "run it again");
	json_object_set_new(doc, "schema", json_integer(2));
	ck_assert_int_eq(rr_doc_init(&d, doc, "x.json", err, sizeof(err)), 0);
	json_object_set_new(doc, "configs", json_string("no"));
	ck_assert_int_eq(rr_doc_init(&d, doc, "x.json", err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "configs"), "%s", err);
	json_decref(doc);
}
END_TEST

START_TEST(test_report_md)
{
	static const char *const scenario_heads[] = { "| A: ", "| B: ", "| C: ", "| D: ", "| E: " };
	char path[128], *md, *sc;
	size_t i;

	report_write();
	snprintf(path, sizeof(path), "%s/report.md", report_dir);
	md = report_slurp(path);
	/* The sections, in order. */
	sc = report_section(md, "## Machine", "## Scenarios A–E");
	ck_assert_ptr_nonnull(strstr(sc, "6.18.44"));
	ck_assert_ptr_nonnull(strstr(sc, "node1 eth0: veth"));
	ck_assert_ptr_nonnull(strstr(sc, "### Attach mechanisms actually used"));
	ck_assert_ptr_nonnull(strstr(sc, "| xdp | xdp_lb | netlink | bpf_link: Operation not "
					 "supported (veth before 5.x) | 4 |"));
	ck_assert_ptr_nonnull(strstr(sc, "| tc-egress | tc_masq | tcx | — | 7 |"));
	ck_assert_ptr_nonnull(strstr(sc, "| Virtualization | bhyve (hypervisor) |"));
	ck_assert_ptr_nonnull(strstr(sc, "| CPU placement | generator and clients on CPU 0, "
					 "datapath softirq (RPS) on CPU 1 |"));
	ck_assert_ptr_nonnull(strstr(sc, "| BPF stats | attribution pass only |"));
	free(sc);
	ck_assert_ptr_nonnull(strstr(md, "54 visits, 3 pairs per comparison first"));
	ck_assert_ptr_nonnull(strstr(md, "interrupted"));

	sc = report_section(md, "## Scenarios A–E", "## Per-tuning-point impact");
	for (i = 0; i < 5; i++)
		ck_assert_msg(strstr(sc, scenario_heads[i]), "no column %s", scenario_heads[i]);
	ck_assert_ptr_nonnull(strstr(sc, "| UDP NDR (pps) | 400,000 (3 visits) |"));
	ck_assert_ptr_nonnull(strstr(sc, "483,000 (2 visits) (1 failed)"));
	ck_assert_ptr_nonnull(strstr(sc, "— (3 failed)"));
	ck_assert_ptr_nonnull(strstr(sc, "![UDP NDR (pps), scenarios A–E]"
					 "(charts/scenarios_udp_ndr_pps.svg)"));
	ck_assert_ptr_null(strstr(sc, "UDP PDR"));	/* not measured: no row */
	free(sc);

	sc = report_section(md, "## Service sweep", "## Map fill");
	ck_assert_ptr_nonnull(strstr(sc, "last service in kube-proxy's chain"));
	ck_assert_ptr_nonnull(strstr(sc, "| Services | service_lb=iptables | service_lb=tc | "
					 "service_lb=socket |"));
	ck_assert_ptr_nonnull(strstr(sc, "| 1000 | 9,800 (3 visits) | 23,900 (3 visits) |"));
	ck_assert_ptr_nonnull(strstr(sc, "### Request latency p99 (µs)"));
	ck_assert_ptr_nonnull(strstr(sc, "(charts/sweep_conn_per_s.svg)"));
	free(sc);

	sc = report_section(md, "## Map fill", "## Charts");
	ck_assert_ptr_nonnull(strstr(sc, "- **E**: node1 tc_lb/ct 14/524288, "
					 "node2 tc_lb/ct 9/524288"));
	ck_assert_ptr_null(strstr(sc, "**A**"));
	free(sc);
	sc = report_section(md, "## Notes", NULL);
	ck_assert_ptr_nonnull(strstr(sc, "host_routing=bpf is not in force"));
	ck_assert_ptr_nonnull(strstr(sc, "NDR search did not converge"));
	ck_assert_ptr_nonnull(strstr(sc, "**B** tcp_gbps: 3 visits failed: iperf3"));
	free(sc);
	free(md);
	report_remove_dir();
}
END_TEST

/* The effect tables: cells, placebo rows, summaries, how to read them. */
START_TEST(test_report_impact)
{
	char path[128], *md, *imp, *on, *off, row[64];
	json_t *doc = report_fixture(), *k;
	size_t i;

	report_write();
	snprintf(path, sizeof(path), "%s/report.md", report_dir);
	md = report_slurp(path);
	imp = report_section(md, "## Per-tuning-point impact", "## Service sweep");
	on = report_section(imp, "### Switched on from A", "### Switched off from E");
	off = report_section(imp, "### Switched off from E", "### Scenarios against A");
	json_array_foreach(json_object_get(doc, "knobs"), i, k) {
		snprintf(row, sizeof(row), "\n| %s", json_string_value(k));
		ck_assert_msg(strstr(on, row), "knob %s has no row switched on",
			      json_string_value(k));
		ck_assert_msg(strstr(off, row), "knob %s has no row switched off",
			      json_string_value(k));
	}
	/* Scored columns first, then descriptive ones; attribution is no column. */
	ck_assert_ptr_nonnull(strstr(on, "| Compared | UDP NDR (pps) | RTT p50 (µs) | "
					 "TCP throughput (Gbit/s) | UDP loss at fixed rate (%) |"));
	ck_assert_ptr_null(strstr(on, "BPF time per packet"));
	ck_assert_ptr_nonnull(strstr(on, "| routing | — |"));
	ck_assert_ptr_nonnull(strstr(on, "not in this plan"));
	ck_assert_ptr_nonnull(strstr(on, "| host_routing → bpf | +7.0% [+4.1, +9.9] better | "
					 "−10.2% [−12.7, −7.7] better |"));
	ck_assert_ptr_nonnull(strstr(on, "| masquerade → bpf | ≈ +0.2% [−1.2, +1.7] |"));
	ck_assert_ptr_nonnull(strstr(on, "| ct_max → 524288 | — |"));
	ck_assert_ptr_nonnull(strstr(on, "no change: ct_max=524288 changes nothing attached in A"));
	ck_assert_ptr_nonnull(strstr(on, "unsupported: unsupported here, because the fq qdisc is "
					 "missing"));
	/* The placebo ends its baseline's table; a descriptive cell has no verdict. */
	ck_assert_ptr_nonnull(strstr(on, "\n| A placebo (A against A) | ≈ +0.3% [−1.4, +2.0] | "
					 "≈ +0.3% [−1.4, +2.0] | — (1 pair) | +0.3% [−1.4, +2.0] |"));
	ck_assert_ptr_null(strstr(on, "E placebo"));
	ck_assert_ptr_nonnull(strstr(on, "Verdict summary: 2 effect better, 0 effect worse, "
					 "6 equivalent, 0 undecided (1 with too few pairs)."));
	ck_assert_ptr_nonnull(strstr(off, "| service_lb → iptables | −6.4% [−9.0, −3.8] worse |"));
	ck_assert_ptr_nonnull(strstr(off, "| congestion → cubic | ? −0.4% [−4.1, +3.3] | "
					  "? +2.0% [−4.1, +8.5] |"));
	ck_assert_ptr_nonnull(strstr(off, "failed: dplab set host_routing=legacy"));
	ck_assert_ptr_nonnull(strstr(off, "\n| E placebo (E against E) | ≈ +0.3% [−1.4, +2.0] |"));
	ck_assert_ptr_nonnull(strstr(off, "Verdict summary: 0 effect better, 2 effect worse, "
					  "4 equivalent, 3 undecided."));
	free(on);
	free(off);
	on = report_section(imp, "### Scenarios against A", "### The sweep");
	ck_assert_ptr_nonnull(strstr(on, "| B against A | −12.5% [−15.0, −10.0] worse |"));
	ck_assert_ptr_nonnull(strstr(on, "| E against A | +20.8% [+18.2, +23.2] better |"));
	ck_assert_ptr_null(strstr(on, "| A against A"));
	ck_assert_ptr_nonnull(strstr(on, "\n| A placebo (A against A) |"));
	ck_assert_ptr_nonnull(strstr(on, "Verdict summary: 4 effect better, 5 effect worse, "
					 "4 equivalent, 0 undecided (1 with too few pairs)."));
	free(on);
	on = report_section(imp, "### The sweep: each count against the first of its mode",
			    "**How to read.**");
	ck_assert_ptr_nonnull(strstr(on, "\n| iptables services=1000 against iptables services=10 |"));
	ck_assert_ptr_nonnull(strstr(on, "\n| socket services=1000 against socket services=10 |"));
	ck_assert_ptr_null(strstr(on, "placebo"));
	free(on);
	on = report_section(imp, "**How to read.**", NULL);
	ck_assert_ptr_nonnull(strstr(on, "B k B k' B"));
	ck_assert_ptr_nonnull(strstr(on, "TOST"));
	ck_assert_ptr_nonnull(strstr(on, "Pairs: 3 first, up to 8 for an undecided headline row "
					 "within a budget of 1200 s; visit order seed 42."));
	ck_assert_ptr_nonnull(strstr(on, "- Run note: steal above steal_max on 2 visits: redone"));
	ck_assert_ptr_nonnull(strstr(on, "| UDP NDR (pps) | ±3.4% |"));
	ck_assert_ptr_null(strstr(on, "UDP PDR"));	/* a margin, but no data: no row */
	ck_assert_ptr_null(strstr(on, "noise"));
	free(on);
	free(imp);

	free(md);
	json_decref(doc);
	report_remove_dir();
}
END_TEST

/* What the runner writes before its first config: still a report. */
START_TEST(test_empty_document)
{
	json_t *doc = json_pack("{s:s,s:i,s:n,s:b,s:n,s:[]}", "tool", "dplab run", "schema", 2,
				"finished", "complete", 0, "stop_reason", "configs");
	char err[512] = "", path[128], *md, *csv;

	report_make_dir();
	ck_assert_msg(!run_report_write(doc, report_dir, err, sizeof(err)), "run_report_write: %s", err);
	snprintf(path, sizeof(path), "%s/report.md", report_dir);
	md = report_slurp(path);
	ck_assert_ptr_nonnull(strstr(md, "**Running**"));
	ck_assert_ptr_nonnull(strstr(md, "| bandwidth_manager | not in this plan |"));
	ck_assert_ptr_nonnull(strstr(md, "No scenario configs in this plan."));
	snprintf(path, sizeof(path), "%s/results.csv", report_dir);
	csv = report_slurp(path);
	ck_assert_str_eq(csv, CSV_HEADER);
	free(md);
	free(csv);
	json_decref(doc);
	report_remove_dir();
}
END_TEST

START_TEST(test_results_csv)
{
	char path[128], *csv, *line, *save = NULL;
	size_t i, want = 0, rows = 0;
	json_t *doc = report_fixture(), *c, *v;

	/* One row per value of every visit, one per config not measured. */
	json_array_foreach(json_object_get(doc, "visits"), i, v)
		want += json_object_size(json_object_get(v, "values"));
	json_array_foreach(json_object_get(doc, "configs"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "status")), "measured"))
			want++;
	report_write();
	snprintf(path, sizeof(path), "%s/results.csv", report_dir);
	csv = report_slurp(path);
	ck_assert_msg(!strncmp(csv, "config,group,knob,", 18), "header: %.80s", csv);
	ck_assert_msg(!strncmp(csv, CSV_HEADER, strlen(CSV_HEADER)), "header: %.80s", csv);
	ck_assert_ptr_nonnull(strstr(csv, "\nA,scenario,,,0,true,udp_ndr_pps,pps,400000\n"));
	ck_assert_ptr_nonnull(strstr(csv, "\nA+host_routing=bpf,isolate_on,host_routing,bpf,1,"
					  "false,udp_ndr_pps,pps,"));
	ck_assert_ptr_nonnull(strstr(csv, "\nA+xdp_lb=native,isolate_on,xdp_lb,native,,,,,"
					  "unsupported\n"));
	ck_assert_ptr_nonnull(strstr(csv, "\niptables services=1000,sweep,services,1000,2,false,"
					  "conn_per_s,conn/s,9950\n"));
	ck_assert_ptr_nonnull(strstr(csv, "\n\"profile \"\"fast\"\", tuned\",config,,,0,false,"
					  "tcp_gbps,Gbit/s,9.5\n"));
	for (line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		rows++;
	rows--;		/* the header */
	ck_assert_uint_eq(rows, want);
	ck_assert_uint_eq(rows, 232);	/* the fixture as written */
	free(csv);
	json_decref(doc);
	report_remove_dir();
}
END_TEST

START_TEST(test_charts_are_xml)
{
	static const char *const expected[] = {
		"scenarios_udp_ndr_pps.svg", "scenarios_tcp_gbps.svg", "impact_on_udp_ndr_pps.svg",
		"impact_off_rtt_p50_us.svg", "scenarios_vs_a_udp_ndr_pps.svg",
		"sweep_conn_per_s.svg", "sweep_req_p99_us.svg",
	};
	char path[512], *md;
	struct dirent *e;
	int n = 0;
	size_t i;
	DIR *d;

	if (sh("python3 -c 'import xml.dom.minidom' 2>/dev/null"))
		test_skip("python3 with xml.dom.minidom is missing: cannot check the SVG files");
	report_write();
	snprintf(path, sizeof(path), "%s/report.md", report_dir);
	md = report_slurp(path);
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		snprintf(path, sizeof(path), "%s/charts/%s", report_dir, expected[i]);
		ck_assert_msg(!access(path, R_OK), "%s was not written", expected[i]);
	}
	snprintf(path, sizeof(path), "%s/charts", report_dir);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ck_assert_msg(strstr(e->d_name, ".svg") && !strstr(e->d_name, ".tmp"),
			      "stray file %s", e->d_name);
		snprintf(path, sizeof(path), "](charts/%s)", e->d_name);
		ck_assert_msg(strstr(md, path), "report.md does not link %s", e->d_name);
		n++;
	}
	closedir(d);
	/* Every file parses as XML with an <svg viewBox> root (one python3 for all). */
	ck_assert_msg(!sh("python3 -c 'import sys,xml.dom.minidom\n"
			  "for f in sys.argv[1:]:\n"
			  " try:\n"
			  "  d=xml.dom.minidom.parse(f).documentElement\n"
			  "  assert d.tagName==\"svg\" and d.getAttribute(\"viewBox\"), "
			  "\"no <svg viewBox>\"\n"
			  " except Exception as e:\n"
			  "  sys.exit(\"%%s: %%s\" %% (f, e))' %s/charts/*.svg", report_dir),
		      "an SVG file is not well-formed (see stderr)");
	/* 5 scenario metrics, 5 + 4 impact (no effect on tcp for one), 3 sweep. */
	ck_assert_int_ge(n, 12);
	/* Nothing measured for udp_pdr_pps: no chart. */
	snprintf(path, sizeof(path), "%s/charts/scenarios_udp_pdr_pps.svg", report_dir);
	ck_assert(access(path, F_OK));
	free(md);
	report_remove_dir();
}
END_TEST

START_TEST(test_write_error_names_file)
{
	char err[512] = "", sub[128];
	json_t *doc = report_fixture();

	report_make_dir();
	snprintf(sub, sizeof(sub), "%s/file", report_dir);
	ck_assert(!sh("touch %s", sub));
	ck_assert_int_lt(run_report_write(doc, sub, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, sub), "the error names the path: %s", err);
	json_decref(doc);
	report_remove_dir();
}
END_TEST

START_TEST(test_verdict_diff)
{
	json_t *a = report_fixture(), *b = report_b_document();
	struct rr_verdict_diff diff;
	struct rr_doc da, db;
	char err[256];

	ck_assert_int_eq(rr_doc_init(&da, a, "a", err, sizeof(err)), 0);
	ck_assert_int_eq(rr_doc_init(&db, b, "b", err, sizeof(err)), 0);
	rr_verdict_diff(&da, &da, &diff);
	ck_assert_int_eq(diff.compared, 35);
	ck_assert_int_eq(diff.changed, 0);
	ck_assert_int_eq(diff.flipped, 0);
	rr_verdict_diff(&da, &db, &diff);
	ck_assert_int_eq(diff.compared, 35);
	ck_assert_int_eq(diff.changed, 2);
	ck_assert_int_eq(diff.flipped, 1);
	ck_assert_str_eq(diff.flip[0].config, "A+host_routing=bpf");
	ck_assert_str_eq(diff.flip[0].metric, "udp_ndr_pps");
	/* A descriptive cell has no verdict to change. */
	json_object_set_new(report_effect_of(b, "A+masquerade=bpf", "udp_loss_pct"), "percent",
			    json_real(40));
	rr_verdict_diff(&db, &da, &diff);
	ck_assert_int_eq(diff.changed, 2);
	ck_assert_int_eq(diff.flipped, 1);
	ck_assert_str_eq(diff.flip[0].config, "A+host_routing=bpf");
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(test_compare)
{
	const char *dplab = test_dplab_path();
	char out[1 << 16], path[128];
	json_t *doc;
	int rc;

	if (access(dplab, X_OK))
		test_skip("%s is not built (set DPLAB)", dplab);
	rc = sh_out(out, sizeof(out), 0, "%s compare %s %s", dplab, REPORT_FIXTURE, REPORT_FIXTURE);
	ck_assert_msg(rc == 0, "dplab compare exited %d: %.400s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "# dplab compare"));
	ck_assert_ptr_nonnull(strstr(out, "## Machine"));
	ck_assert_ptr_nonnull(strstr(out, "| UDP NDR (pps) | 400,000 → 400,000 "
					  "(+0.0%, noise) |"));
	ck_assert_ptr_nonnull(strstr(out, "| host_routing → bpf | effect better +7.0% → "
					  "effect better +7.0% |"));
	ck_assert_ptr_nonnull(strstr(out, "## Verdict changes\n\n0 of 35 effect cells in both "
					  "changed verdict; 0 flipped"));
	ck_assert_ptr_null(strstr(out, " **changed** |"));
	ck_assert_ptr_null(strstr(out, " **FLIP** |"));
	ck_assert_ptr_nonnull(strstr(out, "| 1000 | 9,800 → 9,800 (+0.0%, noise) |"));
	ck_assert_ptr_nonnull(strstr(out, "not in this plan"));
	ck_assert_ptr_nonnull(strstr(out, "## Configs in only one side"));
	ck_assert_ptr_null(strstr(out, "### Only in"));
	ck_assert_ptr_nonnull(strstr(out, "every config is in both"));

	report_make_dir();
	snprintf(path, sizeof(path), "%s/cmp.md", report_dir);
	rc = sh("%s compare --out %s %s %s", dplab, path, REPORT_FIXTURE, REPORT_FIXTURE);
	ck_assert_int_eq(rc, 0);
	ck_assert(!access(path, R_OK));

	/* Bad input: exit 2, the message names the file and the reason. */
	rc = sh_out(out, sizeof(out), 1, "%s compare %s %s/missing.json", dplab, REPORT_FIXTURE,
		    report_dir);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "missing.json") && strstr(out, "No such file"), "%s", out);
	ck_assert(!sh("echo '{\"schema\": 7}' > %s/other.json", report_dir));
	rc = sh_out(out, sizeof(out), 1, "%s compare %s/other.json %s", dplab, report_dir,
		    REPORT_FIXTURE);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "other.json") && strstr(out, "schema"), "%s", out);
	ck_assert(!sh("echo '{\"schema\": 1, \"configs\": []}' > %s/old.json", report_dir));
	rc = sh_out(out, sizeof(out), 1, "%s compare %s/old.json %s", dplab, report_dir,
		    REPORT_FIXTURE);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "old.json: made before the paired-visit protocol (schema 1): "
			      "run it again"), "%s", out);
	ck_assert(!sh("echo '{\"schema\": 2,' > %s/broken.json", report_dir));
	rc = sh_out(out, sizeof(out), 1, "%s compare %s %s/broken.json", dplab, REPORT_FIXTURE,
		    report_dir);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "broken.json:") && strstr(out, "not valid JSON"), "%s", out);
	ck_assert_int_eq(sh("%s compare %s >/dev/null 2>&1", dplab, REPORT_FIXTURE), 2);

	/* B: another kernel, A's NDR 10% higher, one config fewer, one verdict
	 * flipped and one changed. */
	doc = report_b_document();
	snprintf(path, sizeof(path), "%s/b.json", report_dir);
	ck_assert(!json_dump_file(doc, path, 0));
	json_decref(doc);
	rc = sh_out(out, sizeof(out), 0, "%s compare %s %s", dplab, REPORT_FIXTURE, path);
	ck_assert_msg(rc == 0, "dplab compare exited %d: %.400s", rc, out);
	ck_assert_ptr_nonnull(strstr(out, "| Item | A: lab1, kernel 6.18.44 | "
					  "B: lab1, kernel 6.19.1 |"));
	ck_assert_ptr_nonnull(strstr(out, "| UDP NDR (pps) | 400,000 → 440,000 (+10.0%) |"));
	ck_assert_ptr_nonnull(strstr(out, "## Verdict changes\n\n2 of 35 effect cells in both "
					  "changed verdict; 1 flipped (effect better in one, effect "
					  "worse in the other).\n\n- **FLIP** A+host_routing=bpf: "
					  "udp_ndr_pps\n"));
	ck_assert_ptr_nonnull(strstr(out, "| host_routing → bpf | effect better +7.0% → "
					  "effect worse −5.0% **FLIP** |"));
	ck_assert_ptr_nonnull(strstr(out, "| masquerade → bpf | equivalent +0.2% → "
					  "undecided +0.2% **changed** |"));
	ck_assert_ptr_nonnull(strstr(out, "### Only in A\n\n- profile \"fast\", tuned (config)\n"));
	ck_assert_ptr_null(strstr(out, "### Only in B"));
	ck_assert_int_eq(sh("%s compare --help >/dev/null", dplab), 0);
	report_remove_dir();
}
END_TEST

static Suite *run_report_suite(void)
{
	Suite *s = suite_create("run_report");
	TCase *tc = tcase_create("report");

	tcase_add_unchecked_fixture(tc, report_root_make, report_root_remove);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_effect_cells);
	tcase_add_test(tc, test_doc_rejected);
	tcase_add_test(tc, test_report_md);
	tcase_add_test(tc, test_report_impact);
	tcase_add_test(tc, test_empty_document);
	tcase_add_test(tc, test_results_csv);
	tcase_add_test(tc, test_charts_are_xml);
	tcase_add_test(tc, test_write_error_names_file);
	tcase_add_test(tc, test_verdict_diff);
	tcase_add_test(tc, test_compare);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(run_report_suite)
