// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Service LB at tc (kube-proxy replacement without socket LB), the steps of
 * lib/lb_tc.h as programs of their own, on this object's maps.  Named for
 * what they do, not where, since the loader puts them on several hooks
 * (cluster/hook_plan.c), and hooks.bpf.c runs the same steps inside the
 * program of each hook:
 *   tc_lb_dnat     DNAT VIP:port -> backend: ingress of a pod's host veth
 *                  (packets from the pod), and the uplink's ingress for
 *                  NodePorts;
 *   tc_lb_rev_nat  reverse NAT of a backend's replies: both directions of
 *                  a pod's host veth (a local backend's reply comes in at
 *                  ingress), the uplink and the VXLAN device.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/lb_tc.h"

DP_FRAGS_MAP(frags);
DP_CT_MAP(lb_ct);
DP_CT_MAP(lb_rev);
DP_SERVICES_MAPS(services, backends);

/* The NodePort instance (tc_nodeport): the node's address, the only one
 * its services have (lb_dnat's only_to).  Set by the loader; 0: any. */
const volatile __be32 services_only_to;

#define TC_LB_MAPS (&(const struct dp_maps){ .counters = &counters, .frags = &frags,	\
	.ct = &lb_ct, .rev = &lb_rev, .services = &services, .backends = &backends })

SEC("tc")
int tc_lb_dnat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return lb_dnat(skb, TC_LB_MAPS, &p, tc_parse_depth(skb, &p, PARSE_ANY), services_only_to);
}

SEC("tc")
int tc_lb_rev_nat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return lb_rev_nat(skb, TC_LB_MAPS, &p, tc_parse_depth(skb, &p, PARSE_ANY));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
