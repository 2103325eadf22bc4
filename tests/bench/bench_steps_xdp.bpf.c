// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath --ops: xdp_nodeport_lb towards a remote backend cut after
 * each step, in one object with the program itself (xdp_lb.bpf.c included
 * whole; see bench_steps_tc.bpf.c for why).  step_np_new_N returns
 * XDP_PASS after step N of a new flow:
 *   1 parse + both conntrack lookups (misses)
 *   2 + service and backend lookups
 *   3 + the reply tuple's owner checked, both entries inserted
 * and xdp_nodeport_lb adds both rewrites and the FIB lookup.  For an
 * established flow step_np_est_1 is parse + hit, step_np_est_2 adds both
 * rewrites (no FIB lookup).  Any other way returns XDP_DROP.
 */
#include "xdp_lb.bpf.c"

static __always_inline int np_new_upto(struct xdp_md *ctx, const int n)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct dplab_backend *be;
	struct dplab_svc *svc;
	struct pkt_v4 p = {};
	__be16 nat_port;

	if (parse_v4_flow(XDP_LB_MAPS, data, data_end, &p) ||
	    ct_lookup_pair(XDP_LB_MAPS, &lb_ct, &lb_rev, &p, &p.t) ||
	    ct_lookup_pair(XDP_LB_MAPS, &lb_rev, &lb_ct, &p, &p.t))
		return XDP_DROP;
	if (n < 2)
		return XDP_PASS;
	svc = svc_lookup(XDP_LB_MAPS, p.t.daddr, p.t.dport, p.t.proto);
	be = svc ? backend_pick(XDP_LB_MAPS, svc, &p.t) : NULL;
	if (!be)
		return XDP_DROP;
	if (n < 3)
		return XDP_PASS;
	return nodeport_flow_create(&p, be->addr, be->port, true, &nat_port) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int step_np_new_1(struct xdp_md *ctx)
{
	return np_new_upto(ctx, 1);
}

SEC("xdp")
int step_np_new_2(struct xdp_md *ctx)
{
	return np_new_upto(ctx, 2);
}

SEC("xdp")
int step_np_new_3(struct xdp_md *ctx)
{
	return np_new_upto(ctx, 3);
}

static __always_inline int np_est_upto(struct xdp_md *ctx, const int n)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct dplab_lb_ct *e;
	struct pkt_v4 p = {};

	if (parse_v4_flow(XDP_LB_MAPS, data, data_end, &p))
		return XDP_DROP;
	e = ct_lookup_pair(XDP_LB_MAPS, &lb_ct, &lb_rev, &p, &p.t);
	if (!e)
		return XDP_DROP;
	if (n < 2)
		return XDP_PASS;
	if (xdp_nat_v4(&p, data_end, true, e->addr, e->port) ||
	    xdp_nat_v4(&p, data_end, false, node_ip, p.t.sport))
		return XDP_DROP;
	return XDP_PASS;
}

SEC("xdp")
int step_np_est_1(struct xdp_md *ctx)
{
	return np_est_upto(ctx, 1);
}

SEC("xdp")
int step_np_est_2(struct xdp_md *ctx)
{
	return np_est_upto(ctx, 2);
}
