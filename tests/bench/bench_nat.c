// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath: BPF masquerade (pod 10.244.0.0/16 leaving cluster
 * 10.0.0.0/8 as the node's address) and the XDP reflector.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "bench_cases.h"
#include "lib/pkt.h"
#include "masq.skel.h"
#include "reflector.skel.h"

#define POD IP4(10, 244, 1, 5)
#define EXTERNAL IP4(203, 0, 113, 9)
#define NODE IP4(192, 168, 1, 10)

static struct masq_bpf *masq;
static struct reflector_bpf *reflector;

static int masq_load(void)
{
	if (masq)
		return 0;
	masq = masq_bpf__open();
	if (!masq)
		return -errno;
	masq->rodata->pod_cidr_addr = IP4(10, 244, 0, 0);
	masq->rodata->pod_cidr_prefix = 16;
	masq->rodata->cluster_cidr_addr = IP4(10, 0, 0, 0);
	masq->rodata->cluster_cidr_prefix = 8;
	masq->rodata->node_ip = NODE;
	bpf_map__set_max_entries(masq->maps.snat, 2 * BENCH_CT_ENTRIES);
	return masq_bpf__load(masq) ? -errno : 0;
}

static int snat_setup(void)
{
	int err = masq_load();

	return err ? err : bpf_program__fd(masq->progs.masq_snat);
}

/* New flows use i + 1: flow 0 is the established one. */
static size_t snat_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, EXTERNAL, 443, i + 1, PKT_SYN, buf, cap);
}

static size_t snat_established(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, EXTERNAL, 443, 0, PKT_ACK, buf, cap);
}

static int snat_established_setup(void)
{
	__u8 f[BENCH_FRAME_MAX];
	int fd = snat_setup();

	return fd < 0 ? fd : bench_run_once(fd, f, snat_established(0, f, sizeof(f))) ?: fd;
}

/*
 * The port flow 0 left with: BENCH_PORT_BASE lies below the masquerade
 * port range, so masq_snat moved the flow to a port of the range.
 */
static __be16 flow0_port;

/* The reply to flow 0, to the port it was translated to. */
static size_t rev_snat_reply(int i, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = EXTERNAL, .daddr = NODE, .proto = IPPROTO_TCP,
		.sport = 443, .dport = ntohs(flow0_port), .tcp_flags = PKT_ACK, .payload_len = 64,
	};

	return pkt_build(buf, cap, &s);
}

/* Reads flow 0's translated port from its forward entry: a reply to any
 * other port would measure the no-match path under the same verdict. */
static int rev_snat_setup(void)
{
	struct dplab_tuple key = {
		.saddr = POD, .daddr = EXTERNAL, .sport = htons(BENCH_PORT_BASE), .dport = htons(443),
		.proto = IPPROTO_TCP,
	};
	struct dplab_lb_ct e;
	int fd = snat_established_setup();

	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(bpf_map__fd(masq->maps.snat), &key, &e))
		return -errno;
	flow0_port = e.port;
	return bpf_program__fd(masq->progs.masq_rev_snat);
}

/* A pod's UDP packet to a pod of another node: inside the cluster CIDR,
 * left alone by both directions (the pod-to-pod path, bench_path.c). */
static size_t pod_to_pod_udp(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_UDP, POD, IP4(10, 244, 2, 7), 9, 0, 0, buf, cap);
}

static int rev_snat_setup_plain(void)
{
	int err = masq_load();

	return err ? err : bpf_program__fd(masq->progs.masq_rev_snat);
}

static int reflector_setup(void)
{
	if (!reflector)
		reflector = reflector_bpf__open_and_load();
	return reflector ? bpf_program__fd(reflector->progs.xdp_reflector) : -errno;
}

static size_t reflector_udp(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_UDP, POD, IP4(10, 244, 2, 7), 9, 0, 0, buf, cap);
}

static void nat_teardown(void)
{
	masq_bpf__destroy(masq);
	reflector_bpf__destroy(reflector);
	masq = NULL;
	reflector = NULL;
}

static const struct bench_case nat_cases[] = {
	{ "masq_snat", "tc", "new flow", false, true, TC_ACT_UNSPEC,
	  snat_setup, snat_new, NULL, NULL },
	{ "masq_snat", "tc", "established", false, false, TC_ACT_UNSPEC,
	  snat_established_setup, snat_established, NULL, NULL },
	{ "masq_snat", "tc", "in the cluster", false, false, TC_ACT_UNSPEC,
	  snat_setup, pod_to_pod_udp, NULL, NULL },
	{ "masq_rev_snat", "tc", "not a reply", false, false, TC_ACT_UNSPEC,
	  rev_snat_setup_plain, pod_to_pod_udp, NULL, NULL },
	{ "masq_rev_snat", "tc", "established reply", false, false, TC_ACT_UNSPEC,
	  rev_snat_setup, rev_snat_reply, NULL, NULL },
	{ "xdp_reflector", "xdp", "UDP", false, false, XDP_TX,
	  reflector_setup, reflector_udp, NULL, NULL },
};

const struct bench_group bench_nat_group = {
	nat_cases, sizeof(nat_cases) / sizeof(nat_cases[0]), nat_teardown,
};
