/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The programs bench-datapath measures: one entry per program and path. */
#ifndef DPLAB_BENCH_CASES_H
#define DPLAB_BENCH_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define BENCH_FRAME_MAX 2048
#define BENCH_MAX_TRIALS 32
#define BENCH_MAX_CASES 32

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
};

/* All cases; returns how many. */
int bench_cases(const struct bench_case **cases);
/* Index of the no-op case of this hook. */
int bench_noop_index(const struct bench_case *cases, int n, const char *hook);
void bench_cases_teardown(void);

#endif /* DPLAB_BENCH_CASES_H */
