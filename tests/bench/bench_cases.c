// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath's registry of cases, the no-op programs every figure is
 * compared to (probe.bpf.c's pass-through XDP and tc programs), and the
 * frame helpers the groups share.
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
#include "lib/pkt.h"
#include "probe.skel.h"

static struct probe_bpf *probe;

size_t bench_l4_frame(__u8 proto, __be32 saddr, __be32 daddr, __u16 dport, int i,
		      __u8 tcp_flags, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = htonl(ntohl(saddr) + i / BENCH_PORTS), .daddr = daddr, .proto = proto,
		.sport = BENCH_PORT_BASE + i % BENCH_PORTS, .dport = dport,
		.tcp_flags = proto == IPPROTO_TCP ? tcp_flags : 0, .payload_len = 64,
	};

	return pkt_build(buf, cap, &s);
}

int bench_run_once_on(int prog_fd, const __u8 *frame, size_t len, int ifindex)
{
	__u8 out[BENCH_FRAME_MAX];
	struct xdp_md md = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	if (ifindex) {
		opts.ctx_in = &md;
		opts.ctx_size_in = sizeof(md);
	}
	return bpf_prog_test_run_opts(prog_fd, &opts) ? -errno : 0;
}

int bench_run_once(int prog_fd, const __u8 *frame, size_t len)
{
	return bench_run_once_on(prog_fd, frame, len, 0);
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

	return err ? err : bpf_program__fd(probe->progs.xdp_pass);
}

static int noop_tc_setup(void)
{
	int err = probe_load();

	return err ? err : bpf_program__fd(probe->progs.tc_pass);
}

static size_t any_frame(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, htonl(0x0af40105), htonl(0x0a60000a), 80, i,
			      PKT_ACK, buf, cap);
}

static void noop_teardown(void)
{
	probe_bpf__destroy(probe);
	probe = NULL;
}

static const struct bench_case noop_cases[] = {
	{ "noop (xdp_pass)", "xdp", "-", true, false, XDP_PASS,
	  noop_xdp_setup, any_frame, NULL, NULL },
	{ "noop (tc_pass)", "tc", "-", true, false, TC_ACT_UNSPEC,
	  noop_tc_setup, any_frame, NULL, NULL },
};

const struct bench_group bench_noop_group = {
	noop_cases, sizeof(noop_cases) / sizeof(noop_cases[0]), noop_teardown,
};

/* The operations (--ops) last, in this order (bench_op()); their setup
 * fills maps of up to 512k entries. */
static const struct bench_group *const groups[] = {
	&bench_noop_group, &bench_lb_group, &bench_nat_group, &bench_routing_group,
	&bench_hooks_group, &bench_ops_group, &bench_steps_group,
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

int bench_cases(const struct bench_case **out, bool ops)
{
	static struct bench_case all[BENCH_MAX_CASES];
	size_t g;
	int n = 0, i;

	for (g = 0; g < N_GROUPS; g++)
		for (i = 0; i < groups[g]->n && n < BENCH_MAX_CASES &&
			    (ops || (groups[g] != &bench_ops_group &&
				     groups[g] != &bench_steps_group)); i++)
			all[n++] = groups[g]->cases[i];
	*out = all;
	return n;
}

int bench_program_index(const struct bench_case *c, int n, const char *program)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(c[i].program, program))
			return i;
	return -1;
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
	size_t g;

	for (g = 0; g < N_GROUPS; g++)
		groups[g]->teardown();
}

int bench_add_service(struct bpf_map *services, struct bpf_map *backends, __be32 vip,
		      __u16 port, __u32 id, __be32 be_addr, __u16 be_port, __u16 flags)
{
	struct dplab_svc_key key = { .vip = vip, .port = htons(port), .proto = IPPROTO_TCP };
	struct dplab_svc svc = { .id = id, .count = 1 };
	struct dplab_backend_key bkey = { .svc_id = id, .slot = 0 };
	struct dplab_backend be = { .addr = be_addr, .port = htons(be_port), .flags = flags };

	if (bpf_map_update_elem(bpf_map__fd(backends), &bkey, &be, 0) ||
	    bpf_map_update_elem(bpf_map__fd(services), &key, &svc, 0))
		return -errno;
	return 0;
}
