// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The probe's rules that hold for any driver (owners of an attached
 * program, old kernels, unexplained errnos), and how trials record the
 * kernel's message: recorded facts and outcomes, no root, no interface.
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

/* Before 6.6 a failed bpf_link attach has no message of its own: it takes
 * the netlink attach's of the same mode when the errno is the same. */
START_TEST(link_msg_from_netlink)
{
	static const struct {
		int link_err, nl_err;
		const char *link_msg, *nl_msg, *want;
	} cases[] = {
		{ ERANGE, ERANGE, "", "veth: Peer MTU is too large to set XDP",
		  "veth: Peer MTU is too large to set XDP" },
		{ ERANGE, EINVAL, "", "another reason", "" },			/* not the same failure */
		{ ERANGE, ERANGE, "its own (6.6+)", "netlink's", "its own (6.6+)" },
		{ ERANGE, ERANGE, "", "", "" },					/* nothing to take */
		{ 0, ERANGE, "", "netlink's", "" },				/* the link worked */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct probe_trials tr = pf_trials_all(OUTCOME_OK);
		struct probe_trial *link = &tr.t[TRIAL_XDP_GENERIC_LINK];

		if (cases[i].link_err)
			pf_refuse(&tr, TRIAL_XDP_GENERIC_LINK, cases[i].link_err, cases[i].link_msg);
		pf_refuse(&tr, TRIAL_XDP_GENERIC_NETLINK, cases[i].nl_err, cases[i].nl_msg);
		probe_trials_link_msgs(&tr);
		ck_assert_msg(!strcmp(link->kernel_msg, cases[i].want), "case %zu: \"%s\", want \"%s\"",
			      i, link->kernel_msg, cases[i].want);
		ck_assert_int_eq(!!strstr(link->note, "netlink attach"),
				 cases[i].want[0] && !cases[i].link_msg[0]);
		ck_assert_str_eq(tr.t[TRIAL_XDP_NATIVE_LINK].kernel_msg, "");
	}
}
END_TEST

static Suite *probe_rules_any_suite(void)
{
	Suite *s = suite_create("probe_rules_any");
	TCase *tc;

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

	tc = tcase_create("trials");
	tcase_add_test(tc, link_msg_from_netlink);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(probe_rules_any_suite)
