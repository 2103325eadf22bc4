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

/* The reply to flow 0, which kept its source port BENCH_PORT_BASE. */
static size_t rev_snat_reply(int i, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = EXTERNAL, .daddr = NODE, .proto = IPPROTO_TCP,
		.sport = 443, .dport = BENCH_PORT_BASE, .tcp_flags = PKT_ACK, .payload_len = 64,
	};

	return pkt_build(buf, cap, &s);
}

static int rev_snat_setup(void)
{
	int fd = snat_established_setup();

	return fd < 0 ? fd : bpf_program__fd(masq->progs.masq_rev_snat);
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
	  snat_setup, snat_new, NULL },
	{ "masq_snat", "tc", "established", false, false, TC_ACT_UNSPEC,
	  snat_established_setup, snat_established, NULL },
	{ "masq_rev_snat", "tc", "established reply", false, false, TC_ACT_UNSPEC,
	  rev_snat_setup, rev_snat_reply, NULL },
	{ "xdp_reflector", "xdp", "UDP", false, false, XDP_TX,
	  reflector_setup, reflector_udp, NULL },
};

const struct bench_group bench_nat_group = {
	nat_cases, sizeof(nat_cases) / sizeof(nat_cases[0]), nat_teardown,
};
