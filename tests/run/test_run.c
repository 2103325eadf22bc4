// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab run (suites run_plan and run).
 *
 * run_plan (no root): the built-in plans expand to scenarios, every knob
 * on from A and off from E with their baselines, and the sweep; malformed
 * plans are refused with FILE:LINE and the reason.
 *
 * run (root): `dplab run --quick` on a tiny plan (every scenario, one knob
 * switched on from A, two short workloads) ends with results.json that
 * parses and names every knob and scenario, report.md naming them too,
 * results.csv, well-formed SVG charts, and the machine as it was before:
 * no dplab namespace, state or pin left.  And SIGINT half way: the run
 * stops, says so in results.json (complete false, stop_reason
 * "interrupted"), keeps the configurations measured so far and leaves the
 * machine as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "util/fsutil.h"
#include "cluster/knobs.h"
#include "run/run_plan.h"
#include "lib/testlib.h"
#include "lib/testns.h"

static void parse_ok(const char *text, struct run_plan *p)
{
	char err[512] = "";

	ck_assert_msg(!run_plan_parse(text, "t.plan", p, err, sizeof(err)), "%s", err);
}

/* Every config of p is well formed; the knobs switched from A and from E, as bits. */
static void check_configs(const struct run_plan *p, int a, int e, int *seen_on, int *seen_off)
{
	int i;

	*seen_on = *seen_off = 0;
	for (i = 0; i < p->n_configs; i++) {
		const struct run_config *c = &p->configs[i];

		if (c->group == G_PLACEBO) {
			/* the baseline again, compared like a knob: same knobs */
			ck_assert(c->placebo);
			ck_assert(c->baseline == a || c->baseline == e);
			ck_assert(!memcmp(&c->k, &p->configs[c->baseline].k, sizeof(c->k)));
			continue;
		}
		if (c->group == G_SCENARIO)	/* every scenario against A */
			ck_assert_int_eq(c->baseline, i == a ? -1 : a);
		if (c->group == G_ISOLATE_ON) {
			ck_assert_int_eq(c->baseline, a);
			*seen_on |= 1u << c->knob;
			/* the knob differs from A, and no other one */
			ck_assert(!knobs_equal(&c->k, &p->configs[a].k, c->knob));
		}
		if (c->group == G_ISOLATE_OFF) {
			ck_assert_int_eq(c->baseline, e);
			*seen_off |= 1u << c->knob;
		}
	}
}

/*
 * xdp_lb switched on from A (baseline a) implies veth NAPI mode, said in
 * the row's name, knobs and also; veth_napi=on alone is a row against the
 * same baseline, so the two can be read side by side.
 */
static void check_veth_napi_rows(const struct run_plan *p, int a)
{
	int lb = run_plan_find(p, "A+xdp_lb=native+veth_napi=on"), napi = run_plan_find(p,
									      "A+veth_napi=on");
	struct knobs k = p->configs[a].k;

	ck_assert_int_ge(lb, 0);
	ck_assert_int_ge(napi, 0);
	ck_assert_int_eq(run_plan_find(p, "A+xdp_lb=native"), -1);
	ck_assert_int_eq(p->configs[lb].baseline, a);
	ck_assert_int_eq(p->configs[napi].baseline, a);
	ck_assert_int_eq(p->configs[lb].knob, KNOB_XDP_LB);
	ck_assert_str_eq(p->configs[lb].value, "native");
	ck_assert_str_eq(p->configs[lb].also, "veth_napi=on");
	ck_assert_int_eq(p->configs[lb].k.veth_napi, VETH_NAPI_ON);
	ck_assert_int_eq(p->configs[napi].knob, KNOB_VETH_NAPI);
	ck_assert_str_eq(p->configs[napi].also, "");
	/* The veth_napi row is A with that one knob changed. */
	k.veth_napi = VETH_NAPI_ON;
	ck_assert(!memcmp(&k, &p->configs[napi].k, sizeof(k)));
	ck_assert_int_eq(p->configs[napi].group, G_ISOLATE_ON);
}

START_TEST(test_default_plan)
{
	static struct run_plan p;
	int i, a, e, seen_on, seen_off;

	parse_ok(run_plan_builtin(false), &p);
	a = run_plan_find(&p, "A");
	e = run_plan_find(&p, "E");
	ck_assert_int_eq(a, 0);
	ck_assert_int_eq(e, 4);
	ck_assert_int_eq(p.p.pairs, 4);
	check_configs(&p, a, e, &seen_on, &seen_off);
	ck_assert_int_eq(seen_on, 1 << KNOB_ROUTING | 1 << KNOB_SERVICE_LB | 1 << KNOB_MASQUERADE |
			 1 << KNOB_XDP_LB | 1 << KNOB_VETH_NAPI);
	ck_assert_int_eq(seen_off, 1 << KNOB_HOST_ROUTING);
	check_veth_napi_rows(&p, a);
	ck_assert_int_ge(run_plan_find(&p, "A+service_lb=tc"), 0);
	ck_assert_int_ge(run_plan_find(&p, "A+service_lb=socket"), 0);
	i = run_plan_find(&p, "iptables services=5000");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(p.configs[i].k.services, 5000);
	ck_assert_str_eq(p.configs[p.configs[i].baseline].name, "iptables services=10");
	ck_assert_int_ge(run_plan_find(&p, "E+host_routing=legacy"), 0);
	ck_assert_int_ge(run_plan_find(&p, "A placebo"), 0);
	ck_assert_int_ge(run_plan_find(&p, "E placebo"), 0);
	run_plan_free(&p);

	parse_ok(run_plan_builtin(true), &p);
	ck_assert_int_eq(p.p.pairs, 3);
	check_veth_napi_rows(&p, run_plan_find(&p, "A"));
	run_plan_free(&p);

	/* Every knob both ways; taking BPF host routing's preconditions away names both. */
	parse_ok("scenarios A E\nisolate on\nisolate off\n", &p);
	check_configs(&p, 0, 1, &seen_on, &seen_off);
	ck_assert_int_eq(seen_on, (1 << KNOB_COUNT) - 1);
	ck_assert_int_eq(seen_off, (1 << KNOB_COUNT) - 1);
	i = run_plan_find(&p, "E+service_lb=iptables+host_routing=legacy");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(p.configs[i].also, "host_routing=legacy");
	ck_assert_int_eq(p.configs[i].knob, KNOB_SERVICE_LB);
	ck_assert_int_ge(run_plan_find(&p, "E+masquerade=iptables+host_routing=legacy"), 0);
	ck_assert_int_ge(run_plan_find(&p, "E+xdp_lb=off"), 0);
	ck_assert_str_eq(p.configs[run_plan_find(&p, "E+xdp_lb=off")].also, "");
	/* A and E agree on veth_napi (off; E's pass-through is xdp_lb's): its alternative. */
	ck_assert_int_ge(run_plan_find(&p, "E+veth_napi=on"), 0);
	run_plan_free(&p);

	/* xdp_lb=generic does not put the veth in NAPI mode: nothing implied. */
	parse_ok("scenarios A\nisolate on xdp_lb=generic,native\n", &p);
	i = run_plan_find(&p, "A+xdp_lb=generic");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(p.configs[i].also, "");
	ck_assert_int_eq(p.configs[i].k.veth_napi, VETH_NAPI_OFF);
	ck_assert_int_ge(run_plan_find(&p, "A+xdp_lb=native+veth_napi=on"), 0);
	run_plan_free(&p);
}
END_TEST

START_TEST(test_malformed_plans)
{
	static const struct {
		const char *text, *expect;
	} bad[] = {
		{ "scenarios A F\n", "t.plan:1: scenarios: 'F'" },
		{ "pairs 3\nmetrics ndr jitter\n", "t.plan:2: 'jitter' is not a workload" },
		{ "scenarios A\nrepeats 3\n", "t.plan:2: repeats: replaced by 'pairs N'" },
		{ "scenarios A\npairs 5\nmax_pairs 3\n", "max_pairs 3 is below pairs 5" },
		{ "scenarios A\npairs 1\n", "t.plan:2: pairs: want one number in 2..50" },
		{ "isolate on routingg\n", "'routingg' is not a knob" },
		{ "scenarios A\nisolate on service_lb=tc,ipvs\n", "t.plan:2: isolate: " },
		{ "sweep service_lb=ipvs services=10\n", "service_lb" },
		{ "sweep services=10\n", "needs both" },
		{ "scenarios A\ntrial_secs -1\n", "t.plan:2: trial_secs" },
		{ "scenarios A\nconfig x routing=ospf\n", "t.plan:2: config x" },
		{ "frobnicate 1\n", "unknown directive 'frobnicate'" },
		{ "# nothing\n", "nothing to measure" },
		/* Never cut into a shorter name (two configurations could then share one). */
		{ "scenarios A\nconfig x_123456789_123456789_123456789_123456789_123456789_123456789_"
		  "123 routing=native\n", "t.plan:2: config: a name longer than 63 characters" },
		{ "name n_123456789_123456789_123456789_123456789_123456789_123456789_123\n"
		  "scenarios A\n", "t.plan:1: name: longer than" },
	};
	static struct run_plan p;
	char err[512];
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		ck_assert_msg(run_plan_parse(bad[i].text, "t.plan", &p, err, sizeof(err)) ==
			      -EINVAL, "accepted: %s", bad[i].text);
		ck_assert_msg(strstr(err, bad[i].expect), "'%s': got '%s', want '%s'",
			      bad[i].text, err, bad[i].expect);
	}
}
END_TEST

static Suite *run_plan_suite(void)
{
	Suite *s = suite_create("run_plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_default_plan);
	tcase_add_test(tc, test_malformed_plans);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(run_plan_suite)

#define TINY_PLAN \
	"name tiny\n" \
	"pairs 3\n" \
	"metrics stream conn\n" \
	"scenarios A B C D E\n" \
	"isolate on service_lb\n" \
	"warmup_secs 0.1\n" \
	"stream_secs 0.3\n" \
	"conn_secs 0.3\n"

/* The machine's dplab footprint: namespaces, state, pins, DPDK runtime directories. */
static void footprint(char *buf, size_t len)
{
	sh_out(buf, len, 1, "ip netns list | grep -c '^dplab-two-node-'; ls /run/dplab 2>/dev/null; "
	       "ls /sys/fs/bpf/dplab 2>/dev/null; ls -d /var/run/dpdk/dplab-pktgen-* 2>/dev/null");
}

static void check_knobs(const char *what, const char *text)
{
	int i;

	for (i = 0; i < KNOB_COUNT; i++)
		ck_assert_msg(strstr(text, knob_name(i)), "%s does not name knob %s", what,
			      knob_name(i));
}

/* Each scenario as a table column or row of its own: "| A" or "A:". */
static void check_scenarios(const char *what, const char *text)
{
	char col[8], label[8];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(col, sizeof(col), "| %c ", 'A' + i);
		snprintf(label, sizeof(label), "%c:", 'A' + i);
		ck_assert_msg(strstr(text, col) || strstr(text, label), "%s does not name "
			      "scenario %c", what, 'A' + i);
	}
}

/*
 * A scratch directory (dir, a mkdtemp template) holding the tiny plan; its
 * path into plan.  The caller has called need_root(): a skip here would
 * return from here only.
 */
static void tiny_plan_dir(char *dir, char *plan, size_t len)
{
	FILE *f;

	ck_assert(mkdtemp(dir));
	snprintf(plan, len, "%s/tiny.plan", dir);
	f = fopen(plan, "w");
	ck_assert(f);
	fputs(TINY_PLAN, f);
	fclose(f);
}

/* A compared config's effect on metric: its pairs and a verdict word. */
static void check_effect(json_t *cfg, const char *metric)
{
	json_t *e = json_object_get(json_object_get(cfg, "effect"), metric);
	const char *v = json_string_value(json_object_get(e, "verdict"));

	ck_assert_msg(e, "%s: no effect on %s", json_string_value(json_object_get(cfg, "name")),
		      metric);
	ck_assert_int_ge(json_integer_value(json_object_get(e, "pairs")), 2);
	ck_assert_msg(v && (!strcmp(v, "effect") || !strcmp(v, "equivalent") ||
			    !strcmp(v, "undecided") || !strcmp(v, "too noisy")),
		      "verdict '%s'", v ? v : "(none)");
}

/* Every knob visit sits between two visits of its baseline, in the same round. */
static void check_visit_order(json_t *doc)
{
	json_t *visits = json_object_get(doc, "visits"), *v, *cfg;
	size_t i, n = json_array_size(visits), knob_visits = 0;
	const char *base;

	json_array_foreach(visits, i, v) {
		if (json_is_true(json_object_get(v, "baseline")))
			continue;
		cfg = NULL;
		for (size_t j = 0; j < json_array_size(json_object_get(doc, "configs")); j++) {
			json_t *c = json_array_get(json_object_get(doc, "configs"), j);

			if (json_equal(json_object_get(c, "name"), json_object_get(v, "config")))
				cfg = c;
		}
		ck_assert(cfg);
		base = json_string_value(json_object_get(cfg, "baseline"));
		ck_assert_msg(base && i > 0 && i + 1 < n, "visit %zu is not flanked", i);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(visits, i - 1),
								   "config")), base);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(visits, i + 1),
								   "config")), base);
		knob_visits++;
	}
	ck_assert_int_eq(knob_visits, 6 * 2);	/* six compared configs, two pairs */
}

START_TEST(test_quick_tiny_plan)
{
	char dir[] = "/tmp/dplab-test-run.XXXXXX", cmd[1024], out[16384], before[512],
	     after[512], *report = NULL, *text;
	json_t *doc, *cfg;
	json_error_t je;
	size_t i;
	long n;
	int rc;

	need_root();
	tiny_plan_dir(dir, cmd, sizeof(cmd));
	footprint(before, sizeof(before));
	rc = sh_out(out, sizeof(out), 1, "%s run --quick --plan %s --out %s/out",
		    test_dplab_path(), cmd, dir);
	footprint(after, sizeof(after));
	ck_assert_msg(rc == 0, "dplab run exited %d:\n%s", rc, out);
	ck_assert_msg(!strcmp(before, after), "footprint before:\n%s\nafter:\n%s", before, after);

	snprintf(cmd, sizeof(cmd), "%s/out/results.json", dir);
	doc = json_load_file(cmd, 0, &je);
	ck_assert_msg(doc, "results.json: %s", je.text);
	ck_assert(json_is_true(json_object_get(doc, "complete")));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "knobs")), KNOB_COUNT);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "plan"),
							    "pairs")), 2);
	/* A-E, A+service_lb=socket, A placebo */
	ck_assert_int_eq(json_array_size(json_object_get(doc, "configs")), 7);
	json_array_foreach(json_object_get(doc, "configs"), i, cfg) {
		json_t *r = json_object_get(json_object_get(cfg, "results"), "conn_p50_us");

		ck_assert_msg(!strcmp(json_string_value(json_object_get(cfg, "status")),
				      "measured"), "config %zu not measured:\n%s", i, out);
		ck_assert_int_ge(json_array_size(json_object_get(r, "samples")), 2);
		if (json_object_get(cfg, "baseline") && !json_is_null(json_object_get(cfg,
										   "baseline")))
			check_effect(cfg, "conn_p50_us");
	}
	check_visit_order(doc);
	text = json_dumps(doc, 0);
	check_knobs("results.json", text);
	free(text);
	for (i = 0; i < 5; i++) {
		char name[2] = { 'A' + i, 0 };

		cfg = json_array_get(json_object_get(doc, "configs"), i);
		ck_assert_str_eq(json_string_value(json_object_get(cfg, "name")), name);
		ck_assert(json_object_get(json_object_get(doc, "scenarios"), name));
	}
	json_decref(doc);

	snprintf(cmd, sizeof(cmd), "%s/out/report.md", dir);
	ck_assert_msg((n = read_file(cmd, &report)) > 0, "no %s", cmd);
	check_knobs("report.md", report);
	check_scenarios("report.md", report);
	free(report);
	ck_assert_msg(!sh("test -s %s/out/results.csv && head -1 %s/out/results.csv | "
			  "grep -q '^config,group,knob'", dir, dir), "results.csv missing or headless");
	ck_assert_msg(!sh("ls %s/out/charts/*.svg >/dev/null 2>&1", dir), "no SVG charts");
	ck_assert_msg(!sh("for f in %s/out/charts/*.svg; do python3 -c 'import sys, "
			  "xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \"$f\" || exit 1; "
			  "done", dir), "an SVG chart is not well-formed XML");
	sh("rm -rf %s", dir);
}
END_TEST

START_TEST(test_interrupted_run)
{
	char dir[] = "/tmp/dplab-test-run.XXXXXX", path[256], out[16384], before[512], after[512];
	json_t *doc, *cfg;
	json_error_t je;
	size_t i, measured = 0;
	int rc;

	need_root();
	tiny_plan_dir(dir, path, sizeof(path));
	footprint(before, sizeof(before));
	/* Up takes a few seconds; after 12 s some configs are measured, not all. */
	rc = sh_out(out, sizeof(out), 1, "%s run --plan %s --out %s/out & pid=$!; sleep 12; "
		    "kill -INT $pid; wait $pid", test_dplab_path(), path, dir);
	footprint(after, sizeof(after));
	ck_assert_msg(rc != 0, "an interrupted run exited 0:\n%s", out);
	ck_assert_msg(strstr(out, "interrupted"), "no word of the interruption:\n%s", out);
	ck_assert_msg(!strcmp(before, after), "footprint before:\n%s\nafter:\n%s", before, after);
	snprintf(path, sizeof(path), "%s/out/results.json", dir);
	doc = json_load_file(path, 0, &je);
	ck_assert_msg(doc, "results.json: %s\n%s", je.text, out);
	ck_assert(json_is_false(json_object_get(doc, "complete")));
	ck_assert_str_eq(json_string_value(json_object_get(doc, "stop_reason")), "interrupted");
	json_array_foreach(json_object_get(doc, "configs"), i, cfg)
		measured += !strcmp(json_string_value(json_object_get(cfg, "status")), "measured");
	ck_assert_msg(measured >= 1 && measured < 7, "%zu configs measured:\n%s", measured, out);
	ck_assert_int_ge(json_array_size(json_object_get(doc, "visits")), 1);
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/out/report.md", dir);
	ck_assert_msg(!access(path, F_OK), "no report.md after the interruption");
	sh("rm -rf %s", dir);
}
END_TEST

static Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("quick");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_quick_tiny_plan);
	tcase_add_test(tc, test_interrupted_run);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(run_suite)
