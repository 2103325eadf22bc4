/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * BPF masquerade (Cilium's bpf.masquerade=true), on a node's uplink: the
 * steps, on the maps they are given (lib/dp.h; masq.bpf.c runs them as
 * programs of their own, hooks.bpf.c inside each hook's program):
 *   masq_snat      (tc egress)   flows from the pod CIDR to outside the
 *                                cluster CIDR leave with node_ip as source,
 *                                their port kept when free and in
 *                                [port_min, port_max], else one of that
 *                                range; the node's own flows with a port in
 *                                the range are entered too, so the two never
 *                                share a reply tuple;
 *   masq_rev_snat  (tc ingress)  replies to node_ip of such flows get the
 *                                pod's address and port back; packets from
 *                                outside the cluster to a pod mark their
 *                                flow as opened from outside, so that the
 *                                pod's replies leave untranslated.
 * TCP, UDP and ICMP echo (the id is the port), with IP options; fragments
 * by their first fragment's ports (lib/frag.h); ICMP errors about a flow
 * are translated with it, embedded packet included.  What leaves from a
 * pod and cannot be translated (a later fragment without its first, an
 * error about no flow, a protocol without ports) is dropped, never sent
 * with the pod's address.  The flows live in the snat map (lib/snat.h,
 * include/dplab/nat.h) with the lifetimes of lib/ct.h.  The section
 * names of masq.bpf.c give the tcx direction; legacy tc attaches them too.
 */
#ifndef DPLAB_LIB_MASQ_H
#define DPLAB_LIB_MASQ_H

#include "lib/frag.h"
#include "lib/nat.h"
#include "lib/node.h"
#include "lib/snat.h"
#include "lib/verdict.h"

/*
 * Set by the loader before load.  CIDRs as address + prefix length; the
 * pod CIDR lies inside the cluster CIDR.  The defaults masquerade nothing.
 */
const volatile __be32 pod_cidr_addr;
const volatile __u8 pod_cidr_prefix = 32;
const volatile __be32 cluster_cidr_addr;
const volatile __u8 cluster_cidr_prefix;
const volatile __u16 port_min = DPLAB_SNAT_PORT_MIN_DEFAULT;
const volatile __u16 port_max = DPLAB_SNAT_PORT_MAX_DEFAULT;
const volatile __u32 max_retries = DPLAB_SNAT_RETRIES_DEFAULT;
/* The node's VXLAN port: its tunnel packets' source port is a flow hash
 * (RFC 7348) that no reply is sent to, so they hold no port. */
const volatile __u16 tunnel_port = 4789;

static __always_inline bool in_cluster(__be32 addr)
{
	return in_cidr(addr, cluster_cidr_addr, cluster_cidr_prefix) ||
	       in_cidr(addr, pod_cidr_addr, pod_cidr_prefix);
}

static __always_inline bool pod_leaving(__be32 saddr, __be32 daddr)
{
	return in_cidr(saddr, pod_cidr_addr, pod_cidr_prefix) && !in_cluster(daddr) &&
	       daddr != node_ip;
}

/* The flow, or for an ICMP error the error itself, leaves a pod for outside. */
static __always_inline bool from_pod_leaving(const struct pkt_v4 *p)
{
	return pod_leaving(p->t.saddr, p->t.daddr) ||
	       (p->icmp_err && pod_leaving(p->ip->saddr, p->ip->daddr));
}

/* A flow of the node's own whose port a pod's flow could take. */
static __always_inline bool from_node_in_range(const struct pkt_v4 *p,
					       const struct snat_ports *ports)
{
	if (p->t.saddr != node_ip || in_cluster(p->t.daddr) ||
	    !nat_port_in_range(ports, p->t.sport))
		return false;
	return p->t.proto == IPPROTO_TCP ||
	       (p->t.proto == IPPROTO_UDP && p->t.dport != bpf_htons(tunnel_port));
}

/* Whether p may open a mapping: not a reply, an error or a later fragment. */
static __always_inline bool snat_opens_flow(const struct pkt_v4 *p, void *data_end)
{
	if (p->icmp_err || p->frag == PKT_FRAG_LATER)
		return false;
	return p->t.proto != IPPROTO_ICMP || pkt_icmp_type(p, data_end) == ICMP_ECHO;
}

/*
 * Why a pod's packet cannot leave as it is: a later fragment whose first
 * was not seen, a protocol without ports, or an ICMP error not sent to its
 * quoted packet's source (the kernel's conntrack calls it INVALID and NATs
 * nothing; kube-proxy's KUBE-FORWARD chain drops INVALID packets).
 */
static __always_inline bool pod_untranslatable(int reason)
{
	return reason == DPLAB_CNT_PASS_FRAGMENT || reason == DPLAB_CNT_PASS_UNKNOWN_PROTO ||
	       reason == DPLAB_CNT_PASS_ICMP_UNRELATED;
}

/* Nothing to translate a pod's leaving packet by: dropped, counted. */
static __always_inline int snat_untranslatable(const struct dp_maps *m, enum dplab_counter why)
{
	dp_count(m, why);
	return TC_ACT_SHOT;
}

/* The mapping of a new flow from a pod (or the node) p; the verdict when none. */
static __always_inline int masq_flow_new(struct __sk_buff *skb, const struct dp_maps *m,
					 const struct pkt_v4 *p, const struct snat_ports *ports,
					 __be16 *port)
{
	int err;

	if (!snat_opens_flow(p, tc_data_end(skb)))
		return snat_untranslatable(m, DPLAB_CNT_DROP_NAT_NO_MAPPING);
	err = snat_flow_create(m, p, node_ip, ports, port);
	if (err)
		return snat_untranslatable(m, err == -ENOSPC ? DPLAB_CNT_DROP_NAT_NO_PORT :
								DPLAB_CNT_DROP_MAP_UPDATE);
	dp_count(m, DPLAB_CNT_CT_NEW);
	if (*port != p->t.sport)
		dp_count(m, DPLAB_CNT_NAT_PORT_REMAPPED);
	return 0;
}

/* At the uplink's egress; parsed: parse_v4_any()'s result for p. */
static __always_inline int masq_snat_step(struct __sk_buff *skb, const struct dp_maps *m,
					  struct pkt_v4 *p, int parsed)
{
	struct snat_ports ports = { .min = port_min, .max = port_max, .retries = max_retries };
	int reason = flow_reason(m, p, parsed), verdict;
	struct dplab_lb_ct *e;
	__be32 addr = node_ip;
	__be16 port;

	if (reason && from_pod_leaving(p) && pod_untranslatable(reason))
		return snat_untranslatable(m, reason == DPLAB_CNT_PASS_FRAGMENT ?
					      DPLAB_CNT_DROP_FRAG_UNKNOWN :
					      DPLAB_CNT_DROP_NAT_NO_MAPPING);
	if (reason)
		return tc_unparsed(m->counters, reason);
	if (!from_pod_leaving(p) && !from_node_in_range(p, &ports)) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	e = snat_lookup(m, p);
	if (e && (e->flags & DPLAB_SNAT_F_INBOUND)) {
		dp_count(m, DPLAB_CNT_PASS_INBOUND);
		return TC_ACT_NEXT;
	}
	if (e) {
		addr = e->addr;
		port = e->port;
	} else {
		verdict = masq_flow_new(skb, m, p, &ports, &port);
		if (verdict)
			return verdict;
	}
	return tc_nat_v4_verdict(skb, m, p, false, addr, port, DPLAB_CNT_REWRITE);
}

/* Replies to node_ip (reverse keys); ICMP only as echo replies or errors. */
static __always_inline bool to_node_reply(const struct pkt_v4 *p, void *data_end)
{
	if (p->t.daddr != node_ip)
		return false;
	if (p->icmp_err)
		return p->ip->daddr == node_ip;
	/* A request with id 0 has the tuple of a reply. */
	return p->t.proto != IPPROTO_ICMP || pkt_icmp_type(p, data_end) == ICMP_ECHOREPLY;
}

/* At the uplink's ingress; parsed: parse_v4_any()'s result for p. */
static __always_inline int masq_rev_snat_step(struct __sk_buff *skb, const struct dp_maps *m,
					      struct pkt_v4 *p, int parsed)
{
	int reason = flow_reason(m, p, parsed);
	struct dplab_lb_ct *e;

	if (reason)
		return tc_unparsed(m->counters, reason);
	if (in_cidr(p->t.daddr, pod_cidr_addr, pod_cidr_prefix) && !in_cluster(p->t.saddr) &&
	    p->t.saddr != node_ip) {
		snat_note_inbound(m, p, tc_data_end(skb));
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	if (!to_node_reply(p, tc_data_end(skb))) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	e = ct_lookup_pair(m, m->ct, m->rev, p, &p->t);
	if (!e || (e->flags & DPLAB_SNAT_F_INBOUND)) {
		dp_count(m, DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return tc_nat_v4_verdict(skb, m, p, true, e->addr, e->port, DPLAB_CNT_REV_NAT);
}

#endif /* DPLAB_LIB_MASQ_H */
