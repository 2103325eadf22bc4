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

/* How findings name a trial: "<family> via <mechanism>[, <mechanism>...]". */
static const char *const trial_family[TRIAL_COUNT] = {
	[TRIAL_XDP_NATIVE_LINK] = "native XDP",
	[TRIAL_XDP_NATIVE_NETLINK] = "native XDP",
	[TRIAL_XDP_GENERIC_LINK] = "generic XDP",
	[TRIAL_XDP_GENERIC_NETLINK] = "generic XDP",
	[TRIAL_XDP_LIBXDP_NATIVE] = "native XDP",
	[TRIAL_TC_TCX] = "tc",
	[TRIAL_TC_LEGACY] = "tc",
};
static const char *const trial_mech[TRIAL_COUNT] = {
	[TRIAL_XDP_NATIVE_LINK] = "bpf_link",
	[TRIAL_XDP_NATIVE_NETLINK] = "netlink",
	[TRIAL_XDP_GENERIC_LINK] = "bpf_link",
	[TRIAL_XDP_GENERIC_NETLINK] = "netlink",
	[TRIAL_XDP_LIBXDP_NATIVE] = "libxdp",
	[TRIAL_TC_TCX] = "tcx",
	[TRIAL_TC_LEGACY] = "clsact",
};

/* REASON names trial T: its mechanism in a list after "<family> via ". */
static bool names_trial(const char *reason, int t)
{
	size_t mlen = strlen(trial_mech[t]);
	const char *p = reason;
	char head[32];

	snprintf(head, sizeof(head), "%s via ", trial_family[t]);
	while ((p = strstr(p, head))) {
		const char *end, *failed;

		p += strlen(head);
		end = p + strcspn(p, ";.");
		failed = strstr(p, " failed");
		if (failed && failed < end)
			end = failed;
		while (p < end) {
			size_t len = strcspn(p, ",");

			if (p + len > end)
				len = end - p;
			if (len == mlen && !memcmp(p, trial_mech[t], len))
				return true;
			p += len;
			while (p < end && (*p == ',' || *p == ' '))
				p++;
		}
	}
	return false;
}

/* ------------------------------------------------------------ fixtures */

static const struct probe_finding *find(const struct probe_diagnosis *d, const char *rule)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].rule, rule))
			return &d->f[i];
	return NULL;
}

static int count(const struct probe_diagnosis *d, enum probe_severity sev)
{
	int i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->f[i].severity == sev;
	return n;
}

/* The diagnosis, on failure or with DPLAB_TEST_VERBOSE set. */
static void dump(const struct probe_diagnosis *d)
{
	int i;

	printf("  verdict: %s\n", d->verdict);
	for (i = 0; i < d->n; i++)
		printf("  [%d] %s: %s\n      fix: %s\n", d->f[i].severity, d->f[i].rule,
		       d->f[i].reason, d->f[i].fix);
}

static void show(const struct probe_diagnosis *d)
{
	if (getenv("DPLAB_TEST_VERBOSE"))
		dump(d);
}

/* The finding RULE must exist; returned for further checks. */
#define need(d, rule)                                                         \
	({                                                                    \
		const struct probe_finding *f_ = find(d, rule);              \
		if (!f_)                                                      \
			dump(d);                                              \
		ck_assert_msg(f_, "no %s finding", rule);                     \
		f_;                                                           \
	})
#define has(s, sub) ck_assert_msg(strstr(s, sub), "\"%s\" lacks \"%s\"", s, sub)
#define lacks(s, sub) ck_assert_msg(!strstr(s, sub), "\"%s\" has \"%s\"", s, sub)

/* Every failed trial is named by some finding, never as a lack of bpf_link. */
static void all_explained(const struct probe_trials *tr, const struct probe_diagnosis *d)
{
	int i, j;

	ck_assert_int_le(d->n, PROBE_MAX_FINDINGS);
	for (j = 0; j < d->n; j++)
		lacks(d->f[j].reason, "bpf_link support");
	for (i = 0; i < TRIAL_COUNT; i++) {
		bool named = false;

		if (tr->t[i].outcome != OUTCOME_FAILED)
			continue;
		for (j = 0; j < d->n && !named; j++)
			named = names_trial(d->f[j].reason, i);
		if (!named)
			dump(d);
		ck_assert_msg(named, "failure of %s via %s left unexplained",
			      trial_family[i], trial_mech[i]);
	}
}

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

/* ------------------------------------------------------------ any driver */

START_TEST(dummy_native_unsupported)
{
	struct probe_facts f = pf_iface("dummy0", "dummy");
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *n;

	f.xdp_features = 0;
	pf_fail_native(&tr, EOPNOTSUPP, "Underlying driver does not support XDP in native mode");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	n = need(&d, "native-unsupported");
	ck_assert_int_eq(n->severity, SEV_WARN);
	has(n->reason, "eneric (skb) XDP works");
	has(n->reason, "fewer packets per second");
	has(n->fix, "xdpgeneric");
	ck_assert_ptr_null(find(&d, "attach-failed"));
	all_explained(&tr, &d);
	has(d.verdict, "native XDP fails (see findings); generic XDP works (bpf_link and netlink)");

	probe_diagnose(&f, NULL, false, &d);
	need(&d, "native-unsupported");
	ck_assert_str_eq(d.verdict, "not tested (--read-only); facts show no blocker; "
			 "warnings: native-unsupported");
}
END_TEST

START_TEST(hook_owned_netlink)
{
	struct probe_facts f = pf_veth(1500, 1, 1);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *h;
	int i;

	f.attached.xdp_attached = XDP_ATTACHED_DRV;
	f.attached.xdp_prog_id = f.attached.xdp_drv_prog_id = 42;
	for (i = TRIAL_XDP_NATIVE_LINK; i <= TRIAL_XDP_LIBXDP_NATIVE; i++) {
		tr.t[i].outcome = OUTCOME_SKIPPED;
		snprintf(tr.t[i].note, sizeof(tr.t[i].note), "XDP already attached");
	}
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	h = need(&d, "hook-owned-netlink");
	has(h->reason, "42");
	has(h->fix, "ip link set dev veth0 xdpdrv off");
	ck_assert_ptr_null(find(&d, "hook-owned-link"));
	ck_assert_ptr_null(find(&d, "attach-failed"));
	has(d.verdict, "native XDP not tried (hook in use)");

	/* A generic attach beside it is refused with EEXIST: explained too. */
	pf_refuse(&tr, TRIAL_XDP_GENERIC_NETLINK, EEXIST,
	     "Native and generic XDP can't be active at the same time.");
	probe_diagnose(&f, &tr, true, &d);
	ck_assert_ptr_null(find(&d, "attach-failed"));
	all_explained(&tr, &d);
}
END_TEST

START_TEST(hook_owned_link)
{
	struct probe_facts f = pf_iface("eth0", "ena");
	struct probe_trials tr = pf_trials_all(OUTCOME_SKIPPED);
	struct probe_diagnosis d;

	f.attached.xdp_attached = XDP_ATTACHED_DRV;
	f.attached.xdp_prog_id = 9;
	f.attached.xdp_link_id = 7;
	tr.t[TRIAL_TC_TCX].outcome = tr.t[TRIAL_TC_LEGACY].outcome = OUTCOME_OK;
	pf_refuse(&tr, TRIAL_XDP_NATIVE_NETLINK, EBUSY, "Can't replace active BPF XDP link");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	has(need(&d, "hook-owned-link")->fix, "bpftool link detach id 7");
	ck_assert_ptr_null(find(&d, "hook-owned-netlink"));
	all_explained(&tr, &d);
}
END_TEST

/* Without CAP_SYS_ADMIN the owner is unknown: never claimed to be netlink. */
START_TEST(hook_owner_unknown)
{
	struct probe_facts f = pf_iface("eth0", "ena");
	struct probe_trials tr = pf_trials_all(OUTCOME_NOT_RUN);
	struct probe_diagnosis d;
	const struct probe_finding *h;

	f.attached.xdp_attached = XDP_ATTACHED_DRV;
	f.attached.xdp_prog_id = f.attached.xdp_drv_prog_id = 9;
	f.attached.xdp_owner_unknown = true;
	probe_diagnose(&f, &tr, false, &d);
	show(&d);
	h = need(&d, "hook-owner-unknown");
	has(h->reason, "CAP_SYS_ADMIN");
	has(h->fix, "CAP_SYS_ADMIN");
	ck_assert_ptr_null(find(&d, "hook-owned-netlink"));
	ck_assert_ptr_null(find(&d, "hook-owned-link"));
	ck_assert_ptr_null(find(&d, "hook-owned-libxdp"));
}
END_TEST

START_TEST(kernel_5_4)
{
	struct probe_facts f = pf_veth(1500, 1, 1);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	snprintf(f.kernel.release, sizeof(f.kernel.release), "5.4.0-150-generic");
	f.kernel.major = 5;
	f.kernel.minor = 4;
	f.kernel.tcx = f.kernel.xdp_link = f.kernel.xdp_attach_failed_tp = false;
	f.xdp_features_known = false;
	pf_refuse(&tr, TRIAL_XDP_NATIVE_LINK, EINVAL, "");
	pf_refuse(&tr, TRIAL_XDP_GENERIC_LINK, EINVAL, "");
	pf_refuse(&tr, TRIAL_TC_TCX, EINVAL, "");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	has(need(&d, "kernel-no-xdp-link")->reason, "5.4.0-150-generic");
	has(need(&d, "kernel-no-xdp-link")->fix, "netlink");
	has(need(&d, "tcx-unsupported")->fix, "clsact");
	has(need(&d, "kernel-no-xdp-link")->reason, "bpf_link attaches get one from 6.6");
	ck_assert_ptr_null(find(&d, "attach-failed"));
	all_explained(&tr, &d);
	ck_assert_str_eq(d.verdict, "native XDP works (netlink only); tc works (legacy only)");

	probe_diagnose(&f, NULL, false, &d);
	need(&d, "kernel-no-xdp-link");
}
END_TEST

START_TEST(unexplained_errno)
{
	struct probe_facts f = pf_iface("eth0", "ixgbe");
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;
	const struct probe_finding *a;

	pf_refuse(&tr, TRIAL_XDP_NATIVE_NETLINK, E2BIG, "ixgbe: something odd");
	pf_refuse(&tr, TRIAL_TC_LEGACY, EPERM, "");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	a = need(&d, "attach-failed");
	ck_assert_int_eq(a->severity, SEV_BLOCK);
	has(a->reason, "E2BIG");
	has(a->reason, "\"ixgbe: something odd\"");
	ck_assert_int_eq(count(&d, SEV_BLOCK), 2);
	all_explained(&tr, &d);
}
END_TEST

START_TEST(libxdp_and_btf_notes)
{
	struct probe_facts f = pf_veth(1500, 1, 1);
	struct probe_trials tr = pf_trials_all(OUTCOME_OK);
	struct probe_diagnosis d;

	f.kernel.btf = false;
	snprintf(tr.t[TRIAL_XDP_LIBXDP_NATIVE].note, sizeof(tr.t[0].note),
		 "dispatcher unavailable: EPERM; loaded without dispatcher");
	probe_diagnose(&f, &tr, true, &d);
	show(&d);
	has(need(&d, "libxdp-no-dispatcher")->reason, "dispatcher unavailable: EPERM");
	ck_assert_int_eq(need(&d, "no-btf")->severity, SEV_WARN);
	ck_assert_int_eq(count(&d, SEV_BLOCK), 0);
}
END_TEST

/* Any errno on any trial of any driver: explained, capped, terminated. */
START_TEST(never_unexplained)
{
	static const char *const drivers[] = { "ena", "mlx5_core", "virtio_net", "veth", "dummy" };
	static const int errs[] = { EINVAL, EOPNOTSUPP, ERANGE, ENOSPC, EBUSY, EEXIST,
				    ENOMEM, ENOTCONN, EPERM, E2BIG };
	char longmsg[PROBE_MSG];
	size_t i, j;

	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		for (j = 0; j < sizeof(errs) / sizeof(errs[0]); j++) {
			struct probe_facts f = pf_veth(9000, 1, 4);
			struct probe_trials tr = pf_trials_all(OUTCOME_OK);
			struct probe_diagnosis d;
			int t;

			snprintf(f.driver, sizeof(f.driver), "%s", drivers[i]);
			f.mtu = 9001;
			f.lro = PROBE_ON;
			f.channels.combined = f.channels.max_combined = 8;
			for (t = 0; t < TRIAL_COUNT; t++)
				pf_refuse(&tr, t, errs[(j + t) % (sizeof(errs) / sizeof(errs[0]))],
				     t % 2 ? longmsg : "");
			probe_diagnose(&f, &tr, true, &d);
			all_explained(&tr, &d);
			ck_assert(memchr(d.verdict, '\0', sizeof(d.verdict)));
			for (t = 0; t < d.n; t++) {
				ck_assert(memchr(d.f[t].reason, '\0', sizeof(d.f[t].reason)));
				ck_assert(memchr(d.f[t].fix, '\0', sizeof(d.f[t].fix)));
			}
		}
	}
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

	tc = tcase_create("any_driver");
	tcase_add_test(tc, dummy_native_unsupported);
	tcase_add_test(tc, hook_owned_netlink);
	tcase_add_test(tc, hook_owned_link);
	tcase_add_test(tc, hook_owner_unknown);
	tcase_add_test(tc, kernel_5_4);
	tcase_add_test(tc, unexplained_errno);
	tcase_add_test(tc, libxdp_and_btf_notes);
	tcase_add_test(tc, never_unexplained);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(probe_rules_suite)
