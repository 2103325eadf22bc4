// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reflector for the packet generator, on a far-end pod's interface:
 *
 *   xdp_reflector  every IPv4 UDP/TCP frame goes back where it came from
 *                  (XDP_TX) with its MACs, IP addresses and ports swapped,
 *                  so the generator's receiver counts it at line rate.
 *   tc_reflector   the same at tc ingress, sent back out of the interface
 *                  it came in on (bpf_redirect to its egress).  Used where
 *                  frames reach a pod without passing its veth's XDP hook:
 *                  bpf_redirect_peer (BPF host routing) delivers straight
 *                  to the pod's ingress, which only tc sees.
 *
 * Swapping source and destination permutes the words the IP and L4
 * checksums are summed over, so both checksums stay right as they are.
 * With only_udp_dport set, only UDP to that port is reflected; everything
 * else, and whatever parse_v4() does not accept, is passed untouched (a
 * truncated header is dropped).  ICMP goes to the stack, which answers it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/l2.h"
#include "lib/parse.h"
#include "lib/verdict.h"

/* Set by the loader before load: network order; 0 reflects all UDP and TCP. */
const volatile __be16 only_udp_dport;

static __always_inline bool reflected(const struct pkt_v4 *p)
{
	if (p->t.proto != IPPROTO_UDP && p->t.proto != IPPROTO_TCP)
		return false;
	return !only_udp_dport ||
	       (p->t.proto == IPPROTO_UDP && p->t.dport == only_udp_dport);
}

/* L2, L3 and L4 addresses swapped in place; -1 if a header is cut short. */
static __always_inline int reflect(const struct pkt_v4 *p, void *data_end)
{
	struct iphdr *ip = p->ip;
	struct udphdr *ports = p->l4;	/* TCP's ports sit where UDP's do */

	if ((void *)(ip + 1) > data_end || (void *)(ports + 1) > data_end)
		return -1;
	eth_swap_macs(p->eth);
	ip->saddr = p->t.daddr;
	ip->daddr = p->t.saddr;
	ports->source = p->t.dport;
	ports->dest = p->t.sport;
	return 0;
}

SEC("xdp")
int xdp_reflector(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct pkt_v4 p = {};
	int reason;

	reason = parse_v4(data, data_end, &p);
	if (reason)
		return xdp_unparsed(&counters, reason);
	if (!reflected(&p)) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return XDP_PASS;
	}
	if (reflect(&p, data_end)) {
		count(DPLAB_CNT_DROP_TRUNCATED);
		return XDP_DROP;
	}
	count(DPLAB_CNT_TX);
	return XDP_TX;
}

SEC("tc/ingress")
int tc_reflector(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};
	int reason;

	reason = tc_parse_v4(skb, &p);
	if (reason)
		return tc_unparsed(&counters, reason);
	if (!reflected(&p)) {
		count(DPLAB_CNT_PASS_NO_MATCH);
		return TC_ACT_NEXT;
	}
	if (reflect(&p, tc_data_end(skb))) {
		count(DPLAB_CNT_DROP_TRUNCATED);
		return TC_ACT_SHOT;
	}
	count(DPLAB_CNT_TX);
	return bpf_redirect(skb->ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
