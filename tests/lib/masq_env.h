/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the BPF masquerade tests (test_masq*.c): the programs loaded
 * for one cluster, frames of its flows, and the snat map seen from the
 * test.  Pods are in 10.0.1.0/24, the cluster is 10.0.0.0/16, the node
 * leaves as 203.0.113.2.  Ports and ICMP echo ids in host order.
 */
#ifndef DPLAB_TESTS_MASQ_ENV_H
#define DPLAB_TESTS_MASQ_ENV_H

#include <stdbool.h>
#include <linux/types.h>
#include <check.h>

#include "dplab/counters.h"
#include "dplab/lb.h"
#include "dplab/nat.h"
#include "lib/fixture.h"
#include "masq.skel.h"
#include "lib/pkt.h"

#define POD IP4(10, 0, 1, 5)
#define POD2 IP4(10, 0, 1, 6)
#define NODE IP4(203, 0, 113, 2)
#define REMOTE IP4(198, 51, 100, 7)
#define REMOTE2 IP4(198, 51, 100, 8)

extern struct masq_bpf *masq_skel;
extern int snat_fd, rev_fd;	/* masq_snat (egress), masq_rev_snat (ingress) */
/* Conntrack lifetimes for the next masq_up (0: the datapath's defaults);
 * masq_down resets them. */
extern __u64 masq_timeout_udp_ns, masq_timeout_close_ns;

/* Load the programs for the cluster above, moving taken ports to [min, max]. */
void masq_up(__u16 port_min, __u16 port_max);
/* The same, trying at most retries ports after the original one. */
void masq_up_retries(__u16 port_min, __u16 port_max, __u32 retries);
void masq_down(void);
__u64 masq_counter(enum dplab_counter c);

struct pkt_spec spec_tcp(__be32 s, __u16 sport, __be32 d, __u16 dport, __u8 flags);
struct pkt_spec spec_udp(__be32 s, __u16 sport, __be32 d, __u16 dport);
struct pkt_spec spec_echo(__be32 s, __be32 d, __u8 type, __u16 id);
/* in with its source (SNAT) or destination (reverse SNAT) moved. */
struct pkt_spec spec_moved(const struct pkt_spec *in, bool dst, __be32 addr, __u16 port);

/* fixture_run on each, the description prefixed "masq egress: " or
 * "masq ingress: " (pcap file names stay apart). */
void masq_fixtures(int prog_fd, const struct fixture *fx, size_t n);
/* One fixture: in becomes out (NULL: untouched), counter c grows by 1. */
void expect(int prog_fd, const char *desc, const struct pkt_spec *in,
	    const struct pkt_spec *out, int verdict, enum dplab_counter c);
/* in leaves as NODE:port (counter c), and reply (as the pod should see
 * it) comes back through the reverse entry. */
void expect_flow(const char *desc, const struct pkt_spec *in, const struct pkt_spec *reply,
		 __u16 port, enum dplab_counter c);
/*
 * The first packet of a flow whose new port is random: run it, read the
 * port from the forward entry, check the frame is the input moved there
 * (whole frame, checksums recomputed by pkt_csum_verify); the port.
 */
__u16 snat_random_port(const struct pkt_spec *in);

struct dplab_tuple nat_tuple(__u8 proto, __be32 s, __u16 sport, __be32 d, __u16 dport);
/* What key maps to in the snat map; false if absent. */
bool nat_get(const struct dplab_tuple *key, struct dplab_lb_ct *v);
/* NODE:port towards remote:rport is held by another live flow (POD2:port). */
void nat_take_port(__u8 proto, __be32 remote, __u16 rport, __u16 port);
__u32 nat_entries(void);

/* The test cases of the other files of the "masq" suite. */
TCase *masq_untouched_tcase(void);
TCase *masq_packets_tcase(void);
TCase *masq_e2e_tcase(void);

#endif /* DPLAB_TESTS_MASQ_ENV_H */
