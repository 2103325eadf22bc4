// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath: the per-packet load balancers.  tc_lb: a ClusterIP with
 * one backend.  xdp_lb: NodePorts with a local backend (DNAT, XDP_PASS)
 * and a remote one (DNAT + SNAT, XDP_TX), in the bench node, where the FIB
 * sends the backend's traffic back out of the uplink the frames arrive on.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "bench_cases.h"
#include "lib/pkt.h"
#include "tc_lb.skel.h"
#include "xdp_lb.skel.h"

#define POD IP4(10, 244, 1, 5)
#define VIP IP4(10, 96, 0, 10)
#define BACKEND IP4(10, 244, 2, 7)
#define CLIENT IP4(203, 0, 113, 5)
#define NODE IP4(192, 168, 1, 10)
#define NP_LOCAL 30080
#define NP_REMOTE 30081

static struct tc_lb_bpf *tc_lb;
static struct xdp_lb_bpf *xdp_lb;

/* ---------------------------------------------------------------- tc_lb */

static int tc_lb_setup(void)
{
	if (tc_lb)
		return bpf_program__fd(tc_lb->progs.tc_lb_dnat);
	tc_lb = tc_lb_bpf__open();
	if (!tc_lb)
		return -errno;
	bpf_map__set_max_entries(tc_lb->maps.lb_ct, BENCH_CT_ENTRIES);
	bpf_map__set_max_entries(tc_lb->maps.lb_rev, BENCH_CT_ENTRIES);
	if (tc_lb_bpf__load(tc_lb))
		return -errno;
	if (bench_add_service(tc_lb->maps.services, tc_lb->maps.backends, VIP, 80, 1, BACKEND, 8080, 0))
		return -errno;
	return bpf_program__fd(tc_lb->progs.tc_lb_dnat);
}

/* New flows use i + 1: flow 0 is the established one. */
static size_t tc_lb_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, VIP, 80, i + 1, PKT_SYN, buf, cap);
}

static size_t tc_lb_established(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, VIP, 80, 0, PKT_ACK, buf, cap);
}

static int tc_lb_established_setup(void)
{
	__u8 f[BENCH_FRAME_MAX];
	int fd = tc_lb_setup();

	return fd < 0 ? fd : bench_run_once(fd, f, tc_lb_established(0, f, sizeof(f))) ?: fd;
}

/* The backend's reply to flow 0, at the pod's host veth egress. */
static size_t tc_lb_reply(int i, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = BACKEND, .daddr = POD, .proto = IPPROTO_TCP, .sport = 8080,
		.dport = BENCH_PORT_BASE, .tcp_flags = PKT_ACK, .payload_len = 64,
	};

	return pkt_build(buf, cap, &s);
}

static int tc_lb_reply_setup(void)
{
	int fd = tc_lb_established_setup();

	return fd < 0 ? fd : bpf_program__fd(tc_lb->progs.tc_lb_rev_nat);
}

static size_t tc_lb_no_service(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, BACKEND, 8080, 0, PKT_ACK, buf, cap);
}

/*
 * A pod's UDP packet to a pod of another node: what every translator on
 * the pod-to-pod path sees (bench_path.c); for a reply hook, no flow.
 */
static size_t pod_to_pod_udp(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_UDP, POD, BACKEND, 9, 0, 0, buf, cap);
}

static int tc_lb_rev_setup(void)
{
	int fd = tc_lb_setup();

	return fd < 0 ? fd : bpf_program__fd(tc_lb->progs.tc_lb_rev_nat);
}

/* ---------------------------------------------------------------- xdp_lb */

static int xdp_lb_setup(void)
{
	int err;

	if (xdp_lb)
		return bpf_program__fd(xdp_lb->progs.xdp_nodeport_lb);
	err = bench_node_up();
	if (err)
		return err;
	xdp_lb = xdp_lb_bpf__open();
	if (!xdp_lb)
		return -errno;
	xdp_lb->rodata->node_ip = NODE;
	bpf_map__set_max_entries(xdp_lb->maps.lb_ct, BENCH_CT_ENTRIES);
	bpf_map__set_max_entries(xdp_lb->maps.lb_rev, BENCH_CT_ENTRIES);
	if (xdp_lb_bpf__load(xdp_lb))
		return -errno;
	if (bench_add_service(xdp_lb->maps.services, xdp_lb->maps.backends, NODE, NP_LOCAL, 1,
			BACKEND, 8080, DPLAB_BACKEND_LOCAL) ||
	    bench_add_service(xdp_lb->maps.services, xdp_lb->maps.backends, NODE, NP_REMOTE, 2,
			BACKEND, 8080, 0))
		return -errno;
	return bpf_program__fd(xdp_lb->progs.xdp_nodeport_lb);
}

static size_t xdp_local_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_LOCAL, i + 1, PKT_SYN, buf, cap);
}

static size_t xdp_local_established(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_LOCAL, 0, PKT_ACK, buf, cap);
}

static size_t xdp_remote_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_REMOTE, i + 1, PKT_SYN, buf, cap);
}

static size_t xdp_remote_established(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_REMOTE, 0, PKT_ACK, buf, cap);
}

static int xdp_local_established_setup(void)
{
	__u8 f[BENCH_FRAME_MAX];
	int fd = xdp_lb_setup();

	return fd < 0 ? fd : bench_run_once_on(fd, f, xdp_local_established(0, f, sizeof(f)),
					       if_nametoindex("ul")) ?: fd;
}

static int xdp_remote_established_setup(void)
{
	__u8 f[BENCH_FRAME_MAX];
	int fd = xdp_lb_setup();

	return fd < 0 ? fd : bench_run_once_on(fd, f, xdp_remote_established(0, f, sizeof(f)),
					       if_nametoindex("ul")) ?: fd;
}

/* A local backend's reply to flow 0, leaving by the uplink. */
static size_t xdp_local_reply(int i, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = BACKEND, .daddr = CLIENT, .proto = IPPROTO_TCP, .sport = 8080,
		.dport = BENCH_PORT_BASE, .tcp_flags = PKT_ACK, .payload_len = 64,
	};

	return pkt_build(buf, cap, &s);
}

static int xdp_local_reply_setup(void)
{
	int fd = xdp_local_established_setup();

	return fd < 0 ? fd : bpf_program__fd(xdp_lb->progs.tc_nodeport_rev);
}

static int tc_nodeport_rev_setup(void)
{
	int fd = xdp_lb_setup();

	return fd < 0 ? fd : bpf_program__fd(xdp_lb->progs.tc_nodeport_rev);
}

static void lb_teardown(void)
{
	tc_lb_bpf__destroy(tc_lb);
	xdp_lb_bpf__destroy(xdp_lb);
	tc_lb = NULL;
	xdp_lb = NULL;
}

static const struct bench_case lb_cases[] = {
	{ "tc_lb_dnat", "tc", "new flow", false, true, TC_ACT_UNSPEC,
	  tc_lb_setup, tc_lb_new, NULL, NULL },
	{ "tc_lb_dnat", "tc", "established", false, false, TC_ACT_UNSPEC,
	  tc_lb_established_setup, tc_lb_established, NULL, NULL },
	{ "tc_lb_dnat", "tc", "not a service", false, false, TC_ACT_UNSPEC,
	  tc_lb_setup, tc_lb_no_service, NULL, NULL },
	{ "tc_lb_rev_nat", "tc", "established reply", false, false, TC_ACT_UNSPEC,
	  tc_lb_reply_setup, tc_lb_reply, NULL, NULL },
	{ "tc_lb_rev_nat", "tc", "not a reply", false, false, TC_ACT_UNSPEC,
	  tc_lb_rev_setup, pod_to_pod_udp, NULL, NULL },
	{ "xdp_nodeport_lb", "xdp", "not to the node", false, false, XDP_PASS,
	  xdp_lb_setup, pod_to_pod_udp, "ul", NULL },
	{ "xdp_nodeport_lb", "xdp", "local, new flow", false, true, XDP_PASS,
	  xdp_lb_setup, xdp_local_new, "ul", NULL },
	{ "xdp_nodeport_lb", "xdp", "local, established", false, false, XDP_PASS,
	  xdp_local_established_setup, xdp_local_established, "ul", NULL },
	{ "xdp_nodeport_lb", "xdp", "remote, new flow", false, true, XDP_TX,
	  xdp_lb_setup, xdp_remote_new, "ul", NULL },
	{ "xdp_nodeport_lb", "xdp", "remote, established", false, false, XDP_TX,
	  xdp_remote_established_setup, xdp_remote_established, "ul", NULL },
	{ "tc_nodeport_rev", "tc", "local backend reply", false, false, TC_ACT_UNSPEC,
	  xdp_local_reply_setup, xdp_local_reply, NULL, NULL },
	{ "tc_nodeport_rev", "tc", "not a reply", false, false, TC_ACT_UNSPEC,
	  tc_nodeport_rev_setup, pod_to_pod_udp, NULL, NULL },
};

const struct bench_group bench_lb_group = {
	lb_cases, sizeof(lb_cases) / sizeof(lb_cases[0]), lb_teardown,
};
