/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The service LB's steps at tc, on the maps they are given (lib/dp.h):
 *   lb_dnat     DNAT VIP:port -> backend, with a conntrack entry per flow;
 *   lb_rev_nat  reverse NAT of a backend's replies.
 * Each takes a packet parsed by parse_v4_any() and that parse's result
 * (tc_flow_parse), fills in a later fragment's ports from the step's own
 * fragment map, and returns a tc verdict: TC_ACT_NEXT lets the next step
 * or program see the packet (translated or not).  tc_lb.bpf.c runs them
 * as programs of their own; hooks.bpf.c composes them with other steps.
 * TCP, UDP and ICMP echo, with IP options; fragments by their first
 * fragment's ports (lib/frag.h); ICMP errors about a flow are translated
 * with it, embedded packet included, and never open one.  The backend of
 * a new flow is a hash of its tuple, so every packet of a flow keeps its
 * backend even without CT.  A flow's reverse entry is put back by its next
 * packet when the LRU took it, and never handed to another flow while this
 * one is live (lib/lb.h).
 */
#ifndef DPLAB_LIB_LB_TC_H
#define DPLAB_LIB_LB_TC_H

#include "lib/frag.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/verdict.h"

/* The forward key of the flow whose reverse entry at rev is held. */
static __always_inline void rev_holder(const struct dplab_tuple *rev,
				       const struct dplab_lb_ct *held, struct dplab_tuple *fwd)
{
	fwd->saddr = rev->daddr;
	fwd->daddr = held->addr;
	fwd->sport = rev->dport;
	fwd->dport = held->port;
	fwd->proto = rev->proto;
	fwd->pad[0] = fwd->pad[1] = fwd->pad[2] = 0;
}

/* The reply tuple of flow p->t once DNATed to addr:port. */
static __always_inline void lb_reply_tuple(const struct pkt_v4 *p, __be32 addr, __be16 port,
					struct dplab_tuple *rev)
{
	struct dplab_tuple translated = p->t;

	translated.daddr = addr;
	translated.dport = port;
	tuple_reverse(&translated, rev);
}

/*
 * The forward and reverse entries of a new flow to backend addr:port; 0,
 * or the counter of why not.  The reverse entry goes first, only where no
 * other live flow has one (the same client port to another VIP with this
 * backend: without SNAT the flow cannot move); no half flows are left.
 */
static __always_inline int lb_flow_create(const struct dp_maps *m, const struct pkt_v4 *p,
					  __be32 addr, __be16 port)
{
	struct dplab_tuple rev, holder;
	struct dplab_lb_ct v, *held = NULL;
	int err;

	lb_reply_tuple(p, addr, port, &rev);
	ct_entry_init(m, &v, p, p->t.daddr, p->t.dport, 0, &p->t);
	err = lb_rev_claim(m, &rev, &v, &held);
	if (err == -EEXIST && held) {
		rev_holder(&rev, held, &holder);
		err = lb_rev_take_expired(m, &rev, &v, held, &holder);
	}
	if (err)
		return err == -EEXIST ? DPLAB_CNT_DROP_NAT_NO_PORT : DPLAB_CNT_DROP_MAP_UPDATE;
	dp_count(m, DPLAB_CNT_CT_NEW);
	if (ct_create(m, m->ct, p, &p->t, addr, port, 0, &rev)) {
		bpf_map_delete_elem(m->rev, &rev);
		return DPLAB_CNT_DROP_MAP_UPDATE;
	}
	return 0;
}

/*
 * An established flow (forward entry e) with its reverse entry in place,
 * put back if it was lost; false when another flow holds its reply tuple
 * now: the forward entry goes and the packet is treated as a new flow.
 */
static __always_inline bool lb_flow_intact(const struct dp_maps *m, const struct pkt_v4 *p,
					   const struct dplab_lb_ct *e)
{
	struct dplab_tuple rev;
	struct dplab_lb_ct v;

	lb_reply_tuple(p, e->addr, e->port, &rev);
	lb_rev_of(e, &p->t, p->t.daddr, p->t.dport, 0, &v);
	if (!lb_rev_repair(m, &rev, &v))
		return true;
	bpf_map_delete_elem(m->ct, &p->t);
	return false;
}

/* The backend of a new flow to a service, or NULL (the packet's verdict in *verdict). */
static __always_inline struct dplab_backend *lb_backend(const struct dp_maps *m,
							const struct pkt_v4 *p, int *verdict)
{
	struct dplab_backend *be;
	struct dplab_svc *svc;

	svc = svc_lookup(m, p->t.daddr, p->t.dport, p->t.proto);
	if (!svc) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		*verdict = TC_ACT_NEXT;
		return NULL;
	}
	be = backend_pick(m, svc, &p->t);
	if (!be) {
		dp_count(m, DPLAB_CNT_DROP_NO_BACKEND);
		*verdict = TC_ACT_SHOT;
	}
	return be;
}

/*
 * parsed: parse_v4_any()'s result for p.  only_to: when not 0, the one
 * address every service of m has (a NodePort LB's: the node's), so that
 * packets to any other pass without a lookup.
 */
static __always_inline int lb_dnat(struct __sk_buff *skb, const struct dp_maps *m,
				   struct pkt_v4 *p, int parsed, __be32 only_to)
{
	int reason = flow_reason(m, p, parsed), verdict;
	struct dplab_backend *be;
	struct dplab_lb_ct *e;
	__be32 addr;
	__be16 port;

	if (reason)
		return tc_unparsed(m->counters, reason);
	if (only_to && p->t.daddr != only_to) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);	/* no service, no flow */
		return TC_ACT_NEXT;
	}
	e = ct_lookup_pair(m, m->ct, m->rev, p, &p->t);
	if (e && lb_flow_intact(m, p, e)) {
		addr = e->addr;
		port = e->port;
	} else if (p->icmp_err || p->frag == PKT_FRAG_LATER) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);	/* about no flow: nothing to open */
		return TC_ACT_NEXT;
	} else {
		be = lb_backend(m, p, &verdict);
		if (!be)
			return verdict;
		addr = be->addr;
		/* ICMP echo keeps its id: its "destination port" is 0. */
		port = p->t.proto == IPPROTO_ICMP ? 0 : be->port;
		reason = lb_flow_create(m, p, addr, port);
		if (reason) {
			dp_count(m, reason);
			return TC_ACT_SHOT;
		}
	}
	return tc_nat_v4_verdict(skb, m, p, true, addr, port, DPLAB_CNT_REWRITE);
}

static __always_inline int lb_rev_nat(struct __sk_buff *skb, const struct dp_maps *m,
				      struct pkt_v4 *p, int parsed)
{
	int reason = flow_reason(m, p, parsed);
	struct dplab_lb_ct *e;

	if (reason)
		return tc_unparsed(m->counters, reason);
	e = ct_lookup_pair(m, m->rev, m->ct, p, &p->t);
	if (!e) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return tc_nat_v4_verdict(skb, m, p, false, e->addr, e->port, DPLAB_CNT_REV_NAT);
}

#endif /* DPLAB_LIB_LB_TC_H */
