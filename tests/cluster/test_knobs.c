// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Knobs, presets, profiles (loader/cluster/knobs.c) and the plan of which program
 * goes on which hook in which order (loader/cluster/hook_plan.c).  No root needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster/knobs.h"
#include "cluster/hook_plan.h"
#include "lib/testlib.h"
#include "lib/topo_test.h"


static void assign_ok(struct knobs *k, const char *a)
{
	char err[256] = "";

	ck_assert_msg(!knobs_assign(k, a, NULL, err, sizeof(err)), "%s: %s", a, err);
}

START_TEST(test_assign_and_errors)
{
	struct knobs k;
	enum knob_id id;
	char err[256], v[32];

	knobs_default(&k);
	ck_assert_int_eq(knobs_assign(&k, "routing=vxlan", &id, err, sizeof(err)), 0);
	ck_assert_int_eq(id, KNOB_ROUTING);
	ck_assert_int_eq(k.routing, ROUTING_VXLAN);
	assign_ok(&k, "ct_max=1048576");
	ck_assert_uint_eq(k.ct_max, 1048576);
	knob_value(&k, KNOB_CT_MAX, v, sizeof(v));
	ck_assert_str_eq(v, "1048576");

	ck_assert_int_ne(knobs_assign(&k, "routing=ospf", NULL, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "routing") && strstr(err, "ospf") && strstr(err, "native, vxlan"),
		      "the error names the knob, the value and the choices: %s", err);
	ck_assert_int_ne(knobs_assign(&k, "speed=fast", NULL, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "no such knob"));
	ck_assert_int_ne(knobs_assign(&k, "ct_max=12", NULL, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "a number from 1024"));
	ck_assert_int_ne(knobs_assign(&k, "services", NULL, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "KNOB=VALUE"));
	/* A refused assignment changes nothing. */
	ck_assert_int_eq(k.routing, ROUTING_VXLAN);
	ck_assert_uint_eq(k.ct_max, 1048576);
}
END_TEST

START_TEST(test_presets)
{
	struct knobs a, e, c;
	char err[256];

	ck_assert_int_eq(knobs_profile("A", &a, err, sizeof(err)), 0);
	ck_assert_int_eq(a.routing, ROUTING_NATIVE);
	ck_assert_int_eq(a.service_lb, SERVICE_LB_IPTABLES);
	ck_assert_int_eq(a.masquerade, MASQ_IPTABLES);
	ck_assert_int_eq(a.host_routing, HOST_ROUTING_LEGACY);
	ck_assert_int_eq(knobs_profile("c", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.routing, ROUTING_VXLAN);
	ck_assert_int_eq(c.service_lb, SERVICE_LB_SOCKET);
	ck_assert_int_eq(knobs_profile("E", &e, err, sizeof(err)), 0);
	ck_assert_int_eq(e.routing, ROUTING_NATIVE);
	ck_assert_int_eq(e.host_routing, HOST_ROUTING_BPF);
	ck_assert_int_eq(e.masquerade, MASQ_BPF);
	ck_assert_int_eq(e.congestion, CONGESTION_BBR);
	ck_assert_int_eq(e.xdp_lb, XDP_LB_NATIVE);
	ck_assert_uint_gt(e.ct_max, a.ct_max);
	ck_assert_int_eq(e.bandwidth_manager, BANDWIDTH_MANAGER_OFF);
	ck_assert_int_ne(knobs_profile("F", &e, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "'F'"));
}
END_TEST

START_TEST(test_profile_file_and_state)
{
	char path[] = "/tmp/dplab-knobs-XXXXXX", err[256];
	struct knobs k, back;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "# a profile\npreset D\n\nroutine=vxlan\n");
	fclose(f);
	ck_assert_int_ne(knobs_profile(path, &k, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, path) && strstr(err, ":4:") && strstr(err, "routine"),
		      "file, line and knob: %s", err);
	f = fopen(path, "w");
	fprintf(f, "preset D\nrouting=vxlan   # overlay\n");
	fclose(f);
	ck_assert_int_eq(knobs_profile(path, &k, err, sizeof(err)), 0);
	ck_assert_int_eq(k.service_lb, SERVICE_LB_SOCKET);
	ck_assert_int_eq(k.routing, ROUTING_VXLAN);
	/* The state file round-trips every knob. */
	ck_assert_int_eq(knobs_save(&k, path), 0);
	ck_assert_int_eq(knobs_load(&back, path, err, sizeof(err)), 0);
	ck_assert_int_eq(memcmp(&k, &back, sizeof(k)), 0);
	unlink(path);
}
END_TEST

/* The programs on one hook of one device, in order, as "a,b,c". */
static void chain(const struct hook_plan *p, const struct topo *t, int node, const char *dev,
		  enum attach_hook hook, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < p->n; i++) {
		const struct hook_plan_entry *e = &p->e[i];

		if (e->node != node || strcmp(e->ifname, dev) || e->hook != hook)
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? "," : "", e->prog);
	}
	(void)t;
}


START_TEST(test_plan_orders_hooks)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct knobs k;
	char c[512], err[256];

	if (!t)
		test_skip("no %s", topo_test_default_file());
	knobs_profile("E", &k, err, sizeof(err));
	assign_ok(&k, "routing=vxlan");
	assign_ok(&k, "service_lb=tc");
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	chain(&p, t, 0, t->pods[0].host_if, HOOK_TC_INGRESS, c, sizeof(c));
	ck_assert_str_eq(c, "tc_lb_dnat,tc_lb_rev_nat,overlay_encap,route_from_pod");
	chain(&p, t, 0, "eth0", HOOK_TC_INGRESS, c, sizeof(c));
	ck_assert_str_eq(c, "masq_rev_snat,tc_lb_dnat,tc_lb_rev_nat,route_from_uplink");
	chain(&p, t, 0, "eth0", HOOK_TC_EGRESS, c, sizeof(c));
	ck_assert_str_eq(c, "tc_lb_rev_nat,tc_nodeport_rev,masq_snat");
	chain(&p, t, 0, "vx0", HOOK_TC_INGRESS, c, sizeof(c));
	ck_assert_str_eq(c, "tc_lb_rev_nat,overlay_decap");
	chain(&p, t, 0, "eth0", HOOK_XDP, c, sizeof(c));
	ck_assert_str_eq(c, "xdp_nodeport_lb");
	chain(&p, t, HOOK_PLAN_FABRIC, t->nodes[0].name, HOOK_XDP, c, sizeof(c));
	ck_assert_str_eq(c, "xdp_pass");
	ck_assert(p.load[0][FEAT_TC_NODEPORT] && p.load[1][FEAT_XDP_LB]);
	ck_assert(!p.load[0][FEAT_SOCK_LB]);

	/* Preset A: kube-proxy and iptables masquerade, no BPF at all. */
	knobs_profile("A", &k, err, sizeof(err));
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	ck_assert_int_eq(p.n, 0);
}
END_TEST

/*
 * service_lb=socket: sock_lb's programs on every node's cgroup, one per
 * hook, IPv4 sockets and IPv6 ones (to v4-mapped VIPs); IPv6 has no
 * sendmsg6 (datapath/sock_lb.bpf.c says why).
 */
START_TEST(test_plan_socket_lb_hooks)
{
	static const struct {
		enum attach_hook hook;
		const char *prog;
	} want[] = {
		{ HOOK_CGROUP_CONNECT4, "sock_lb_connect4" },
		{ HOOK_CGROUP_SENDMSG4, "sock_lb_sendmsg4" },
		{ HOOK_CGROUP_RECVMSG4, "sock_lb_recvmsg4" },
		{ HOOK_CGROUP_GETPEERNAME4, "sock_lb_getpeername4" },
		{ HOOK_CGROUP_CONNECT6, "sock_lb_connect6" },
		{ HOOK_CGROUP_RECVMSG6, "sock_lb_recvmsg6" },
		{ HOOK_CGROUP_GETPEERNAME6, "sock_lb_getpeername6" },
	};
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct knobs k;
	char c[512], cg[PATH_MAX], err[256];
	int node, i, n;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	knobs_profile("A", &k, err, sizeof(err));
	assign_ok(&k, "service_lb=socket");
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	for (node = 0; node < t->n_nodes; node++) {
		ck_assert(p.load[node][FEAT_SOCK_LB]);
		topo_cgroup_path(t->name, t->nodes[node].name, cg, sizeof(cg));
		for (i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++) {
			chain(&p, t, node, cg, want[i].hook, c, sizeof(c));
			ck_assert_str_eq(c, want[i].prog);
		}
		for (i = n = 0; i < p.n; i++)
			n += p.e[i].node == node && p.e[i].feature == FEAT_SOCK_LB;
		ck_assert_int_eq(n, sizeof(want) / sizeof(want[0]));
	}
}
END_TEST

START_TEST(test_host_routing_needs_bpf_services_and_masquerade)
{
	static struct hook_plan p;
	struct topo *t = topo_test_two_node();
	struct knobs k;
	char notes[512], err[256];
	int i;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	knobs_profile("A", &k, err, sizeof(err));
	assign_ok(&k, "host_routing=bpf");
	ck_assert(!hook_plan_bpf_host_routing(&k));
	hook_plan_notes(&k, notes, sizeof(notes));
	ck_assert_ptr_nonnull(strstr(notes, "legacy routing stays in force"));
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	for (i = 0; i < p.n; i++)
		ck_assert_int_ne(p.e[i].feature, FEAT_HOST_ROUTING);
	assign_ok(&k, "service_lb=socket");
	assign_ok(&k, "masquerade=bpf");
	ck_assert(hook_plan_bpf_host_routing(&k));
	hook_plan_notes(&k, notes, sizeof(notes));
	ck_assert_str_eq(notes, "");
}
END_TEST

/* The XDP entries of the plan: "node:dev:prog:native|generic;..." (node -1: fabric). */
static void xdp_entries(const struct hook_plan *p, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < p->n; i++)
		if (p->e[i].hook == HOOK_XDP)
			used += snprintf(buf + used, len - used, "%d:%s:%s:%s;", p->e[i].node,
					 p->e[i].ifname, p->e[i].prog,
					 p->e[i].xdp_generic ? "generic" : "native");
}

START_TEST(test_veth_napi_knob)
{
	struct knobs k;
	enum knob_id id;
	char err[256], v[32];

	knobs_default(&k);
	ck_assert_int_eq(k.veth_napi, VETH_NAPI_OFF);
	ck_assert_int_eq(knobs_assign(&k, "veth_napi=on", &id, err, sizeof(err)), 0);
	ck_assert_int_eq(id, KNOB_VETH_NAPI);
	ck_assert_int_eq(k.veth_napi, VETH_NAPI_ON);
	knob_value(&k, KNOB_VETH_NAPI, v, sizeof(v));
	ck_assert_str_eq(v, "on");
	ck_assert_int_ne(knobs_assign(&k, "veth_napi=native", NULL, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "veth_napi") && strstr(err, "'native'") && strstr(err, "off, on"),
		      "the error names the knob, the value and the choices: %s", err);
	ck_assert_int_eq(k.veth_napi, VETH_NAPI_ON);
	/* No preset sets it: E's pass-through comes from xdp_lb=native. */
	ck_assert_int_eq(knobs_profile("E", &k, err, sizeof(err)), 0);
	ck_assert_int_eq(k.veth_napi, VETH_NAPI_OFF);
	ck_assert(hook_plan_veth_napi(&k));
}
END_TEST

/*
 * veth_napi=on alone: the native pass-through on every fabric port and
 * nothing else (no LB, no xdp_lb feature); xdp_lb=native keeps it with the
 * knob off; xdp_lb=generic alone keeps its generic one, and with
 * veth_napi=on the fabric port's becomes native (NAPI) under the generic LB.
 */
START_TEST(test_plan_veth_napi)
{
	static const struct {
		const char *preset, *assign[2], *xdp;
	} cases[] = {
		{ "A", { "veth_napi=on" }, "-1:node1:xdp_pass:native;-1:node2:xdp_pass:native;" },
		{ "A", { "xdp_lb=native" }, "0:eth0:xdp_nodeport_lb:native;-1:node1:xdp_pass:native;"
		  "1:eth0:xdp_nodeport_lb:native;-1:node2:xdp_pass:native;" },
		{ "E", { NULL }, "0:eth0:xdp_nodeport_lb:native;-1:node1:xdp_pass:native;"
		  "1:eth0:xdp_nodeport_lb:native;-1:node2:xdp_pass:native;" },
		{ "E", { "xdp_lb=off" }, "" },
		{ "E", { "xdp_lb=off", "veth_napi=on" },
		  "-1:node1:xdp_pass:native;-1:node2:xdp_pass:native;" },
		{ "A", { "xdp_lb=generic" }, "0:eth0:xdp_nodeport_lb:generic;"
		  "-1:node1:xdp_pass:generic;1:eth0:xdp_nodeport_lb:generic;"
		  "-1:node2:xdp_pass:generic;" },
		{ "A", { "xdp_lb=generic", "veth_napi=on" }, "0:eth0:xdp_nodeport_lb:generic;"
		  "-1:node1:xdp_pass:native;1:eth0:xdp_nodeport_lb:generic;"
		  "-1:node2:xdp_pass:native;" },
	};
	static struct hook_plan p, base;
	static struct topo rt;
	struct topo *t = topo_test_two_node();
	struct knobs k, a;
	char xdp[1024], err[256];
	unsigned int i, j;
	int n;

	if (!t)
		test_skip("no %s", topo_test_default_file());
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		knobs_profile(cases[i].preset, &k, err, sizeof(err));
		for (j = 0; j < 2 && cases[i].assign[j]; j++)
			assign_ok(&k, cases[i].assign[j]);
		ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
		xdp_entries(&p, xdp, sizeof(xdp));
		ck_assert_msg(!strcmp(xdp, cases[i].xdp), "%s + %s: XDP entries %s, want %s",
			      cases[i].preset, cases[i].assign[0] ?: "", xdp, cases[i].xdp);
		for (n = 0; n < p.n; n++)
			if (p.e[n].node == HOOK_PLAN_FABRIC)	/* each node's own instance */
				ck_assert_str_eq(t->nodes[p.e[n].feature_node].name, p.e[n].ifname);
	}
	/* From A, veth_napi=on adds only the fabric ports' programs and their feature. */
	knobs_profile("A", &a, err, sizeof(err));
	ck_assert_int_eq(hook_plan_build(t, &a, &base), 0);
	k = a;
	assign_ok(&k, "veth_napi=on");
	ck_assert_int_eq(hook_plan_build(t, &k, &p), 0);
	ck_assert_int_eq(p.n, base.n + t->n_nodes);
	for (n = 0; n < t->n_nodes; n++) {
		ck_assert(p.load[n][FEAT_XDP_PEER]);
		ck_assert(!p.load[n][FEAT_XDP_LB]);
		ck_assert(!base.load[n][FEAT_XDP_PEER]);
	}
	ck_assert(!hook_plan_veth_napi(&a));
	ck_assert(hook_plan_veth_napi(&k));
	/* A node whose uplink is a real NIC has no fabric port to attach to. */
	rt = *t;
	snprintf(rt.nodes[1].real_dev, sizeof(rt.nodes[1].real_dev), "ens5");
	ck_assert_int_eq(hook_plan_build(&rt, &k, &p), 0);
	xdp_entries(&p, xdp, sizeof(xdp));
	ck_assert_str_eq(xdp, "-1:node1:xdp_pass:native;");
}
END_TEST

START_TEST(test_reload_rules)
{
	struct knobs a, b;
	char err[256];

	knobs_profile("E", &a, err, sizeof(err));
	b = a;
	assign_ok(&b, "ct_max=65536");
	ck_assert(hook_plan_feature_config_changed(FEAT_TC_LB, &a, &b));
	ck_assert(hook_plan_feature_config_changed(FEAT_MASQ, &a, &b));
	ck_assert(!hook_plan_feature_config_changed(FEAT_OVERLAY, &a, &b));
	b = a;
	assign_ok(&b, "services=1000");
	ck_assert(hook_plan_feature_config_changed(FEAT_XDP_LB, &a, &b));
	ck_assert(!hook_plan_feature_config_changed(FEAT_MASQ, &a, &b));
	b = a;
	assign_ok(&b, "host_routing=legacy");	/* the overlay then decaps to the stack */
	ck_assert(hook_plan_feature_config_changed(FEAT_OVERLAY, &a, &b));
}
END_TEST

static Suite *knobs_suite(void)
{
	Suite *s = suite_create("knobs");
	TCase *tc = tcase_create("knobs");

	tcase_add_test(tc, test_assign_and_errors);
	tcase_add_test(tc, test_presets);
	tcase_add_test(tc, test_profile_file_and_state);
	tcase_add_test(tc, test_plan_orders_hooks);
	tcase_add_test(tc, test_plan_socket_lb_hooks);
	tcase_add_test(tc, test_host_routing_needs_bpf_services_and_masquerade);
	tcase_add_test(tc, test_veth_napi_knob);
	tcase_add_test(tc, test_plan_veth_napi);
	tcase_add_test(tc, test_reload_rules);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(knobs_suite)
