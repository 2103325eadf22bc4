/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The counters of an object with one feature (lib/count.h): the map
 * "counters", shared by every program of the object, and count().
 * Include once per .bpf.c.
 */
#ifndef DPLAB_LIB_COUNTERS_H
#define DPLAB_LIB_COUNTERS_H

#include "lib/count.h"

DP_COUNTERS_MAP(counters);

static __always_inline void count(enum dplab_counter c)
{
	count_in(&counters, c);
}

#endif /* DPLAB_LIB_COUNTERS_H */
