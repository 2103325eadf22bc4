/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A per-packet load balancer's maps: services and backends (services.h)
 * and its conntrack.  Sizes here are defaults; the loader sets them (the
 * ct_max knob) before load.
 *
 *   lb_ct:   client tuple (to the VIP) -> backend       (forward)
 *   lb_rev:  backend->client tuple     -> VIP to restore (reverse)
 */
#ifndef DPLAB_LIB_LB_H
#define DPLAB_LIB_LB_H

#include "lib/ct.h"
#include "lib/services.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct dplab_tuple);
	__type(value, struct dplab_lb_ct);
} lb_ct SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct dplab_tuple);
	__type(value, struct dplab_lb_ct);
} lb_rev SEC(".maps");

#endif /* DPLAB_LIB_LB_H */
