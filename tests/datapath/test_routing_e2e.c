// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF host routing and the overlay end to end, with real ping and TCP
 * (iperf3).  Two "nodes" (namespaces) joined by an underlay veth "ul",
 * 192.168.100.1 and .2; node 1 has pods 10.244.1.2 and .3, node 2 has
 * 10.244.2.2, each pod a namespace on a veth "lxcN" whose host side is its
 * gateway (169.254.1.1, a static neighbour) and routes it as a /32:
 *
 *   native    the nodes route each other's pod CIDR over the underlay;
 *   overlay   no such routes: a metadata-mode VXLAN device vx0 per node
 *             and the overlay programs carry pod traffic between nodes;
 *   no-forward  iptables FORWARD policy DROP on the nodes, so traffic
 *             between pods only gets through when BPF routes it.
 *
 * Each test has a TCase of its own whose unchecked fixture, run by the
 * runner itself, makes the namespaces before and deletes them after, also
 * when the test fails.  A packet socket on node 1's underlay shows what
 * went on the wire (pkt_describe from the test harness).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "dplab/routing.h"
#include "host_routing.skel.h"
#include "overlay.skel.h"
#include "util/netns.h"
#include "lib/routing.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define N_PODS 3
#define VNI 42
#define POD_MTU_OVERLAY 1450	/* 1500 less the 50 bytes of VXLAN headers */

static const struct {
	int node;
	const char *ip;
} pod_at[N_PODS] = { { 0, "10.244.1.2" }, { 0, "10.244.1.3" }, { 1, "10.244.2.2" } };
static const char *const node_ip[2] = { "192.168.100.1", "192.168.100.2" };
static const char *const node_net[2] = { "10.244.1.0", "10.244.2.0" };	/* /24 */

enum {
	TOPO_ROUTES = 1,	/* native routing between the nodes */
	TOPO_VXLAN = 2,		/* vx0 on each node, pod MTU 1450 */
	TOPO_NO_FORWARD = 4,	/* the nodes' stacks forward nothing */
};

enum {
	USE_HOST_ROUTING = 1,
	USE_OVERLAY = 2,
	USE_DECAP_TO_STACK = 4,
};

static struct {
	char node[2][TESTNS_NAME];
	char pod[N_PODS][TESTNS_NAME];
	char err[64];
} topo;

/* The programs loaded into one node, and their links. */
struct node_progs {
	struct host_routing_bpf *hr;
	struct overlay_bpf *ovl;
	struct bpf_link *links[8];
	int n_links;
};

static struct node_progs progs[2];

/* MAC address of pod i's host-side veth (side 1) or of the pod (side 2). */
static void mac_of(int pod, int side, uint8_t mac[6])
{
	const uint8_t m[6] = { 2, 0, 0xa, 0, pod, side };

	memcpy(mac, m, 6);
}

/* Unchecked fixture, in the runner: namespaces only, no ck_assert. */
static void topo_up(void)
{
	int i;

	memset(&topo, 0, sizeof(topo));
	if (test_needs_root())
		return;
	for (i = 0; i < 2; i++)
		if (testns_create(topo.node[i]))
			snprintf(topo.err, sizeof(topo.err), "ip netns add failed");
	for (i = 0; i < N_PODS; i++)
		if (testns_create(topo.pod[i]))
			snprintf(topo.err, sizeof(topo.err), "ip netns add failed");
}

static void topo_down(void)
{
	int i;

	for (i = 0; i < 2; i++)
		testns_delete(topo.node[i]);
	for (i = 0; i < N_PODS; i++)
		testns_delete(topo.pod[i]);
}

#define SH(...) ck_assert_msg(sh(__VA_ARGS__) == 0, "failed: " __VA_ARGS__)

static void topo_build(int flags)
{
	int mtu = flags & TOPO_VXLAN ? POD_MTU_OVERLAY : 1500, i;
	char hm[18], pm[18];
	uint8_t mac[6];

	ck_assert_msg(!topo.err[0], "%s", topo.err);
	for (i = 0; i < 2; i++) {
		SH("ip netns exec %s sh -c 'cd /proc/sys/net/ipv4 && echo 1 > ip_forward && "
		   "echo 0 > conf/all/rp_filter && echo 0 > conf/default/rp_filter'", topo.node[i]);
		SH("ip -n %s link set lo up", topo.node[i]);
	}
	SH("ip -n %s link add ul type veth peer name ul netns %s", topo.node[0], topo.node[1]);
	for (i = 0; i < 2; i++) {
		SH("ip -n %s addr add %s/24 dev ul && ip -n %s link set ul up", topo.node[i],
		   node_ip[i], topo.node[i]);
		if (flags & TOPO_ROUTES)
			SH("ip -n %s route add %s/24 via %s", topo.node[i], node_net[!i], node_ip[!i]);
		if (flags & TOPO_VXLAN)
			SH("ip -n %1$s link add vx0 type vxlan external dstport 4789 && "
			   "ip -n %1$s link set vx0 up", topo.node[i]);
		if (flags & TOPO_NO_FORWARD)
			SH("ip netns exec %s iptables -P FORWARD DROP", topo.node[i]);
	}
	for (i = 0; i < N_PODS; i++) {
		const char *node = topo.node[pod_at[i].node], *pod = topo.pod[i];

		mac_of(i, 1, mac);
		mac_str(mac, hm);
		mac_of(i, 2, mac);
		mac_str(mac, pm);
		SH("ip -n %s link add lxc%d address %s mtu %d type veth peer name eth0 "
		   "address %s mtu %d netns %s", node, i, hm, mtu, pm, mtu, pod);
		SH("ip -n %1$s link set lxc%2$d up && ip -n %1$s route add %3$s/32 dev lxc%2$d && "
		   "ip -n %1$s neigh replace %3$s lladdr %4$s dev lxc%2$d nud permanent",
		   node, i, pod_at[i].ip, pm);
		SH("ip -n %1$s link set lo up && ip -n %1$s link set eth0 up && "
		   "ip -n %1$s addr add %2$s/32 dev eth0 && "
		   "ip -n %1$s route add 169.254.1.1 dev eth0 scope link && "
		   "ip -n %1$s route add default via 169.254.1.1 dev eth0 && "
		   "ip -n %1$s neigh replace 169.254.1.1 lladdr %3$s dev eth0 nud permanent",
		   pod, pod_at[i].ip, hm);
	}
}

static void attach(struct node_progs *np, struct bpf_program *prog, const char *dev)
{
	struct bpf_link *link = bpf_program__attach_tcx(prog, ifindex_of(dev), NULL);

	ck_assert_msg(link, "attach %s at tcx ingress of %s: %s", bpf_program__name(prog), dev,
		      strerror(errno));
	ck_assert_int_lt(np->n_links, 8);
	np->links[np->n_links++] = link;
}

static void overlay_load(struct node_progs *np, int node, bool decap_to_stack)
{
	struct dplab_tunnel_key key = { .prefixlen = 24 };
	struct dplab_tunnel tun = { .vni = VNI };
	int err;

	np->ovl = overlay_bpf__open();
	ck_assert_msg(np->ovl, "overlay.bpf.o: open: %s", strerror(errno));
	np->ovl->rodata->vxlan_ifindex = ifindex_of("vx0");
	np->ovl->rodata->decap_to_stack = decap_to_stack;
	err = overlay_bpf__load(np->ovl);
	ck_assert_msg(!err, "overlay.bpf.o: load: %s", strerror(-err));
	/* The other node's pod CIDR, behind its underlay address. */
	ck_assert_int_eq(inet_pton(AF_INET, node_ip[!node], &tun.node_ip), 1);
	ck_assert_int_eq(inet_pton(AF_INET, node_net[!node], &key.addr), 1);
	ck_assert_int_eq(bpf_map__update_elem(np->ovl->maps.tunnels, &key, sizeof(key), &tun,
					      sizeof(tun), 0), 0);
}

/* Load and attach what `use` names in every node, endpoints filled in. */
static void programs_up(int use)
{
	uint8_t hm[6], pm[6];
	char dev[16];
	int n, i, saved, err;

	for (n = 0; n < 2; n++) {
		struct node_progs *np = &progs[n];

		err = netns_enter(topo.node[n], &saved);
		ck_assert_msg(!err, "entering %s: %s", topo.node[n], strerror(-err));
		if (use & USE_OVERLAY) {
			overlay_load(np, n, use & USE_DECAP_TO_STACK);
			attach(np, np->ovl->progs.overlay_decap, "vx0");
		}
		if (use & USE_HOST_ROUTING) {
			np->hr = host_routing_bpf__open_and_load();
			ck_assert_msg(np->hr, "host_routing.bpf.o: load: %s", strerror(errno));
			attach(np, np->hr->progs.route_from_uplink, "ul");
		}
		for (i = 0; i < N_PODS; i++) {
			if (pod_at[i].node != n)
				continue;
			snprintf(dev, sizeof(dev), "lxc%d", i);
			mac_of(i, 1, hm);
			mac_of(i, 2, pm);
			/* tcx appends: the overlay first, host routing after it. */
			if (np->ovl) {
				endpoint_add(np->ovl->maps.endpoints, pod_at[i].ip, dev, pm, hm);
				attach(np, np->ovl->progs.overlay_encap, dev);
			}
			if (np->hr) {
				endpoint_add(np->hr->maps.endpoints, pod_at[i].ip, dev, pm, hm);
				attach(np, np->hr->progs.route_from_pod, dev);
			}
		}
		netns_leave(saved);
	}
}

static void programs_down(void)
{
	int n, i;

	for (n = 0; n < 2; n++) {
		for (i = 0; i < progs[n].n_links; i++)
			bpf_link__destroy(progs[n].links[i]);
		host_routing_bpf__destroy(progs[n].hr);
		overlay_bpf__destroy(progs[n].ovl);
	}
	memset(progs, 0, sizeof(progs));
}

static __u64 hr_count(int node, unsigned int c)
{
	return counter_of(progs[node].hr->maps.counters, c);
}

static __u64 ovl_count(int node, unsigned int c)
{
	return counter_of(progs[node].ovl->maps.counters, c);
}

static int ping(int from, int to, int count)
{
	return sh("ip netns exec %s ping -q -c %d -i 0.2 -W 2 %s >/dev/null", topo.pod[from],
		  count, pod_at[to].ip);
}

static void ping_ok(int from, int to)
{
	ck_assert_msg(ping(from, to, 3) == 0, "ping %s -> %s failed", pod_at[from].ip,
		      pod_at[to].ip);
}

/*
 * 4 MB over TCP from pod `from` to a one-shot iperf3 server in pod `to`,
 * on a port of its own (the last server may still be exiting).
 */
static void tcp_ok(int from, int to)
{
	static int port = 5201;

	port++;
	SH("ip netns exec %s timeout 30 iperf3 -s -1 -B %s -p %d >/dev/null 2>&1 &",
	   topo.pod[to], pod_at[to].ip, port);
	ck_assert_msg(sh("for i in $(seq 50); do ip netns exec %s timeout 20 iperf3 -c %s -p %d "
			 "-n 4M --connect-timeout 3000 >/dev/null 2>&1 && exit 0; sleep 0.1; "
			 "done; exit 1", topo.pod[from], pod_at[to].ip, port) == 0,
		      "TCP (iperf3) %s -> %s failed", pod_at[from].ip, pod_at[to].ip);
}

START_TEST(test_host_routing_e2e)
{
	__u64 before;

	need_root();
	topo_build(TOPO_ROUTES | TOPO_NO_FORWARD);
	ck_assert_msg(ping(0, 2, 1) != 0, "FORWARD DROP should stop the stack routing pods");
	programs_up(USE_HOST_ROUTING);
	/* Same node: redirect_peer both ways, node 2 not involved. */
	before = hr_count(1, DPLAB_CNT_REDIRECT);
	ping_ok(0, 1);
	ck_assert_uint_ge(hr_count(0, DPLAB_CNT_REDIRECT), 6);
	ck_assert_uint_eq(hr_count(1, DPLAB_CNT_REDIRECT), before);
	tcp_ok(0, 1);
	/* Across nodes: FIB + redirect(_neigh) out, redirect_peer in, on both. */
	before = hr_count(1, DPLAB_CNT_REDIRECT);
	ping_ok(0, 2);
	ck_assert_uint_ge(hr_count(1, DPLAB_CNT_REDIRECT) - before, 6);
	tcp_ok(0, 2);
	tcp_ok(2, 1);
	ck_assert_uint_eq(hr_count(0, DPLAB_CNT_DROP_REWRITE), 0);
	programs_down();
}
END_TEST

/* Pods ping and talk TCP across nodes; the underlay shows VXLAN. */
static void overlay_e2e(int use)
{
	char want[160];
	struct wire w;
	int fd, dir;

	topo_build(TOPO_VXLAN | (use & USE_DECAP_TO_STACK ? 0 : TOPO_NO_FORWARD));
	ck_assert_msg(ping(0, 2, 1) != 0, "no route between pod CIDRs should mean no ping");
	programs_up(use);
	fd = wire_open(topo.node[0], "ul");
	ping_ok(0, 2);
	wire_read(fd, "", &w);
	ck_assert_msg(w.vxlan >= 6 && w.plain_pod == 0,
		      "expected VXLAN and no bare pod traffic on the underlay, got " WIRE_FMT,
		      WIRE_ARGS(w));
	/* The tunnel key: outer destination and VNI, both ways. */
	for (dir = 0; dir < 2; dir++) {
		snprintf(want, sizeof(want), "-> %s:4789 UDP no-csum VXLAN vni %d [%s -> %s ICMP "
			 "echo-%s", node_ip[!dir], VNI, pod_at[dir ? 2 : 0].ip,
			 pod_at[dir ? 0 : 2].ip, dir ? "reply" : "request");
		fd = wire_open(topo.node[0], "ul");
		ping_ok(0, 2);
		wire_read(fd, want, &w);
		ck_assert_msg(w.vxlan >= 3, "expected 3 frames \"%s\", got " WIRE_FMT, want,
			      WIRE_ARGS(w));
	}
	tcp_ok(0, 2);
	tcp_ok(2, 0);
	ck_assert_uint_ge(ovl_count(0, DPLAB_CNT_ENCAP), 9);
	ck_assert_uint_ge(ovl_count(1, DPLAB_CNT_DECAP), 9);
	ck_assert_uint_ge(ovl_count(1, DPLAB_CNT_ENCAP), 9);
	ck_assert_uint_ge(ovl_count(0, DPLAB_CNT_DECAP), 9);
	if (use & USE_DECAP_TO_STACK)
		ck_assert_uint_ge(ovl_count(1, DPLAB_CNT_PASS), 9);
	else
		ck_assert_uint_ge(ovl_count(1, DPLAB_CNT_REDIRECT), 18);
}

START_TEST(test_overlay_e2e)
{
	need_root();
	overlay_e2e(USE_OVERLAY);
	programs_down();
}
END_TEST

START_TEST(test_overlay_decap_to_stack_e2e)
{
	need_root();
	overlay_e2e(USE_OVERLAY | USE_DECAP_TO_STACK);
	programs_down();
}
END_TEST

/* Cilium's default: the overlay, then host routing in the same hook. */
START_TEST(test_overlay_with_host_routing_e2e)
{
	__u64 before;

	need_root();
	overlay_e2e(USE_OVERLAY | USE_HOST_ROUTING);
	before = hr_count(0, DPLAB_CNT_REDIRECT);
	ping_ok(0, 1);
	tcp_ok(1, 0);
	ck_assert_uint_ge(hr_count(0, DPLAB_CNT_REDIRECT) - before, 6);
	ck_assert_uint_eq(hr_count(0, DPLAB_CNT_FIB_MISS), 0);
	programs_down();
}
END_TEST

/* Native routing, the stack forwarding: bare pod traffic, no VXLAN. */
START_TEST(test_native_no_vxlan_e2e)
{
	struct wire w;
	int fd;

	need_root();
	topo_build(TOPO_ROUTES);
	fd = wire_open(topo.node[0], "ul");
	ping_ok(0, 2);
	wire_read(fd, "", &w);
	ck_assert_msg(w.vxlan == 0 && w.plain_pod >= 6,
		      "expected bare pod traffic and no VXLAN on the underlay, got " WIRE_FMT,
		      WIRE_ARGS(w));
	tcp_ok(2, 0);
}
END_TEST

static void add_e2e(Suite *s, const char *name, const TTest *test)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, topo_up, topo_down);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test);
	suite_add_tcase(s, tc);
}

void routing_e2e_add(Suite *s)
{
	add_e2e(s, "e2e_host_routing", test_host_routing_e2e);
	add_e2e(s, "e2e_overlay", test_overlay_e2e);
	add_e2e(s, "e2e_overlay_decap_to_stack", test_overlay_decap_to_stack_e2e);
	add_e2e(s, "e2e_overlay_with_host_routing", test_overlay_with_host_routing_e2e);
	add_e2e(s, "e2e_native", test_native_no_vxlan_e2e);
}
