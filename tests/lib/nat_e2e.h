/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The "nat_e2e" suite's environments (tests/datapath/test_nat_e2e*.c):
 *
 * 1. the emulated two-node cluster (topologies/two-node.topo, named
 *    "n<runner pid>") brought up with `dplab up --profile A service_lb=tc
 *    masquerade=bpf`: the tc service LB on the pods' veths and BPF
 *    masquerade on the uplinks, and no netfilter conntrack on the nodes,
 *    so no defragmentation but the datapath's own; or with profile A's
 *    kube-proxy and iptables MASQUERADE, the Linux reference;
 *
 * 2. a masquerade path of throwaway namespaces, with masq.bpf.o loaded by
 *    the test (so its rodata - port range, retries, lifetimes - is the
 *    test's):
 *
 *      pod 10.0.1.5 (+ 10.0.1.10, .11, ...) --veth-- 10.0.1.1 node
 *      203.0.113.2 (up0: masq) --veth-- 203.0.113.1 router 198.51.100.1
 *      --veth, MTU 1280-- 198.51.100.7 remote
 *
 *    The router and the remote have no route to the pod CIDR: only
 *    masqueraded traffic gets an answer.  The router sends ICMP
 *    fragmentation-needed (MTU 1280) for DF packets too big for its far
 *    link, as any Linux router does.
 */
#ifndef DPLAB_TESTS_NAT_E2E_H
#define DPLAB_TESTS_NAT_E2E_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <check.h>

#include "dplab/counters.h"
#include "lib/testns.h"
#include "masq.skel.h"

/* ------------------------------------------------------------ cluster */

#define NC_CLIENT "node1-pod1"		/* a pod of node1 */
#define NC_CLIENT_IP "10.244.1.2"
#define NC_BACKEND "node2-pod1"		/* dns's only backend */
#define NC_BACKEND_IP "10.244.2.2"
#define NC_DNS_VIP "10.96.0.53"		/* service dns: UDP 53 -> 5353 */
#define NC_DNS_PORT 53
#define NC_DNS_TARGET 5353
#define NC_EXT "ext1"			/* outside the cluster */
#define NC_EXT_IP "192.168.100.100"
#define NC_NODE1_IP "192.168.100.1"
#define NC_MTU 1500			/* the topology's pod and uplink MTU */

/* Unchecked fixtures (run in the runner): bring the cluster up with the
 * BPF datapath (service_lb=tc masquerade=bpf), or with the kernel's NAT
 * (profile A: kube-proxy's iptables rules and iptables MASQUERADE, with
 * conntrack), the reference the same tests must pass with. */
void nat_cluster_up(void);
void nat_cluster_up_iptables(void);
/* Which of the two is up, for messages. */
const char *nat_cluster_mode(void);
/* Unchecked teardown: `dplab down`. */
void nat_cluster_down(void);
/* NULL when the cluster is up, else why it cannot run (setup failures
 * are a Check failure, not a skip). */
const char *nat_cluster_skip_reason(void);
/* The namespace of WHERE ("node1", "node1-pod1", "ext1"). */
const char *nat_cluster_ns(const char *where);
/* The counters lines of `dplab status` for every node, into buf. */
void nat_cluster_counters(char *buf, size_t len);

/* ---------------------------------------------------- masquerade path */

#define MP_POD_IP "10.0.1.5"
#define MP_NODE_IP "203.0.113.2"
#define MP_ROUTER_IP "203.0.113.1"
#define MP_REMOTE_IP "198.51.100.7"
#define MP_FAR_MTU 1280
#define MP_EXTRA_MAX 16		/* pod addresses 10.0.1.10 ... 10.0.1.25 */

struct masq_path {
	char pod[TESTNS_NAME], node[TESTNS_NAME], router[TESTNS_NAME], remote[TESTNS_NAME];
	struct masq_bpf *skel;
};

/* What the test sets in masq.bpf.o's rodata before load. */
struct masq_path_cfg {
	__u16 port_min, port_max;	/* 0, 0: the datapath's defaults */
	__u32 retries;			/* 0: the default */
	const char *var;		/* NULL, or one more rodata variable... */
	__u64 var_value;		/* ...and its value */
	int udp_lifetime_s;		/* iptables: conntrack UDP timeouts (0: the kernel's) */
};

/* The namespaces up, with n_extra more pod addresses (10.0.1.10 on). */
void masq_path_up(struct masq_path *mp, int n_extra);
/*
 * Load masq.bpf.o for the path and attach it to the node's up0 (tcx).
 * 0, or -ENOENT when cfg->var is not in masq.bpf.o's rodata (loaded and
 * attached without it).
 */
int masq_path_attach(struct masq_path *mp, const struct masq_path_cfg *cfg);
/*
 * The kernel's NAT instead, the reference: iptables MASQUERADE on the
 * node's up0 (to cfg's port range when set), conntrack's UDP timeouts at
 * cfg->udp_lifetime_s when set.
 */
void masq_path_iptables(struct masq_path *mp, const struct masq_path_cfg *cfg);
/* Unchecked fixtures choosing what masq_path_nat() sets up for a tcase. */
void masq_path_use_bpf(void);
void masq_path_use_iptables(void);
bool masq_path_is_iptables(void);
const char *masq_path_mode(void);	/* for messages */
/* masq_path_attach() or masq_path_iptables(), as chosen; as they return. */
int masq_path_nat(struct masq_path *mp, const struct masq_path_cfg *cfg);
void masq_path_down(struct masq_path *mp);
/* A counter of masq.bpf.o; 0 with the kernel's NAT. */
__u64 masq_path_counter(const struct masq_path *mp, enum dplab_counter c);
/* "10.0.1.<10 + i>", the i-th extra pod address, in a static buffer. */
const char *masq_path_extra_ip(int i);

/*
 * Set a `const volatile` variable of obj's .rodata by name (between open
 * and load), whatever its width up to 8 bytes: 0, -ENOENT when obj has no
 * such variable, -ERANGE when value does not fit it.
 */
int rodata_set(struct bpf_object *obj, const char *name, __u64 value);

/* The masquerade path tests of the suite (test_nat_e2e_masq.c), on
 * masq.bpf.o or (iptables) the kernel's NAT. */
TCase *nat_e2e_masq_tcase(bool iptables);
/* Its UDP port lifetime test (test_nat_e2e_ports.c), added to tc. */
void nat_e2e_add_port_tests(TCase *tc);

#endif /* DPLAB_TESTS_NAT_E2E_H */
