// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath: BPF host routing and the VXLAN overlay.  bpf_fib_lookup
 * runs in the caller's namespace, so these cases run inside a throwaway
 * namespace "dplab-bench-<pid>" with a node's routes: an uplink with a
 * resolved next hop for 10.244.2.0/24, a pod veth, a VXLAN device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/routing.h"
#include "bench_cases.h"
#include "util/netns.h"
#include "lib/pkt.h"
#include "host_routing.skel.h"
#include "overlay.skel.h"

#define POD IP4(10, 244, 1, 2)
#define LOCAL_POD IP4(10, 244, 1, 3)
#define REMOTE_POD IP4(10, 244, 2, 2)

static struct host_routing_bpf *routing;
static struct overlay_bpf *overlay;
static char ns[32];
static int saved_ns = -1;

int bench_node_up(void)
{
	char cmd[1024];

	if (ns[0])
		return 0;
	snprintf(ns, sizeof(ns), "dplab-bench-%d", getpid());
	snprintf(cmd, sizeof(cmd),
		 "set -e; ns=%s; ip netns add $ns; "
		 "ip -n $ns link add lxc1 type veth peer name pod1; "
		 "ip -n $ns link add ul type veth peer name gw; "
		 "ip -n $ns link add vx0 type vxlan external dstport 4789; "
		 "for d in lo lxc1 pod1 ul gw vx0; do ip -n $ns link set $d up; done; "
		 "ip -n $ns addr add 192.168.100.1/24 dev ul; "
		 "ip -n $ns neigh replace 192.168.100.2 lladdr 02:00:00:00:01:02 dev ul nud permanent; "
		 "ip -n $ns route add 10.244.2.0/24 via 192.168.100.2 dev ul; "
		 "ip netns exec $ns sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'", ns);
	if (system(cmd))
		return -EIO;
	return netns_enter(ns, &saved_ns);
}

static void node_ns_down(void)
{
	char cmd[128];

	if (!ns[0])
		return;
	netns_leave(saved_ns);
	saved_ns = -1;
	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", ns);
	if (system(cmd))
		fprintf(stderr, "bench-datapath: could not delete namespace %s\n", ns);
	ns[0] = '\0';
}

static int add_local_pod(struct bpf_map *endpoints)
{
	struct dplab_endpoint ep = { .ifindex = if_nametoindex("lxc1") };
	__be32 ip = LOCAL_POD;

	return bpf_map_update_elem(bpf_map__fd(endpoints), &ip, &ep, 0) ? -errno : 0;
}

static int routing_setup(void)
{
	int err = bench_node_up();

	if (err)
		return err;
	if (!routing) {
		routing = host_routing_bpf__open_and_load();
		if (!routing)
			return -errno;
		err = add_local_pod(routing->maps.endpoints);
		if (err)
			return err;
	}
	return bpf_program__fd(routing->progs.route_from_pod);
}

static int uplink_setup(void)
{
	int fd = routing_setup();

	return fd < 0 ? fd : bpf_program__fd(routing->progs.route_from_uplink);
}

static int overlay_setup(void)
{
	struct dplab_tunnel_key key = { .prefixlen = 24, .addr = IP4(10, 244, 2, 0) };
	struct dplab_tunnel tun = { .node_ip = IP4(192, 168, 100, 2), .vni = 42 };
	int err = bench_node_up();

	if (err)
		return err;
	if (!overlay) {
		overlay = overlay_bpf__open();
		if (!overlay)
			return -errno;
		overlay->rodata->vxlan_ifindex = if_nametoindex("vx0");
		if (overlay_bpf__load(overlay) ||
		    bpf_map_update_elem(bpf_map__fd(overlay->maps.tunnels), &key, &tun, 0))
			return -errno;
		err = add_local_pod(overlay->maps.endpoints);
		if (err)
			return err;
	}
	return bpf_program__fd(overlay->progs.overlay_encap);
}

static int decap_setup(void)
{
	int fd = overlay_setup();

	return fd < 0 ? fd : bpf_program__fd(overlay->progs.overlay_decap);
}

/* overlay_decap with host routing "legacy" (decap_to_stack, as the loader
 * sets it then): a second instance, since that is read-only config. */
static struct overlay_bpf *overlay_legacy;

static int decap_legacy_setup(void)
{
	int err = bench_node_up();

	if (err)
		return err;
	if (!overlay_legacy) {
		overlay_legacy = overlay_bpf__open();
		if (!overlay_legacy)
			return -errno;
		overlay_legacy->rodata->vxlan_ifindex = if_nametoindex("vx0");
		overlay_legacy->rodata->decap_to_stack = true;
		if (overlay_bpf__load(overlay_legacy))
			return -errno;
	}
	return bpf_program__fd(overlay_legacy->progs.overlay_decap);
}

/* A decapsulated frame from a remote pod, as the VXLAN device passes it up. */
static size_t from_remote_pod(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, REMOTE_POD, LOCAL_POD, 80, 0, PKT_ACK, buf, cap);
}

static size_t to_local_pod(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, LOCAL_POD, 80, 0, PKT_ACK, buf, cap);
}

static size_t to_remote_pod(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, REMOTE_POD, 80, 0, PKT_ACK, buf, cap);
}

/* A connection's first packet to a ClusterIP: no tunnel leads there, the
 * stack (kube-proxy) translates it. */
static size_t to_clusterip(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, IP4(10, 96, 0, 10), 80, 0, PKT_SYN, buf, cap);
}

static void routing_teardown(void)
{
	host_routing_bpf__destroy(routing);
	overlay_bpf__destroy(overlay);
	overlay_bpf__destroy(overlay_legacy);
	routing = NULL;
	overlay = NULL;
	overlay_legacy = NULL;
	node_ns_down();
}

static const struct bench_case routing_cases[] = {
	{ "route_from_pod", "tc", "local pod (peer)", false, false, TC_ACT_REDIRECT,
	  routing_setup, to_local_pod, NULL, NULL },
	{ "route_from_pod", "tc", "remote (fib)", false, false, TC_ACT_REDIRECT,
	  routing_setup, to_remote_pod, NULL, NULL },
	{ "route_from_uplink", "tc", "to a local pod", false, false, TC_ACT_REDIRECT,
	  uplink_setup, from_remote_pod, NULL, NULL },
	{ "overlay_encap", "tc", "remote (vxlan)", false, false, TC_ACT_REDIRECT,
	  overlay_setup, to_remote_pod, NULL, NULL },
	{ "overlay_encap", "tc", "no tunnel (to the stack)", false, false, TC_ACT_UNSPEC,
	  overlay_setup, to_clusterip, NULL, NULL },
	{ "overlay_decap", "tc", "to a local pod", false, false, TC_ACT_REDIRECT,
	  decap_setup, from_remote_pod, NULL, NULL },
	{ "overlay_decap", "tc", "to the stack (legacy)", false, false, TC_ACT_UNSPEC,
	  decap_legacy_setup, from_remote_pod, NULL, NULL },
};

const struct bench_group bench_routing_group = {
	routing_cases, sizeof(routing_cases) / sizeof(routing_cases[0]), routing_teardown,
};
