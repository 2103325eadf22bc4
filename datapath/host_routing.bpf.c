// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF host routing (lib/host_routing.h) as programs of their own, on this
 * object's maps; hooks.bpf.c runs the same steps inside each hook's program.
 *   route_from_pod     tc ingress of a pod's host-side veth
 *   route_from_uplink  tc ingress of the node's uplink
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/host_routing.h"

DP_ENDPOINTS_MAP(endpoints);

#define HOST_ROUTING_MAPS (&(const struct dp_maps){ .counters = &counters,	\
	.endpoints = &endpoints })

SEC("tc/ingress")
int route_from_pod(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return route_from_pod_step(skb, HOST_ROUTING_MAPS, &p, tc_parse_v4_l3(skb, &p));
}

SEC("tc/ingress")
int route_from_uplink(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return route_from_uplink_step(skb, HOST_ROUTING_MAPS, &p, tc_parse_v4_l3(skb, &p));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
