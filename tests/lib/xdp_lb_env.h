/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The xdp_lb suite's fixture node (xdp_lb_env.c): bpf_fib_lookup consults
 * the FIB of the caller's namespace, so the runner makes one namespace
 * before the fixture tests and removes it after them; each test enters it
 * and runs its frames as arriving on the uplink ul (NODE_MAC, NODE_IP/24).
 * Clients and remote backends sit behind the router (ROUTER_MAC, .1, the
 * default route, neighbour known), and
 *
 *   10.0.4.0/24 via .99 (lb_gateway_mac, known)  -> out of ul to the gateway
 *   10.0.8.0/24 via .3, neighbour unknown      -> cannot forward
 *   10.0.9.0/24 dev vx0 (a VXLAN device)       -> cannot forward (tunnel)
 *   unreachable 10.0.7.0/24                    -> cannot forward
 */
#ifndef DPLAB_TESTS_XDP_LB_ENV_H
#define DPLAB_TESTS_XDP_LB_ENV_H

#include <stdbool.h>
#include <check.h>
#include <linux/types.h>

#include "dplab/counters.h"
#include "dplab/lb.h"
#include "xdp_lb.skel.h"
#include "lib/fixture.h"
#include "lib/pkt.h"
#include "lib/testlib.h"

#define NODE_IP IP4(192, 168, 1, 10)
#define CLIENT IP4(203, 0, 113, 5)
#define CLIENT2 IP4(198, 51, 100, 9)
#define CLIENT3 IP4(198, 51, 100, 10)
#define CLIENT_TUNNEL IP4(10, 0, 9, 5)	/* a client the node reaches by vx0 */
#define LOCAL_BE IP4(10, 0, 1, 5)
#define REMOTE_BE IP4(10, 0, 2, 7)
#define UDP_BE IP4(10, 0, 2, 8)
#define CT_BE1 IP4(10, 0, 3, 1)
#define CT_BE2 IP4(10, 0, 3, 2)
#define GW_BE IP4(10, 0, 4, 1)
#define NO_NEIGH_BE IP4(10, 0, 8, 1)
#define TUNNEL_BE IP4(10, 0, 9, 1)
#define NO_ROUTE_BE IP4(10, 0, 7, 1)

/* NodePorts: one per backend above, and one without backends. */
#define NP_LOCAL 30080
#define NP_REMOTE 30081
#define NP_UDP 30053
#define NP_CT 30090
#define NP_GW 30091
#define NP_NO_NEIGH 30092
#define NP_TUNNEL 30093
#define NP_NO_ROUTE 30094
#define NP_EMPTY 30099

extern const __u8 lb_router_mac[6], lb_node_mac[6], lb_gateway_mac[6];

/* Unchecked fixture of the fixture tests: make / remove the node. */
void lb_node_up(void);
void lb_node_down(void);
/*
 * Enter the node: skips the calling test without root (need_root returns
 * from the test, hence a macro), fails if the node could not be made.
 */
#define lb_node_enter()                                                       \
	do {                                                                  \
		need_root();                                                  \
		lb_node_enter_ns();                                           \
	} while (0)
void lb_node_enter_ns(void);
/* The node's namespace, for `ip -n`. */
const char *lb_node_ns(void);

/*
 * Opened, rodata and map sizes set as the loader does, loaded, services
 * in.  lifetime_ns: every conntrack lifetime (lib/ct.h; 0: the defaults);
 * one_port: SNAT's port range is
 * [one_port, one_port + 1] (0: default range).
 */
struct xdp_lb_bpf *lb_load(__u64 lifetime_ns, __u16 one_port);
__u64 lb_counter(struct xdp_lb_bpf *skel, enum dplab_counter c);
/* Entries in a map of the skeleton. */
int lb_entries(struct bpf_map *map);
/* Run fixtures on xdp_nodeport_lb as arriving on ul. */
void lb_run(struct xdp_lb_bpf *skel, struct fixture *fx, size_t n);

/* Client -> NODE_IP:nodeport, from the router. */
struct pkt_spec to_nodeport(__be32 client, __u16 sport, __u8 proto, __u16 nodeport,
			    __u8 tcp_flags);
/* A backend's reply be:port -> dst:dport (from the router when remote). */
struct pkt_spec from_backend(__be32 be, __u16 port, __be32 dst, __u16 dport, __u8 proto,
			     __u8 tcp_flags);
/* Sent back out of the uplink towards next_hop (NULL: the router). */
struct pkt_spec hairpinned(struct pkt_spec s, const __u8 *next_hop);
/* DNATed to be:port, and when remote SNATed to NODE_IP:nat_port and sent out. */
struct pkt_spec dnat(struct pkt_spec s, __be32 be, __u16 port, bool remote);
struct pkt_spec dnat_port(struct pkt_spec s, __be32 be, __u16 port, __u16 nat_port);
/* A reply as the client must see it: from NODE_IP:nodeport, to client:cport. */
struct pkt_spec rev_nat(struct pkt_spec s, __be32 client, __u16 nodeport, bool remote);
struct pkt_spec rev_nat_to(struct pkt_spec s, __be32 client, __u16 cport, __u16 nodeport);

/* The flow tests (test_xdp_lb_flows.c), added to the fixture TCase. */
void xdp_lb_flows_add(TCase *tc);

#endif /* DPLAB_TESTS_XDP_LB_ENV_H */
