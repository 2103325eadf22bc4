// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Service LB at tc (kube-proxy replacement without socket LB).  Named for
 * what they do, not where, since the loader puts them on several hooks
 * (cluster/hook_plan.c):
 *   tc_lb_dnat     DNAT VIP:port -> backend, with a conntrack entry per
 *                  flow: ingress of a pod's host veth (packets from the
 *                  pod), and the uplink's ingress for NodePorts;
 *   tc_lb_rev_nat  reverse NAT of a backend's replies: both directions of
 *                  a pod's host veth (a local backend's reply comes in at
 *                  ingress), the uplink and the VXLAN device.
 * TCP, UDP and ICMP echo, with IP options; fragments by their first
 * fragment's ports (lib/frag.h); ICMP errors about a flow are translated
 * with it, embedded packet included, and never open one.  The backend of
 * a new flow is a hash of its tuple, so every packet of a flow keeps its
 * backend even without CT.
 * A flow's reverse entry is put back by its next packet when the LRU took
 * it, and never handed to another flow while this one is live (lib/lb.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
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
static __always_inline void reply_tuple(const struct pkt_v4 *p, __be32 addr, __be16 port,
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
static __always_inline int lb_flow_create(const struct pkt_v4 *p, __be32 addr, __be16 port)
{
	struct dplab_tuple rev, holder;
	struct dplab_lb_ct v, *held = NULL;
	int err;

	reply_tuple(p, addr, port, &rev);
	ct_entry_init(&v, p, p->t.daddr, p->t.dport, 0, &p->t);
	err = lb_rev_claim(&rev, &v, &held);
	if (err == -EEXIST && held) {
		rev_holder(&rev, held, &holder);
		err = lb_rev_take_expired(&rev, &v, held, &holder);
	}
	if (err)
		return err == -EEXIST ? DPLAB_CNT_DROP_NAT_NO_PORT : DPLAB_CNT_DROP_MAP_UPDATE;
	count(DPLAB_CNT_CT_NEW);
	if (ct_create(&lb_ct, p, &p->t, addr, port, 0, &rev)) {
		bpf_map_delete_elem(&lb_rev, &rev);
		return DPLAB_CNT_DROP_MAP_UPDATE;
	}
	return 0;
}

/*
 * An established flow (forward entry e) with its reverse entry in place,
 * put back if it was lost; false when another flow holds its reply tuple
 * now: the forward entry goes and the packet is treated as a new flow.
 */
static __always_inline bool lb_flow_intact(const struct pkt_v4 *p, const struct dplab_lb_ct *e)
{
	struct dplab_tuple rev;
	struct dplab_lb_ct v;

	reply_tuple(p, e->addr, e->port, &rev);
	lb_rev_of(e, &p->t, p->t.daddr, p->t.dport, 0, &v);
	if (!lb_rev_repair(&rev, &v))
		return true;
	bpf_map_delete_elem(&lb_ct, &p->t);
	return false;
}

SEC("tc")
int tc_lb_dnat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	struct dplab_backend *be;
	struct dplab_svc *svc;
	__be32 addr;
	__be16 port;
	int reason;

	reason = tc_parse_v4_flow(skb, &p);
	if (reason)
		return tc_unparsed(reason);
	e = ct_lookup_pair(&lb_ct, &lb_rev, &p, &p.t);
	if (e && lb_flow_intact(&p, e)) {
		addr = e->addr;
		port = e->port;
	} else if (p.icmp_err || p.frag == PKT_FRAG_LATER) {
		count(DPLAB_CNT_PASS_NO_MATCH);	/* about no flow: nothing to open */
		return TC_ACT_NEXT;
	} else {
		svc = svc_lookup(p.t.daddr, p.t.dport, p.t.proto);
		if (!svc) {
			count(DPLAB_CNT_PASS_NO_MATCH);
			return TC_ACT_NEXT;
		}
		be = backend_pick(svc, &p.t);
		if (!be) {
			count(DPLAB_CNT_DROP_NO_BACKEND);
			return TC_ACT_SHOT;
		}
		addr = be->addr;
		/* ICMP echo keeps its id: its "destination port" is 0. */
		port = p.t.proto == IPPROTO_ICMP ? 0 : be->port;
		reason = lb_flow_create(&p, addr, port);
		if (reason) {
			count(reason);
			return TC_ACT_SHOT;
		}
	}
	return tc_nat_v4_verdict(skb, &p, true, addr, port, DPLAB_CNT_REWRITE);
}

SEC("tc")
int tc_lb_rev_nat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	int reason;

	reason = tc_parse_v4_flow(skb, &p);
	if (reason)
		return tc_unparsed(reason);
	e = ct_lookup_pair(&lb_rev, &lb_ct, &p, &p.t);
	if (!e) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return tc_nat_v4_verdict(skb, &p, false, e->addr, e->port, DPLAB_CNT_REV_NAT);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
