// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Capture of xdp:bpf_xdp_link_attach_failed (see xdp_errmsg.h).  Its own
 * instance of the probe skeleton in which only the tp_btf program loads,
 * filtered to this process by target_tgid.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>

#include "util/log.h"
#include "attach/xdp_errmsg.h"
#include "probe.skel.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* Why loading the tp_btf program failed, in the user's terms. */
static void load_failed_reason(int err, char *buf, size_t len)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (!uname(&u))
		sscanf(u.release, "%d.%d", &major, &minor);
	if (major && (major < 6 || (major == 6 && minor < 6)))
		snprintf(buf, len, "kernel message not available before 6.6");
	else if (access(VMLINUX_BTF, F_OK))
		snprintf(buf, len, "kernel message not available: no kernel BTF for the tp_btf program");
	else if (err == -ESRCH || err == -ENOENT)
		snprintf(buf, len, "kernel message not available: no bpf_xdp_link_attach_failed tracepoint");
	else
		snprintf(buf, len, "kernel message not available: the tracepoint program failed to load (%s)",
			 errno_name(err));
}

void xdp_errmsg_open(struct xdp_errmsg *c)
{
	struct bpf_program *prog;
	struct probe_bpf *skel;
	int err;

	memset(c, 0, sizeof(*c));
	skel = probe_bpf__open();
	if (!skel) {
		snprintf(c->why_not, sizeof(c->why_not),
			 "kernel message not available: opening the probe's BPF object failed (%s)",
			 errno_name(errno));
		return;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == skel->progs.probe_xdp_link_attach_failed);
	skel->rodata->target_tgid = getpid();
	/* Without the tracepoint libbpf's complaint is only a debug line. */
	log_capture_begin();
	err = probe_bpf__load(skel);
	log_capture_end();
	if (err) {
		load_failed_reason(err, c->why_not, sizeof(c->why_not));
		goto fail;
	}
	skel->links.probe_xdp_link_attach_failed =
		bpf_program__attach(skel->progs.probe_xdp_link_attach_failed);
	if (!skel->links.probe_xdp_link_attach_failed) {
		snprintf(c->why_not, sizeof(c->why_not),
			 "kernel message not available: attaching the tracepoint program failed (%s)",
			 errno_name(errno));
		goto fail;
	}
	c->skel = skel;
	return;
fail:
	log_debug("xdp_errmsg: %s\n", c->why_not);
	probe_bpf__destroy(skel);
}

void xdp_errmsg_clear(struct xdp_errmsg *c)
{
	if (!c->skel)
		return;
	c->skel->bss->attach_failed_count = 0;
	memset(c->skel->bss->attach_failed_msg, 0, sizeof(c->skel->bss->attach_failed_msg));
}

bool xdp_errmsg_read(const struct xdp_errmsg *c, char *buf, size_t len)
{
	const struct probe_bpf__bss *bss;

	if (!c->skel) {
		snprintf(buf, len, "%s", c->why_not);
		return false;
	}
	bss = c->skel->bss;
	if (!bss->attach_failed_count || !bss->attach_failed_msg[0]) {
		snprintf(buf, len, "the kernel gave no message");
		return false;
	}
	snprintf(buf, len, "%.*s", (int)sizeof(bss->attach_failed_msg), bss->attach_failed_msg);
	return true;
}

void xdp_errmsg_close(struct xdp_errmsg *c)
{
	probe_bpf__destroy(c->skel);
	c->skel = NULL;
}
