/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A per-packet load balancer's maps: services and backends (services.h)
 * and its conntrack.  Sizes here are defaults; the loader sets them (the
 * ct_max knob) before load.
 *
 *   ct (lb_ct):   client tuple (to the VIP) -> backend       (forward)
 *   rev (lb_rev): backend->client tuple     -> VIP to restore (reverse)
 *
 * in the struct dp_maps (lib/dp.h) each function is given.
 *
 * The two are LRU maps that evict independently, so a flow can lose one
 * half.  The reverse entry decides where replies go, hence (as masquerade's
 * lib/snat.h and Cilium's nodeport SNAT): it is only ever inserted with
 * BPF_NOEXIST, never overwritten by another flow while that flow is live;
 * every packet that hits a forward entry checks its reverse entry and puts
 * it back when it is gone (lb_rev_repair).  A reverse entry names its flow
 * by its value (the same flow always writes the same value to the same
 * key), so "ours" is a comparison of values.
 */
#ifndef DPLAB_LIB_LB_H
#define DPLAB_LIB_LB_H

#include "lib/ct.h"
#include "lib/services.h"

#ifndef EEXIST
#define EEXIST 17
#endif

/* A conntrack table (lb_ct, lb_rev; an object defines its own). */
#define DP_CT_MAP(name)							\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LRU_HASH);			\
		__uint(max_entries, 65536);				\
		__type(key, struct dplab_tuple);			\
		__type(value, struct dplab_lb_ct);			\
	} name SEC(".maps")

static __always_inline bool lb_rev_same_flow(const struct dplab_lb_ct *a,
					     const struct dplab_lb_ct *b)
{
	return a->addr == b->addr && a->port == b->port && a->nat_port == b->nat_port;
}

/*
 * Reserve reverse tuple rev for the new flow whose reverse entry is v: 0
 * (inserted, or the entry was this flow's already: written afresh),
 * -EEXIST with *held set when another flow holds it, or another negative
 * errno when the map refused the entry.
 */
static __always_inline int lb_rev_claim(const struct dp_maps *m, const struct dplab_tuple *rev,
					const struct dplab_lb_ct *v, struct dplab_lb_ct **held)
{
	struct dplab_lb_ct *h;
	int err;

	err = bpf_map_update_elem(m->rev, rev, v, BPF_NOEXIST);
	if (err != -EEXIST)
		return err;
	h = bpf_map_lookup_elem(m->rev, rev);
	if (!h)			/* evicted in between */
		return bpf_map_update_elem(m->rev, rev, v, BPF_NOEXIST);
	if (lb_rev_same_flow(h, v))
		return bpf_map_update_elem(m->rev, rev, v, BPF_ANY);
	*held = h;
	return -EEXIST;
}

/*
 * Take reverse tuple rev over from the flow holding it (its reverse entry
 * held, its forward key holder) only when that flow has outlived its
 * conntrack lifetime (lib/ct.h) both ways: its forward entry goes, v
 * replaces held; 0, or -EEXIST while it is live.  A live flow keeps its
 * tuple even without its forward entry: its next packet restores that, and
 * its replies in flight must still reach it.
 */
static __always_inline int lb_rev_take_expired(const struct dp_maps *m,
					       const struct dplab_tuple *rev,
					       const struct dplab_lb_ct *v,
					       const struct dplab_lb_ct *held,
					       const struct dplab_tuple *holder)
{
	struct dplab_lb_ct *fwd = bpf_map_lookup_elem(m->ct, holder);
	__u64 now = ct_now();

	if (!ct_expired(held, rev->proto, now) || (fwd && !ct_expired(fwd, rev->proto, now)))
		return -EEXIST;
	dp_count(m, DPLAB_CNT_CT_EXPIRED);
	bpf_map_delete_elem(m->ct, holder);
	return bpf_map_update_elem(m->rev, rev, v, BPF_ANY);
}

/*
 * On a forward hit: the flow's reverse entry (v at rev) is in place, or
 * was missing and is put back: 0.  -EEXIST when another flow has taken
 * the tuple meanwhile: this flow must move (another port) or stop.
 */
static __always_inline int lb_rev_repair(const struct dp_maps *m, const struct dplab_tuple *rev,
					 const struct dplab_lb_ct *v)
{
	struct dplab_lb_ct *held = bpf_map_lookup_elem(m->rev, rev);

	if (held)
		return lb_rev_same_flow(held, v) ? 0 : -EEXIST;
	if (!bpf_map_update_elem(m->rev, rev, v, BPF_NOEXIST)) {
		dp_count(m, DPLAB_CNT_CT_REPAIRED);
		return 0;
	}
	held = bpf_map_lookup_elem(m->rev, rev);	/* another CPU was faster */
	return held && lb_rev_same_flow(held, v) ? 0 : -EEXIST;
}

/* The reverse entry of an established flow, from its forward entry fwd at key. */
static __always_inline void lb_rev_of(const struct dplab_lb_ct *fwd, const struct dplab_tuple *key,
				      __be32 addr, __be16 port, __be16 nat_port,
				      struct dplab_lb_ct *v)
{
	*v = *fwd;
	v->peer = *key;
	v->addr = addr;
	v->port = port;
	v->nat_port = nat_port;
	v->flags = 0;
}

#endif /* DPLAB_LIB_LB_H */
