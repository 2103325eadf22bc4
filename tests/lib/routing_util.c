// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The routing suite's fixture node and helpers (see routing.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>

#include "dplab/routing.h"
#include "util/netns.h"
#include "lib/routing.h"
#include "lib/testlib.h"
#include "lib/testns.h"

const struct node_macs node_mac = {
	.pod1 = { 2, 0, 0, 0, 1, 2 }, .lxc1 = { 2, 0, 0, 0, 1, 1 },
	.pod2 = { 2, 0, 0, 0, 2, 2 }, .lxc2 = { 2, 0, 0, 0, 2, 1 },
	.ul = { 2, 0, 0, 0, 0xa, 1 }, .gw = { 2, 0, 0, 0, 0xa, 2 },
	.far = { 2, 0, 0, 0, 0xb, 1 },
};

static struct {
	char ns[TESTNS_NAME];
	char err[128];		/* why the node could not be made */
} node;

/* Runs in the runner itself (unchecked fixture), so no ck_assert here. */
void node_up(void)
{
	char m[6][18];

	if (test_needs_root())
		return;
	if (testns_create(node.ns)) {
		node.ns[0] = '\0';
		snprintf(node.err, sizeof(node.err), "ip netns add failed");
		return;
	}
	if (sh("set -e; ns=%s; ip netns exec $ns sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'; "
	       "ip -n $ns link add lxc1 address %s type veth peer name pod1 address %s; "
	       "ip -n $ns link add lxc2 address %s type veth peer name pod2 address %s; "
	       "ip -n $ns link add ul address %s type veth peer name gw address %s; "
	       "ip -n $ns link add vx0 type vxlan external dstport 4789; "
	       "for d in lo lxc1 pod1 lxc2 pod2 ul gw vx0; do ip -n $ns link set $d up; done; "
	       "ip -n $ns addr add 192.168.100.1/24 dev ul; "
	       "ip -n $ns neigh replace 192.168.100.2 lladdr %s dev ul nud permanent; "
	       "ip -n $ns route add 10.244.2.0/24 via 192.168.100.2 dev ul; "
	       "ip -n $ns route add 10.244.3.0/24 via 192.168.100.3 dev ul; "
	       "ip -n $ns route add blackhole 10.244.9.0/24",
	       node.ns, mac_str(node_mac.lxc1, m[0]), mac_str(node_mac.pod1, m[1]),
	       mac_str(node_mac.lxc2, m[2]), mac_str(node_mac.pod2, m[3]),
	       mac_str(node_mac.ul, m[4]), mac_str(node_mac.gw, m[5]), m[5]))
		snprintf(node.err, sizeof(node.err), "setting up namespace %s failed", node.ns);
}

void node_down(void)
{
	testns_delete(node.ns);
}

void node_enter(void)
{
	testns_enter_made(node.ns, node.err);
}

struct pkt_spec from_pod1(const char *daddr, uint8_t proto)
{
	struct pkt_spec s = {
		.saddr = ip4(POD1), .daddr = ip4(daddr), .proto = proto,
		.sport = 40000, .dport = 80, .tcp_flags = PKT_SYN, .seq = 1,
		.icmp_type = 8, .icmp_id = 7, .icmp_seq = 1,
	};

	memcpy(s.eth_src, node_mac.pod1, 6);
	memcpy(s.eth_dst, node_mac.lxc1, 6);
	return s;
}

struct pkt_spec routed(const struct pkt_spec *in, const uint8_t *dst, const uint8_t *src)
{
	struct pkt_spec out = *in;

	out.ttl = (in->ttl ? in->ttl : 64) - 1;
	if (dst) {
		memcpy(out.eth_dst, dst, 6);
		memcpy(out.eth_src, src, 6);
	}
	return out;
}

void run_on(int prog, int ifindex, struct fixture *fx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fx[i].ifindex = ifindex;
	fixture_run_n(prog, fx, n);
}

const char *mac_str(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

int ifindex_of(const char *dev)
{
	int ifindex = if_nametoindex(dev);

	ck_assert_msg(ifindex, "no device %s here: %s", dev, strerror(errno));
	return ifindex;
}

void endpoint_add(struct bpf_map *endpoints, const char *ip, const char *host_veth,
		  const uint8_t pod_mac[6], const uint8_t host_mac[6])
{
	struct dplab_endpoint ep = { .ifindex = ifindex_of(host_veth) };
	__be32 key;

	ck_assert_int_eq(inet_pton(AF_INET, ip, &key), 1);
	memcpy(ep.l2.dst, pod_mac, 6);
	memcpy(ep.l2.src, host_mac, 6);
	ck_assert_msg(!bpf_map__update_elem(endpoints, &key, sizeof(key), &ep, sizeof(ep), 0),
		      "endpoint %s: %s", ip, strerror(errno));
}

__u64 counter_of(struct bpf_map *counters, unsigned int i)
{
	return counter_sum(bpf_map__fd(counters), i);
}

/*
 * A packet socket on dev in namespace ns, non-blocking, with room for what
 * a few pings put on the wire.
 */
int wire_open(const char *ns, const char *dev)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd, saved, err, rcvbuf = 4 << 20;

	err = netns_enter(ns, &saved);
	ck_assert_msg(!err, "entering %s: %s", ns, strerror(-err));
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	ck_assert_msg(fd >= 0, "packet socket: %s", strerror(errno));
	sll.sll_ifindex = ifindex_of(dev);
	ck_assert_msg(!bind(fd, (struct sockaddr *)&sll, sizeof(sll)), "bind to %s: %s", dev,
		      strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	netns_leave(saved);
	return fd;
}

void wire_read(int fd, const char *want, struct wire *w)
{
	uint8_t buf[2048];
	char line[512];
	ssize_t n;

	memset(w, 0, sizeof(*w));
	while ((n = recv(fd, buf, sizeof(buf), MSG_TRUNC)) >= 0) {
		pkt_describe(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf), line,
			     sizeof(line));
		w->frames++;
		if (strstr(line, ":4789 UDP") && strstr(line, want))
			w->vxlan++;
		else if (strstr(line, "10.244.") && !strstr(line, "VXLAN"))
			w->plain_pod++;
		if (w->n_sample < WIRE_SAMPLES)
			snprintf(w->sample[w->n_sample++], sizeof(w->sample[0]), "%.255s", line);
	}
	close(fd);
}
