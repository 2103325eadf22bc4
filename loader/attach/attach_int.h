/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internal to attach.c, attach_link.c, attach_xdp.c and attach_tc.c: one
 * attach and one detach function per mechanism.
 *
 * An attach function attaches by its one mechanism and fills in its part
 * of *a (a->prog_id, names and hook are filled in already).  On failure
 * it returns -errno and writes why = "ERRNO (the kernel's message)" or
 * "STEP: ERRNO (...)" for the caller's message, which names the device,
 * program, hook and mechanism around it.  A detach function treats what
 * is gone already as detached; on failure why says what went wrong.
 */
#ifndef DPLAB_LOADER_ATTACH_INT_H
#define DPLAB_LOADER_ATTACH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "attach/attach.h"

#define WHY_LEN 512

struct attach_target {
	const struct attach_request *req;
	int ifindex;			/* device hooks; 0 for cgroup hooks */
	__u32 xdp_mode_flag;		/* XDP_FLAGS_DRV_MODE or _SKB_MODE */
};

/*
 * attach_link.c.  Before a link is made: mkdir -p the pin's directory,
 * which must be on a bpffs (-EPERM) and must not hold the pin (-EEXIST).
 */
int link_pin_prepare(const char *pin, char *why, size_t len);
/* Pin the link and close link_fd (without the pin the link goes with it). */
int link_pin_and_close(int link_fd, const char *pin, char *why, size_t len);
/* Both around bpf_link_create(). */
int link_create_pinned(int prog_fd, int target_fd, enum bpf_attach_type type, __u32 flags,
		       const char *pin, char *why, size_t len);
/* Detach the pinned link (also while an fd elsewhere holds it) and unpin. */
int link_detach_pinned(const char *pin, __u32 prog_id, char *why, size_t len);

int attach_cgroup_link(const struct attach_target *t, struct attachment *a,
		       char *why, size_t len);
int detach_link(const struct attachment *a, char *why, size_t len);

/* attach_xdp.c */
int attach_xdp_link(const struct attach_target *t, struct attachment *a,
		    char *why, size_t len);
int attach_xdp_netlink(const struct attach_target *t, struct attachment *a,
		       char *why, size_t len);
int attach_xdp_libxdp(const struct attach_target *t, struct attachment *a,
		      char *why, size_t len);
int detach_xdp_netlink(const struct attachment *a, char *why, size_t len);
int detach_xdp_libxdp(const struct attachment *a, char *why, size_t len);

/* attach_tc.c */
int attach_tcx(const struct attach_target *t, struct attachment *a, char *why, size_t len);
int attach_tc_legacy(const struct attach_target *t, struct attachment *a,
		     char *why, size_t len);
int detach_tc_legacy(const struct attachment *a, char *why, size_t len);

/* attach.c: lookups for the state file; -EINVAL for an unknown name. */
int attach_hook_by_name(const char *name);
int attach_mech_by_name(const char *name);
bool attach_mech_fits_hook(enum attach_mechanism m, enum attach_hook h);
/* The mechanism is a pinned link (a->pin names it). */
bool attach_mech_is_link(enum attach_mechanism m);

/*
 * Device hooks act in the thread's namespace, which must be ns: 0 (or none
 * named), -ENOENT (no such namespace), else -errno with why.
 */
int attach_check_in_netns(const char *ns, char *why, size_t len);

/*
 * ifindex of a->ifname; 0 when it or its namespace a->ns is gone, or
 * -EXDEV (why says so) when this thread is in another namespace.
 */
int attach_device(const struct attachment *a, char *why, size_t len);

/* "ERRNO" or "ERRNO (msg)" */
void attach_why(char *why, size_t len, int err, const char *msg);

#endif /* DPLAB_LOADER_ATTACH_INT_H */
