/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The routing suite (BPF host routing and the overlay) in four files:
 *   routing_util.c          the fixture node and helpers below;
 *   test_routing.c          host routing fixtures, the suite;
 *   test_routing_overlay.c  overlay fixtures;
 *   test_routing_e2e.c      end to end in a namespace topology.
 *
 * The fixture node: bpf_fib_lookup consults the FIB of the caller's
 * namespace, so the runner makes one namespace before the fixture tests
 * and removes it after them, whatever happened; each test enters it.  It
 * holds pod veths lxc1 (POD1 behind it) and lxc2 (POD2), an uplink ul
 * 192.168.100.1/24 with
 *
 *   10.244.2.0/24 via 192.168.100.2   neighbour known   -> FIB hit
 *   10.244.3.0/24 via 192.168.100.3   neighbour unknown -> redirect_neigh
 *   blackhole 10.244.9.0/24, nothing else                -> FIB miss
 *
 * and a metadata-mode VXLAN device vx0.
 */
#ifndef DPLAB_TESTS_ROUTING_H
#define DPLAB_TESTS_ROUTING_H

#include <stddef.h>
#include <stdint.h>
#include <check.h>
#include <linux/types.h>

#include "lib/fixture.h"
#include "lib/pkt.h"

struct bpf_map;

#define POD1 "10.244.1.2"		/* the sender, behind lxc1 */
#define POD2 "10.244.1.3"		/* a local pod, behind lxc2 */
#define REMOTE_HIT "10.244.2.5"
#define REMOTE_NO_NEIGH "10.244.3.5"

/* MAC addresses of the fixture node; far is another node's. */
struct node_macs {
	uint8_t pod1[6], lxc1[6], pod2[6], lxc2[6], ul[6], gw[6], far[6];
};
extern const struct node_macs node_mac;

/* Unchecked fixture of the fixture tests: make / remove the node. */
void node_up(void);
void node_down(void);
/* Enter the node (fails the test if it could not be made). */
void node_enter(void);

#define need_node()                                                           \
	do {                                                                  \
		if (test_needs_root())                                        \
			test_skip("%s", test_needs_root());                   \
		node_enter();                                                 \
	} while (0)

/* A frame from POD1 to its gateway (lxc1), addressed to daddr. */
struct pkt_spec from_pod1(const char *daddr, uint8_t proto);
/* in, routed one hop: TTL - 1 and, unless dst is NULL, new MAC addresses. */
struct pkt_spec routed(const struct pkt_spec *in, const uint8_t *dst, const uint8_t *src);

/* A fixture from specs: description, verdict, input, output (NULL: untouched), counter. */
#define FX(d, verdict, in_, out_, cnt)                                         \
	{ .desc = (d), .expect_verdict = (verdict), .in_spec = (in_),         \
	  .out_spec = (out_), .expect_counter = FX_CNT(cnt) }

/* Run fixtures fx[0..n-1] on prog, each arriving on ifindex. */
void run_on(int prog, int ifindex, struct fixture *fx, size_t n);

/*
 * Pod ip (dotted) behind host-side veth host_veth (in the current
 * namespace) into an endpoints map: frames to it leave with destination
 * pod_mac and source host_mac.
 */
void endpoint_add(struct bpf_map *endpoints, const char *ip, const char *host_veth,
		  const uint8_t pod_mac[6], const uint8_t host_mac[6]);

/* The ifindex of dev in the current namespace; fails the test if none. */
int ifindex_of(const char *dev);

/* "02:00:00:00:01:02" for ip(8); buf holds 18 bytes. */
const char *mac_str(const uint8_t mac[6], char buf[18]);

/* Entry i of a "counters" map, summed over CPUs. */
__u64 counter_of(struct bpf_map *counters, unsigned int i);

/*
 * What an underlay carried while captured, frame by frame as pkt_describe
 * tells it: VXLAN frames whose description holds a given text, and bare
 * (unencapsulated) pod traffic.
 */
#define WIRE_SAMPLES 4
struct wire {
	int frames, vxlan, plain_pod;
	char sample[WIRE_SAMPLES][256];	/* the first frames */
	int n_sample;
};
int wire_open(const char *ns, const char *dev);
/* Read and close fd; VXLAN frames count only if their description holds want. */
void wire_read(int fd, const char *want, struct wire *w);
#define WIRE_FMT "%d frames, e.g.\n  %s\n  %s\n  %s\n  %s"
#define WIRE_ARGS(w) (w).frames, (w).sample[0], (w).sample[1], (w).sample[2], (w).sample[3]

/* The overlay fixture tests, added to the fixture TCase. */
void routing_overlay_add(TCase *tc);
/* The end-to-end test cases, added to the routing suite. */
void routing_e2e_add(Suite *s);

#endif /* DPLAB_TESTS_ROUTING_H */
