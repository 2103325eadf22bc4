/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Conntrack helpers over an LRU hash keyed by struct dplab_tuple with
 * struct dplab_lb_ct values (include/dplab/lb.h), one entry per direction
 * of a flow.  The LRU evicts the oldest flows when the table is full, so
 * its size (set by the loader before load) is the "CT table" knob.
 *
 * Every entry has a lifetime after its last packet, by protocol and TCP
 * state (ct_lifetime, Cilium's defaults): an expired entry is removed when
 * next looked up, and its NAT port is free for the next flow (snat.h).
 * TCP: a FIN marks its direction's entry FIN_SENT (the flow is half closed
 * and lives on); the flow is closing when the other direction has sent
 * one too, or on an RST: both entries then get the short close lifetime,
 * found through each entry's peer key.  A fresh SYN on a closing entry
 * starts a new flow.  ICMP errors about a flow neither refresh nor change
 * its entries (the kernel's conntrack treats them as RELATED).
 */
#ifndef DPLAB_LIB_CT_H
#define DPLAB_LIB_CT_H

#include <bpf/bpf_core_read.h>
#include "lib/dp.h"
#include "lib/parse.h"

#define NSEC_PER_SEC 1000000000ULL

/* Set by the loader before load (tests shorten them). */
const volatile __u64 ct_timeout_syn_ns = DPLAB_CT_TIMEOUT_SYN_S * NSEC_PER_SEC;
const volatile __u64 ct_timeout_tcp_ns = DPLAB_CT_TIMEOUT_TCP_S * NSEC_PER_SEC;
const volatile __u64 ct_timeout_close_ns = DPLAB_CT_TIMEOUT_CLOSE_S * NSEC_PER_SEC;
const volatile __u64 ct_timeout_udp_ns = DPLAB_CT_TIMEOUT_UDP_S * NSEC_PER_SEC;
const volatile __u64 ct_timeout_icmp_ns = DPLAB_CT_TIMEOUT_ICMP_S * NSEC_PER_SEC;

static __always_inline void tuple_reverse(const struct dplab_tuple *t, struct dplab_tuple *r)
{
	r->saddr = t->daddr;
	r->daddr = t->saddr;
	r->sport = t->dport;
	r->dport = t->sport;
	r->proto = t->proto;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
}

static __always_inline __u64 ct_lifetime(const struct dplab_lb_ct *e, __u8 proto)
{
	if (proto == IPPROTO_TCP) {
		if (e->state == DPLAB_CT_NEW)
			return ct_timeout_syn_ns;
		if (e->state == DPLAB_CT_CLOSING)
			return ct_timeout_close_ns;
		return ct_timeout_tcp_ns;
	}
	return proto == IPPROTO_UDP ? ct_timeout_udp_ns : ct_timeout_icmp_ns;
}

/*
 * The conntrack clock.  Lifetimes are seconds, so the clock of the last
 * tick (CLOCK_MONOTONIC_COARSE) does, where the kernel has it (5.11): it
 * costs ~4 ns a call here against bpf_ktime_get_ns()'s ~28 (docs/
 * BENCHMARKS.md, "Cost of operations"), and a new flow reads it two or
 * three times.  Older kernels get the precise clock (the CO-RE check is a
 * constant, so the other call is dead code to their verifier).
 */
static __always_inline __u64 ct_now(void)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_ktime_get_coarse_ns))
		return bpf_ktime_get_coarse_ns();
	return bpf_ktime_get_ns();
}

/* A stamp from a finer clock (the loader's, a precise CPU's) may lie a
 * tick ahead of now: that entry is fresh, not 2^64 ns old. */
static __always_inline bool ct_expired(const struct dplab_lb_ct *e, __u8 proto, __u64 now)
{
	return now > e->last_seen_ns && now - e->last_seen_ns > ct_lifetime(e, proto);
}

/*
 * A FIN or RST in e's direction.  The flow closes when the peer entry (in
 * peer_map, NULL: unknown) has sent its FIN too, or at once on an RST.
 */
static __always_inline void ct_track_close(const struct dp_maps *m, void *peer_map,
					   struct dplab_lb_ct *e, __u8 tcp_flags)
{
	struct dplab_lb_ct *peer = NULL;

	if (e->state == DPLAB_CT_CLOSING)
		return;
	if (peer_map && e->peer.proto)
		peer = bpf_map_lookup_elem(peer_map, &e->peer);
	if ((tcp_flags & TCP_FLAG_RST) || (peer && peer->state >= DPLAB_CT_FIN_SENT)) {
		e->state = DPLAB_CT_CLOSING;
		if (peer)
			peer->state = DPLAB_CT_CLOSING;
		dp_count(m, DPLAB_CNT_CT_CLOSED);
	} else {
		e->state = DPLAB_CT_FIN_SENT;
	}
}

static __always_inline void ct_track_tcp(const struct dp_maps *m, void *peer_map,
					 struct dplab_lb_ct *e, __u8 tcp_flags)
{
	if (tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		ct_track_close(m, peer_map, e, tcp_flags);
	else if (e->state == DPLAB_CT_NEW && (tcp_flags & TCP_FLAG_ACK))
		e->state = DPLAB_CT_ESTABLISHED;
}

/*
 * The live entry of this flow in map, updated for this packet, or NULL:
 * none, expired (removed, counted), or a closed flow that a new
 * connection now reuses (the caller starts over).  peer_map holds the
 * entries of the other direction (NULL when they have no peer key).
 */
static __always_inline struct dplab_lb_ct *ct_lookup_pair(const struct dp_maps *m,
							  void *map, void *peer_map,
							  const struct pkt_v4 *p,
							  const struct dplab_tuple *key)
{
	struct dplab_lb_ct *e = bpf_map_lookup_elem(map, key);
	__u64 now;

	if (!e)
		return NULL;
	now = ct_now();		/* only on a hit: reply hooks miss on most packets */
	if (ct_expired(e, key->proto, now) ||
	    (e->state == DPLAB_CT_CLOSING && pkt_is_tcp_syn(p))) {
		bpf_map_delete_elem(map, key);
		dp_count(m, DPLAB_CNT_CT_EXPIRED);
		return NULL;
	}
	dp_count(m, DPLAB_CNT_CT_HIT);
	if (p->icmp_err)
		return e;
	if (p->t.proto == IPPROTO_TCP)
		ct_track_tcp(m, peer_map, e, p->tcp_flags);
	e->last_seen_ns = now;
	return e;
}

/* A new entry for the packet p of a flow, translating to addr:port. */
static __always_inline void ct_entry_init(const struct dp_maps *m, struct dplab_lb_ct *e,
					  const struct pkt_v4 *p,
					  __be32 addr, __be16 port, __u8 flags,
					  const struct dplab_tuple *peer)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->addr = addr;
	e->port = port;
	e->state = DPLAB_CT_NEW;
	e->flags = flags;
	e->last_seen_ns = ct_now();
	if (peer)
		e->peer = *peer;
	if (p->t.proto == IPPROTO_TCP)
		ct_track_tcp(m, NULL, e, p->tcp_flags);
}

/*
 * An entry for key translating to addr:port, whose other direction is
 * keyed peer (NULL: none); 0, or -1 when it could not be inserted.
 */
static __always_inline int ct_create(const struct dp_maps *m, void *map, const struct pkt_v4 *p,
					  const struct dplab_tuple *key, __be32 addr, __be16 port,
					  __u8 flags, const struct dplab_tuple *peer)
{
	struct dplab_lb_ct e;

	ct_entry_init(m, &e, p, addr, port, flags, peer);
	if (bpf_map_update_elem(map, key, &e, BPF_ANY))
		return -1;
	dp_count(m, DPLAB_CNT_CT_NEW);
	return 0;
}

#endif /* DPLAB_LIB_CT_H */
