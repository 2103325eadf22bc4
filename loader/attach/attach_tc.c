// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tc by each mechanism.  tcx: a pinned link appended at the end of the
 * hook's programs, so the caller orders a hook's chain by attaching in
 * order.  Legacy: a direct-action cls_bpf filter on the clsact qdisc
 * (added when absent) at the caller's priority, the kernel picking the
 * handle.  Detaching a legacy filter leaves the qdisc (other filters may
 * use it) and removes the filter only while it still runs our program;
 * only a qdisc added for a filter that then failed is removed again.
 */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach/attach_int.h"
#include "util/log.h"

#define KERNEL_MSG_LEN 256
#define TC_PRIORITY_MAX 0xffff

static bool is_ingress(enum attach_hook hook)
{
	return hook == HOOK_TC_INGRESS;
}

int attach_tcx(const struct attach_target *t, struct attachment *a, char *why, size_t len)
{
	const struct attach_request *req = t->req;
	int err;

	/* No BPF_F_BEFORE/AFTER: appended after the hook's last program. */
	err = link_create_pinned(req->prog_fd, t->ifindex,
				 is_ingress(req->hook) ? BPF_TCX_INGRESS : BPF_TCX_EGRESS,
				 0, req->pin_path, why, len);
	if (!err)
		snprintf(a->pin, sizeof(a->pin), "%s", req->pin_path);
	return err;
}

/* "STEP: ERRNO (extack)" */
static void step_failed(char *why, size_t len, const char *step, int err, const char *extack)
{
	int n = snprintf(why, len, "%s: ", step);

	if (n > 0 && (size_t)n < len)
		attach_why(why + n, len - n, err, extack);
}

int attach_tc_legacy(const struct attach_target *t, struct attachment *a,
		     char *why, size_t len)
{
	const struct attach_request *req = t->req;
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = t->ifindex,
		    .attach_point = is_ingress(req->hook) ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	/* handle 0: the kernel picks; no BPF_TC_F_REPLACE: never replaces. */
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = req->prog_fd, .priority = req->tc_priority);
	char extack[KERNEL_MSG_LEN] = "";
	bool created_clsact;
	int err;

	if (req->tc_priority > TC_PRIORITY_MAX) {
		snprintf(why, len, "priority %u is above %u (EINVAL)", req->tc_priority,
			 TC_PRIORITY_MAX);
		return -EINVAL;
	}
	log_capture_begin();
	err = bpf_tc_hook_create(&hook);
	created_clsact = !err;
	if (err && err != -EEXIST) {
		log_capture_extack(extack, sizeof(extack));
		step_failed(why, len, "adding the clsact qdisc", err, extack);
		goto out;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		log_capture_extack(extack, sizeof(extack));
		attach_why(why, len, err, extack);
		/* Both points: the qdisc itself, empty but for what failed. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		if (created_clsact)
			bpf_tc_hook_destroy(&hook);
		goto out;
	}
	a->tc_handle = opts.handle;
	a->tc_priority = opts.priority;
out:
	log_capture_end();
	return err;
}

int detach_tc_legacy(const struct attachment *a, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = attach_device(a, why, len),
		    .attach_point = is_ingress(a->hook) ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, query, .handle = a->tc_handle, .priority = a->tc_priority);
	LIBBPF_OPTS(bpf_tc_opts, filter, .handle = a->tc_handle, .priority = a->tc_priority);
	char extack[KERNEL_MSG_LEN] = "", step[64];
	int err;

	if (hook.ifindex <= 0)
		return hook.ifindex;	/* 0: the device is gone, and its filters */
	snprintf(step, sizeof(step), "filter handle %#x pref %u", a->tc_handle, a->tc_priority);
	log_capture_begin();
	err = bpf_tc_query(&hook, &query);
	if (err == -ENOENT || err == -EINVAL) {
		/* No such filter, or no clsact qdisc any more. */
		err = 0;
		goto out;
	}
	if (err) {
		log_capture_extack(extack, sizeof(extack));
		step_failed(why, len, step, err, extack);
		goto out;
	}
	if (query.prog_id != a->prog_id) {
		log_debug("attach: %s: %s runs program %u, not %u; left alone\n",
			  a->ifname, step, query.prog_id, a->prog_id);
		goto out;
	}
	err = bpf_tc_detach(&hook, &filter);
	if (err) {
		log_capture_extack(extack, sizeof(extack));
		step_failed(why, len, step, err, extack);
	}
out:
	log_capture_end();
	return err;
}
