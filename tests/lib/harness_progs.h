/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Tiny XDP programs, in raw instructions, for the fixture harness's own
 * tests: they do what the datapath's programs do (count, rewrite, XDP_TX)
 * without depending on them.
 */
#ifndef DPLAB_TESTS_HARNESS_PROGS_H
#define DPLAB_TESTS_HARNESS_PROGS_H

#include <check.h>
#include <linux/types.h>

/* A per-CPU array "counters" of n __u64; fd or -errno. */
int harness_counters_map(__u32 n);
/* XDP: counters[idx] += 1, then XDP_DROP.  fd or -errno. */
int harness_prog_count_drop(int counters_fd, __u32 idx);
/* XDP: TTL (frame byte 22) -= 1 without fixing the checksum, XDP_TX. */
int harness_prog_ttl_no_csum(void);

/* The BPF_PROG_TEST_RUN tests of the harness (test_harness_run.c). */
void harness_add_run_tests(TCase *tc);

#endif /* DPLAB_TESTS_HARNESS_PROGS_H */
