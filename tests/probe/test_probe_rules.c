// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The diagnosis rule table of `dplab probe` (loader/probe/probe_rules*.c), from
 * recorded facts and trial outcomes: no root, no interface touched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/netdev.h>

#include "probe/probe.h"
#include "lib/testlib.h"
#include "lib/probe_fixture.h"
#include "probe/rules_check.h"


/* ------------------------------------------------------------ ENA */

START_TEST(ena_mtu_9001_4_of_8)
{
	struct probe_facts f = pf_ena(9001, 4, 8);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *m;

	pf_fail_native(&tr, EINVAL, ENA_MTU_MSG);
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(d.n, 1);
	m = need(&d, "ena-mtu");
	ck_assert_int_eq(m->severity, SEV_BLOCK);
	has(m->reason, "9001");
	has(m->reason, "3498");
	has(m->reason, "EKS");
	has(m->fix, "ip link set dev eth0 mtu 3498");
	ck_assert_ptr_null(find(&d, "ena-channels"));
	all_explained(&tr, &d);
	has(d.verdict, "native XDP fails");
	has(d.verdict, "generic XDP works (bpf_link and netlink)");
}
END_TEST

START_TEST(ena_mtu_3498_2_of_8)
{
	struct probe_facts f = pf_ena(3498, 2, 8);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(count(&d, SEV_BLOCK), 0);
	ck_assert_ptr_null(find(&d, "ena-mtu"));
	ck_assert_ptr_null(find(&d, "ena-channels"));
	ck_assert_str_eq(d.verdict, "native XDP works (bpf_link and netlink); tc works (tcx and legacy)");

	probe_diagnose(&f, NULL, false, &d);
	ck_assert_int_eq(count(&d, SEV_BLOCK), 0);
	ck_assert_str_eq(d.verdict, "not tested (--read-only); facts show no blocker");
}
END_TEST

START_TEST(ena_5_of_8_channels)
{
	struct probe_facts f = pf_ena(1500, 5, 8);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *c;

	pf_fail_native(&tr, EINVAL, ENA_CH_MSG);
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	c = need(&d, "ena-channels");
	ck_assert_int_eq(c->severity, SEV_BLOCK);
	has(c->reason, "5 of 8");
	has(c->fix, "ethtool -L eth0 combined 4");
	ck_assert_ptr_null(find(&d, "ena-mtu"));
	ck_assert_ptr_null(find(&d, "attach-failed"));
	all_explained(&tr, &d);
}
END_TEST

/* The published report's failure: the real causes, not "no bpf_link". */
START_TEST(ena_create_link_einval)
{
	struct probe_facts f = pf_ena(9001, 8, 8);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	pf_refuse(&tr, TRIAL_XDP_NATIVE_LINK, EINVAL, "create link: invalid argument");
	pf_refuse(&tr, TRIAL_XDP_NATIVE_NETLINK, EINVAL, "");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	has(need(&d, "ena-mtu")->reason, "Seen: native XDP via bpf_link, netlink failed with EINVAL");
	has(need(&d, "ena-channels")->fix, "ethtool -L eth0 combined 4");
	ck_assert_ptr_null(find(&d, "attach-failed"));
	all_explained(&tr, &d);

	/* Facts that explain nothing: the failure is quoted, not guessed at. */
	f = pf_ena(1500, 2, 8);
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	has(need(&d, "attach-failed")->reason, "create link: invalid argument");
	all_explained(&tr, &d);
}
END_TEST

START_TEST(ena_read_only)
{
	struct probe_facts f = pf_ena(9001, 4, 8);
	struct probe_trials tr = pf_trials_all(OUTCOME_NOT_RUN);
	struct probe_diagnosis d;
	const struct probe_finding *m;

	probe_diagnose(&f, &tr, false, &d);
	show(&d);
	ck_assert_int_eq(d.n, 1);
	m = need(&d, "ena-mtu");
	ck_assert_int_eq(m->severity, SEV_BLOCK);
	has(m->reason, "9001");
	has(m->fix, "ip link set dev eth0 mtu 3498");
	lacks(m->reason, "Seen:");
	ck_assert_str_eq(d.verdict, "not tested (--read-only); facts show a blocker: ena-mtu");
}
END_TEST

/* ------------------------------------------------------------ mlx5, virtio */

START_TEST(mlx5_lro_on)
{
	struct probe_facts f = pf_iface("eth0", "mlx5_core");
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	f.lro = PROBE_ON;
	pf_fail_native(&tr, EINVAL, "");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(need(&d, "mlx5-lro")->severity, SEV_BLOCK);
	has(need(&d, "mlx5-lro")->fix, "ethtool -K eth0 lro off rx-gro-hw off");
	ck_assert_ptr_null(find(&d, "mlx5-mtu"));
	all_explained(&tr, &d);
}
END_TEST

START_TEST(mlx5_mtu)
{
	struct probe_facts f = pf_iface("eth0", "mlx5_core");
	struct probe_trials tr = pf_trials_all(OUTCOME_NOT_RUN);
	struct probe_diagnosis d;

	f.mtu = 9000;
	probe_diagnose(&f, &tr, false, &d);
	show(&d);
	has(need(&d, "mlx5-mtu")->reason, "about 3498");
	ck_assert_ptr_null(find(&d, "mlx5-lro"));
}
END_TEST

START_TEST(virtio_mtu_9000)
{
	struct probe_facts f = pf_iface("eth0", "virtio_net");
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *m;

	f.mtu = 9000;
	pf_fail_native(&tr, EINVAL, "virtio_net: MTU too large to enable XDP without frags");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	m = need(&d, "virtio-mtu");
	has(m->reason, "9000");
	has(m->reason, "3506");
	has(m->reason, "MTU too large to enable XDP without frags");
	has(m->fix, "ip link set dev eth0 mtu 3506");
	ck_assert_ptr_null(find(&d, "attach-failed"));
	all_explained(&tr, &d);
}
END_TEST

START_TEST(virtio_guest_offloads)
{
	struct probe_facts f = pf_iface("eth0", "virtio_net");
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	f.lro = PROBE_ON;
	pf_fail_native(&tr, EOPNOTSUPP, VIRTIO_OFFLOADS_MSG);
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(need(&d, "virtio-guest-offloads")->severity, SEV_BLOCK);
	has(need(&d, "virtio-guest-offloads")->fix, "guest_tso4=off");
	has(need(&d, "virtio-guest-offloads")->fix, "ethtool -K eth0 lro off rx-gro-hw off");
	ck_assert_ptr_null(find(&d, "native-unsupported"));
	all_explained(&tr, &d);

	/* Read-only: offloads on may or may not block; a warning. */
	probe_diagnose(&f, NULL, false, &d);
	ck_assert_int_eq(need(&d, "virtio-guest-offloads")->severity, SEV_WARN);
}
END_TEST

START_TEST(virtio_tx_queues)
{
	struct probe_facts f = pf_iface("eth0", "virtio_net");
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	f.channels.known = true;
	f.channels.combined = f.channels.max_combined = 4;
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(need(&d, "virtio-tx-queues")->severity, SEV_WARN);
	has(need(&d, "virtio-tx-queues")->reason, "under a lock");

	f.kernel.major = 5;
	f.kernel.minor = 10;
	snprintf(f.kernel.release, sizeof(f.kernel.release), "5.10.0");
	f.kernel.tcx = f.kernel.xdp_attach_failed_tp = false;
	pf_fail_native(&tr, ENOMEM, "virtio_net: Too few free TX rings available");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(need(&d, "virtio-tx-queues")->severity, SEV_BLOCK);
	has(need(&d, "virtio-tx-queues")->fix, "ethtool -L eth0 combined");
	all_explained(&tr, &d);
}
END_TEST

/* ------------------------------------------------------------ veth */

START_TEST(veth_peer_mtu_9000)
{
	struct probe_facts f = pf_veth(9000, 1, 1);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *m;

	pf_fail_native(&tr, ERANGE, VETH_PEER_MTU_MSG);
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	m = need(&d, "veth-peer-mtu");
	ck_assert_int_eq(m->severity, SEV_BLOCK);
	has(m->reason, "veth1");
	has(m->reason, "9000");
	has(m->reason, "3506");
	has(m->fix, "ip link set dev veth1 mtu 3506");
	ck_assert_ptr_null(find(&d, "veth-no-napi"));
	all_explained(&tr, &d);
}
END_TEST

START_TEST(veth_enospc)
{
	struct probe_facts f = pf_veth(1500, 1, 4);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *q;

	pf_fail_native(&tr, ENOSPC, "veth: XDP expects number of rx queues not less than peer tx queues");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	q = need(&d, "veth-rx-queues");
	has(q->reason, "1 rx queue");
	has(q->reason, "4 tx queues");
	has(q->fix, "ethtool -L veth1 tx 1");
	ck_assert_ptr_null(find(&d, "veth-peer-mtu"));
	all_explained(&tr, &d);
}
END_TEST

START_TEST(veth_detached)
{
	struct probe_facts f = pf_veth(1500, 1, 1);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	f.has_peer = f.peer_known = false;
	f.peer_ifname[0] = '\0';
	pf_fail_native(&tr, ENOTCONN, "veth: Cannot set XDP when peer is detached");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	need(&d, "veth-peer-detached");
	all_explained(&tr, &d);
}
END_TEST

START_TEST(veth_works_napi_note)
{
	struct probe_facts f = pf_veth(1500, 1, 1);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *n;

	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	ck_assert_int_eq(count(&d, SEV_BLOCK), 0);
	n = need(&d, "veth-no-napi");
	ck_assert_int_eq(n->severity, SEV_INFO);
	has(n->fix, "ip link set dev veth1 xdpdrv");
	ck_assert_str_eq(d.verdict, "native XDP works (bpf_link and netlink); tc works (tcx and legacy)");

	/* GRO on the peer is not enough for XDP_TX; an XDP program is. */
	f.peer_gro = PROBE_ON;
	probe_diagnose(&f, &tr, true, &d);
	ck_assert_ptr_nonnull(find(&d, "veth-no-napi"));
	f.peer_xdp = true;
	probe_diagnose(&f, &tr, true, &d);
	ck_assert_ptr_null(find(&d, "veth-no-napi"));
}
END_TEST

static Suite *probe_rules_suite(void)
{
	Suite *s = suite_create("probe_rules");
	TCase *tc;

	tc = tcase_create("ena");
	tcase_add_test(tc, ena_mtu_9001_4_of_8);
	tcase_add_test(tc, ena_mtu_3498_2_of_8);
	tcase_add_test(tc, ena_5_of_8_channels);
	tcase_add_test(tc, ena_create_link_einval);
	tcase_add_test(tc, ena_read_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("mlx5_virtio");
	tcase_add_test(tc, mlx5_lro_on);
	tcase_add_test(tc, mlx5_mtu);
	tcase_add_test(tc, virtio_mtu_9000);
	tcase_add_test(tc, virtio_guest_offloads);
	tcase_add_test(tc, virtio_tx_queues);
	suite_add_tcase(s, tc);

	tc = tcase_create("veth");
	tcase_add_test(tc, veth_peer_mtu_9000);
	tcase_add_test(tc, veth_enospc);
	tcase_add_test(tc, veth_detached);
	tcase_add_test(tc, veth_works_napi_note);
	suite_add_tcase(s, tc);

	return s;
}

TEST_SUITE(probe_rules_suite)
