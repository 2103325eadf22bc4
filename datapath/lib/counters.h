/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The per-reason counters of one BPF object: a per-CPU array indexed by
 * enum dplab_counter (include/dplab/counters.h).  Include once per
 * .bpf.c; every program of the object shares it.
 */
#ifndef DPLAB_LIB_COUNTERS_H
#define DPLAB_LIB_COUNTERS_H

#include "dplab/counters.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DPLAB_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(enum dplab_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		(*v)++;
}

#endif /* DPLAB_LIB_COUNTERS_H */
