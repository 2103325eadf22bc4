// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen on a veth pair (suite pktgen_port, root): 10 kpps of 64-byte
 * frames for 2 s from an af_packet port on one end to a second port on the
 * other, in one process.  From its JSON: nothing lost, the achieved rate
 * within 1% of the target, latency percentiles present and ordered; and
 * nothing left under /var/run/dpdk.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "testlib.h"
#include "testns.h"

#define RATE 10000

/* build/dplab-pktgen beside $DPLAB (build/dplab). */
static void pktgen_path(char *buf, size_t len)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", test_dplab_path());
	snprintf(buf, len, "%s/dplab-pktgen", dirname(dir));
}

static json_int_t get_int(json_t *o, const char *sect, const char *key)
{
	json_t *v = json_object_get(json_object_get(o, sect), key);

	ck_assert_msg(json_is_integer(v), "JSON: %s.%s missing or not an integer", sect, key);
	return json_integer_value(v);
}

START_TEST(test_veth_no_loss_rate_latency)
{
	static const char *const pct[] = { "min", "p50", "p90", "p99", "p99_9", "max" };
	char ns[TESTNS_NAME], pg[PATH_MAX], json_path[64], out[8192];
	const char *why = test_needs_root();
	json_int_t sent, received, prev = 0;
	json_error_t jerr;
	double achieved;
	json_t *j;
	unsigned i;
	int rc;

	if (why)
		test_skip("%s", why);
	pktgen_path(pg, sizeof(pg));
	ck_assert_msg(!access(pg, X_OK), "%s: not built (make builds it)", pg);
	ck_assert_int_eq(testns_create(ns), 0);
	ck_assert_msg(!sh("ip -n %s link add name a type veth peer name b && "
			  "ip -n %s link set dev a up && ip -n %s link set dev b up", ns, ns, ns),
		      "veth pair in %s", ns);
	snprintf(json_path, sizeof(json_path), "/tmp/%s-pktgen.json", ns);
	rc = sh_out(out, sizeof(out), 1, "%s --netns %s --iface a --rx-iface b --rate %d "
		    "--size 64 --duration 2 --json %s", pg, ns, RATE, json_path);
	testns_delete(ns);
	ck_assert_msg(rc == 0, "dplab-pktgen exited %d:\n%s", rc, out);
	j = json_load_file(json_path, 0, &jerr);
	unlink(json_path);
	ck_assert_msg(j, "%s: %s (line %d)", json_path, jerr.text, jerr.line);

	sent = get_int(j, "totals", "sent");
	received = get_int(j, "totals", "received");
	ck_assert_msg(sent > 0, "nothing sent:\n%s", out);
	ck_assert_msg(received == sent, "sent %lld, received %lld:\n%s", (long long)sent,
		      (long long)received, out);
	ck_assert_int_eq(get_int(j, "totals", "lost"), 0);
	achieved = json_real_value(json_object_get(json_object_get(j, "totals"),
						   "achieved_pps"));
	ck_assert_msg(achieved > RATE * 0.99 && achieved < RATE * 1.01,
		      "achieved %.1f pps, target %d", achieved, RATE);
	ck_assert_int_eq(get_int(j, "latency_ns", "count"), received);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		json_int_t v = get_int(j, "latency_ns", pct[i]);

		ck_assert_msg(v > 0 && v >= prev, "latency %s %lld after %lld", pct[i],
			      (long long)v, (long long)prev);
		prev = v;
	}
	json_decref(j);
	ck_assert_msg(sh("ls -d /var/run/dpdk/dplab-pktgen-* >/dev/null 2>&1"),
		      "dplab-pktgen left a runtime directory under /var/run/dpdk");
}
END_TEST

static Suite *pktgen_port_suite(void)
{
	Suite *s = suite_create("pktgen_port");
	TCase *tc = tcase_create("veth");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_veth_no_loss_rate_latency);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_port_suite)
