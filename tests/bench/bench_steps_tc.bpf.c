// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath --ops: tc_lb_dnat cut after each step of its path, in one
 * object with the program itself (tc_lb.bpf.c is included whole), so that
 * each step's cost is measured where it runs, after the steps before it
 * (warm lines, TLB entries), not alone as bench_ops.bpf.c's operations.
 * step_lb_new_N returns TC_ACT_UNSPEC after step N of a new flow:
 *   1 parse + conntrack lookup (a miss)   3 + forward entry inserted
 *   2 + service and backend lookups        4 + reverse entry inserted
 * and tc_lb_dnat itself adds the rewrite.  A step that does not go the
 * new-flow way (a hit, a missing service, a failed insert) returns
 * TC_ACT_SHOT, which bench-datapath reports.
 */
#include "tc_lb.bpf.c"

static __always_inline int lb_new_upto(struct __sk_buff *skb, const int n)
{
	struct dplab_tuple translated, rev;
	struct dplab_backend *be;
	struct dplab_svc *svc;
	struct pkt_v4 p = {};

	if (tc_parse_v4_flow(skb, TC_LB_MAPS, &p) || ct_lookup_pair(TC_LB_MAPS, &lb_ct, &lb_rev, &p, &p.t))
		return TC_ACT_SHOT;
	if (n < 2)
		return TC_ACT_UNSPEC;
	svc = svc_lookup(TC_LB_MAPS, p.t.daddr, p.t.dport, p.t.proto);
	be = svc ? backend_pick(TC_LB_MAPS, svc, &p.t) : NULL;
	if (!be)
		return TC_ACT_SHOT;
	if (n < 3)
		return TC_ACT_UNSPEC;
	translated = p.t;
	translated.daddr = be->addr;
	translated.dport = be->port;
	tuple_reverse(&translated, &rev);
	if (ct_create(TC_LB_MAPS, &lb_ct, &p, &p.t, be->addr, be->port, 0, &rev))
		return TC_ACT_SHOT;
	if (n < 4)
		return TC_ACT_UNSPEC;
	if (ct_create(TC_LB_MAPS, &lb_rev, &p, &rev, p.t.daddr, p.t.dport, 0, &p.t))
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

SEC("tc")
int step_lb_new_1(struct __sk_buff *skb)
{
	return lb_new_upto(skb, 1);
}

SEC("tc")
int step_lb_new_2(struct __sk_buff *skb)
{
	return lb_new_upto(skb, 2);
}

SEC("tc")
int step_lb_new_3(struct __sk_buff *skb)
{
	return lb_new_upto(skb, 3);
}

SEC("tc")
int step_lb_new_4(struct __sk_buff *skb)
{
	return lb_new_upto(skb, 4);
}

/* An established flow: parse + conntrack hit, without the rewrite. */
SEC("tc")
int step_lb_est_1(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	if (tc_parse_v4_flow(skb, TC_LB_MAPS, &p) ||
	    !ct_lookup_pair(TC_LB_MAPS, &lb_ct, &lb_rev, &p, &p.t))
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}
