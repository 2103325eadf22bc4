// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath's cases: each program's maps are filled as in its tests,
 * and each path's frames are built with tests/pkt.h.  Established paths
 * create their flow with one run during setup.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "bench_cases.h"
#include "pkt.h"
#include "probe.skel.h"
#include "tc_lb.skel.h"

#define CLIENT IP4(10, 244, 1, 5)
#define VIP IP4(10, 96, 0, 10)
#define BACKEND IP4(10, 244, 2, 7)

static struct probe_bpf *probe;
static struct tc_lb_bpf *tc_lb;

/* A TCP packet from CLIENT to daddr:dport; new flows vary the source. */
static size_t tcp_frame(__be32 daddr, __u16 dport, int i, __u8 flags, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = htonl(ntohl(CLIENT) + i / 50000), .daddr = daddr,
		.proto = IPPROTO_TCP, .sport = 10000 + i % 50000, .dport = dport,
		.tcp_flags = flags, .payload_len = 64,
	};

	return pkt_build(buf, cap, &s);
}

static int probe_load(void)
{
	if (!probe)
		probe = probe_bpf__open_and_load();
	return probe ? 0 : -errno;
}

static int noop_xdp_setup(void)
{
	int err = probe_load();

	return err ? err : bpf_program__fd(probe->progs.probe_xdp_pass);
}

static int noop_tc_setup(void)
{
	int err = probe_load();

	return err ? err : bpf_program__fd(probe->progs.probe_tc_pass);
}

static size_t any_frame(int i, __u8 *buf, size_t cap)
{
	return tcp_frame(VIP, 80, i, PKT_ACK, buf, cap);
}

/* tc_lb: one service VIP:80 with one backend. */
static int tc_lb_load(void)
{
	struct dplab_svc_key key = { .vip = VIP, .port = htons(80), .proto = IPPROTO_TCP };
	struct dplab_svc svc = { .id = 1, .count = 1 };
	struct dplab_backend_key bkey = { .svc_id = 1, .slot = 0 };
	struct dplab_backend be = { .addr = BACKEND, .port = htons(8080) };

	if (tc_lb)
		return 0;
	tc_lb = tc_lb_bpf__open();
	if (!tc_lb)
		return -errno;
	/* Room for every new flow of the run without LRU eviction. */
	bpf_map__set_max_entries(tc_lb->maps.lb_ct, 1 << 20);
	bpf_map__set_max_entries(tc_lb->maps.lb_rev, 1 << 20);
	if (tc_lb_bpf__load(tc_lb))
		return -errno;
	if (bpf_map_update_elem(bpf_map__fd(tc_lb->maps.backends), &bkey, &be, 0) ||
	    bpf_map_update_elem(bpf_map__fd(tc_lb->maps.services), &key, &svc, 0))
		return -errno;
	return 0;
}

static int tc_lb_setup(void)
{
	int err = tc_lb_load();

	return err ? err : bpf_program__fd(tc_lb->progs.tc_lb_from_pod);
}

static size_t tc_lb_new(int i, __u8 *buf, size_t cap)
{
	return tcp_frame(VIP, 80, i + 1, PKT_SYN, buf, cap);
}

/* Flow 0 is never a new flow (new flows start at 1); setup creates it. */
static int tc_lb_established_setup(void)
{
	__u8 in[BENCH_FRAME_MAX];
	int fd = tc_lb_setup();
	size_t len;

	if (fd < 0)
		return fd;
	len = tcp_frame(VIP, 80, 0, PKT_SYN, in, sizeof(in));
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len, .repeat = 1);
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return fd;
}

static size_t tc_lb_established(int i, __u8 *buf, size_t cap)
{
	return tcp_frame(VIP, 80, 0, PKT_ACK, buf, cap);
}

static size_t tc_lb_no_service(int i, __u8 *buf, size_t cap)
{
	return tcp_frame(BACKEND, 8080, 0, PKT_ACK, buf, cap);
}

static const struct bench_case cases[] = {
	{ "noop (probe_xdp_pass)", "xdp", "-", true, false, XDP_PASS,
	  noop_xdp_setup, any_frame },
	{ "noop (probe_tc_pass)", "tc", "-", true, false, TC_ACT_UNSPEC,
	  noop_tc_setup, any_frame },
	{ "tc_lb_from_pod", "tc", "new flow", false, true, TC_ACT_OK,
	  tc_lb_setup, tc_lb_new },
	{ "tc_lb_from_pod", "tc", "established", false, false, TC_ACT_OK,
	  tc_lb_established_setup, tc_lb_established },
	{ "tc_lb_from_pod", "tc", "not a service", false, false, TC_ACT_OK,
	  tc_lb_setup, tc_lb_no_service },
};

int bench_cases(const struct bench_case **out)
{
	*out = cases;
	return sizeof(cases) / sizeof(cases[0]);
}

int bench_noop_index(const struct bench_case *c, int n, const char *hook)
{
	int i;

	for (i = 0; i < n; i++)
		if (c[i].noop && !strcmp(c[i].hook, hook))
			return i;
	return 0;
}

void bench_cases_teardown(void)
{
	tc_lb_bpf__destroy(tc_lb);
	probe_bpf__destroy(probe);
}
