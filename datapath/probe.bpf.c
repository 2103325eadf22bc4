// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Programs of `dplab probe`: pass-through XDP and tc programs to attach by
 * each mechanism, and a tp_btf program that captures the kernel's reason
 * when an XDP bpf_link attach fails (xdp:bpf_xdp_link_attach_failed, >= 6.6).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "dplab/probe.h"

/*
 * TC_ACT_UNSPEC (= TCX_NEXT): go on to the next program or filter.  With
 * TC_ACT_OK the probe would end the hook's chain while it is attached, so
 * programs behind it (a later tcx program, the legacy clsact filters after
 * tcx, filters of lower priority) would be skipped for those packets.
 */
#define TC_ACT_UNSPEC (-1)

/* Only this process's failures are recorded (set by the loader). */
const volatile __u32 target_tgid;

/* Written by the tracepoint; read and cleared by the loader. */
__u32 attach_failed_count;
char attach_failed_msg[DPLAB_XDP_ATTACH_MSG_LEN];

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* tc/ingress: expected attach type BPF_TCX_INGRESS (legacy tc ignores it). */
SEC("tc/ingress")
int tc_pass(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

SEC("tp_btf/bpf_xdp_link_attach_failed")
int BPF_PROG(probe_xdp_link_attach_failed, const char *msg)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	bpf_probe_read_kernel_str(attach_failed_msg, sizeof(attach_failed_msg), msg);
	attach_failed_count++;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
