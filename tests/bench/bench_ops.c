// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath --ops: the cost of single operations (bench_ops.bpf.c),
 * measured in the same run and the same way as the datapath programs, so
 * that a program's figure can be set against the sum of its operations.
 *
 * Each case names its base (the case that does everything but the
 * operation: the frame's key, the value, or nothing) and how many times
 * the operation runs; datapath.c prints (case - base) / ops per trial.
 * Maps marked "full" are filled here before the runs, so that every insert
 * into them evicts; with BPF_F_NO_COMMON_LRU every CPU's list is filled
 * from that CPU.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "bench_cases.h"
#include "lib/pkt.h"
#include "bench/bench_ops.skel.h"

#define OPS_N 16		/* bench_ops.bpf.c */
#define SRC IP4(10, 1, 0, 0)
#define DST IP4(10, 96, 0, 10)
#define MISS_DST IP4(10, 98, 0, 1)	/* in no map */
#define HIT_DST IP4(10, 97, 0, 1)	/* the lookup maps' keys */
#define FILL_SRC IP4(172, 16, 0, 0)	/* keys that fill "full" maps */
#define FIB_SRC IP4(192, 168, 1, 10)	/* xdp_lb's node and backend */
#define FIB_DST IP4(10, 244, 2, 7)

static struct bench_ops_bpf *ops;
static int inner_fds[64];

/* The key bench_ops.bpf.c's op_key() reads from bench_l4_frame(i). */
static struct dplab_tuple frame_key(__be32 saddr, __be32 daddr, int i)
{
	struct dplab_tuple k = {
		.saddr = htonl(ntohl(saddr) + i / BENCH_PORTS), .daddr = daddr,
		.sport = htons(BENCH_PORT_BASE + i % BENCH_PORTS), .dport = htons(80),
		.proto = IPPROTO_TCP,
	};

	return k;
}

/* n keys from the frames (saddr, daddr) 0..n-1 into map, in batches. */
static int fill(int map_fd, __be32 saddr, __be32 daddr, int from, int n)
{
	enum { BATCH = 4096 };
	static struct dplab_tuple keys[BATCH];
	static struct dplab_lb_ct vals[BATCH];
	int i, done;

	memset(vals, 0, sizeof(vals));
	for (done = 0; done < n; done += BATCH) {
		__u32 count = n - done < BATCH ? n - done : BATCH;

		for (i = 0; i < (int)count; i++)
			keys[i] = frame_key(saddr, daddr, from + done + i);
		if (bpf_map_update_batch(map_fd, keys, vals, &count, NULL))
			return -errno;
	}
	return 0;
}

/* Fill an LRU map past its size from every CPU in turn (each CPU's own
 * list for BPF_F_NO_COMMON_LRU), so that later inserts evict. */
static int fill_full(struct bpf_map *map)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, err = 0, from = 0;
	int per = bpf_map__max_entries(map) / (ncpu > 0 ? ncpu : 1) * 5 / 4;
	cpu_set_t saved, one;

	if (ncpu <= 0 || sched_getaffinity(0, sizeof(saved), &saved))
		return -EINVAL;
	for (cpu = 0; cpu < ncpu && !err; cpu++) {
		if (!CPU_ISSET(cpu, &saved))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		err = fill(bpf_map__fd(map), FILL_SRC, DST, from, per);
		from += per;
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	return err;
}

/*
 * A lookup map exactly full: filler first, then the keys of the frames
 * the lookups use (the last in are the last an LRU would evict), from one
 * CPU, so that no other CPU's free list keeps entries back.
 */
static int fill_hits(struct bpf_map *map)
{
	int n = bpf_map__max_entries(map), err;
	cpu_set_t saved, one;

	if (sched_getaffinity(0, sizeof(saved), &saved))
		return -errno;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	err = fill(bpf_map__fd(map), FILL_SRC, HIT_DST, 0, n - BENCH_PORTS) ?:
	      fill(bpf_map__fd(map), SRC, HIT_DST, 0, BENCH_PORTS);
	sched_setaffinity(0, sizeof(saved), &saved);
	return err;
}

/* Katran's per-CPU LRU maps: one inner map per possible CPU. */
static int fill_map_in_map(void)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, fd;
	__u32 key;

	for (cpu = 0; cpu < ncpu && cpu < 64; cpu++) {
		fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "inner_lru", sizeof(struct dplab_tuple),
				    sizeof(struct dplab_lb_ct), 65536, NULL);
		if (fd < 0)
			return -errno;
		inner_fds[cpu] = fd;
		key = cpu;
		if (bpf_map_update_elem(bpf_map__fd(ops->maps.lru_per_cpu), &key, &fd, 0))
			return -errno;
	}
	return 0;
}

/* The floor programs' service (DST:80, one backend) and the conntrack
 * entry of the established row's frame. */
static int floor_fill(void)
{
	struct dplab_tuple k = frame_key(SRC, HIT_DST, 0);
	struct dplab_lb_ct v = { .addr = FIB_DST, .port = htons(8080), .state = DPLAB_CT_ESTABLISHED };
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	v.last_seen_ns = now.tv_sec * 1000000000ULL + now.tv_nsec;
	if (bpf_map_update_elem(bpf_map__fd(ops->maps.floor_ct), &k, &v, 0))
		return -errno;
	return bench_add_service(ops->maps.floor_services, ops->maps.floor_backends, DST, 80, 1,
				 FIB_DST, 8080, 0);
}

static int ops_load(void)
{
	struct dplab_tuple k;
	struct dplab_lb_ct v = {};
	int err;

	if (ops)
		return 0;
	ops = bench_ops_bpf__open();
	if (!ops)
		return -errno;
	ops->rodata->fib_src = FIB_SRC;
	if (bench_ops_bpf__load(ops))
		return -errno;
	k = frame_key(SRC, HIT_DST, 0);
	err = fill_hits(ops->maps.lru_c64h) ?: fill_hits(ops->maps.lru_c512h) ?:
	      fill_full(ops->maps.lru_c64f) ?: fill_full(ops->maps.lru_c512f) ?:
	      fill_full(ops->maps.lru_n64f) ?: fill_full(ops->maps.lru_n512f) ?:
	      fill_full(ops->maps.lru_c64f_nx) ?: fill_map_in_map();
	if (!err && bpf_map_update_elem(bpf_map__fd(ops->maps.hash64), &k, &v, 0))
		err = -errno;
	return err ?: floor_fill();
}

#define PROG_SETUP(name, prog)						\
	static int name(void)						\
	{								\
		int err = ops_load();					\
									\
		return err ? err : bpf_program__fd(ops->progs.prog);	\
	}

PROG_SETUP(s_nop_tc, op_nop_tc)
PROG_SETUP(s_nop_xdp, op_nop_xdp)
PROG_SETUP(s_key, op_key_tc)
PROG_SETUP(s_key_value, op_key_value_tc)
PROG_SETUP(s_c64e, op_ins_lru_c64e_ANY)
PROG_SETUP(s_c64f, op_ins_lru_c64f_ANY)
PROG_SETUP(s_c512e, op_ins_lru_c512e_ANY)
PROG_SETUP(s_c512f, op_ins_lru_c512f_ANY)
PROG_SETUP(s_n64e, op_ins_lru_n64e_ANY)
PROG_SETUP(s_n64f, op_ins_lru_n64f_ANY)
PROG_SETUP(s_n512e, op_ins_lru_n512e_ANY)
PROG_SETUP(s_n512f, op_ins_lru_n512f_ANY)
PROG_SETUP(s_c1me, op_ins_lru_c1me_ANY)
PROG_SETUP(s_c64e_nx, op_ins_lru_c64e_nx_NOEXIST)
PROG_SETUP(s_c64f_nx, op_ins_lru_c64f_nx_NOEXIST)
PROG_SETUP(s_hash64, op_ins_hash64_NOEXIST)
PROG_SETUP(s_hash512, op_ins_hash512_NOEXIST)
PROG_SETUP(s_hash64_np, op_ins_hash64_np_NOEXIST)
PROG_SETUP(s_pcpu_hash64, op_ins_pcpu_hash64_NOEXIST)
PROG_SETUP(s_lru_pcpu64, op_ins_lru_pcpu64_NOEXIST)
PROG_SETUP(s_map_in_map, op_ins_map_in_map)
PROG_SETUP(s_lk_c64h, op_lookup_lru_c64h)
PROG_SETUP(s_lk_c512h, op_lookup_lru_c512h)
PROG_SETUP(s_lk_c1me, op_lookup_lru_c1me)
PROG_SETUP(s_lk_hash64, op_lookup_hash64)
PROG_SETUP(s_ktime, op_ktime)
PROG_SETUP(s_ktime_coarse, op_ktime_coarse)
PROG_SETUP(s_jiffies, op_jiffies)
PROG_SETUP(s_prandom, op_prandom)
PROG_SETUP(s_cpu_id, op_cpu_id)
PROG_SETUP(s_count, op_count)
PROG_SETUP(s_pull, op_pull)
PROG_SETUP(s_rw_helpers, op_rewrite_helpers)
PROG_SETUP(s_rw_direct, op_rewrite_direct)
PROG_SETUP(s_rw_diff, op_rewrite_diff)
PROG_SETUP(s_write_one, op_write_one)
PROG_SETUP(s_parse_tc, op_parse_tc)
PROG_SETUP(s_parse_xdp, op_parse_xdp)
PROG_SETUP(s_key_xdp, op_key_xdp)
PROG_SETUP(s_fib_xdp, op_fib_xdp)
PROG_SETUP(s_floor_new, op_floor_new)
PROG_SETUP(s_floor_est, op_floor_est)
PROG_SETUP(s_floor_snat_new, op_floor_snat_new)
PROG_SETUP(s_floor_snat_2maps, op_floor_snat_new_2maps)

/* A new key every run (frame i), the same key, a key in no map. */
static size_t f_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, SRC, DST, 80, i, PKT_SYN, buf, cap);
}

static size_t f_hit(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, SRC, HIT_DST, 80, i, PKT_ACK, buf, cap);
}

static size_t f_miss(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, SRC, MISS_DST, 80, i, PKT_ACK, buf, cap);
}

static size_t f_fib(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, FIB_SRC, FIB_DST, 8080, 0, PKT_ACK, buf, cap);
}

static void ops_teardown(void)
{
	int i;

	for (i = 0; i < 64; i++)
		if (inner_fds[i] > 0)
			close(inner_fds[i]);
	memset(inner_fds, 0, sizeof(inner_fds));
	bench_ops_bpf__destroy(ops);
	ops = NULL;
}

#define TC TC_ACT_UNSPEC
#define KV "op_key_value_tc"
#define K "op_key_tc"
#define NOOP_TC "noop (tc_pass)"
#define NOOP_XDP "noop (xdp_pass)"
/*
 * One line per case: program, hook, path, new frame every run, verdict,
 * setup, frame, repeat, base program, operations per run.
 */
#define OPS_TABLE(X) \
	X("op_nop_tc", "tc", "single run", false, TC, s_nop_tc, f_hit, 0, NULL, 0) \
	X("op_nop_tc", "tc", "repeat=10000, per rep", false, TC, s_nop_tc, f_hit, 10000, NULL, 0) \
	X("op_nop_xdp", "xdp", "single run", false, XDP_PASS, s_nop_xdp, f_hit, 0, NULL, 0) \
	X("op_nop_xdp", "xdp", "repeat=10000, per rep", false, XDP_PASS, s_nop_xdp, f_hit, 10000, NULL, 0) \
	X(K, "tc", "read the tuple", true, TC, s_key, f_new, 0, NOOP_TC, 1) \
	X(KV, "tc", "tuple + value", true, TC, s_key_value, f_new, 0, NOOP_TC, 1) \
	X("lru insert", "tc", "64k common, empty", true, TC, s_c64e, f_new, 0, KV, 1) \
	X("lru insert", "tc", "64k common, full", true, TC, s_c64f, f_new, 0, KV, 1) \
	X("lru insert", "tc", "512k common, empty", true, TC, s_c512e, f_new, 0, KV, 1) \
	X("lru insert", "tc", "512k common, full", true, TC, s_c512f, f_new, 0, KV, 1) \
	X("lru insert", "tc", "1M common, empty", true, TC, s_c1me, f_new, 0, KV, 1) \
	X("lru insert", "tc", "64k per-cpu, empty", true, TC, s_n64e, f_new, 0, KV, 1) \
	X("lru insert", "tc", "64k per-cpu, full", true, TC, s_n64f, f_new, 0, KV, 1) \
	X("lru insert", "tc", "512k per-cpu, empty", true, TC, s_n512e, f_new, 0, KV, 1) \
	X("lru insert", "tc", "512k per-cpu, full", true, TC, s_n512f, f_new, 0, KV, 1) \
	X("lru insert NOEXIST", "tc", "64k common, empty", true, TC, s_c64e_nx, f_new, 0, KV, 1) \
	X("lru insert NOEXIST", "tc", "64k common, full", true, TC, s_c64f_nx, f_new, 0, KV, 1) \
	X("lru insert map-in-map", "tc", "64k per CPU (Katran)", true, TC, s_map_in_map, f_new, 0, KV, 1) \
	X("hash insert", "tc", "64k", true, TC, s_hash64, f_new, 0, KV, 1) \
	X("hash insert", "tc", "512k", true, TC, s_hash512, f_new, 0, KV, 1) \
	X("hash insert", "tc", "64k no prealloc", true, TC, s_hash64_np, f_new, 0, KV, 1) \
	X("percpu hash insert", "tc", "64k", true, TC, s_pcpu_hash64, f_new, 0, KV, 1) \
	X("lru percpu insert", "tc", "64k common", true, TC, s_lru_pcpu64, f_new, 0, KV, 1) \
	X("lru lookup", "tc", "64k full, same key", false, TC, s_lk_c64h, f_hit, 0, K, 1) \
	X("lru lookup", "tc", "64k full, new key", true, TC, s_lk_c64h, f_hit, 0, K, 1) \
	X("lru lookup", "tc", "64k full, miss", true, TC_ACT_OK, s_lk_c64h, f_miss, 0, K, 1) \
	X("lru lookup", "tc", "512k full, same key", false, TC, s_lk_c512h, f_hit, 0, K, 1) \
	X("lru lookup", "tc", "512k full, new key", true, TC, s_lk_c512h, f_hit, 0, K, 1) \
	X("lru lookup", "tc", "512k full, miss", true, TC_ACT_OK, s_lk_c512h, f_miss, 0, K, 1) \
	X("lru lookup", "tc", "1M (as bench), miss", true, TC_ACT_OK, s_lk_c1me, f_miss, 0, K, 1) \
	X("hash lookup", "tc", "64k, hit", false, TC, s_lk_hash64, f_hit, 0, K, 1) \
	X("bpf_ktime_get_ns", "tc", "x16", false, TC, s_ktime, f_hit, 0, NOOP_TC, OPS_N) \
	X("bpf_ktime_get_coarse_ns", "tc", "x16", false, TC, s_ktime_coarse, f_hit, 0, NOOP_TC, OPS_N) \
	X("bpf_jiffies64", "tc", "x16", false, TC, s_jiffies, f_hit, 0, NOOP_TC, OPS_N) \
	X("bpf_get_prandom_u32", "tc", "x16", false, TC, s_prandom, f_hit, 0, NOOP_TC, OPS_N) \
	X("bpf_get_smp_processor_id", "tc", "x16", false, TC, s_cpu_id, f_hit, 0, NOOP_TC, OPS_N) \
	X("count() per-CPU array", "tc", "x16", false, TC, s_count, f_hit, 0, NOOP_TC, OPS_N) \
	X("bpf_skb_pull_data", "tc", "x16, linear", false, TC, s_pull, f_hit, 0, NOOP_TC, OPS_N) \
	X("DNAT rewrite", "tc", "5 helper calls", false, TC, s_rw_helpers, f_new, 0, NOOP_TC, 1) \
	X("DNAT rewrite", "tc", "direct + RFC 1624", false, TC, s_rw_direct, f_new, 0, NOOP_TC, 1) \
	X("DNAT rewrite", "tc", "csum_diff x2 + 2 helpers", false, TC, s_rw_diff, f_new, 0, NOOP_TC, 1) \
	X("one direct write", "tc", "writable prologue", false, TC, s_write_one, f_new, 0, NOOP_TC, 1) \
	X("parse tc_parse_v4_flow", "tc", "TCP SYN", false, TC, s_parse_tc, f_new, 0, NOOP_TC, 1) \
	X("parse parse_v4_flow", "xdp", "TCP SYN", false, XDP_PASS, s_parse_xdp, f_new, 0, NOOP_XDP, 1) \
	X("op_key_xdp", "xdp", "read the tuple", false, XDP_PASS, s_key_xdp, f_fib, 0, NOOP_XDP, 1) \
	X("bpf_fib_lookup", "xdp", "xdp_lb's hairpin", false, XDP_PASS, s_fib_xdp, f_fib, 0, "op_key_xdp", 1) \
	X("floor: DNAT", "tc", "new flow (1 insert)", true, TC, s_floor_new, f_new, 0, NOOP_TC, 1) \
	X("floor: DNAT", "tc", "established (1 hit)", false, TC, s_floor_est, f_hit, 0, NOOP_TC, 1) \
	X("floor: SNAT", "tc", "new flow (2 inserts)", true, TC, s_floor_snat_new, f_new, 0, NOOP_TC, 1) \
	X("floor: SNAT", "tc", "new flow, 2 maps", true, TC, s_floor_snat_2maps, f_new, 0, \
	  "floor: SNAT", 1)

#define AS_CASE(prog, hook, path, new_flow, verdict, setup, frame, repeat, base, ops) \
	{ prog, hook, path, false, new_flow, verdict, setup, frame, NULL, NULL },
#define AS_OP(prog, hook, path, new_flow, verdict, setup, frame, repeat, base, ops) \
	{ repeat, base, ops },

static const struct bench_case ops_cases[] = { OPS_TABLE(AS_CASE) };
static const struct bench_op ops_info[] = { OPS_TABLE(AS_OP) };

#define N_OPS ((int)(sizeof(ops_info) / sizeof(ops_info[0])))

/* This group's cases, then bench_steps.c's, which follow it. */
const struct bench_op *bench_op(int i)
{
	return i < N_OPS ? &ops_info[i] : bench_steps_op(i - N_OPS);
}

const struct bench_group bench_ops_group = {
	ops_cases, sizeof(ops_cases) / sizeof(ops_cases[0]), ops_teardown,
};
