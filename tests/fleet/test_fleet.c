// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `dplab fleet-report` over the fixture fleet (tests/data/fleet/, made by
 * tests/lib/fleet_fixture.c from the rule tests' facts): the committed
 * documents are what the generator makes, and the JSON report's every cell
 * is what the fleet's facts and trials say it must be.  The input forms,
 * bad input, Markdown and CSV are in test_fleet_cli.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/fleet_fixture.h"
#include "lib/probe_fixture.h"
#include "lib/fleet_check.h"

/*
 * The committed fixtures are the generator's output.  They are committed
 * rather than made at test time so a reader (and the README) can see what
 * the probe prints on such nodes; when a rule's text changes on purpose,
 * DPLAB_FLEET_REGEN=1 rewrites them and the diff shows what changed.
 */
START_TEST(fixtures_current)
{
	bool regen = getenv("DPLAB_FLEET_REGEN") != NULL;
	size_t i;

	for (i = 0; i < fleet_fixtures_n; i++) {
		char path[256], *text = fleet_fixture_text(&fleet_fixtures[i]), *file = NULL;
		long len;

		ck_assert_ptr_nonnull(text);
		snprintf(path, sizeof(path), "%s/%s", FLEET_FIXTURE_DIR, fleet_fixtures[i].file);
		if (regen)
			ck_assert_int_eq(write_file(path, text), 0);
		len = read_file(path, &file);
		ck_assert_msg(len >= 0, "%s: %s", path, strerror((int)-len));
		ck_assert_msg(!strcmp(file, text), "%s differs from what tests/lib/fleet_fixture.c "
			      "makes; DPLAB_FLEET_REGEN=1 rewrites it", path);
		free(file);
		free(text);
	}
}
END_TEST

/* ------------------------------------------------------------ the expected table */

#define M6I_KERNEL "6.12.37-61.105.amzn2023.x86_64"
#define NATIVE_FAILS "native XDP fails (see findings); generic XDP works (bpf_link and " \
	"netlink); tc works (tcx and legacy)"
#define ALL_WORK "native XDP works (bpf_link and netlink); tc works (tcx and legacy)"
#define ENA_MTU_FIX "ip link set dev eth0 mtu 3498 (or a multi-buffer, frags-aware program " \
	"where the driver advertises rx-sg)"
#define MLX5_FIX "ethtool -K ens1f0np0 lro off rx-gro-hw off"
#define VETH_FIX "ip link set dev veth1 mtu 3506, or load a frags-aware program " \
	"(SEC(\"xdp.frags\"))"

/* Mechanism counts: ok, failed, skipped, not tried. */
#define ALL_OK(n) { { n, 0, 0, 0 }, { n, 0, 0, 0 }, { n, 0, 0, 0 }, { n, 0, 0, 0 }, { n, 0, 0, 0 } }
#define UNTRIED(n) { { 0, 0, 0, n }, { 0, 0, 0, n }, { 0, 0, 0, n }, { 0, 0, 0, n }, { 0, 0, 0, n } }

/*
 * Likely (yes, no, unknown) of native XDP, XDP bpf_link and tcx for one
 * read-only row with a blocking finding on a kernel between 5.9 and 6.6.
 */
#define BLOCKED_BEFORE_6_6 { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 1, 0 } }

static const struct fleet_want want[] = {
	/* GCE: one node tried (guest offloads refuse XDP; no tcx on 6.1), one read-only with
	 * MTU 8896; their verdicts tie, so neither is flagged for it, both for failures
	 * only they show. */
	{ "Google Compute Engine", "6.1.0-28-cloud-amd64", "virtio_net", NULL, 2, 1,
	  { { 0, 1, 0, 1 }, { 0, 1, 0, 1 }, { 1, 0, 0, 1 }, { 0, 0, 1, 1 }, { 1, 0, 0, 1 } },
	  1, BLOCKED_BEFORE_6_6,
	  "native XDP fails (see findings); generic XDP works (bpf_link and netlink); tc works "
	  "(legacy only)", 1, false, false,
	  "gke-pool-1-a gke-pool-1-b", "gke-pool-1-a gke-pool-1-b",
	  { "finding tcx-unsupported warn nodes=2 gke-pool-1-a,gke-pool-1-b",
	    "trial EOPNOTSUPP xdp_native_link,xdp_libxdp_native msg=- nodes=1 gke-pool-1-a "
	    "by=virtio-guest-offloads",
	    "trial EOPNOTSUPP xdp_native_netlink msg=" VIRTIO_OFFLOADS_MSG " nodes=1 "
	    "gke-pool-1-a by=virtio-guest-offloads",
	    "finding virtio-guest-offloads block nodes=1 gke-pool-1-a",
	    "finding virtio-guest-offloads warn nodes=1 gke-pool-1-b",
	    "finding virtio-mtu block nodes=1 gke-pool-1-b" } },
	/* mlx5 with LRO on, twice: unanimous; mlx5 gives no message, dmesg has it. */
	{ "PowerEdge R650", "6.8.0-45-generic", "mlx5_core", "22.39.1002 (DEL0000000027)", 2, 0,
	  { { 0, 2, 0, 0 }, { 0, 2, 0, 0 }, { 2, 0, 0, 0 }, { 2, 0, 0, 0 }, { 2, 0, 0, 0 } },
	  0, { { 0 } }, NATIVE_FAILS, 2, true, true, "metal-a1 metal-a2", "",
	  { "trial EINVAL xdp_native_link,xdp_native_netlink,xdp_libxdp_native msg=- nodes=2 "
	    "metal-a1,metal-a2 by=mlx5-lro",
	    "finding mlx5-lro block nodes=2 metal-a1,metal-a2" } },
	/* One bare-metal document, two interfaces: two rows, two groups. */
	{ "SYS-1029P-WTR", "6.8.0-45-generic", "ice", "4.40 0x8001c967 1.3534.0", 1, 0,
	  ALL_OK(1), 0, { { 0 } }, ALL_WORK, 1, true, true, "bm-01", "", { NULL } },
	{ "SYS-1029P-WTR", "6.8.0-45-generic", "ixgbe", "0x800009e0", 1, 0,
	  ALL_OK(1), 0, { { 0 } }, ALL_WORK, 1, true, true, "bm-01", "", { NULL } },
	{ "Standard PC (Q35 + ICH9, 2009)", "6.12.12+bpo-amd64", "veth", NULL, 1, 0,
	  { { 0, 1, 0, 0 }, { 0, 1, 0, 0 }, { 1, 0, 0, 0 }, { 1, 0, 0, 0 }, { 1, 0, 0, 0 } },
	  0, { { 0 } }, NATIVE_FAILS, 1, true, true, "dev-vm-1", "",
	  { "trial ERANGE xdp_native_link,xdp_native_netlink msg=" VETH_PEER_MTU_MSG " nodes=1 "
	    "dev-vm-1 by=veth-peer-mtu",
	    "trial ERANGE xdp_libxdp_native msg=- nodes=1 dev-vm-1 by=veth-peer-mtu",
	    "finding veth-peer-mtu block nodes=1 dev-vm-1" } },
	/* c6in.2xlarge on two kernels: two groups, read-only, every channel in use. */
	{ "c6in.2xlarge", "5.10.238-231.953.amzn2.x86_64", "ena", NULL, 1, 1, UNTRIED(1),
	  1, BLOCKED_BEFORE_6_6,
	  "not tested (--read-only); facts show a blocker: ena-mtu, ena-channels; warnings: "
	  "tcx-unsupported", 1, true, true, "ip-10-0-2-22.ec2.internal", "",
	  { "finding ena-mtu block nodes=1 ip-10-0-2-22.ec2.internal",
	    "finding ena-channels block nodes=1 ip-10-0-2-22.ec2.internal",
	    "finding tcx-unsupported warn nodes=1 ip-10-0-2-22.ec2.internal" } },
	{ "c6in.2xlarge", "6.1.141-155.222.amzn2023.x86_64", "ena", NULL, 1, 1, UNTRIED(1),
	  1, BLOCKED_BEFORE_6_6,
	  "not tested (--read-only); facts show a blocker: ena-channels; warnings: "
	  "tcx-unsupported", 1, true, true, "ip-10-0-2-21.ec2.internal", "",
	  { "finding ena-channels block nodes=1 ip-10-0-2-21.ec2.internal",
	    "finding tcx-unsupported warn nodes=1 ip-10-0-2-21.ec2.internal" } },
	/* EKS's MTU 9001 on two m6i.xlarge; the third at 3498 works and is flagged. */
	{ "m6i.xlarge", M6I_KERNEL, "ena", NULL, 3, 0,
	  { { 1, 2, 0, 0 }, { 1, 2, 0, 0 }, { 3, 0, 0, 0 }, { 3, 0, 0, 0 }, { 3, 0, 0, 0 } },
	  0, { { 0 } }, NATIVE_FAILS, 2, false, true,
	  "ip-10-0-1-11.ec2.internal ip-10-0-1-12.ec2.internal ip-10-0-1-13.ec2.internal",
	  "ip-10-0-1-13.ec2.internal",
	  { "trial EINVAL xdp_native_link,xdp_native_netlink msg=" ENA_MTU_MSG " nodes=2 "
	    "ip-10-0-1-11.ec2.internal,ip-10-0-1-12.ec2.internal by=ena-mtu",
	    "trial EINVAL xdp_libxdp_native msg=- nodes=2 "
	    "ip-10-0-1-11.ec2.internal,ip-10-0-1-12.ec2.internal by=ena-mtu",
	    "finding ena-mtu block nodes=2 ip-10-0-1-11.ec2.internal,ip-10-0-1-12.ec2.internal" } },
	/* An older probe: no node, no platform; grouped as unknown, named by its place.
	 * 5.15 reports no xdp_features, so native XDP is unknown from the facts. */
	{ NULL, "5.15.0-119-generic", "ixgbe", "0x800009e0", 1, 1, UNTRIED(1),
	  1, { { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 } },
	  "not tested (--read-only); facts show no blocker; warnings: tcx-unsupported", 1, true,
	  true, FLEET_FIXTURE_DIR "/old-probe.json:1", "",
	  { "finding tcx-unsupported warn nodes=1 " FLEET_FIXTURE_DIR "/old-probe.json:1" } },
};

#define N_WANT (sizeof(want) / sizeof(want[0]))

START_TEST(report_json_every_cell)
{
	json_t *r, *d, *g, *m6i;
	const char *fix;

	need_dplab();
	r = fleet_run_json("%s", FLEET_FIXTURE_DIR);
	ck_assert_str_eq(json_string_value(json_object_get(r, "schema")), "dplab.fleet-report/1");
	d = json_object_get(r, "documents");
	ck_assert_int_eq(json_integer_value(json_object_get(d, "read")), fleet_fixtures_n);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "nodes")), fleet_fixtures_n);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "duplicates")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(d, "skipped")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(r, "skipped")), 0);
	/* bm-01 carries two interfaces */
	ck_assert_int_eq(json_integer_value(json_object_get(r, "rows")), fleet_fixtures_n + 1);
	fleet_check_groups(json_object_get(r, "groups"), want, N_WANT);

	/* A failed trial's fix is the fix of the finding that explains it. */
	m6i = json_array_get(json_object_get(r, "groups"), 7);
	g = json_array_get(json_object_get(m6i, "failures"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(g, "fix")), ENA_MTU_FIX);
	g = json_array_get(json_object_get(m6i, "failures"), 2);
	ck_assert_str_eq(json_string_value(json_object_get(g, "fix")), ENA_MTU_FIX);
	ck_assert(strstr(json_string_value(json_object_get(g, "reason")), "MTU 9001"));
	ck_assert(strstr(json_string_value(json_object_get(g, "reason")), "limit 3498"));
	g = json_array_get(json_object_get(json_array_get(json_object_get(r, "groups"), 1),
					   "failures"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(g, "fix")), MLX5_FIX);
	g = json_array_get(json_object_get(json_array_get(json_object_get(r, "groups"), 4),
					   "failures"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(g, "fix")), VETH_FIX);
	fix = json_string_value(json_object_get(json_array_get(json_object_get(
		json_array_get(json_object_get(r, "groups"), 5), "failures"), 1), "fix"));
	ck_assert_str_eq(fix, "ethtool -L eth0 combined 4");

	/* Why the odd m6i node is flagged, and that the other two are not. */
	g = json_array_get(json_object_get(m6i, "members"), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(g, "flags"), 0)),
			 "verdict differs from the group's: " ALL_WORK);
	ck_assert_int_eq(json_array_size(json_object_get(g, "flags")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(json_array_get(
		json_object_get(m6i, "members"), 0), "flags")), 0);
	json_decref(r);
}
END_TEST

static Suite *fleet_suite(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, fixtures_current);
	tcase_add_test(tc, report_json_every_cell);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(fleet_suite)
