/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Attaching loaded programs the way a production agent does, so that they
 * outlive the dplab process:
 *   XDP:  bpf_link first (pinned), netlink as the fallback, or libxdp;
 *   tc:   a tcx link first (pinned), legacy clsact + cls_bpf as the fallback;
 *   cgroup sock_addr programs: a bpf_link (pinned).
 * "auto" records which mechanism won and why the first one failed (errno
 * name and the kernel's message where there is one).
 *
 * Every attachment is described by a struct attachment, which is enough to
 * detach it later from another process (`dplab set`, `dplab down`): the
 * pin of its link, or the netlink handle/priority/mode of a legacy one.
 * They are saved as one line each in /run/dplab/<topo>/attachments.
 *
 * All calls act in the calling thread's current network namespace (enter
 * the node's namespace first, netns.h); cgroup hooks ignore it.  For a
 * device hook the namespace named (ns) must be the current one (-EXDEV),
 * and an attachment whose namespace is gone counts as detached.
 */
#ifndef DPLAB_LOADER_ATTACH_H
#define DPLAB_LOADER_ATTACH_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include <linux/types.h>

#include "cluster/knobs.h"

enum attach_hook {
	HOOK_XDP,
	HOOK_TC_INGRESS,
	HOOK_TC_EGRESS,
	HOOK_CGROUP_CONNECT4,
	HOOK_CGROUP_SENDMSG4,
	HOOK_CGROUP_RECVMSG4,
	HOOK_CGROUP_GETPEERNAME4,
	HOOK_CGROUP_CONNECT6,		/* IPv6 sockets (sock_lb: v4-mapped VIPs) */
	HOOK_CGROUP_RECVMSG6,
	HOOK_CGROUP_GETPEERNAME6,
};

enum attach_mechanism {
	MECH_XDP_LINK,
	MECH_XDP_NETLINK,
	MECH_XDP_LIBXDP,
	MECH_TCX,
	MECH_TC_LEGACY,
	MECH_CGROUP_LINK,
};

struct attach_request {
	const char *ns;			/* ip netns name the thread is in, or "" */
	const char *ifname;		/* device; for cgroup hooks the cgroup dir */
	enum attach_hook hook;
	int prog_fd;
	const char *prog_name;		/* for status and messages */
	/*
	 * Two words, two things: the XDP *mode* is native or generic (where
	 * the kernel runs the program); the *mechanism* is how it is
	 * attached (bpf_link, netlink, libxdp), chosen by a knob.
	 */
	bool xdp_generic;		/* XDP mode: generic (skb) instead of native */
	enum xdp_attach_knob xdp_mechanism;	/* XDP: which mechanism(s) to try */
	enum tc_attach_mode tc_mechanism;	/* tc: which mechanism(s) to try */
	__u32 tc_priority;		/* legacy tc: this filter's priority; the
					 * caller gives chain order (1, 2, ...) */
	const char *pin_path;		/* where to pin the link, if one is made */
};

/*
 * Bounds of what an attachment names, sized to what they hold rather than
 * PATH_MAX (a cluster keeps HOOK_PLAN_MAX attachments): the target is an
 * interface name or a cgroup directory (<cgroup root>/dplab/<topology>/
 * <node>); a pin is DPLAB_PIN_DIR/<topology>/links/<ns>_<dev>_<hook>_<prog>.
 * Longer ones are refused with ENAMETOOLONG, never cut.
 */
#define ATTACH_TARGET_LEN 256
#define ATTACH_PIN_LEN 256

struct attachment {
	char ns[64];
	char ifname[ATTACH_TARGET_LEN];
	enum attach_hook hook;
	enum attach_mechanism mech;
	char prog_name[64];
	__u32 prog_id;
	char pin[ATTACH_PIN_LEN];	/* link pin, "" when none */
	__u32 xdp_flags;		/* XDP: the mode flag used (any mechanism) */
	__u32 tc_handle, tc_priority;	/* legacy tc */
	char fallback[512];		/* auto: why the preferred mechanism
					 * failed, "" when it did not */
};

/* 0, or -errno with err naming the device, program, hook and reason. */
int attach_prog(const struct attach_request *req, struct attachment *a, char *err, size_t err_len);

/* Detach (unpin the link, or detach by netlink); gone already is fine. */
int attach_detach(const struct attachment *a, char *err, size_t err_len);

const char *attach_hook_name(enum attach_hook h);	/* "xdp", "tc-ingress", ... */
const char *attach_mech_name(enum attach_mechanism m);	/* "link", "netlink", "libxdp", "tcx", "legacy", "cgroup-link" */

/* One line per attachment; load returns how many were read or -errno. */
int attach_save(const char *path, const struct attachment *a, int n);
int attach_load(const char *path, struct attachment *a, int max);

#endif /* DPLAB_LOADER_ATTACH_H */
