// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen on a veth pair (suite pktgen_port, root): 10 kpps of 64-byte
 * frames for 2 s from an af_packet port on one end to a second port on the
 * other, in one process.  From its JSON: nothing lost, the achieved rate
 * within 1% of the target, latency percentiles present and ordered; and
 * nothing left under /var/run/dpdk.
 *
 * routed_addresses: the same path with the frames addressed as for a routed
 * one (--src-ip, --dst-ip, --dst-port and a --dst-mac that is not b's, as
 * a pod's gateway would be; b takes every frame): nothing lost, the JSON
 * config names them, and tcpdump on b sees exactly those headers.
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

#include "lib/pktgen_test.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define RATE 10000

START_TEST(test_veth_no_loss_rate_latency)
{
	char ns[TESTNS_NAME], pg[PATH_MAX], json_path[64], out[8192];
	json_int_t sent, received;
	double achieved;
	json_t *j;
	int rc;

	need_root();
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
	pktgen_assert_latency(j, received, out);
	json_decref(j);
	ck_assert_msg(sh("ls -d /var/run/dpdk/dplab-pktgen-* >/dev/null 2>&1"),
		      "dplab-pktgen left a runtime directory under /var/run/dpdk");
}
END_TEST

#define GW_MAC "02:00:00:00:09:09"

static const char *cfg_str(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(json_object_get(j, "config"), key));

	ck_assert_msg(v, "JSON: config.%s missing or not a string", key);
	return v;
}

START_TEST(test_veth_routed_addresses)
{
	char ns[TESTNS_NAME], pg[PATH_MAX], json_path[64], cap[64], out[8192];
	json_int_t sent;
	json_t *j;
	int rc;

	need_root();
	pktgen_veth_setup(ns, pg, sizeof(pg));
	snprintf(json_path, sizeof(json_path), "/tmp/%s-routed.json", ns);
	snprintf(cap, sizeof(cap), "/tmp/%s-tcpdump", ns);
	rc = sh_out(out, sizeof(out), 1,
		    "(ip netns exec %2$s timeout 10 tcpdump -i b -nn -e -l -c 3 udp >%4$s.txt "
		    "2>%4$s.err & t=$!; i=0; while ! grep -q 'listening on' %4$s.err && "
		    "[ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
		    "%1$s --netns %2$s --iface a --rx-iface b --rate %5$d --duration 1 "
		    "--src-ip 10.1.2.3 --dst-ip 10.9.9.9 --dst-port 5001 --dst-mac " GW_MAC " "
		    "--json %3$s; g=$?; wait $t; cat %4$s.txt %4$s.err; rm -f %4$s.txt %4$s.err; "
		    "exit $g)", pg, ns, json_path, cap, RATE);
	testns_delete(ns);
	ck_assert_msg(rc == 0, "dplab-pktgen exited %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "> " GW_MAC ", ethertype IPv4") &&
		      strstr(out, "10.1.2.3.1024 > 10.9.9.9.5001: UDP"),
		      "tcpdump on b did not see the addresses given:\n%s", out);
	j = pktgen_json_load(json_path);
	sent = pktgen_json_int(j, "totals", "sent");
	ck_assert_msg(sent > 0 && pktgen_json_int(j, "totals", "received") == sent,
		      "sent %lld, received %lld:\n%s", (long long)sent,
		      (long long)pktgen_json_int(j, "totals", "received"), out);
	ck_assert_int_eq(pktgen_json_int(j, "totals", "lost"), 0);
	ck_assert_str_eq(cfg_str(j, "src_ip"), "10.1.2.3");
	ck_assert_str_eq(cfg_str(j, "dst_ip"), "10.9.9.9");
	ck_assert_str_eq(cfg_str(j, "dst_mac"), GW_MAC);
	ck_assert_int_eq(pktgen_json_int(j, "config", "dst_port"), 5001);
	json_decref(j);
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

/*
 * The guard checks what DPDK will open.  Each case was a bypass: a veth
 * named "brz,qpairs=1" passed the guard and DPDK bound the bridge brz (1000
 * frames went out on it); "eth0,qpairs=1" would have sent on the machine's
 * NIC; tun devices (VPN clients) counted as virtual.  All refused now,
 * before EAL init, with nothing sent (brz's tx counter stays where it was).
 */
START_TEST(test_guard_bypasses_refused)
{
	char ns[TESTNS_NAME], pg[PATH_MAX], args[512], before[64], after[64];

	need_root();
	pktgen_veth_setup(ns, pg, sizeof(pg));
	/*
	 * brz sends nothing of its own: no IPv6 (router solicitations), no
	 * IGMP reports for link-local groups (two, a second apart, after up).
	 */
	ck_assert_int_eq(sh("ip netns exec %1$s sysctl -qw net.ipv4.igmp_link_local_mcast_reports=0 "
			    "&& ip -n %1$s link add name brz type bridge && ip netns exec %1$s "
			    "sysctl -qw net.ipv6.conf.brz.disable_ipv6=1 && ip -n %1$s link set "
			    "dev brz up && ip -n %1$s link add name 'brz,qpairs=1' type veth peer "
			    "name c && ip -n %1$s link add name 'eth0,qpairs=1' type veth peer "
			    "name d && ip -n %1$s tuntap add dev tun0 mode tun && ip -n %1$s link "
			    "set dev tun0 up", ns), 0);
	sh_out(before, sizeof(before), 0, "ip netns exec %s cat /sys/class/net/brz/statistics/"
	       "tx_packets", ns);
	snprintf(args, sizeof(args), "--iface 'brz,qpairs=1' --netns %s --rate 1000 "
		 "--duration 1", ns);
	expect_refusal(pg, args, 1, "cannot carry ','");
	snprintf(args, sizeof(args), "--iface 'eth0,qpairs=1' --netns %s --rate 1000 "
		 "--duration 1 --allow-physical --max-rate 1000", ns);
	expect_refusal(pg, args, 1, "cannot carry ','");
	snprintf(args, sizeof(args), "--iface a --netns %s --rx-iface 'b=1' --rate 1000 "
		 "--duration 1", ns);
	expect_refusal(pg, args, 1, "--rx-iface 'b=1'");
	/* Names checked before use: a namespace is never a path out of /run/netns. */
	expect_refusal(pg, "--iface a --netns ../../proc/1/ns/net --rate 1000 --duration 1", 2,
		       "--netns '../../proc/1/ns/net': a network namespace name holds no '/'");
	expect_refusal(pg, "--iface abcdefghijklmnopq --rate 1000 --duration 1", 2,
		       "longer than an interface name can be");
	snprintf(args, sizeof(args), "--iface tun0 --netns %s --rate 1000 --duration 1", ns);
	expect_refusal(pg, args, 1, "tun0 (driver tun) is not a virtual interface");
	snprintf(args, sizeof(args), "--receive --iface tun0 --netns %s --duration 1", ns);
	expect_refusal(pg, args, 1, "is not a virtual interface");
	sh_out(after, sizeof(after), 0, "ip netns exec %s cat /sys/class/net/brz/statistics/"
	       "tx_packets", ns);
	ck_assert_str_eq(before, after);
	testns_delete(ns);
}
END_TEST

/*
 * A veth is only as virtual as where its frames come out: its peer (in
 * another namespace) bridged with a tap leads to a real network, also two
 * hops on (through a veth port of that bridge into a third namespace's
 * bridge).  A bridge of veths only is accepted and sends.
 */
START_TEST(test_guard_bridged_peer)
{
	char ns[TESTNS_NAME], b[TESTNS_NAME], c[TESTNS_NAME], pg[PATH_MAX], args[512];

	need_root();
	pktgen_veth_setup(ns, pg, sizeof(pg));
	ck_assert_int_eq(testns_create(b), 0);
	ck_assert_int_eq(testns_create(c), 0);
	ck_assert_int_eq(sh("ip -n %1$s link add name va type veth peer name vb netns %2$s && "
			    "ip -n %1$s link set dev va up && ip -n %2$s link add name br type "
			    "bridge && ip -n %2$s link set dev vb master br && ip -n %2$s link add "
			    "name vc type veth peer name vd netns %3$s && ip -n %2$s link set dev "
			    "vc master br && ip -n %3$s link add name br2 type bridge && ip -n %3$s "
			    "link set dev vd master br2", ns, b, c), 0);
	snprintf(args, sizeof(args), "--iface va --netns %s --rate 1000 --duration 1", ns);
	expect_refusal(pg, args, 0, "sent");
	ck_assert_int_eq(sh("ip -n %1$s tuntap add dev tap1 mode tap && ip -n %1$s link set "
			    "dev tap1 master br2", c), 0);
	expect_refusal(pg, args, 1, "its frames reach vd, a port of bridge br2, which also has "
		       "tap1 (tun)");
	ck_assert_int_eq(sh("ip -n %s link del dev tap1 && ip -n %s tuntap add dev tap0 mode "
			    "tap && ip -n %s link set dev tap0 master br", c, b, b), 0);
	expect_refusal(pg, args, 1, "its frames reach vb, a port of bridge br");
	testns_delete(c);
	testns_delete(b);
	testns_delete(ns);
}
END_TEST

static Suite *pktgen_port_suite(void)
{
	Suite *s = suite_create("pktgen_port");
	TCase *tc = tcase_create("veth");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_veth_no_loss_rate_latency);
	tcase_add_test(tc, test_veth_routed_addresses);
	tcase_add_test(tc, test_pci_guarded);
	tcase_add_test(tc, test_guard_bypasses_refused);
	tcase_add_test(tc, test_guard_bridged_peer);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_port_suite)
