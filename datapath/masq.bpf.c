// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF masquerade (Cilium's bpf.masquerade=true), on a node's uplink:
 *   masq_snat      (tc egress)   flows from the pod CIDR to outside the
 *                                cluster CIDR leave with node_ip as source,
 *                                their port kept when free, else one of
 *                                [port_min, port_max];
 *   masq_rev_snat  (tc ingress)  replies to node_ip of such flows get the
 *                                pod's address and port back.
 * TCP, UDP and ICMP echo (the id is the port).  The flows live in the snat
 * map (lib/snat.h, include/dplab/nat.h).  Anything else passes untouched.
 * The section names give the tcx direction; legacy tc attaches them too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/nat.h"
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
const volatile __be32 node_ip;		/* the address flows leave with */
const volatile __u16 port_min = DPLAB_SNAT_PORT_MIN_DEFAULT;
const volatile __u16 port_max = DPLAB_SNAT_PORT_MAX_DEFAULT;
const volatile __u32 max_retries = DPLAB_SNAT_RETRIES_DEFAULT;

/* Pod traffic leaving the cluster; ICMP only as echo requests. */
static __always_inline bool snat_wanted(const struct pkt_v4 *p, void *data_end)
{
	if (!in_cidr(p->t.saddr, pod_cidr_addr, pod_cidr_prefix))
		return false;
	if (in_cidr(p->t.daddr, cluster_cidr_addr, cluster_cidr_prefix) ||
	    in_cidr(p->t.daddr, pod_cidr_addr, pod_cidr_prefix) || p->t.daddr == node_ip)
		return false;
	return p->t.proto != IPPROTO_ICMP || pkt_icmp_type(p, data_end) == ICMP_ECHO;
}

SEC("tc/egress")
int masq_snat(struct __sk_buff *skb)
{
	struct snat_ports ports = {
		.min = port_min,
		.max = port_max,
		.retries = max_retries,
	};
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	__be32 addr = node_ip;
	__be16 port;
	int reason, err;

	reason = tc_parse_v4(skb, &p);
	if (reason)
		return tc_unparsed(reason);
	if (!snat_wanted(&p, tc_data_end(skb))) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	e = snat_lookup(&p);
	if (e) {
		addr = e->addr;
		port = e->port;
	} else if (p.t.proto == IPPROTO_TCP && !pkt_is_tcp_syn(&p)) {
		/* Only a SYN opens a TCP mapping: anything else without one
		 * belongs to a connection opened from outside (a NodePort
		 * reply, say), which must leave with the pod's address. */
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	} else {
		err = snat_flow_create(&p, addr, &ports, &port);
		if (err) {
			count(err == -ENOSPC ? DPLAB_CNT_DROP_NAT_NO_PORT :
					       DPLAB_CNT_DROP_MAP_UPDATE);
			return TC_ACT_SHOT;
		}
		count(DPLAB_CNT_CT_NEW);
		if (port != p.t.sport)
			count(DPLAB_CNT_NAT_PORT_REMAPPED);
	}
	return tc_nat_v4_verdict(skb, &p, false, addr, port, DPLAB_CNT_REWRITE);
}

SEC("tc/ingress")
int masq_rev_snat(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};
	struct dplab_lb_ct *e;
	int reason;

	reason = tc_parse_v4(skb, &p);
	if (reason)
		return tc_unparsed(reason);
	/* Reverse entries are keyed to node_ip; ICMP only as echo replies
	 * (a request with id 0 has the tuple of a reply). */
	if (p.t.daddr != node_ip ||
	    (p.t.proto == IPPROTO_ICMP && pkt_icmp_type(&p, tc_data_end(skb)) != ICMP_ECHOREPLY)) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	e = ct_lookup(&snat, &p, &p.t);
	if (!e) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	return tc_nat_v4_verdict(skb, &p, true, e->addr, e->port, DPLAB_CNT_REV_NAT);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
