/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The programs bench-datapath measures: one entry per program and path,
 * in groups (bench_cases.c: no-ops; bench_lb.c: tc and XDP LBs;
 * bench_nat.c: masquerade and reflector; bench_routing.c: host routing and
 * overlay).
 */
#ifndef DPLAB_BENCH_CASES_H
#define DPLAB_BENCH_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define BENCH_FRAME_MAX 2048
#define BENCH_MAX_TRIALS 32
#define BENCH_MAX_CASES 128
/* Conntrack/NAT tables sized for every new flow of a run: no eviction. */
#define BENCH_CT_ENTRIES (1 << 20)

struct bench_hook;

struct bench_case {
	const char *program;
	const char *hook;		/* "xdp" or "tc": the no-op it is compared to */
	const char *path;		/* "new flow", "established", ... */
	bool noop;			/* the no-op of its hook */
	bool new_flow;			/* frame(i) differs per run (new tuple) */
	int expect_verdict;		/* every measured run must return this */
	/* Load (once) and prepare maps; the program fd or -errno. */
	int (*setup)(void);
	/* Build frame i into buf; its length, 0 on error. */
	size_t (*frame)(int i, __u8 *buf, size_t cap);
	/* XDP: the device (in the bench node) frames arrive on; NULL: loopback. */
	const char *ingress;
	/* A program of hooks.bpf.c: set up and framed by bench_hooks.c from
	 * this (setup and frame are NULL); NULL for the others. */
	const struct bench_hook *hooks_prog;
};

/*
 * A program of datapath/hooks.bpf.c with the steps a hook gets
 * (bench_hooks.c), on the frames of a path the walk knows (bench_path.h's
 * enum bench_pkt) or of frame.
 */
struct bench_hook {
	const char *prog;		/* "hook_from_pod", ... */
	unsigned int steps;		/* HOOK_STEP_* on (loader/cluster/hook_steps.h) */
	bool decap_to_stack;		/* the overlay's rodata (legacy host routing) */
	unsigned int pkt;		/* enum bench_pkt, where frame is NULL */
	size_t (*frame)(int i, __u8 *buf, size_t cap);
	const struct bench_hook *establish;	/* runs its frame 0 once first */
	int (*ready)(void);		/* after that: 0 or -errno */
};

/* The hook cases: stated ones and those of the presets' paths in
 * topology (walked now: a walk that fails fails here, before any
 * measuring).  0 or -errno, said on stderr.  Before bench_cases(). */
int bench_hooks_prepare(const char *topology);
int bench_hook_setup(const struct bench_hook *h);
size_t bench_hook_frame(const struct bench_hook *h, int i, __u8 *buf, size_t cap);

/* How an --ops case (bench_ops.c) is run and reported. */
struct bench_op {
	int repeat;			/* BPF_PROG_TEST_RUN repeat; 0: 1 */
	const char *base;		/* program of the case without the operation */
	int ops;			/* operations per run: (ns - base) / ops */
};

/* Of the i-th --ops case (bench_ops_group's, then bench_steps_group's). */
const struct bench_op *bench_op(int i);
const struct bench_op *bench_steps_op(int i);

struct bench_group {
	const struct bench_case *cases;
	int n;
	void (*teardown)(void);
};

extern const struct bench_group bench_noop_group, bench_lb_group, bench_nat_group,
	bench_routing_group, bench_ops_group, bench_steps_group;
/* Its cases are known after bench_hooks_prepare(). */
extern struct bench_group bench_hooks_group;

/* All cases of all groups, in order (the operations too with `ops`);
 * returns how many. */
int bench_cases(const struct bench_case **cases, bool ops);

struct bpf_map;
/* A TCP service vip:port (id) with one backend, as the loader fills the
 * LBs' maps; 0 or -errno. */
int bench_add_service(struct bpf_map *services, struct bpf_map *backends, __be32 vip,
		      __u16 port, __u32 id, __be32 be_addr, __u16 be_port, __u16 flags);
/* Index of the no-op case of this hook. */
int bench_noop_index(const struct bench_case *cases, int n, const char *hook);
/* Index of the first case of this program, or -1. */
int bench_program_index(const struct bench_case *cases, int n, const char *program);
void bench_cases_teardown(void);

/*
 * The second table (bench_pathsum.c): per preset A-E, the programs on the
 * pod-to-pod UDP and ClusterIP SYN paths of topo_file's cluster, each at
 * med[i] of its case i (of cases[0..n)), summed and over noop_tc.  0, or
 * -errno after saying why (-ENOENT: a program on a path has no case).
 */
int bench_pathsum_print(const struct bench_case *cases, int n, const __u64 *med, __u64 noop_tc,
			const char *topo_file);

/*
 * Frames: a TCP/UDP packet from source port BENCH_PORT_BASE + i (and the
 * next source address after BENCH_PORTS flows).  The XDP LB keeps the
 * client's port when it SNATs, so new flows stay new only while i stays
 * below BENCH_PORTS: runs x trials is capped there.
 */
#define BENCH_PORT_BASE 1024
#define BENCH_PORTS 64000
size_t bench_l4_frame(__u8 proto, __be32 saddr, __be32 daddr, __u16 dport, int i,
		      __u8 tcp_flags, __u8 *buf, size_t cap);
/* Run frame once through prog_fd (to create a flow); 0 or -errno. */
int bench_run_once(int prog_fd, const __u8 *frame, size_t len);
/* The same, arriving (XDP) on ifindex; 0: loopback. */
int bench_run_once_on(int prog_fd, const __u8 *frame, size_t len, int ifindex);

/*
 * The bench node (bench_routing.c): bpf_fib_lookup reads the caller's
 * namespace, so cases whose programs consult the FIB enter a throwaway
 * namespace with an uplink "ul" (192.168.100.1/24) whose neighbour
 * 192.168.100.2, known, routes 10.244.2.0/24.  0 or -errno; removed by the
 * routing group's teardown.
 */
int bench_node_up(void);

#endif /* DPLAB_BENCH_CASES_H */
