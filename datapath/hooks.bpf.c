// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One program per tc hook and direction of a node (issue 13, as Cilium's
 * bpf_lxc/bpf_host/bpf_overlay): the steps that cluster/hook_plan.c puts
 * on a hook, in its order, run inside one program that parses the packet
 * once.  Each step is the same lib/ function its feature's own program
 * runs (tc_lb.bpf.c, masq.bpf.c, ...), on that feature's maps: the loader
 * loads this object once per hook, shares every map below with the
 * pinned map of the feature it is named after, and says which steps run
 * through the read-only use_* flags, so a step that is off is dead code
 * the verifier removes.  A knob switch reloads the program of each hook
 * it changes.
 *
 *   hook_from_pod     tc ingress of a pod's host-side veth:
 *                     lb_dnat, lb_rev, overlay encap, host routing
 *   hook_to_pod       tc egress of a pod's host-side veth: lb_rev
 *   hook_from_uplink  tc ingress of the uplink:
 *                     masq reverse SNAT, NodePort dnat, lb_rev, host routing
 *   hook_to_uplink    tc egress of the uplink:
 *                     NodePort rev, XDP NodePort rev, masq SNAT
 *   hook_from_tunnel  tc ingress of the VXLAN device: lb_rev, overlay decap
 *
 * A step's TC_ACT_NEXT hands the packet to the next step; any other
 * verdict is the program's.  A step that translated the packet marks it
 * (pkt_v4.rewritten) and the next step gets it parsed again, as the next
 * program of a chain would (hook_next).  Counters stay per feature: every step counts
 * into its feature's map.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/host_routing.h"
#include "lib/lb_tc.h"
#include "lib/masq.h"
#include "lib/nodeport_rev.h"
#include "lib/overlay.h"

/* The steps of this hook; set by the loader from the hook plan. */
const volatile bool use_lb_dnat;	/* tc_lb: tc_lb_dnat */
const volatile bool use_lb_rev;		/* tc_lb: tc_lb_rev_nat */
const volatile bool use_np_dnat;	/* tc_nodeport: tc_lb_dnat */
const volatile bool use_np_rev;		/* tc_nodeport: tc_lb_rev_nat */
const volatile bool use_xlb_rev;	/* xdp_lb: tc_nodeport_rev */
const volatile bool use_masq;		/* masq: masq_snat, masq_rev_snat */
const volatile bool use_host_routing;	/* host_routing: route_from_{pod,uplink} */
const volatile bool use_overlay;	/* overlay: overlay_{encap,decap} */

/* Each feature's maps, shared by the loader with the feature's pins. */
DP_COUNTERS_MAP(lb_counters);
DP_FRAGS_MAP(lb_frags);
DP_CT_MAP(lb_ct);
DP_CT_MAP(lb_rev);
DP_SERVICES_MAPS(lb_services, lb_backends);

DP_COUNTERS_MAP(np_counters);
DP_FRAGS_MAP(np_frags);
DP_CT_MAP(np_ct);
DP_CT_MAP(np_rev);
DP_SERVICES_MAPS(np_services, np_backends);

DP_COUNTERS_MAP(xlb_counters);
DP_FRAGS_MAP(xlb_frags);
DP_CT_MAP(xlb_ct);
DP_CT_MAP(xlb_rev);

DP_COUNTERS_MAP(masq_counters);
DP_FRAGS_MAP(masq_frags);
DP_SNAT_MAP(masq_snat);

DP_COUNTERS_MAP(hr_counters);
DP_ENDPOINTS_MAP(hr_endpoints);

DP_COUNTERS_MAP(ov_counters);
DP_ENDPOINTS_MAP(ov_endpoints);
DP_TUNNELS_MAP(ov_tunnels);

#define LB_MAPS (&(const struct dp_maps){ .counters = &lb_counters, .frags = &lb_frags,	\
	.ct = &lb_ct, .rev = &lb_rev, .services = &lb_services, .backends = &lb_backends })
#define NP_MAPS (&(const struct dp_maps){ .counters = &np_counters, .frags = &np_frags,	\
	.ct = &np_ct, .rev = &np_rev, .services = &np_services, .backends = &np_backends })
#define XLB_MAPS (&(const struct dp_maps){ .counters = &xlb_counters, .frags = &xlb_frags,	\
	.ct = &xlb_ct, .rev = &xlb_rev })
#define MASQ_MAPS (&(const struct dp_maps){ .counters = &masq_counters,		\
	.frags = &masq_frags, .ct = &masq_snat, .rev = &masq_snat })
#define HR_MAPS (&(const struct dp_maps){ .counters = &hr_counters,		\
	.endpoints = &hr_endpoints })
#define OV_MAPS (&(const struct dp_maps){ .counters = &ov_counters,		\
	.endpoints = &ov_endpoints, .tunnels = &ov_tunnels })

/* The packet as the steps see it. */
struct hook_pkt {
	struct pkt_v4 p;	/* for the translators */
	int parsed;		/* parse_v4_any() of p */
	struct pkt_v4 l3;	/* for the routers, when p's parse failed */
	int parsed_l3;		/* the IP header's parse */
};

/*
 * One parse for every step.  The routers read the IP header only, so a
 * packet whose L4 header the translators cannot take (another protocol,
 * a cut ICMP error) is still theirs: its IP header is parsed on its own.
 */
static __always_inline void hook_parse(struct __sk_buff *skb, struct hook_pkt *h)
{
	__builtin_memset(&h->p, 0, sizeof(h->p));
	h->parsed = tc_parse_depth(skb, &h->p, PARSE_ANY);
	h->parsed_l3 = 0;
	if (h->parsed) {
		__builtin_memset(&h->l3, 0, sizeof(h->l3));
		h->parsed_l3 = parse_v4_l3(tc_data(skb), tc_data_end(skb), &h->l3);
	}
}

/* The packet the routers read: its IP header is all they need. */
static __always_inline const struct pkt_v4 *hook_l3(const struct hook_pkt *h)
{
	return h->parsed ? &h->l3 : &h->p;
}

/*
 * Whether the next step runs, after the verdict v of the steps so far: only
 * on TC_ACT_NEXT, and on a packet parsed again if a step translated it
 * (only then, and only when another step follows).
 */
static __always_inline bool hook_next(struct __sk_buff *skb, struct hook_pkt *h, int v)
{
	if (v != TC_ACT_NEXT)
		return false;
	if (h->p.rewritten)
		hook_parse(skb, h);
	return true;
}

SEC("tc/ingress")
int hook_from_pod(struct __sk_buff *skb)
{
	struct hook_pkt h;
	int v = TC_ACT_NEXT;

	hook_parse(skb, &h);
	if (use_lb_dnat && hook_next(skb, &h, v))
		v = lb_dnat(skb, LB_MAPS, &h.p, h.parsed, 0);
	if (use_lb_rev && hook_next(skb, &h, v))
		v = lb_rev_nat(skb, LB_MAPS, &h.p, h.parsed);
	if (use_overlay && hook_next(skb, &h, v))
		v = overlay_encap_step(skb, OV_MAPS, hook_l3(&h), h.parsed_l3);
	if (use_host_routing && hook_next(skb, &h, v))
		v = route_from_pod_step(skb, HR_MAPS, hook_l3(&h), h.parsed_l3);
	return v;
}

SEC("tc/egress")
int hook_to_pod(struct __sk_buff *skb)
{
	struct hook_pkt h;

	hook_parse(skb, &h);
	if (use_lb_rev)
		return lb_rev_nat(skb, LB_MAPS, &h.p, h.parsed);
	return TC_ACT_NEXT;
}

SEC("tc/ingress")
int hook_from_uplink(struct __sk_buff *skb)
{
	struct hook_pkt h;
	int v = TC_ACT_NEXT;

	hook_parse(skb, &h);
	if (use_masq && hook_next(skb, &h, v))
		v = masq_rev_snat_step(skb, MASQ_MAPS, &h.p, h.parsed);
	if (use_np_dnat && hook_next(skb, &h, v))
		v = lb_dnat(skb, NP_MAPS, &h.p, h.parsed, node_ip);	/* NodePorts */
	if (use_lb_rev && hook_next(skb, &h, v))
		v = lb_rev_nat(skb, LB_MAPS, &h.p, h.parsed);
	if (use_host_routing && hook_next(skb, &h, v))
		v = route_from_uplink_step(skb, HR_MAPS, hook_l3(&h), h.parsed_l3);
	return v;
}

SEC("tc/egress")
int hook_to_uplink(struct __sk_buff *skb)
{
	struct hook_pkt h;
	int v = TC_ACT_NEXT;

	hook_parse(skb, &h);
	if (use_np_rev && hook_next(skb, &h, v))
		v = lb_rev_nat(skb, NP_MAPS, &h.p, h.parsed);
	if (use_xlb_rev && hook_next(skb, &h, v))
		v = nodeport_rev_step(skb, XLB_MAPS, &h.p, h.parsed);
	if (use_masq && hook_next(skb, &h, v))
		v = masq_snat_step(skb, MASQ_MAPS, &h.p, h.parsed);
	return v;
}

SEC("tc/ingress")
int hook_from_tunnel(struct __sk_buff *skb)
{
	struct hook_pkt h;
	int v = TC_ACT_NEXT;

	hook_parse(skb, &h);
	if (use_lb_rev && hook_next(skb, &h, v))
		v = lb_rev_nat(skb, LB_MAPS, &h.p, h.parsed);
	if (use_overlay && hook_next(skb, &h, v))
		v = overlay_decap_step(skb, OV_MAPS, hook_l3(&h), h.parsed_l3);
	return v;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
