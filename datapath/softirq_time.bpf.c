// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Instrument of `dplab run` (not a datapath program): the time each CPU
 * spends in the network softirqs (NET_RX, NET_TX), where every veth hop,
 * routing, netfilter, and dplab's tc and XDP programs run for the packets
 * of a stream.  The runner reads the per-CPU sums before and after a
 * workload: CPU cost per packet = their difference / packets sent.
 *
 * A soaker thread (counting its loop turns against the idle rate) cannot
 * do this on this VM: its two vCPUs share a core, and the generator
 * spinning on one slows the soaker on the other by up to a third.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define NET_TX 2	/* NET_TX_SOFTIRQ */
#define NET_RX 3	/* NET_RX_SOFTIRQ */

/* Per CPU: [0] when the running network softirq began (0: none), [1] the sum. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} softirq_ns SEC(".maps");

static __always_inline bool net_vec(unsigned int vec)
{
	return vec == NET_RX || vec == NET_TX;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(net_softirq_entry, unsigned int vec_nr)
{
	__u32 k = 0;
	__u64 *start;

	if (!net_vec(vec_nr))
		return 0;
	start = bpf_map_lookup_elem(&softirq_ns, &k);
	if (start)
		*start = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(net_softirq_exit, unsigned int vec_nr)
{
	__u32 k0 = 0, k1 = 1;
	__u64 *start, *sum;

	if (!net_vec(vec_nr))
		return 0;
	start = bpf_map_lookup_elem(&softirq_ns, &k0);
	sum = bpf_map_lookup_elem(&softirq_ns, &k1);
	if (start && sum && *start) {
		*sum += bpf_ktime_get_ns() - *start;
		*start = 0;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
