/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Shared between datapath/probe.bpf.c and the loader's probe. */
#ifndef DPLAB_PROBE_H
#define DPLAB_PROBE_H

/* Room for the message of xdp:bpf_xdp_link_attach_failed (kernel >= 6.6). */
#define DPLAB_XDP_ATTACH_MSG_LEN 256

#endif /* DPLAB_PROBE_H */
