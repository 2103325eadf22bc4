// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Issue 4's acceptance: the emulated two-node cluster under every preset
 * A-E and every single-knob change from A and from E, checked with real
 * clients (ping, socat): pod to pod across nodes; TCP and UDP to ClusterIP
 * services whose backends are on the other node; NodePort from the
 * external host (with routing=vxlan and the XDP LB too: it passes what it
 * cannot forward to kube-proxy); pod to external host seen as the node address; VXLAN on
 * the underlay in overlay mode and none in native mode.  Then: a knob that
 * fails half way leaves the previous setting in force, and `down` leaves
 * the machine as the snapshot taken before `up`.
 *
 * One topology ("c<pid>") is brought up once by an unchecked fixture, in
 * the runner, with servers in the pods; every test switches knobs on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cluster_test.h"
#include "lib/testlib.h"
#include "lib/testns.h"

struct config {
	const char *base;	/* preset */
	const char *knob;	/* single change, or NULL */
};

static const struct config configs[] = {
	{ "A", NULL }, { "B", NULL }, { "C", NULL }, { "D", NULL }, { "E", NULL },
	{ "A", "routing=vxlan" }, { "A", "host_routing=bpf" }, { "A", "service_lb=tc" },
	{ "A", "service_lb=socket" }, { "A", "masquerade=bpf" }, { "A", "xdp_lb=native" },
	{ "A", "xdp_lb=generic" }, { "A", "ct_max=1048576" }, { "A", "congestion=bbr" },
	{ "A", "services=1000" }, { "A", "xdp_attach=netlink" }, { "A", "tc_attach=legacy" },
	{ "A", "bandwidth_manager=on" }, { "A", "routing=vxlan xdp_lb=native" },
	{ "A", "veth_napi=on" },
	{ "E", "routing=vxlan" }, { "E", "host_routing=legacy" }, { "E", "service_lb=iptables" },
	{ "E", "service_lb=tc" }, { "E", "masquerade=iptables" }, { "E", "xdp_lb=off" },
	{ "E", "xdp_lb=generic" }, { "E", "ct_max=65536" }, { "E", "congestion=cubic" },
	{ "E", "services=1000" }, { "E", "xdp_attach=link" }, { "E", "xdp_attach=netlink" },
	{ "E", "xdp_attach=libxdp" }, { "E", "tc_attach=tcx" }, { "E", "tc_attach=legacy" },
	{ "E", "bandwidth_manager=on" }, { "E", "xdp_lb=generic veth_napi=on" },
};

#define N_CONFIGS (int)(sizeof(configs) / sizeof(configs[0]))

static bool knob_is(const char *name, const char *value)
{
	char v[64];

	cluster_knob(name, v, sizeof(v));
	return !strcmp(v, value);
}

START_TEST(test_config)
{
	const struct config *c = &configs[_i];
	char out[4096], label[128];
	bool refused;

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	snprintf(label, sizeof(label), "%s%s%.64s", c->base, c->knob ? " + " : "",
		 c->knob ? c->knob : "");
	ck_assert_msg(cluster_dplab(out, sizeof(out), "up --topology %s --profile %s",
				    cluster_file(), c->base) == 0,
		      "%s: dplab up --profile %s failed: %s", label, c->base, out);
	refused = c->knob && strstr(c->knob, "bandwidth_manager=on");
	if (c->knob) {
		int rc = cluster_dplab(out, sizeof(out), "set --topology %s %s", cluster_name(),
				       c->knob);

		if (refused) {
			/* Missing fq: refused with the reason, nothing changed. */
			ck_assert_msg(rc == 1 && strstr(out, "unsupported here, because"),
				      "%s: expected a refusal naming the reason, got %d: %s",
				      label, rc, out);
			ck_assert(knob_is("bandwidth_manager", "off"));
		} else {
			ck_assert_msg(rc == 0, "%s: dplab set failed: %s", label, out);
		}
	}
	cluster_check_attach_modes(label);
	cluster_check_traffic(label);
}
END_TEST

/*
 * A knob whose programs cannot all attach leaves the previous setting in
 * force: with node1's fabric port at MTU 9000, native XDP on its uplink is
 * refused (the veth peer MTU rule), after other programs of xdp_lb have
 * been attached.
 */
START_TEST(test_failed_knob_keeps_previous)
{
	char out[4096], before[8192], after[8192];
	int rc;

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "up --topology %s --profile D",
				       cluster_file()), 0);
	cluster_attachments(before, sizeof(before));
	ck_assert_int_eq(sh("ip -n %s link set dev node1 mtu 9000", cluster_fabric_ns()), 0);
	rc = cluster_dplab(out, sizeof(out), "set --topology %s xdp_lb=native", cluster_name());
	sh("ip -n %s link set dev node1 mtu 1500", cluster_fabric_ns());
	ck_assert_msg(rc == 1, "xdp_lb=native should fail on node1: %s", out);
	ck_assert_msg(strstr(out, "Peer MTU is too large") && strstr(out, "previous setting"),
		      "the error should carry the kernel's reason: %s", out);
	ck_assert(knob_is("xdp_lb", "off"));
	cluster_attachments(after, sizeof(after));
	ck_assert_msg(!strcmp(before, after), "attachments changed:\nbefore:\n%s\nafter:\n%s",
		      before, after);
	cluster_check_traffic("D after a refused xdp_lb=native");
}
END_TEST

/* The XDP programs attached, from `dplab status --json`: "ns dev prog mech;" each. */
static void xdp_attachments(char *buf, size_t len)
{
	ck_assert_int_eq(sh_out(buf, len, 0, "%s status --json --topology %s | python3 -c '"
				"import json,sys\n"
				"d=json.load(sys.stdin)\n"
				"print(d[\"knobs\"][\"veth_napi\"],end=\":\")\n"
				"for a in d[\"attachments\"]:\n"
				" if a[\"hook\"]==\"xdp\": print(a[\"namespace\"], a[\"device\"], "
				"a[\"program\"],end=\";\")'", test_dplab_path(), cluster_name()), 0);
}

/* The kernel's word on the fabric's port of node: "xdp", "xdpgeneric" or "none". */
static const char *fabric_xdp(const char *node)
{
	char out[2048];

	sh_out(out, sizeof(out), 1, "ip -n %s link show dev %s", cluster_fabric_ns(), node);
	return strstr(out, "xdpgeneric") ? "xdpgeneric" : strstr(out, " xdp") ? "xdp" : "none";
}

/*
 * veth_napi=on alone (issue 13): only the pass-through on both fabric
 * ports, native (the kernel says "xdp"), none of xdp_lb's programs; off
 * detaches it; under xdp_lb=generic, on turns the fabric's pass-through
 * native while the LB stays generic, and off gives it back its generic one.
 */
START_TEST(test_veth_napi)
{
	char out[4096], xdp[1024], want[512];

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	ck_assert_msg(cluster_dplab(out, sizeof(out), "up --topology %s --profile A veth_napi=on",
				    cluster_file()) == 0, "up A veth_napi=on: %s", out);
	xdp_attachments(xdp, sizeof(xdp));
	snprintf(want, sizeof(want), "on:%1$s node1 xdp_pass;%1$s node2 xdp_pass;",
		 cluster_fabric_ns());
	ck_assert_msg(!strcmp(xdp, want), "A + veth_napi=on: XDP attachments '%s', want '%s'",
		      xdp, want);
	ck_assert_str_eq(fabric_xdp("node1"), "xdp");
	ck_assert_str_eq(fabric_xdp("node2"), "xdp");
	cluster_check_attach_modes("A + veth_napi=on");
	cluster_check_traffic("A + veth_napi=on");

	ck_assert_msg(cluster_dplab(out, sizeof(out), "set --topology %s veth_napi=off",
				    cluster_name()) == 0, "set veth_napi=off: %s", out);
	xdp_attachments(xdp, sizeof(xdp));
	ck_assert_msg(!strcmp(xdp, "off:"), "A: XDP attachments left: '%s'", xdp);
	ck_assert_str_eq(fabric_xdp("node1"), "none");
	ck_assert_str_eq(fabric_xdp("node2"), "none");

	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "set --topology %s xdp_lb=generic "
				       "veth_napi=on", cluster_name()), 0);
	ck_assert_str_eq(fabric_xdp("node1"), "xdp");
	cluster_check_attach_modes("A + xdp_lb=generic veth_napi=on");
	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "set --topology %s veth_napi=off",
				       cluster_name()), 0);
	ck_assert_str_eq(fabric_xdp("node1"), "xdpgeneric");
	cluster_check_attach_modes("A + xdp_lb=generic");
}
END_TEST

/*
 * The attachments file is what `down` detaches by: when it cannot be
 * written (here its temporary file, written first and renamed over it, is
 * a directory), `set` fails, says which file and why,
 * and leaves no program attached that the file does not list - none.
 */
/*
 * `up --json` and `set --json` (docs/cluster-json.md): what was applied,
 * the notes, and a refusal as a document too (ok false, unsupported).
 */
START_TEST(test_apply_json)
{
	static const char check[] =
		"import json,sys\n"
		"d=json.load(sys.stdin)\n"
		"print(d['schema'],d['command'],d['ok'],d['unsupported'],d['knobs']['%s'],"
		"' | '.join(d['notes']),(d['error'] or '')[:40],sep=';')\n";
	char out[8192], py[sizeof(check) + 32];

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	snprintf(py, sizeof(py), check, "routing");
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "%s up --json --topology %s --profile E "
				"routing=vxlan | python3 -c \"%s\"", test_dplab_path(),
				cluster_file(), py), 0);
	ck_assert_str_eq(out, "dplab.apply/1;up;True;False;vxlan;;\n");
	snprintf(py, sizeof(py), check, "service_lb");
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "%s set --json --topology %s "
				"service_lb=iptables | python3 -c \"%s\"", test_dplab_path(),
				cluster_name(), py), 0);
	ck_assert_msg(strstr(out, "dplab.apply/1;set;True;False;iptables;host_routing=bpf: "
			     "legacy routing stays in force") == out, "set --json: %s", out);
	snprintf(py, sizeof(py), check, "bandwidth_manager");
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "%s set --json --topology %s "
				"bandwidth_manager=on 2>/dev/null | python3 -c \"%s\"",
				test_dplab_path(), cluster_name(), py), 0);
	ck_assert_msg(strstr(out, "dplab.apply/1;set;False;True;off;;bandwidth_manager=on: "
			     "unsupported here") == out, "refused set --json: %s", out);
}
END_TEST

START_TEST(test_unrecordable_state_detaches)
{
	char out[4096], file[256];
	int rc;

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "up --topology %s --profile E",
				       cluster_file()), 0);
	snprintf(file, sizeof(file), "/run/dplab/%s/attachments", cluster_name());
	ck_assert_int_eq(sh("mkdir %s.tmp", file), 0);
	rc = cluster_dplab(out, sizeof(out), "set --topology %s tc_attach=legacy", cluster_name());
	sh("rmdir %s.tmp", file);
	ck_assert_msg(rc == 1, "set with an unwritable state should fail: %d %s", rc, out);
	ck_assert_msg(strstr(out, file) && strstr(out, "Is a directory") &&
		      strstr(out, "nothing stays attached") && !strstr(out, "stays in force"),
		      "the message should name the file, errno and what was done: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "for n in node1 node2; do ip netns exec "
				"dplab-%s-$n bpftool net show; done | grep -c ' id [0-9]'; "
				"find /sys/fs/bpf/dplab/%s/links -type f 2>/dev/null | wc -l",
				cluster_name(), cluster_name()), 0);
	ck_assert_msg(!strcmp(out, "0\n0\n") || !strcmp(out, "0\n0"),
		      "programs or link pins left attached (count of each): %s", out);
}
END_TEST

/* A counter of feature on node, from `dplab status --json`. */
static long counter(const char *node, const char *feature, const char *name)
{
	char out[256];

	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "%s status --json --topology %s | python3 -c "
				"'import json,sys; print(json.load(sys.stdin)[\"nodes\"][\"%s\"]"
				"[\"features\"][\"%s\"][\"counters\"][\"%s\"])'",
				test_dplab_path(), cluster_name(), node, feature, name), 0);
	return atol(out);
}

/*
 * Issue 13: with preset E every tc hook (2 pod veths' ingress and the
 * uplink's two directions, per node) carries one program, hooks.bpf.c's for it,
 * whose steps status lists; the cluster's traffic works through them and
 * the features' own counters, which the steps share, move: masquerade's
 * rewrites for a pod's connection out of the cluster, host routing's
 * redirects for pod-to-pod traffic.
 */
START_TEST(test_one_program_per_tc_hook)
{
	char out[4096];
	long masq, redirect;

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	ck_assert_msg(cluster_dplab(out, sizeof(out), "up --topology %s --profile E",
				    cluster_file()) == 0, "up E: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "%s status --json --topology %s | python3 -c '"
				"import json,sys\n"
				"d=json.load(sys.stdin)\n"
				"tc=[a[\"program\"] for a in d[\"attachments\"] if a[\"hook\"][:3]==\"tc-\"]\n"
				"print(len(tc), len(d[\"hooks\"]), sorted(set(tc)))\n"
				"for h in d[\"hooks\"]:\n"
				" if h[\"device\"]==\"eth0\" and h[\"hook\"]==\"tc-egress\":\n"
				"  print(h[\"program\"]+\":\", \", \".join(s[\"program\"]+\" (\"+"
				"s[\"feature\"]+\")\" for s in h[\"steps\"]))\n"
				"  break'", test_dplab_path(), cluster_name()), 0);
	/* Two pods a node: their veths' ingress and the uplink's two hooks (no
	 * egress hook on pod veths: with socket LB there is no tc_lb). */
	ck_assert_str_eq(out, "8 8 ['hook_from_pod', 'hook_from_uplink', "
			 "'hook_to_uplink']\nhook_to_uplink: tc_lb_rev_nat (tc_nodeport), "
			 "tc_nodeport_rev (xdp_lb), masq_snat (masq)\n");
	cluster_check_attach_modes("E (one program per tc hook)");
	masq = counter("node1", "masq", "rewrite");
	redirect = counter("node1", "host_routing", "redirect");
	cluster_check_traffic("E (one program per tc hook)");
	ck_assert_msg(counter("node1", "masq", "rewrite") > masq,
		      "masq's rewrite counter of node1 did not move (%ld)", masq);
	ck_assert_msg(counter("node1", "host_routing", "redirect") > redirect,
		      "host routing's redirect counter of node1 did not move (%ld)", redirect);
}
END_TEST

START_TEST(test_services_1000_iptables_rules)
{
	char out[4096];
	long rules;

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "up --topology %s --profile A "
				       "services=1000", cluster_file()), 0);
	ck_assert_int_eq(sh_out(out, sizeof(out), 0, "%s status --json --topology %s | python3 -c "
				"'import json,sys; print(json.load(sys.stdin)[\"nodes\"][\"node1\"]"
				"[\"kube_proxy_rules\"])'", test_dplab_path(), cluster_name()), 0);
	rules = atol(out);
	/* kube-proxy: per service 2 rules + 3 per endpoint; 1000 services
	 * of one or two endpoints: between 5000 and 8000, plus NodePorts. */
	ck_assert_msg(rules >= 5000 && rules <= 8100, "services=1000: %ld KUBE-* rules", rules);
	cluster_check_traffic("A + services=1000 (rule count)");
}
END_TEST

static Suite *cluster_suite(void)
{
	Suite *s = suite_create("cluster");
	TCase *tc = tcase_create("knobs");
	TCase *down = tcase_create("down");

	tcase_add_unchecked_fixture(tc, cluster_up, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_config, 0, N_CONFIGS);
	tcase_add_test(tc, test_failed_knob_keeps_previous);
	tcase_add_test(tc, test_veth_napi);
	tcase_add_test(tc, test_one_program_per_tc_hook);
	tcase_add_test(tc, test_services_1000_iptables_rules);
	tcase_add_test(tc, test_apply_json);
	tcase_add_test(tc, test_unrecordable_state_detaches);
	suite_add_tcase(s, tc);
	/* Runs after the knob tests: down, and the snapshot comparison. */
	tcase_set_timeout(down, 120);
	cluster_add_down_tests(down);
	suite_add_tcase(s, down);
	return s;
}

TEST_SUITE(cluster_suite)
