// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The VXLAN overlay (lib/overlay.h) as programs of their own, on this
 * object's maps; hooks.bpf.c runs the same steps inside each hook's program.
 *   overlay_encap  tc ingress of a pod's host-side veth
 *   overlay_decap  tc ingress of the VXLAN device
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/overlay.h"

DP_ENDPOINTS_MAP(endpoints);
DP_TUNNELS_MAP(tunnels);

#define OVERLAY_MAPS (&(const struct dp_maps){ .counters = &counters,	\
	.endpoints = &endpoints, .tunnels = &tunnels })

SEC("tc/ingress")
int overlay_encap(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return overlay_encap_step(skb, OVERLAY_MAPS, &p, tc_parse_v4_l3(skb, &p));
}

SEC("tc/ingress")
int overlay_decap(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return overlay_decap_step(skb, OVERLAY_MAPS, &p, tc_parse_v4_l3(skb, &p));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
