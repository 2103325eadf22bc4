// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF masquerade (lib/masq.h) as programs of their own, on this object's
 * maps; hooks.bpf.c runs the same steps inside each hook's program.
 *   masq_snat      (tc egress of the uplink)
 *   masq_rev_snat  (tc ingress of the uplink)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/masq.h"

DP_FRAGS_MAP(frags);
DP_SNAT_MAP(snat);

#define MASQ_MAPS (&(const struct dp_maps){ .counters = &counters, .frags = &frags,	\
	.ct = &snat, .rev = &snat })

SEC("tc/egress")
int masq_snat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return masq_snat_step(skb, MASQ_MAPS, &p, tc_parse_depth(skb, &p, PARSE_ANY));
}

SEC("tc/ingress")
int masq_rev_snat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	return masq_rev_snat_step(skb, MASQ_MAPS, &p, tc_parse_depth(skb, &p, PARSE_ANY));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
