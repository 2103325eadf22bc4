/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The XDP NodePort LB's step at tc (xdp_lb.bpf.c; XDP has no egress hook):
 * replies of local backends, which leave through the stack at the uplink's
 * egress, get node_ip:NodePort back as their source.  On the maps it is
 * given (lib/dp.h: the XDP LB's conntrack); xdp_lb.bpf.c runs it as
 * tc_nodeport_rev, hooks.bpf.c inside the uplink egress program.
 */
#ifndef DPLAB_LIB_NODEPORT_REV_H
#define DPLAB_LIB_NODEPORT_REV_H

#include "lib/frag.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/node.h"
#include "lib/verdict.h"

/* parsed: parse_v4_any()'s result for p. */
static __always_inline int nodeport_rev_step(struct __sk_buff *skb, const struct dp_maps *m,
					     struct pkt_v4 *p, int parsed)
{
	int reason = flow_reason(m, p, parsed);
	struct dplab_lb_ct *e;

	if (reason)
		return tc_unparsed(m->counters, reason);
	e = ct_lookup_pair(m, m->rev, m->ct, p, &p->t);
	/* A local backend's reply goes to the client, which is addr. */
	if (!e || e->addr != p->t.daddr) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return tc_nat_v4_verdict(skb, m, p, false, node_ip, e->port, DPLAB_CNT_REV_NAT);
}

#endif /* DPLAB_LIB_NODEPORT_REV_H */
