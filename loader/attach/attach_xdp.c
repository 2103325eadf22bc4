// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP by each mechanism: a pinned bpf_link (its failure explained by the
 * kernel's message from xdp:bpf_xdp_link_attach_failed, xdp_errmsg.h), by
 * netlink (the extack), or by libxdp (through its dispatcher where it can
 * build one; else it loads the program directly, and a->fallback says
 * so).  Nothing is ever replaced: netlink attaches with
 * XDP_FLAGS_UPDATE_IF_NOEXIST, and a link fails while any program is on
 * the device.  Detaching by netlink names the program it expects
 * (XDP_FLAGS_REPLACE), so only ours is ever removed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "attach/attach_int.h"
#include "attach/libxdp_report.h"
#include "util/log.h"
#include "attach/xdp_errmsg.h"

#define KERNEL_MSG_LEN 256

int attach_xdp_link(const struct attach_target *t, struct attachment *a,
		    char *why, size_t len)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = t->xdp_mode_flag);
	const char *pin = t->req->pin_path;
	struct xdp_errmsg link_errmsg;
	char msg[KERNEL_MSG_LEN];
	int link_fd, err;

	err = link_pin_prepare(pin, why, len);
	if (err)
		return err;
	xdp_errmsg_open(&link_errmsg);
	xdp_errmsg_clear(&link_errmsg);
	link_fd = bpf_link_create(t->req->prog_fd, t->ifindex, BPF_XDP, &opts);
	if (link_fd < 0) {
		xdp_errmsg_read(&link_errmsg, msg, sizeof(msg));
		attach_why(why, len, link_fd, msg);
		err = link_fd;
		goto out;
	}
	err = link_pin_and_close(link_fd, pin, why, len);
	if (err)
		goto out;
	snprintf(a->pin, sizeof(a->pin), "%s", pin);
	a->xdp_flags = t->xdp_mode_flag;
out:
	xdp_errmsg_close(&link_errmsg);
	return err;
}

int attach_xdp_netlink(const struct attach_target *t, struct attachment *a,
		       char *why, size_t len)
{
	char extack[KERNEL_MSG_LEN] = "";
	int err;

	log_capture_begin();
	err = bpf_xdp_attach(t->ifindex, t->req->prog_fd,
			     t->xdp_mode_flag | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err)
		log_capture_extack(extack, sizeof(extack));
	log_capture_end();
	if (err) {
		attach_why(why, len, err, extack);
		return err;
	}
	a->xdp_flags = t->xdp_mode_flag;
	return 0;
}

int detach_xdp_netlink(const struct attachment *a, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	char extack[KERNEL_MSG_LEN] = "";
	int ifindex, prog_fd, err;

	ifindex = attach_device(a, why, len);
	if (ifindex <= 0)
		return ifindex;	/* 0: the device is gone, and with it the program */
	prog_fd = bpf_prog_get_fd_by_id(a->prog_id);
	if (prog_fd == -ENOENT)
		return 0;	/* the program is gone: it is attached nowhere */
	if (prog_fd < 0) {
		snprintf(why, len, "opening program id %u: %s", a->prog_id, errno_name(prog_fd));
		return prog_fd;
	}
	opts.old_prog_fd = prog_fd;
	log_capture_begin();
	err = bpf_xdp_detach(ifindex, a->xdp_flags | XDP_FLAGS_REPLACE, &opts);
	if (err)
		log_capture_extack(extack, sizeof(extack));
	log_capture_end();
	close(prog_fd);
	if (err == -EEXIST) {
		/* "Active program does not match expected": ours is not there. */
		log_debug("attach: %s: program %u is no longer attached (%s); nothing to detach\n",
			  a->ifname, a->prog_id, extack);
		return 0;
	}
	if (err)
		attach_why(why, len, err, extack);
	return err;
}

static enum xdp_attach_mode libxdp_mode(__u32 xdp_mode_flag)
{
	return xdp_mode_flag == XDP_FLAGS_SKB_MODE ? XDP_MODE_SKB : XDP_MODE_NATIVE;
}

int attach_xdp_libxdp(const struct attach_target *t, struct attachment *a,
		      char *why, size_t len)
{
	char extack[KERNEL_MSG_LEN] = "", msgs[KERNEL_MSG_LEN];
	struct xdp_program *prog;
	size_t used;
	int err;

	/* libxdp works on its own duplicate of the fd. */
	prog = xdp_program__from_fd(t->req->prog_fd);
	err = libxdp_get_error(prog);
	if (err) {
		snprintf(why, len, "libxdp cannot use the program: %s", errno_name(err));
		return err;
	}
	log_capture_begin();
	err = xdp_program__attach(prog, t->ifindex, libxdp_mode(t->xdp_mode_flag), 0);
	if (err)
		log_capture_extack(extack, sizeof(extack));
	libxdp_report_messages(msgs, sizeof(msgs));
	log_capture_end();
	if (err) {
		attach_why(why, len, err, extack);
		used = strlen(why);
		if (msgs[0])
			snprintf(why + used, len - used, "; libxdp: %s", msgs);
		goto out;
	}
	a->xdp_flags = t->xdp_mode_flag;
	/* Through the dispatcher is what libxdp is for; anything else is said. */
	if (libxdp_report_how_loaded(t->ifindex, msgs, a->fallback, sizeof(a->fallback)) == 1)
		a->fallback[0] = '\0';
out:
	xdp_program__close(prog);
	return err;
}

int detach_xdp_libxdp(const struct attachment *a, char *why, size_t len)
{
	struct xdp_program *prog;
	char msgs[KERNEL_MSG_LEN];
	int ifindex, err;

	ifindex = attach_device(a, why, len);
	if (ifindex <= 0)
		return ifindex;
	prog = xdp_program__from_id(a->prog_id);
	err = libxdp_get_error(prog);
	if (err == -ENOENT)
		return 0;
	if (err) {
		snprintf(why, len, "libxdp cannot open program id %u: %s", a->prog_id,
			 errno_name(err));
		return err;
	}
	log_capture_begin();
	err = xdp_program__detach(prog, ifindex, libxdp_mode(a->xdp_flags), 0);
	libxdp_report_messages(msgs, sizeof(msgs));
	log_capture_end();
	xdp_program__close(prog);
	if (err == -ENOENT) {
		log_debug("attach: %s: libxdp finds program %u no longer attached (%s)\n",
			  a->ifname, a->prog_id, msgs);
		return 0;
	}
	if (err)
		snprintf(why, len, "%s%s%s", errno_name(err), msgs[0] ? "; libxdp: " : "", msgs);
	return err;
}
