// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen on a veth pair (suite pktgen_port, root): 10 kpps of 64-byte
 * frames for 2 s from an af_packet port on one end to a second port on the
 * other, in one process.  From its JSON: nothing lost, the achieved rate
 * within 1% of the target, latency percentiles present and ordered; and
 * nothing left under /var/run/dpdk.
 *
 * pci_guarded: a PCI port (--pci) is refused without --allow-physical and
 * without an explicit --max-rate, a malformed address is named, and a
 * device no driver took (none here) ends with a clear error and nothing
 * left under /var/run/dpdk.  (Sending on a real ENA/mlx5 device needs one.)
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "pktgen_test.h"
#include "testlib.h"
#include "testns.h"

#define RATE 10000

START_TEST(test_veth_no_loss_rate_latency)
{
	static const char *const pct[] = { "min", "p50", "p90", "p99", "p99_9", "max" };
	char ns[TESTNS_NAME], pg[PATH_MAX], json_path[64], out[8192];
	json_int_t sent, received, prev = 0;
	double achieved;
	json_t *j;
	unsigned i;
	int rc;

	pktgen_veth_setup(ns, pg, sizeof(pg));
	snprintf(json_path, sizeof(json_path), "/tmp/%s-pktgen.json", ns);
	rc = sh_out(out, sizeof(out), 1, "%s --netns %s --iface a --rx-iface b --rate %d "
		    "--size 64 --duration 2 --json %s", pg, ns, RATE, json_path);
	testns_delete(ns);
	ck_assert_msg(rc == 0, "dplab-pktgen exited %d:\n%s", rc, out);
	j = pktgen_json_load(json_path);

	sent = pktgen_json_int(j, "totals", "sent");
	received = pktgen_json_int(j, "totals", "received");
	ck_assert_msg(sent > 0, "nothing sent:\n%s", out);
	ck_assert_msg(received == sent, "sent %lld, received %lld:\n%s", (long long)sent,
		      (long long)received, out);
	ck_assert_int_eq(pktgen_json_int(j, "totals", "lost"), 0);
	achieved = json_real_value(json_object_get(json_object_get(j, "totals"),
						   "achieved_pps"));
	ck_assert_msg(achieved > RATE * 0.99 && achieved < RATE * 1.01,
		      "achieved %.1f pps, target %d", achieved, RATE);
	ck_assert_int_eq(pktgen_json_int(j, "latency_ns", "count"), received);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		json_int_t v = pktgen_json_int(j, "latency_ns", pct[i]);

		ck_assert_msg(v > 0 && v >= prev, "latency %s %lld after %lld", pct[i],
			      (long long)v, (long long)prev);
		prev = v;
	}
	json_decref(j);
	ck_assert_msg(sh("ls -d /var/run/dpdk/dplab-pktgen-* >/dev/null 2>&1"),
		      "dplab-pktgen left a runtime directory under /var/run/dpdk");
}
END_TEST

/* Run dplab-pktgen with args; assert its exit code and that out names what. */
static void expect_refusal(const char *pg, const char *args, int code, const char *what)
{
	char out[4096];
	int rc = sh_out(out, sizeof(out), 1, "%s %s", pg, args);

	ck_assert_msg(rc == code, "%s: exit %d, expected %d:\n%s", args, rc, code, out);
	ck_assert_msg(strstr(out, what), "%s: no '%s' in:\n%s", args, what, out);
}

START_TEST(test_pci_guarded)
{
	char pg[PATH_MAX];

	need_root();
	pktgen_path(pg, sizeof(pg));
	expect_refusal(pg, "--pci 0000:00:1f.0 --rate 1000", 1,
		       "refusing without --allow-physical");
	expect_refusal(pg, "--pci 0000:00:1f.0 --rate 1000 --allow-physical", 2,
		       "needs an explicit --max-rate");
	expect_refusal(pg, "--pci 00:1f --rate 1000 --allow-physical --max-rate 1000", 1,
		       "not a PCI address");
	expect_refusal(pg, "--pci 0000:00:1f.0 --iface lo --rate 1000", 2, "need one port");
	expect_refusal(pg, "--receive --pci 0000:00:1f.0 --duration 1", 1,
		       "refusing without --allow-physical");
	/* 00:1f.0 is a host bridge or nothing: no PMD takes it either way. */
	expect_refusal(pg, "--pci 0000:00:1f.0 --rate 1000 --duration 1 --allow-physical "
		       "--max-rate 1000", 1, "no DPDK driver took it");
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
	tcase_add_test(tc, test_pci_guarded);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_port_suite)
