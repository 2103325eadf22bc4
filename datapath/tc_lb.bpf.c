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
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/frag.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/verdict.h"

/* The forward and reverse entries of a new flow to backend addr:port. */
static __always_inline int lb_flow_create(const struct pkt_v4 *p, __be32 addr, __be16 port)
{
	struct dplab_tuple translated = p->t, rev;

	translated.daddr = addr;
	translated.dport = port;
	tuple_reverse(&translated, &rev);
	if (ct_create_peer(&lb_ct, p, &p->t, addr, port, 0, &rev))
		return -1;
	if (ct_create_peer(&lb_rev, p, &rev, p->t.daddr, p->t.dport, 0, &p->t)) {
		bpf_map_delete_elem(&lb_ct, &p->t);	/* no half flows */
		return -1;
	}
	return 0;
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
	if (e) {
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
		if (lb_flow_create(&p, addr, port)) {
			count(DPLAB_CNT_DROP_MAP_UPDATE);
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
