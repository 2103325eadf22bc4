// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath --ops: the steps of tc_lb_dnat and xdp_nodeport_lb
 * (bench_steps_tc.bpf.c, bench_steps_xdp.bpf.c), each case with a service
 * of its own, so that no case finds the flows another one made.  tc_lb is
 * loaded twice: with conntrack tables of 1M entries, as bench-datapath's
 * rows, and of 64k, dplab's default ct_max.
 */
#include <errno.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "bench_cases.h"
#include "lib/pkt.h"
#include "bench/bench_steps_tc.skel.h"
#include "bench/bench_steps_xdp.skel.h"

#define POD IP4(10, 244, 1, 5)
#define CLIENT IP4(203, 0, 113, 5)
#define NODE IP4(192, 168, 1, 10)
#define TC_CASES 6		/* step 1-4, full new flow, established */
#define EST TC_CASES		/* service of the established flow */
#define NP_BASE 30100

static struct bench_steps_tc_bpf *tc_big, *tc_small;
static struct bench_steps_xdp_bpf *xdp;

static __be32 vip(int k)
{
	return IP4(10, 96, 1, k);
}

static int service(struct bpf_map *services, struct bpf_map *backends, __be32 addr, __u16 port,
		   int k, __be32 be_addr)
{
	struct dplab_svc_key key = { .vip = addr, .port = htons(port), .proto = IPPROTO_TCP };
	struct dplab_svc svc = { .id = k, .count = 1 };
	struct dplab_backend_key bkey = { .svc_id = k };
	struct dplab_backend be = { .addr = be_addr, .port = htons(8080) };

	if (bpf_map_update_elem(bpf_map__fd(backends), &bkey, &be, 0) ||
	    bpf_map_update_elem(bpf_map__fd(services), &key, &svc, 0))
		return -errno;
	return 0;
}

static size_t tc_frame(int k, int i, __u8 flags, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, POD, vip(k), 80, i, flags, buf, cap);
}

/* One tc_lb instance with ct tables of `entries`, its services and the
 * established flow made. */
static int tc_load(struct bench_steps_tc_bpf **out, __u32 entries)
{
	struct bench_steps_tc_bpf *s;
	__u8 f[BENCH_FRAME_MAX];
	int k, err;

	if (*out)
		return 0;
	s = *out = bench_steps_tc_bpf__open();
	if (!s)
		return -errno;
	bpf_map__set_max_entries(s->maps.lb_ct, entries);
	bpf_map__set_max_entries(s->maps.lb_rev, entries);
	if (bench_steps_tc_bpf__load(s))
		return -errno;
	for (k = 1; k <= EST; k++) {
		err = service(s->maps.services, s->maps.backends, vip(k), 80, k, IP4(10, 244, 3, k));
		if (err)
			return err;
	}
	return bench_run_once(bpf_program__fd(s->progs.tc_lb_dnat), f,
			      tc_frame(EST, 0, PKT_ACK, f, sizeof(f)));
}

static int xdp_load(void)
{
	__u8 f[BENCH_FRAME_MAX];
	int k, err;

	if (xdp)
		return 0;
	err = bench_node_up();	/* remote backends are routed out of its uplink */
	if (err)
		return err;
	xdp = bench_steps_xdp_bpf__open();
	if (!xdp)
		return -errno;
	xdp->rodata->node_ip = NODE;
	bpf_map__set_max_entries(xdp->maps.lb_ct, BENCH_CT_ENTRIES);
	bpf_map__set_max_entries(xdp->maps.lb_rev, BENCH_CT_ENTRIES);
	if (bench_steps_xdp_bpf__load(xdp))
		return -errno;
	for (k = 1; k <= 5; k++) {
		err = service(xdp->maps.services, xdp->maps.backends, NODE, NP_BASE + k, k,
			      IP4(10, 244, 2, 100 + k));
		if (err)
			return err;
	}
	return bench_run_once_on(bpf_program__fd(xdp->progs.xdp_nodeport_lb), f,
				 bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_BASE + 5, 0, PKT_ACK,
						f, sizeof(f)), if_nametoindex("ul"));
}

#define TC_SETUP(name, inst, entries, prog)				\
	static int name(void)						\
	{								\
		int err = tc_load(&inst, entries);			\
									\
		return err ? err : bpf_program__fd(inst->progs.prog);	\
	}

#define XDP_SETUP(name, prog)						\
	static int name(void)						\
	{								\
		int err = xdp_load();					\
									\
		return err ? err : bpf_program__fd(xdp->progs.prog);	\
	}

#define M1 BENCH_CT_ENTRIES
#define K64 65536
TC_SETUP(b1, tc_big, M1, step_lb_new_1)
TC_SETUP(b2, tc_big, M1, step_lb_new_2)
TC_SETUP(b3, tc_big, M1, step_lb_new_3)
TC_SETUP(b4, tc_big, M1, step_lb_new_4)
TC_SETUP(b5, tc_big, M1, tc_lb_dnat)
TC_SETUP(be1, tc_big, M1, step_lb_est_1)
TC_SETUP(s1, tc_small, K64, step_lb_new_1)
TC_SETUP(s2, tc_small, K64, step_lb_new_2)
TC_SETUP(s3, tc_small, K64, step_lb_new_3)
TC_SETUP(s4, tc_small, K64, step_lb_new_4)
TC_SETUP(s5, tc_small, K64, tc_lb_dnat)
TC_SETUP(se1, tc_small, K64, step_lb_est_1)
XDP_SETUP(x1, step_np_new_1)
XDP_SETUP(x2, step_np_new_2)
XDP_SETUP(x3, step_np_new_3)
XDP_SETUP(x4, xdp_nodeport_lb)
XDP_SETUP(xe1, step_np_est_1)
XDP_SETUP(xe2, step_np_est_2)

#define TC_NEW(k)							\
	static size_t tc_new_##k(int i, __u8 *buf, size_t cap)		\
	{								\
		return tc_frame(k, i + 1, PKT_SYN, buf, cap);		\
	}
TC_NEW(1)
TC_NEW(2)
TC_NEW(3)
TC_NEW(4)
TC_NEW(5)

static size_t tc_est(int i, __u8 *buf, size_t cap)
{
	return tc_frame(EST, 0, PKT_ACK, buf, cap);
}

#define NP_NEW(k)							\
	static size_t np_new_##k(int i, __u8 *buf, size_t cap)		\
	{								\
		return bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_BASE + k, i + 1, PKT_SYN, \
				      buf, cap);			\
	}
NP_NEW(1)
NP_NEW(2)
NP_NEW(3)
NP_NEW(4)

static size_t np_est(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, CLIENT, NODE, NP_BASE + 5, 0, PKT_ACK, buf, cap);
}

static void steps_teardown(void)
{
	bench_steps_tc_bpf__destroy(tc_big);
	bench_steps_tc_bpf__destroy(tc_small);
	bench_steps_xdp_bpf__destroy(xdp);
	tc_big = tc_small = NULL;
	xdp = NULL;
}

#define TC TC_ACT_UNSPEC
/*
 * program, hook, path, new frame every run, verdict, setup, frame, and the
 * step before (the base its cost is reported over).
 */
#define STEPS_TABLE(X) \
	X("tc_lb new 1M: 1", "tc", "parse + ct miss", true, TC, b1, tc_new_1, "parse tc_parse_v4_flow") \
	X("tc_lb new 1M: 2", "tc", "+ service, backend", true, TC, b2, tc_new_2, "tc_lb new 1M: 1") \
	X("tc_lb new 1M: 3", "tc", "+ insert lb_ct", true, TC, b3, tc_new_3, "tc_lb new 1M: 2") \
	X("tc_lb new 1M: 4", "tc", "+ insert lb_rev", true, TC, b4, tc_new_4, "tc_lb new 1M: 3") \
	X("tc_lb new 1M: all", "tc", "+ rewrite = tc_lb_dnat", true, TC, b5, tc_new_5, "tc_lb new 1M: 4") \
	X("tc_lb est 1M: 1", "tc", "parse + ct hit", false, TC, be1, tc_est, "parse tc_parse_v4_flow") \
	X("tc_lb est 1M: all", "tc", "+ rewrite = tc_lb_dnat", false, TC, b5, tc_est, "tc_lb est 1M: 1") \
	X("tc_lb new 64k: 1", "tc", "parse + ct miss", true, TC, s1, tc_new_1, "parse tc_parse_v4_flow") \
	X("tc_lb new 64k: 2", "tc", "+ service, backend", true, TC, s2, tc_new_2, "tc_lb new 64k: 1") \
	X("tc_lb new 64k: 3", "tc", "+ insert lb_ct", true, TC, s3, tc_new_3, "tc_lb new 64k: 2") \
	X("tc_lb new 64k: 4", "tc", "+ insert lb_rev", true, TC, s4, tc_new_4, "tc_lb new 64k: 3") \
	X("tc_lb new 64k: all", "tc", "+ rewrite = tc_lb_dnat", true, TC, s5, tc_new_5, "tc_lb new 64k: 4") \
	X("tc_lb est 64k: 1", "tc", "parse + ct hit", false, TC, se1, tc_est, "parse tc_parse_v4_flow") \
	X("tc_lb est 64k: all", "tc", "+ rewrite = tc_lb_dnat", false, TC, s5, tc_est, "tc_lb est 64k: 1") \
	X("xdp_lb remote new: 1", "xdp", "parse + 2 ct misses", true, XDP_PASS, x1, np_new_1, "parse parse_v4_flow") \
	X("xdp_lb remote new: 2", "xdp", "+ service, backend", true, XDP_PASS, x2, np_new_2, "xdp_lb remote new: 1") \
	X("xdp_lb remote new: 3", "xdp", "+ owner check, 2 inserts", true, XDP_PASS, x3, np_new_3, "xdp_lb remote new: 2") \
	X("xdp_lb remote new: all", "xdp", "+ 2 rewrites + FIB", true, XDP_TX, x4, np_new_4, "xdp_lb remote new: 3") \
	X("xdp_lb remote est: 1", "xdp", "parse + ct hit", false, XDP_PASS, xe1, np_est, "parse parse_v4_flow") \
	X("xdp_lb remote est: 2", "xdp", "+ 2 rewrites", false, XDP_PASS, xe2, np_est, "xdp_lb remote est: 1") \
	X("xdp_lb remote est: all", "xdp", "+ FIB = xdp_nodeport_lb", false, XDP_TX, x4, np_est, "xdp_lb remote est: 2")

/* XDP steps arrive on the bench node's uplink, as xdp_nodeport_lb's rows
 * (its FIB lookup needs it): sizeof("xdp") is 4, sizeof("tc") 3. */
#define AS_CASE(prog, hook, path, new_flow, verdict, setup, frame, base) \
	{ prog, hook, path, false, new_flow, verdict, setup, frame, sizeof(hook) == 4 ? "ul" : NULL, \
	  NULL },
#define AS_OP(prog, hook, path, new_flow, verdict, setup, frame, base) { 0, base, 1 },

static const struct bench_case steps_cases[] = { STEPS_TABLE(AS_CASE) };
static const struct bench_op steps_info[] = { STEPS_TABLE(AS_OP) };

const struct bench_op *bench_steps_op(int i)
{
	return &steps_info[i];
}

const struct bench_group bench_steps_group = {
	steps_cases, sizeof(steps_cases) / sizeof(steps_cases[0]), steps_teardown,
};
