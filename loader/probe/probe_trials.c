// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab probe trials: attach a pass-through program by each mechanism and
 * detach it again, recording OK / FAILED (errno, the kernel's message) /
 * SKIPPED (why).  This file loads the probe skeleton once, runs the XDP
 * bpf_link and netlink trials and calls the libxdp and tc trials
 * (probe_trials_libxdp.c, probe_trials_tc.c).
 *
 * Nothing is ever replaced: every XDP trial is skipped while any XDP
 * program is attached, tcx only appends, and legacy tc lets the kernel
 * pick a free priority and handle.  Each trial removes what it attached.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util/log.h"
#include "probe/probe.h"
#include "probe/probe_trials.h"
#include "attach/xdp_errmsg.h"
#include "probe.skel.h"

void trial_skipped(struct probe_trial *t, const char *fmt, ...)
{
	va_list ap;

	t->outcome = OUTCOME_SKIPPED;
	va_start(ap, fmt);
	vsnprintf(t->note, sizeof(t->note), fmt, ap);
	va_end(ap);
}

static bool is_xdp_trial(enum probe_trial_id id)
{
	return id <= TRIAL_XDP_LIBXDP_NATIVE;
}

static const char *xdp_attached_name(__u32 mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offloaded";
	}
	return "unknown mode";
}

static void describe_existing_xdp(const struct probe_attached *a,
				  char *buf, size_t len)
{
	char by[48];

	if (a->xdp_attached == XDP_ATTACHED_MULTI) {
		snprintf(buf, len, "XDP programs already attached (native id %u, generic id %u, offloaded id %u)",
			 a->xdp_drv_prog_id, a->xdp_skb_prog_id,
			 a->xdp_hw_prog_id);
		return;
	}
	if (a->xdp_link_id)
		snprintf(by, sizeof(by), "bpf_link id %u", a->xdp_link_id);
	else if (a->xdp_owner_unknown)
		snprintf(by, sizeof(by), "an owner unreadable without CAP_SYS_ADMIN");
	else
		snprintf(by, sizeof(by), "netlink");
	snprintf(buf, len, "XDP program id %u already attached (%s, by %s%s)",
		 a->xdp_prog_id, xdp_attached_name(a->xdp_attached), by,
		 a->libxdp_dispatcher ? ", libxdp dispatcher" : "");
}

/* Mark what the kernel or the interface's state rules out. */
/* This process holds capability cap (effective); true when it cannot tell. */
static bool has_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return true;
	return d[cap / 32].effective & (1U << (cap % 32));
}

static void mark_skipped(const struct probe_facts *f, struct probe_trials *tr)
{
	char existing[PROBE_MSG - 64];
	int id;

	/* libxdp finds its attached program again by id to detach it
	 * (BPF_PROG_GET_FD_BY_ID): without CAP_SYS_ADMIN it cannot, and the
	 * program stays on the interface (seen with NET_ADMIN, BPF, PERFMON). */
	if (!has_cap(CAP_SYS_ADMIN))
		trial_skipped(&tr->t[TRIAL_XDP_LIBXDP_NATIVE],
			      "libxdp needs CAP_SYS_ADMIN to detach what it attached, and this "
			      "process lacks it: not tried, so nothing is left attached");

	if (!f->kernel.xdp_link) {
		trial_skipped(&tr->t[TRIAL_XDP_NATIVE_LINK], "XDP bpf_link needs kernel >= 5.9");
		trial_skipped(&tr->t[TRIAL_XDP_GENERIC_LINK], "XDP bpf_link needs kernel >= 5.9");
	}
	if (!f->kernel.tcx)
		trial_skipped(&tr->t[TRIAL_TC_TCX], "tcx needs kernel >= 6.6");
	if (f->attached.xdp_attached == XDP_ATTACHED_NONE)
		return;
	describe_existing_xdp(&f->attached, existing, sizeof(existing));
	for (id = 0; id < TRIAL_COUNT; id++)
		if (is_xdp_trial(id) && tr->t[id].outcome == OUTCOME_NOT_RUN)
			trial_skipped(&tr->t[id], "%s; the probe does not replace an existing attachment",
				      existing);
}

static void mark_not_run_failed(struct probe_trials *tr, int err, const char *why)
{
	int id;

	for (id = 0; id < TRIAL_COUNT; id++) {
		if (tr->t[id].outcome != OUTCOME_NOT_RUN)
			continue;
		trial_failed(&tr->t[id], err);
		trial_note(&tr->t[id], "%s", why);
	}
}

static int open_and_load(struct probe_bpf **out)
{
	struct probe_bpf *skel;
	int err;

	skel = probe_bpf__open();
	if (!skel)
		return -errno;
	/* The attach-failure capture has its own instance (xdp_errmsg.c). */
	bpf_program__set_autoload(skel->progs.probe_xdp_link_attach_failed, false);
	err = probe_bpf__load(skel);
	if (err) {
		probe_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

static void report_link_errmsg(const struct xdp_errmsg *link_errmsg, struct probe_trial *t)
{
	char msg[PROBE_MSG];

	if (xdp_errmsg_read(link_errmsg, msg, sizeof(msg)))
		snprintf(t->kernel_msg, sizeof(t->kernel_msg), "%s", msg);
	else
		trial_note(t, "%s", msg);
}

/* bpf_link_create in exactly this mode (bpf_program__attach_xdp picks one). */
static void trial_xdp_link(const struct trial_env *env, struct xdp_errmsg *link_errmsg,
			   __u32 mode_flag, struct probe_trial *t)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = mode_flag);
	int link_fd;

	xdp_errmsg_clear(link_errmsg);
	link_fd = bpf_link_create(bpf_program__fd(env->xdp_prog), env->f->ifindex,
				  BPF_XDP, &opts);
	if (link_fd < 0) {
		trial_failed(t, link_fd);
		report_link_errmsg(link_errmsg, t);
		return;
	}
	trial_ok(t);
	close(link_fd);	/* the only reference: detaches */
}

static void trial_xdp_netlink(const struct trial_env *env, __u32 mode_flag,
			      struct probe_trial *t)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int prog_fd = bpf_program__fd(env->xdp_prog);
	int ifindex = env->f->ifindex;
	int err;

	log_capture_begin();
	err = bpf_xdp_attach(ifindex, prog_fd, mode_flag | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err)
		log_capture_extack(t->kernel_msg, sizeof(t->kernel_msg));
	log_capture_end();
	if (err) {
		trial_failed(t, err);
		return;
	}
	trial_ok(t);
	/* Only if it is still ours. */
	opts.old_prog_fd = prog_fd;
	err = bpf_xdp_detach(ifindex, mode_flag | XDP_FLAGS_REPLACE, &opts);
	if (err) {
		log_err("probe: %s: detaching XDP program %s: %s\n", env->f->ifname,
			bpf_program__name(env->xdp_prog), errno_name(err));
		trial_note(t, "detaching it failed: %s", errno_name(err));
	}
}

/* A safety net: after the XDP trials the interface must be as found. */
static void check_xdp_detached(const struct trial_env *env)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err;

	if (env->f->attached.xdp_attached != XDP_ATTACHED_NONE)
		return;	/* the trials were skipped */
	err = bpf_xdp_query(env->f->ifindex, 0, &q);
	if (err || q.attach_mode == XDP_ATTACHED_NONE)
		return;
	log_err("probe: %s: XDP program id %u is attached after the trials, none was when the facts were read\n",
		env->f->ifname, q.prog_id);
}

static const struct {
	enum probe_trial_id id;
	__u32 mode_flag;
	bool link;
} xdp_trials[] = {
	{ TRIAL_XDP_NATIVE_LINK, XDP_FLAGS_DRV_MODE, true },
	{ TRIAL_XDP_NATIVE_NETLINK, XDP_FLAGS_DRV_MODE, false },
	{ TRIAL_XDP_GENERIC_LINK, XDP_FLAGS_SKB_MODE, true },
	{ TRIAL_XDP_GENERIC_NETLINK, XDP_FLAGS_SKB_MODE, false },
};

static void run_xdp_trials(const struct trial_env *env, struct xdp_errmsg *link_errmsg,
			   struct probe_trials *tr)
{
	size_t i;

	for (i = 0; i < sizeof(xdp_trials) / sizeof(xdp_trials[0]); i++) {
		struct probe_trial *t = &tr->t[xdp_trials[i].id];

		if (t->outcome != OUTCOME_NOT_RUN)
			continue;
		if (xdp_trials[i].link)
			trial_xdp_link(env, link_errmsg, xdp_trials[i].mode_flag, t);
		else
			trial_xdp_netlink(env, xdp_trials[i].mode_flag, t);
	}
	probe_trials_link_msgs(tr);
	if (tr->t[TRIAL_XDP_LIBXDP_NATIVE].outcome == OUTCOME_NOT_RUN)
		probe_trial_libxdp(env, &tr->t[TRIAL_XDP_LIBXDP_NATIVE]);
	check_xdp_detached(env);
}

int probe_run_trials(const struct probe_facts *f, struct probe_trials *tr)
{
	struct xdp_errmsg link_errmsg;
	struct trial_env env = { .f = f };
	struct probe_bpf *skel = NULL;
	char why[PROBE_MSG];
	int err;

	memset(tr, 0, sizeof(*tr));
	if (f->ifindex <= 0)
		return -EINVAL;
	mark_skipped(f, tr);

	xdp_errmsg_open(&link_errmsg);
	err = open_and_load(&skel);
	if (err) {
		snprintf(why, sizeof(why), "loading the probe's BPF programs failed: %s",
			 errno_name(err));
		log_err("probe: %s\n", why);
		mark_not_run_failed(tr, err, why);
		goto out;
	}
	env.xdp_prog = skel->progs.xdp_pass;
	env.tc_prog = skel->progs.tc_pass;

	run_xdp_trials(&env, &link_errmsg, tr);
	probe_trials_tc(&env, tr);
out:
	probe_bpf__destroy(skel);
	xdp_errmsg_close(&link_errmsg);
	return err;
}
