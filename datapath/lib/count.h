/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-reason counters: a per-CPU array indexed by enum dplab_counter
 * (include/dplab/counters.h), one per feature.  The code of a feature
 * counts into the map it is given (lib/dp.h: struct dp_maps), so the
 * same step counts into its feature's map whether it runs in the
 * feature's own program or in a hook program composed of several
 * features (hooks.bpf.c).  Objects with one feature only include
 * counters.h, which defines the map and count().
 */
#ifndef DPLAB_LIB_COUNT_H
#define DPLAB_LIB_COUNT_H

#include "dplab/counters.h"

#define DP_COUNTERS_MAP(name)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, DPLAB_CNT_MAX);			\
		__type(key, __u32);					\
		__type(value, __u64);					\
	} name SEC(".maps")

static __always_inline void count_in(void *counters, enum dplab_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(counters, &key);

	if (v)
		(*v)++;
}

#endif /* DPLAB_LIB_COUNT_H */
