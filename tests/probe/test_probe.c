// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `dplab probe` end to end, as a user runs it: the binary, in a private
 * network namespace per test, its JSON parsed with jansson, and the
 * interface's XDP, qdisc, filter, link and pin state compared before/after.
 * With no interface named it chooses the namespace's default route's: only
 * in namespaces made here, never the caller's (whose uplink is production).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "lib/testlib.h"
#include "lib/testns.h"

#define OUT_LEN (64 * 1024)
#define STATE_LEN (16 * 1024)

/* Everything the probe could leave behind on DEV in NS (bridge timers ignored). */
static void snapshot(const char *ns, const char *dev, char *buf, size_t len)
{
	int rc = sh_out(buf, len, 1,
			"ip -n %1$s -d link show | sed -E 's/[a-z_]+_timer +[0-9.]+//g'; "
			"tc -n %1$s qdisc show; "
			"tc -n %1$s filter show dev %2$s ingress; "
			"tc -n %1$s filter show dev %2$s egress; "
			"ip netns exec %1$s bpftool net show; find /sys/fs/bpf | sort",
			ns, dev);

	ck_assert_msg(rc == 0, "state snapshot of %s failed: %s", ns, buf);
}

/* Run `dplab probe --json --netns NS DEV EXTRA`; parsed, exit status out. */
static json_t *probe_json(const char *ns, const char *dev, const char *extra, int *rc)
{
	static char out[OUT_LEN];
	json_error_t jerr;
	json_t *doc;

	*rc = sh_out(out, sizeof(out), 0, "%s probe --json --netns %s %s %s",
		     test_dplab_path(), ns, dev, extra ? extra : "");
	doc = json_loads(out, 0, &jerr);
	ck_assert_msg(doc, "probe output is not JSON (%s): %s", jerr.text, out);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), "dplab.probe/1");
	return doc;
}

static json_t *iface0(json_t *doc)
{
	json_t *ifs = json_object_get(doc, "interfaces");

	ck_assert_msg(json_array_size(ifs) == 1, "expected one interface in the output");
	return json_array_get(ifs, 0);
}

static const char *trial_field(json_t *iface, const char *trial, const char *field)
{
	json_t *t = json_object_get(json_object_get(iface, "trials"), trial);

	ck_assert_msg(t, "trial %s missing from the output", trial);
	return json_string_value(json_object_get(t, field));
}

static void assert_trial(json_t *iface, const char *trial, const char *result)
{
	const char *got = trial_field(iface, trial, "result");

	ck_assert_msg(got && !strcmp(got, result), "trial %s: expected %s, got %s (%s %s %s)",
		      trial, result, got, trial_field(iface, trial, "errno"),
		      trial_field(iface, trial, "kernel_message"),
		      trial_field(iface, trial, "note"));
}

/* The finding with this rule id, or NULL. */
static json_t *finding(json_t *iface, const char *rule)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(iface, "findings"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "rule")), rule))
			return f;
	return NULL;
}

static const char *finding_text(json_t *iface, const char *rule, const char *field)
{
	json_t *f = finding(iface, rule);

	ck_assert_msg(f, "no finding '%s'; verdict: %s", rule,
		      json_string_value(json_object_get(iface, "verdict")));
	return json_string_value(json_object_get(f, field));
}

static void make_veth(const char *ns, const char *opts_a, const char *opts_b)
{
	ck_assert_int_eq(sh("ip -n %s link add name a %s type veth peer name b %s && "
			    "ip -n %s link set dev a up && ip -n %s link set dev b up",
			    ns, opts_a, opts_b, ns, ns), 0);
}

/* Probe DEV in NS; assert the probe left the state as it found it. */
static json_t *probe_unchanged(const char *ns, const char *dev, const char *extra)
{
	static char before[STATE_LEN], after[STATE_LEN];
	json_t *doc;
	int rc;

	snapshot(ns, dev, before, sizeof(before));
	doc = probe_json(ns, dev, extra, &rc);
	ck_assert_int_eq(rc, 0);
	snapshot(ns, dev, after, sizeof(after));
	ck_assert_msg(!strcmp(before, after), "probe changed the state of %s:\nbefore:\n%s\nafter:\n%s",
		      dev, before, after);
	return doc;
}

START_TEST(test_veth_all_mechanisms_work)
{
	char ns[TESTNS_NAME];
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_veth(ns, "", "");
	doc = probe_unchanged(ns, "a", NULL);
	ifc = iface0(doc);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ifc, "driver"), "name")),
			 "veth");
	assert_trial(ifc, "xdp_native_link", "ok");
	assert_trial(ifc, "xdp_native_netlink", "ok");
	assert_trial(ifc, "xdp_generic_link", "ok");
	assert_trial(ifc, "xdp_generic_netlink", "ok");
	assert_trial(ifc, "xdp_libxdp_native", "ok");
	assert_trial(ifc, "tc_tcx", "ok");
	assert_trial(ifc, "tc_legacy", "ok");
	ck_assert_msg(json_array_size(json_object_get(ifc, "xdp_features")) > 0,
		      "veth advertises XDP features on this kernel");
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_veth_peer_mtu_too_large)
{
	char ns[TESTNS_NAME];
	json_t *doc, *ifc;
	const char *msg;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_veth(ns, "", "mtu 9000");
	doc = probe_unchanged(ns, "a", NULL);
	ifc = iface0(doc);
	assert_trial(ifc, "xdp_native_link", "failed");
	assert_trial(ifc, "xdp_native_netlink", "failed");
	ck_assert_str_eq(trial_field(ifc, "xdp_native_link", "errno"), "ERANGE");
	msg = trial_field(ifc, "xdp_native_link", "kernel_message");
	ck_assert_msg(msg && strstr(msg, "Peer MTU is too large"),
		      "bpf_link failure should carry the tracepoint's message, got %s", msg);
	msg = trial_field(ifc, "xdp_native_netlink", "kernel_message");
	ck_assert_msg(msg && strstr(msg, "Peer MTU is too large"), "netlink extack, got %s", msg);
	assert_trial(ifc, "xdp_generic_link", "ok");
	ck_assert_ptr_nonnull(strstr(finding_text(ifc, "veth-peer-mtu", "reason"), "9000"));
	ck_assert_ptr_nonnull(strstr(finding_text(ifc, "veth-peer-mtu", "fix"), "mtu"));
	ck_assert_ptr_nonnull(strstr(finding_text(ifc, "veth-peer-mtu", "fix"), "b"));
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_veth_fewer_rx_queues_than_peer_tx)
{
	char ns[TESTNS_NAME];
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	/* veth starts with one real tx queue whatever numtxqueues says. */
	make_veth(ns, "numrxqueues 1 numtxqueues 1", "numrxqueues 2 numtxqueues 2");
	ck_assert_int_eq(sh("ip netns exec %s ethtool -L b tx 2", ns), 0);
	doc = probe_unchanged(ns, "a", NULL);
	ifc = iface0(doc);
	assert_trial(ifc, "xdp_native_link", "failed");
	ck_assert_str_eq(trial_field(ifc, "xdp_native_link", "errno"), "ENOSPC");
	ck_assert_ptr_nonnull(strstr(finding_text(ifc, "veth-rx-queues", "reason"), "queue"));
	ck_assert_ptr_nonnull(finding_text(ifc, "veth-rx-queues", "fix"));
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_no_native_xdp_generic_works)
{
	char ns[TESTNS_NAME];
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	/* A bridge has no native XDP (no ndo_bpf); this kernel has no dummy. */
	ck_assert_int_eq(sh("ip -n %s link add name br0 type bridge && "
			    "ip -n %s link set dev br0 up", ns, ns), 0);
	doc = probe_unchanged(ns, "br0", NULL);
	ifc = iface0(doc);
	assert_trial(ifc, "xdp_native_link", "failed");
	assert_trial(ifc, "xdp_native_netlink", "failed");
	ck_assert_str_eq(trial_field(ifc, "xdp_native_netlink", "errno"), "EOPNOTSUPP");
	assert_trial(ifc, "xdp_generic_link", "ok");
	assert_trial(ifc, "xdp_generic_netlink", "ok");
	ck_assert_ptr_nonnull(strcasestr(finding_text(ifc, "native-unsupported", "reason"), "generic"));
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_existing_netlink_xdp_not_replaced)
{
	char ns[TESTNS_NAME], before[256], after[256];
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_veth(ns, "", "");
	/* iproute2 attaches by netlink; the object sits beside the binary. */
	ck_assert_int_eq(sh("ip -n %s link set dev a xdpdrv obj $(dirname %s)/probe.bpf.o "
			    "sec xdp", ns, test_dplab_path()), 0);
	sh_out(before, sizeof(before), 1, "ip -n %s link show a | grep -o 'prog/xdp id [0-9]*'", ns);
	ck_assert_ptr_nonnull(strstr(before, "prog/xdp id"));
	doc = probe_unchanged(ns, "a", NULL);
	ifc = iface0(doc);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
		json_object_get(ifc, "attached"), "xdp"), "by")), "netlink");
	assert_trial(ifc, "xdp_native_link", "skipped");
	assert_trial(ifc, "xdp_native_netlink", "skipped");
	assert_trial(ifc, "xdp_generic_link", "skipped");
	assert_trial(ifc, "xdp_libxdp_native", "skipped");
	ck_assert_ptr_nonnull(strstr(trial_field(ifc, "xdp_native_link", "note"), "already attached"));
	ck_assert_ptr_nonnull(finding(ifc, "hook-owned-netlink"));
	sh_out(after, sizeof(after), 1, "ip -n %s link show a | grep -o 'prog/xdp id [0-9]*'", ns);
	ck_assert_str_eq(before, after);
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_read_only_attaches_nothing)
{
	char ns[TESTNS_NAME];
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_veth(ns, "", "mtu 9000");
	doc = probe_unchanged(ns, "a", "--read-only");
	ifc = iface0(doc);
	ck_assert(json_is_null(json_object_get(ifc, "trials")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ifc, "peer"), "mtu")),
			 9000);
	/* The facts alone name the blocker. */
	ck_assert_ptr_nonnull(finding(ifc, "veth-peer-mtu"));
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

/*
 * As the read-only DaemonSet runs it (deploy/): root with every capability
 * dropped.  The interface's facts still read; what needs a capability
 * (tcx counts: CAP_NET_ADMIN; the XDP program's owner: CAP_SYS_ADMIN) is
 * unknown, never "none" or "netlink".
 */
START_TEST(test_read_only_without_capabilities)
{
	static char out[OUT_LEN];
	char ns[TESTNS_NAME];
	json_t *doc, *ifc, *att;
	json_error_t jerr;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_veth(ns, "", "");
	ck_assert_int_eq(sh("ip -n %s link set dev a xdpdrv obj $(dirname %s)/probe.bpf.o "
			    "sec xdp", ns, test_dplab_path()), 0);
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "ip netns exec %s setpriv --inh-caps=-all "
				"--bounding-set=-all -- %s probe --json --read-only a",
				ns, test_dplab_path()), 0);
	doc = json_loads(out, 0, &jerr);
	ck_assert_msg(doc, "probe output is not JSON (%s): %s", jerr.text, out);
	ifc = iface0(doc);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(ifc, "driver"), "name")),
			 "veth");
	att = json_object_get(ifc, "attached");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(att, "xdp"), "by")),
			 "unknown");
	ck_assert(json_is_null(json_object_get(json_object_get(att, "tcx"), "ingress")));
	ck_assert(json_is_null(json_object_get(json_object_get(att, "tcx"), "egress")));
	ck_assert_ptr_nonnull(finding(ifc, "hook-owner-unknown"));
	ck_assert_ptr_null(finding(ifc, "hook-owned-netlink"));
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

/*
 * Trials without CAP_SYS_ADMIN (NET_ADMIN and the rest kept): libxdp could
 * attach but not find its program again to detach it, so its trial is not
 * tried, says why, and the interface is left as found.
 */
START_TEST(test_trials_without_sys_admin)
{
	static char out[OUT_LEN], before[STATE_LEN], after[STATE_LEN];
	char ns[TESTNS_NAME];
	json_error_t jerr;
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_veth(ns, "", "");
	snapshot(ns, "a", before, sizeof(before));
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "ip netns exec %s sh -c 'mount -t bpf bpf "
				"/sys/fs/bpf && exec setpriv --bounding-set=-sys_admin -- %s probe "
				"--json a'", ns, test_dplab_path()), 0);
	snapshot(ns, "a", after, sizeof(after));
	ck_assert_msg(!strcmp(before, after), "probe changed the state of a:\nbefore:\n%s\n"
		      "after:\n%s", before, after);
	doc = json_loads(out, 0, &jerr);
	ck_assert_msg(doc, "probe output is not JSON (%s): %s", jerr.text, out);
	ifc = iface0(doc);
	assert_trial(ifc, "xdp_libxdp_native", "skipped");
	ck_assert_ptr_nonnull(strstr(trial_field(ifc, "xdp_libxdp_native", "note"), "CAP_SYS_ADMIN"));
	assert_trial(ifc, "xdp_native_link", "ok");
	assert_trial(ifc, "tc_tcx", "ok");
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_bad_input_exit_2)
{
	char ns[TESTNS_NAME], out[4096];

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --netns %s nosuch0",
				test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "nosuch0") && strstr(out, ns), "message: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --netns %s-gone lo",
				test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "-gone"), "message: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "setpriv --reuid=65534 --regid=65534 "
				"--clear-groups %s probe lo", test_dplab_path()), 2);
	ck_assert_msg(strstr(out, "root"), "message: %s", out);
	/* A private mount namespace without bpffs; the host's mount is untouched. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "unshare -m sh -c 'umount /sys/fs/bpf 2>/dev/null; "
				"%s probe --netns %s lo'", test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "bpffs"), "message: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --netns %s --trials --read-only lo",
				test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "--trials") && strstr(out, "--read-only"), "message: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --netns %s --all lo",
				test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "--all"), "message: %s", out);
	/* Names are checked before use: never a path out of /run/netns, never cut. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --netns ../../proc/1/ns/net lo",
				test_dplab_path()), 2);
	ck_assert_msg(strstr(out, "holds no '/'"), "message: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --netns %s 'lo:x' "
				"abcdefghijklmnopq", test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "'lo:x'"), "message: %s", out);
	testns_delete(ns);
}
END_TEST

/* ------------------------------------------------- no interface named */

/* veth DEV (peer DEV-p) with 10.N.0.1/24, up: a gateway 10.N.0.2 to route by. */
static void make_uplink(const char *ns, const char *dev, int n)
{
	ck_assert_int_eq(sh("ip -n %1$s link add name %2$s type veth peer name %2$s-p && "
			    "ip -n %1$s link set dev %2$s up && ip -n %1$s link set dev %2$s-p up && "
			    "ip -n %1$s addr add 10.%3$d.0.1/24 dev %2$s", ns, dev, n), 0);
}

/* `dplab probe --json --netns NS EXTRA`, no interface named; DEV left as it was. */
static json_t *probe_auto_unchanged(const char *ns, const char *dev, const char *extra)
{
	static char before[STATE_LEN], after[STATE_LEN];
	json_t *doc;
	int rc;

	snapshot(ns, dev, before, sizeof(before));
	doc = probe_json(ns, "", extra, &rc);
	ck_assert_int_eq(rc, 0);
	snapshot(ns, dev, after, sizeof(after));
	ck_assert_msg(!strcmp(before, after), "probe changed the state of %s:\nbefore:\n%s\n"
		      "after:\n%s", dev, before, after);
	return doc;
}

/* The interface the probe chose by the default route. */
static const char *chosen(json_t *doc)
{
	json_t *sel = json_object_get(doc, "selection");

	ck_assert_str_eq(json_string_value(json_object_get(sel, "by")), "default_route");
	return json_string_value(json_object_get(iface0(doc), "ifname"));
}

START_TEST(test_default_route_chosen_read_only)
{
	char ns[TESTNS_NAME];
	json_t *doc, *ifc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_uplink(ns, "up0", 9);
	ck_assert_int_eq(sh("ip -n %s route add default via 10.9.0.2 dev up0", ns), 0);
	/* Not named, no flag: read-only, the namespace left as it was. */
	doc = probe_auto_unchanged(ns, "up0", "");
	ck_assert_str_eq(chosen(doc), "up0");
	ifc = iface0(doc);
	ck_assert(json_is_null(json_object_get(ifc, "trials")));
	ck_assert(json_is_true(json_object_get(json_object_get(doc, "probe"), "read_only")));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
		json_object_get(doc, "selection"), "detail")), "via 10.9.0.2"));
	json_decref(doc);
	/* --trials: this test's own veth, so the trials may run. */
	doc = probe_auto_unchanged(ns, "up0", "--trials");
	ck_assert_str_eq(chosen(doc), "up0");
	ck_assert(json_is_false(json_object_get(json_object_get(doc, "probe"), "read_only")));
	assert_trial(iface0(doc), "xdp_native_link", "ok");
	json_decref(doc);
	testns_delete(ns);
}
END_TEST

START_TEST(test_default_route_lowest_metric)
{
	char ns[TESTNS_NAME], out[4096];
	json_t *doc;
	int rc;

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_uplink(ns, "up1", 11);
	make_uplink(ns, "up2", 12);
	ck_assert_int_eq(sh("ip -n %1$s route add default via 10.11.0.2 dev up1 metric 200 && "
			    "ip -n %1$s route add default via 10.12.0.2 dev up2 metric 100", ns), 0);
	doc = probe_json(ns, "", "--read-only", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(chosen(doc), "up2");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
		json_object_get(doc, "selection"), "detail")), "lowest metric of 2"));
	json_decref(doc);
	/* The metric decides, not the order: swap them. */
	ck_assert_int_eq(sh("ip -n %1$s route del default dev up2 metric 100 && "
			    "ip -n %1$s route add default via 10.12.0.2 dev up2 metric 300", ns), 0);
	doc = probe_json(ns, "", "--read-only", &rc);
	ck_assert_str_eq(chosen(doc), "up1");
	json_decref(doc);
	/* A route through a nexthop object names its device there. */
	ck_assert_int_eq(sh("ip -n %1$s nexthop add id 7 via 10.12.0.2 dev up2 && "
			    "ip -n %1$s route add default nhid 7 metric 50", ns), 0);
	doc = probe_json(ns, "", "--read-only", &rc);
	ck_assert_str_eq(chosen(doc), "up2");
	json_decref(doc);
	/* The text output says which route it took. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --read-only --netns %s",
				test_dplab_path(), ns), 0);
	ck_assert_msg(strstr(out, "up2") && strstr(out, "metric 50"), "output: %s", out);
	/* A DaemonSet names the node through the downward API. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "NODE_NAME=node-a.example %s probe --json "
				"--read-only --netns %s | grep -c '\"node\": \"node-a.example\"'",
				test_dplab_path(), ns), 0);
	testns_delete(ns);
}
END_TEST

START_TEST(test_no_default_route_exit_2)
{
	static char before[STATE_LEN], after[STATE_LEN];
	char ns[TESTNS_NAME], out[4096];

	need_root();
	ck_assert_int_eq(testns_create(ns), 0);
	make_uplink(ns, "up0", 9);
	snapshot(ns, "up0", before, sizeof(before));
	/* Also with --trials: nothing to attach to, nothing attached. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --trials --netns %s",
				test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "no IPv4 default route") && strstr(out, ns), "message: %s", out);
	snapshot(ns, "up0", after, sizeof(after));
	ck_assert_str_eq(before, after);
	/* Only veths (and lo): --all finds no physical interface. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "%s probe --all --netns %s",
				test_dplab_path(), ns), 2);
	ck_assert_msg(strstr(out, "no physical interface") && strstr(out, "3 virtual"),
		      "message: %s", out);
	testns_delete(ns);
}
END_TEST

static Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("netns");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_veth_all_mechanisms_work);
	tcase_add_test(tc, test_veth_peer_mtu_too_large);
	tcase_add_test(tc, test_veth_fewer_rx_queues_than_peer_tx);
	tcase_add_test(tc, test_no_native_xdp_generic_works);
	tcase_add_test(tc, test_existing_netlink_xdp_not_replaced);
	tcase_add_test(tc, test_read_only_attaches_nothing);
	tcase_add_test(tc, test_read_only_without_capabilities);
	tcase_add_test(tc, test_trials_without_sys_admin);
	tcase_add_test(tc, test_bad_input_exit_2);
	suite_add_tcase(s, tc);
	tc = tcase_create("uplink");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_default_route_chosen_read_only);
	tcase_add_test(tc, test_default_route_lowest_metric);
	tcase_add_test(tc, test_no_default_route_exit_2);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(probe_suite)
