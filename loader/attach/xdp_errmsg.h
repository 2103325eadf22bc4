/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel's reason for a failed XDP bpf_link attach.  bpf_link_create
 * returns only an errno: the message the netlink path puts in its extack
 * goes to the xdp:bpf_xdp_link_attach_failed tracepoint instead (kernel
 * >= 6.6), where the tp_btf program of datapath/probe.bpf.c copies it for
 * this process only.  Shared by the probe's trials and attach.c:
 *
 *   xdp_errmsg_open(&c);
 *   xdp_errmsg_clear(&c);  bpf_link_create(...) fails;  xdp_errmsg_read(&c, ...);
 *   xdp_errmsg_close(&c);
 */
#ifndef DPLAB_LOADER_XDP_ERRMSG_H
#define DPLAB_LOADER_XDP_ERRMSG_H

#include <stdbool.h>
#include <stddef.h>

struct probe_bpf;

struct xdp_errmsg {
	struct probe_bpf *skel;		/* NULL: no capture, why_not says why */
	char why_not[128];
};

/* Load and attach the capture; never fails (without it, why_not is set). */
void xdp_errmsg_open(struct xdp_errmsg *c);
/* Forget what was captured: call right before the attach. */
void xdp_errmsg_clear(struct xdp_errmsg *c);
/*
 * After a failed attach: true with buf = the kernel's message, or false
 * with buf = why there is none ("the kernel gave no message", why_not).
 */
bool xdp_errmsg_read(const struct xdp_errmsg *c, char *buf, size_t len);
void xdp_errmsg_close(struct xdp_errmsg *c);

#endif /* DPLAB_LOADER_XDP_ERRMSG_H */
