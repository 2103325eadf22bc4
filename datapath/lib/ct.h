/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Conntrack helpers over an LRU hash keyed by struct dplab_tuple with
 * struct dplab_lb_ct values (include/dplab/lb.h).  The LRU evicts the
 * oldest flows when the table is full, so its size (set by the loader
 * before load) is the "CT table" knob.  TCP state is tracked just enough to
 * forget closed flows: a FIN or RST marks the entry closing; a closing
 * entry older than DPLAB_CT_CLOSING_NS, or one hit by a fresh SYN, is gone.
 */
#ifndef DPLAB_LIB_CT_H
#define DPLAB_LIB_CT_H

#include "lib/counters.h"
#include "lib/parse.h"

#define DPLAB_CT_CLOSING_NS (10ULL * 1000 * 1000 * 1000)

static __always_inline void tuple_reverse(const struct dplab_tuple *t, struct dplab_tuple *r)
{
	r->saddr = t->daddr;
	r->daddr = t->saddr;
	r->sport = t->dport;
	r->dport = t->sport;
	r->proto = t->proto;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
}

static __always_inline void ct_track_tcp(struct dplab_lb_ct *e, __u8 tcp_flags)
{
	if (tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_RST)) {
		if (e->state != DPLAB_CT_CLOSING)
			count(DPLAB_CNT_CT_CLOSED);
		e->state = DPLAB_CT_CLOSING;
	} else if (e->state == DPLAB_CT_NEW && (tcp_flags & TCP_FLAG_ACK)) {
		e->state = DPLAB_CT_ESTABLISHED;
	}
}

/*
 * The live entry of this flow, updated for this packet, or NULL (none, or
 * a closed flow that a new connection now reuses: the caller starts over).
 */
static __always_inline struct dplab_lb_ct *ct_lookup(void *map, const struct pkt_v4 *p,
						     const struct dplab_tuple *key)
{
	struct dplab_lb_ct *e = bpf_map_lookup_elem(map, key);
	__u64 now;

	if (!e)
		return NULL;
	now = bpf_ktime_get_ns();	/* only on a hit: reply hooks miss on most packets */
	if (e->state == DPLAB_CT_CLOSING &&
	    (now - e->last_seen_ns > DPLAB_CT_CLOSING_NS || pkt_is_tcp_syn(p))) {
		bpf_map_delete_elem(map, key);
		return NULL;
	}
	if (p->t.proto == IPPROTO_TCP)
		ct_track_tcp(e, p->tcp_flags);
	e->last_seen_ns = now;
	count(DPLAB_CNT_CT_HIT);
	return e;
}

/* 0, or -1 when the entry could not be inserted. */
static __always_inline int ct_create(void *map, const struct pkt_v4 *p,
				     const struct dplab_tuple *key, __be32 addr, __be16 port,
				     __u8 flags)
{
	struct dplab_lb_ct e = {
		.addr = addr,
		.port = port,
		.state = DPLAB_CT_NEW,
		.flags = flags,
		.last_seen_ns = bpf_ktime_get_ns(),
	};

	if (p->t.proto == IPPROTO_TCP)
		ct_track_tcp(&e, p->tcp_flags);
	if (bpf_map_update_elem(map, key, &e, BPF_ANY))
		return -1;
	count(DPLAB_CNT_CT_NEW);
	return 0;
}

#endif /* DPLAB_LIB_CT_H */
