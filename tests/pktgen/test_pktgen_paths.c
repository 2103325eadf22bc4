// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen through XDP programs on a veth pair (suite pktgen_paths,
 * root), one process sending on a and receiving on b or back on a:
 *
 *   drop_fraction  xdp_drop_fraction (every 10) on b drops the frames
 *                  whose seq is a multiple of 10 before b's port sees
 *                  them: the measured loss is 10% within one point;
 *   reflect        xdp_reflector on b sends every frame back to a (with a
 *                  pass-through program on a, so that veth delivers what
 *                  b sends with XDP_TX): nothing lost, round-trip
 *                  percentiles present and ordered;
 *   ndr            an NDR search through the reflector ends within
 *                  --max-iter trials with a rate (the figure is the
 *                  machine's; nothing is expected of it).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "dplab/counters.h"
#include "lib/fixture.h"
#include "pktgen_drop.skel.h"
#include "probe.skel.h"
#include "reflector.skel.h"
#include "lib/pktgen_test.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/xdp_modes.h"

#define RATE 10000
#define EVERY 10

static json_t *get(json_t *o, const char *sect, const char *key)
{
	json_t *v = json_object_get(sect ? json_object_get(o, sect) : o, key);

	ck_assert_msg(v, "JSON: %s.%s missing", sect ? sect : "", key);
	return v;
}

/* A veth pair a-b in a new namespace ns, XDP programs attached (fd > 0) to each end. */
static void veth_with_xdp(char ns[TESTNS_NAME], int a_fd, int b_fd)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), a, b, rc = 0;

	ck_assert_int_ge(home, 0);
	ck_assert_int_eq(testns_create(ns), 0);
	ck_assert_msg(!sh("ip -n %1$s link add name a type veth peer name b && "
			  "ip -n %1$s link set dev a up && ip -n %1$s link set dev b up", ns),
		      "veth pair in %s", ns);
	ck_assert_int_eq(testns_enter(ns), 0);
	a = if_nametoindex("a");
	b = if_nametoindex("b");
	if (a && b && a_fd > 0)
		rc = bpf_xdp_attach(a, a_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (a && b && !rc && b_fd > 0)
		rc = bpf_xdp_attach(b, b_fd, XDP_FLAGS_DRV_MODE, NULL);
	ck_assert_int_eq(setns(home, CLONE_NEWNET), 0);
	close(home);
	if (!a || !b || rc)
		testns_delete(ns);
	ck_assert_msg(a && b, "veth pair in %s not found", ns);
	ck_assert_msg(!rc, "XDP attach in %s: %s", ns, strerror(-rc));
}

/* Run dplab-pktgen in ns with args; its JSON result (the namespace is deleted). */
static json_t *pktgen_run(const char *ns, const char *args, char *out, size_t out_len)
{
	char pg[PATH_MAX], path[64];
	int rc;

	pktgen_path(pg, sizeof(pg));
	snprintf(path, sizeof(path), "/tmp/%s-pktgen.json", ns);
	rc = sh_out(out, out_len, 1, "%s --netns %s --iface a %s --json %s", pg, ns, args, path);
	testns_delete(ns);
	ck_assert_msg(rc == 0, "dplab-pktgen %s exited %d:\n%s", args, rc, out);
	return pktgen_json_load(path);
}

/* The caller has called need_root(): a skip here would return from here only. */
static void assert_pktgen_built(void)
{
	char pg[PATH_MAX];

	pktgen_path(pg, sizeof(pg));
	ck_assert_msg(!access(pg, X_OK), "%s: not built (make builds it)", pg);
}

START_TEST(test_drop_fraction)
{
	struct pktgen_drop_bpf *skel;
	char ns[TESTNS_NAME], out[8192];
	json_int_t sent, received;
	double loss;
	__u64 dropped;
	json_t *j;

	need_root();
	assert_pktgen_built();
	skel = pktgen_drop_bpf__open();
	ck_assert_msg(skel, "pktgen_drop.bpf.o: open: %s", strerror(errno));
	skel->rodata->every = EVERY;
	ck_assert_msg(!pktgen_drop_bpf__load(skel), "pktgen_drop.bpf.o: load: %s",
		      strerror(errno));
	veth_with_xdp(ns, 0, bpf_program__fd(skel->progs.xdp_drop_fraction));
	j = pktgen_run(ns, "--rx-iface b --rate 10000 --duration 1", out, sizeof(out));
	sent = pktgen_json_int(j, "totals", "sent");
	received = pktgen_json_int(j, "totals", "received");
	ck_assert_msg(sent > RATE / 2, "sent only %lld:\n%s", (long long)sent, out);
	loss = 100.0 * pktgen_json_int(j, "totals", "lost") / sent;
	ck_assert_msg(loss > 100.0 / EVERY - 1 && loss < 100.0 / EVERY + 1,
		      "loss %.2f%%, expected %.0f%% +- 1:\n%s", loss, 100.0 / EVERY, out);
	ck_assert_int_eq(sent - received, pktgen_json_int(j, "totals", "lost"));
	dropped = counter_sum(bpf_map__fd(skel->maps.counters), DPLAB_CNT_DROP_DELIBERATE);
	ck_assert_msg(dropped == (__u64)(sent + EVERY - 1) / EVERY,
		      "program dropped %llu of %lld", (unsigned long long)dropped,
		      (long long)sent);
	json_decref(j);
	pktgen_drop_bpf__destroy(skel);
}
END_TEST

/* The reflector on b and a pass-through program on a (XDP_TX delivery). */
struct reflect_progs {
	struct reflector_bpf *refl;
	struct probe_bpf *pass;
};

static void reflect_setup(char ns[TESTNS_NAME], struct reflect_progs *p)
{
	p->refl = reflector_bpf__open_and_load();
	ck_assert_msg(p->refl, "reflector.bpf.o: %s", strerror(errno));
	p->pass = probe_bpf__open();
	ck_assert_msg(p->pass, "probe.bpf.o: open: %s", strerror(errno));
	bpf_program__set_autoload(p->pass->progs.tc_pass, false);
	bpf_program__set_autoload(p->pass->progs.probe_xdp_link_attach_failed, false);
	ck_assert_msg(!probe_bpf__load(p->pass), "probe.bpf.o: load: %s", strerror(errno));
	veth_with_xdp(ns, bpf_program__fd(p->pass->progs.xdp_pass),
		      bpf_program__fd(p->refl->progs.xdp_reflector));
}

static void reflect_teardown(struct reflect_progs *p)
{
	probe_bpf__destroy(p->pass);
	reflector_bpf__destroy(p->refl);
}

START_TEST(test_reflect_rtt)
{
	static const char *const pct[] = { "min", "p50", "p90", "p99", "p99_9", "max" };
	char ns[TESTNS_NAME], out[8192];
	struct reflect_progs p;
	json_int_t sent, v, prev = 0;
	unsigned i;
	json_t *j;

	need_root();
	assert_pktgen_built();
	reflect_setup(ns, &p);
	j = pktgen_run(ns, "--reflect --rate 10000 --duration 1", out, sizeof(out));
	sent = pktgen_json_int(j, "totals", "sent");
	ck_assert_msg(sent > RATE / 2, "sent only %lld:\n%s", (long long)sent, out);
	ck_assert_msg(pktgen_json_int(j, "totals", "lost") == 0, "lost frames:\n%s", out);
	ck_assert_msg(json_is_true(get(j, "latency_ns", "round_trip")), "not round trip");
	ck_assert_int_eq(pktgen_json_int(j, "latency_ns", "count"), pktgen_json_int(j, "totals", "received"));
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		v = pktgen_json_int(j, "latency_ns", pct[i]);
		ck_assert_msg(v > 0 && v >= prev, "RTT %s %lld after %lld", pct[i],
			      (long long)v, (long long)prev);
		prev = v;
	}
	json_decref(j);
	reflect_teardown(&p);
}
END_TEST

/* Each trial says whether it was valid; a converged search ends with a final trial. */
static void check_search_json(json_t *j, const char *out)
{
	json_t *trials = get(j, NULL, "trials"), *last;
	size_t i;

	ck_assert_msg(json_is_array(trials) && json_array_size(trials) >= 1 &&
		      json_array_size(trials) <= 16, "trials: %zu:\n%s",
		      json_array_size(trials), out);
	for (i = 0; i < json_array_size(trials); i++)
		ck_assert_msg(json_is_boolean(json_object_get(json_array_get(trials, i), "valid")),
			      "trial %zu without valid:\n%s", i, out);
	ck_assert_msg(json_is_boolean(get(j, "search", "confirmed")) &&
		      json_is_integer(get(j, "search", "iterations")) &&
		      json_is_number(get(j, "search", "resolution_pps")) &&
		      json_is_string(get(j, "search", "stop_reason")), "search:\n%s", out);
	last = json_array_get(trials, json_array_size(trials) - 1);
	if (json_is_true(get(j, "search", "converged")) && json_is_true(get(j, "search", "found")))
		ck_assert_msg(json_is_true(json_object_get(last, "final")) &&
			      json_real_value(json_object_get(last, "secs")) == 1,
			      "no final trial:\n%s", out);
}

START_TEST(test_ndr_search)
{
	char ns[TESTNS_NAME], out[16384];
	struct reflect_progs p;
	json_t *j;
	double ndr;

	need_root();
	assert_pktgen_built();
	reflect_setup(ns, &p);
	j = pktgen_run(ns, "--reflect --ndr --trial-secs 0.5 --final-secs 1 --max-iter 8 "
		       "--lo 1000 --hi 100000 --max-rate 200000 --resolution 10%", out, sizeof(out));
	check_search_json(j, out);
	ndr = json_number_value(get(j, NULL, "ndr_pps"));
	ck_assert_msg(ndr >= 500 && ndr <= 200000, "ndr_pps %.0f:\n%s", ndr, out);
	ck_assert_msg(json_is_true(get(j, "search", "found")), "no passing rate:\n%s", out);
	json_decref(j);
	reflect_teardown(&p);
}
END_TEST

static Suite *pktgen_paths_suite(void)
{
	Suite *s = suite_create("pktgen_paths");
	TCase *tc = tcase_create("veth_xdp");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_drop_fraction);
	tcase_add_test(tc, test_reflect_rtt);
	tcase_add_test(tc, test_ndr_search);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_paths_suite)
