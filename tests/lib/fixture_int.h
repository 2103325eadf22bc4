/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Between fixture.c and fixture_util.c: the program's counters. */
#ifndef DPLAB_TESTS_FIXTURE_INT_H
#define DPLAB_TESTS_FIXTURE_INT_H

#include <stddef.h>
#include <linux/types.h>

#define FX_MAX_COUNTERS 64

/* Sums over CPUs of the program's "counters" map; n = 0 when it has none. */
struct fx_counters {
	__u32 n;
	__u64 v[FX_MAX_COUNTERS];
};

/* Read the counters of the map named "counters" that prog_fd uses. */
void fx_counters_read(int prog_fd, struct fx_counters *c);
/* "drop_truncated +1, pass +0 ..." : the counters that changed, or "none". */
void fx_counters_diff(const struct fx_counters *before, const struct fx_counters *after,
		      char *buf, size_t len);
/* Name of a counter (enum dplab_counter), or "#idx". */
const char *fx_counter_name(__u32 idx, char *buf, size_t len);

#endif /* DPLAB_TESTS_FIXTURE_INT_H */
