// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The xdp_lb suite's fixture node and helpers (see xdp_lb_env.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/xdp_lb.h"
#include "util/netns.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/xdp_lb_env.h"

const __u8 lb_router_mac[6] = PKT_MAC_SRC, lb_node_mac[6] = PKT_MAC_DST;
const __u8 lb_gateway_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

static struct {
	char ns[TESTNS_NAME];
	char err[128];
} node;

const char *lb_node_ns(void)
{
	return node.ns;
}

/* Runs in the runner itself (unchecked fixture), so no ck_assert here. */
void lb_node_up(void)
{
	if (test_needs_root())
		return;
	if (testns_create(node.ns)) {
		node.ns[0] = '\0';
		snprintf(node.err, sizeof(node.err), "ip netns add failed");
		return;
	}
	if (sh("set -e; ns=%s; "
	       "ip -n $ns link add ul address 02:00:00:00:00:02 type veth peer name rt "
	       "address 02:00:00:00:00:01; "
	       "ip -n $ns link add vx0 type vxlan id 42 dstport 4789 dev ul; "
	       "for d in lo ul rt vx0; do ip -n $ns link set $d up; done; "
	       "ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1; "
	       "ip -n $ns addr add 192.168.1.10/24 dev ul; "
	       "ip -n $ns neigh replace 192.168.1.1 lladdr 02:00:00:00:00:01 dev ul nud permanent; "
	       "ip -n $ns neigh replace 192.168.1.99 lladdr 02:00:00:00:00:99 dev ul "
	       "nud permanent; "
	       "ip -n $ns route add default via 192.168.1.1 dev ul; "
	       "ip -n $ns route add 10.0.4.0/24 via 192.168.1.99 dev ul; "
	       "ip -n $ns route add 10.0.8.0/24 via 192.168.1.3 dev ul; "
	       "ip -n $ns route add 10.0.9.0/24 dev vx0; "
	       "ip -n $ns route add unreachable 10.0.7.0/24", node.ns))
		snprintf(node.err, sizeof(node.err), "setting up namespace %s failed", node.ns);
}

void lb_node_down(void)
{
	testns_delete(node.ns);
}

void lb_node_enter_ns(void)
{
	testns_enter_made(node.ns, node.err);
}

static void add_service(struct xdp_lb_bpf *skel, __u16 nodeport, __u8 proto, __u32 id,
			__be32 be_addr, __u16 be_port, __u16 be_flags, __u16 count)
{
	struct dplab_svc_key key = { .vip = NODE_IP, .port = htons(nodeport), .proto = proto };
	struct dplab_svc svc = { .id = id, .count = count };
	struct dplab_backend_key bkey = { .svc_id = id, .slot = 0 };
	struct dplab_backend be = { .addr = be_addr, .port = htons(be_port), .flags = be_flags };

	ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.services), &key, &svc, 0), 0);
	if (count)
		ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.backends), &bkey,
						     &be, 0), 0);
}

struct xdp_lb_bpf *lb_load(__u64 lifetime_ns, __u16 one_port)
{
	struct xdp_lb_bpf *skel = xdp_lb_bpf__open();

	ck_assert_msg(skel, "xdp_lb.bpf.o: open: %s", strerror(errno));
	skel->rodata->node_ip = NODE_IP;
	if (lifetime_ns) {
		skel->rodata->ct_timeout_syn_ns = skel->rodata->ct_timeout_tcp_ns = lifetime_ns;
		skel->rodata->ct_timeout_close_ns = skel->rodata->ct_timeout_udp_ns = lifetime_ns;
		skel->rodata->ct_timeout_icmp_ns = lifetime_ns;
	}
	if (one_port) {
		skel->rodata->snat_port_min = one_port;
		skel->rodata->snat_port_max = one_port + 1;
	}
	ck_assert_int_eq(bpf_map__set_max_entries(skel->maps.lb_ct, 1024), 0);
	ck_assert_int_eq(bpf_map__set_max_entries(skel->maps.lb_rev, 1024), 0);
	ck_assert_msg(!xdp_lb_bpf__load(skel), "xdp_lb.bpf.o: load (verifier): %s",
		      strerror(errno));
	add_service(skel, NP_LOCAL, IPPROTO_TCP, 1, LOCAL_BE, 8080, DPLAB_BACKEND_LOCAL, 1);
	add_service(skel, NP_REMOTE, IPPROTO_TCP, 2, REMOTE_BE, 8080, 0, 1);
	add_service(skel, NP_UDP, IPPROTO_UDP, 3, UDP_BE, 53, 0, 1);
	add_service(skel, NP_CT, IPPROTO_TCP, 4, CT_BE1, 80, 0, 1);
	add_service(skel, NP_EMPTY, IPPROTO_TCP, 5, 0, 0, 0, 0);
	add_service(skel, NP_GW, IPPROTO_TCP, 6, GW_BE, 8080, 0, 1);
	add_service(skel, NP_NO_NEIGH, IPPROTO_TCP, 7, NO_NEIGH_BE, 8080, 0, 1);
	add_service(skel, NP_TUNNEL, IPPROTO_TCP, 8, TUNNEL_BE, 8080, 0, 1);
	add_service(skel, NP_NO_ROUTE, IPPROTO_TCP, 9, NO_ROUTE_BE, 8080, 0, 1);
	return skel;
}

__u64 lb_counter(struct xdp_lb_bpf *skel, enum dplab_counter c)
{
	return counter_sum(bpf_map__fd(skel->maps.counters), c);
}

int lb_entries(struct bpf_map *map)
{
	struct dplab_tuple key, next;
	int n = 0, fd = bpf_map__fd(map);

	if (bpf_map_get_next_key(fd, NULL, &next))
		return 0;
	do {
		key = next;
		n++;
	} while (!bpf_map_get_next_key(fd, &key, &next) && n < 4096);
	return n;
}

void lb_run(struct xdp_lb_bpf *skel, struct fixture *fx, size_t n)
{
	int ifindex = if_nametoindex("ul");
	size_t i;

	ck_assert_msg(ifindex, "no device ul here: %s", strerror(errno));
	for (i = 0; i < n; i++)
		fx[i].ifindex = ifindex;
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), fx, n);
}

struct pkt_spec to_nodeport(__be32 client, __u16 sport, __u8 proto, __u16 nodeport,
			    __u8 tcp_flags)
{
	struct pkt_spec s = { .saddr = client, .daddr = NODE_IP, .proto = proto, .sport = sport,
			      .dport = nodeport, .tcp_flags = tcp_flags, .seq = 1000 };

	return s;
}

struct pkt_spec from_backend(__be32 be, __u16 port, __be32 dst, __u16 dport, __u8 proto,
			     __u8 tcp_flags)
{
	struct pkt_spec s = { .saddr = be, .daddr = dst, .proto = proto, .sport = port,
			      .dport = dport, .tcp_flags = tcp_flags, .seq = 9, .ack = 1001,
			      .payload_len = 32 };

	return s;
}

struct pkt_spec hairpinned(struct pkt_spec s, const __u8 *next_hop)
{
	memcpy(s.eth_src, lb_node_mac, 6);
	memcpy(s.eth_dst, next_hop ? next_hop : lb_router_mac, 6);
	return s;
}

struct pkt_spec dnat_port(struct pkt_spec s, __be32 be, __u16 port, __u16 nat_port)
{
	s.daddr = be;
	s.dport = port;
	s.saddr = NODE_IP;
	s.sport = nat_port;
	return hairpinned(s, NULL);
}

struct pkt_spec dnat(struct pkt_spec s, __be32 be, __u16 port, bool remote)
{
	if (remote)
		return dnat_port(s, be, port, s.sport);
	s.daddr = be;
	s.dport = port;
	return s;
}

struct pkt_spec rev_nat_to(struct pkt_spec s, __be32 client, __u16 cport, __u16 nodeport)
{
	s.saddr = NODE_IP;
	s.sport = nodeport;
	s.daddr = client;
	s.dport = cport;
	return hairpinned(s, NULL);
}

struct pkt_spec rev_nat(struct pkt_spec s, __be32 client, __u16 nodeport, bool remote)
{
	if (remote)
		return rev_nat_to(s, client, s.dport, nodeport);
	s.saddr = NODE_IP;
	s.sport = nodeport;
	s.daddr = client;
	return s;
}
