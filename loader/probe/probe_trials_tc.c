// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab probe: the tc trials at ingress.  tcx (a bpf_link, kernel >= 6.6)
 * appends to the hook's programs; legacy tc adds a cls_bpf filter to the
 * clsact qdisc (created only when there is none) with a priority and
 * handle the kernel picks, so neither replaces anything.  The probe's
 * program returns TC_ACT_UNSPEC, so what runs after it still runs.
 */
#include <errno.h>
#include <stdbool.h>
#include <bpf/libbpf.h>

#include "util/log.h"
#include "probe/probe.h"
#include "probe/probe_trials.h"

static void trial_tcx(const struct trial_env *env, struct probe_trial *t)
{
	struct bpf_link *link;

	/* The direction is the program's expected attach type (tc/ingress). */
	link = bpf_program__attach_tcx(env->tc_prog, env->f->ifindex, NULL);
	if (!link) {
		trial_failed(t, errno);
		return;
	}
	trial_ok(t);
	bpf_link__destroy(link);
}

static void detach_tc_filter(const struct trial_env *env, struct bpf_tc_hook *hook,
			     const struct bpf_tc_opts *attached, struct probe_trial *t)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = attached->handle,
		    .priority = attached->priority);
	int err;

	err = bpf_tc_detach(hook, &opts);
	if (!err)
		return;
	log_err("probe: %s: removing tc filter handle %#x pref %u: %s\n",
		env->f->ifname, attached->handle, attached->priority, errno_name(err));
	trial_note(t, "removing filter handle %#x pref %u failed: %s",
		   attached->handle, attached->priority, errno_name(err));
}

static void destroy_clsact(const struct trial_env *env, struct bpf_tc_hook *hook,
			   struct probe_trial *t)
{
	int err;

	/* Both points: the qdisc itself, not only the ingress filters. */
	hook->attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	err = bpf_tc_hook_destroy(hook);
	if (!err)
		return;
	log_err("probe: %s: removing the clsact qdisc the probe added: %s\n",
		env->f->ifname, errno_name(err));
	trial_note(t, "removing the clsact qdisc it added failed: %s", errno_name(err));
}

static void trial_tc_legacy(const struct trial_env *env, struct probe_trial *t)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = env->f->ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = bpf_program__fd(env->tc_prog));
	bool created_clsact;
	int err;

	log_capture_begin();
	err = bpf_tc_hook_create(&hook);
	created_clsact = !err;
	if (err && err != -EEXIST) {
		log_capture_extack(t->kernel_msg, sizeof(t->kernel_msg));
		trial_failed(t, err);
		trial_note(t, "adding the clsact qdisc failed");
		goto out;
	}
	/* handle and priority 0, no BPF_TC_F_REPLACE: the kernel picks free ones. */
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		log_capture_extack(t->kernel_msg, sizeof(t->kernel_msg));
		trial_failed(t, err);
	} else {
		trial_ok(t);
		detach_tc_filter(env, &hook, &opts, t);
	}
	if (created_clsact)
		destroy_clsact(env, &hook, t);
out:
	log_capture_end();
}

void probe_trials_tc(const struct trial_env *env, struct probe_trials *tr)
{
	if (tr->t[TRIAL_TC_TCX].outcome == OUTCOME_NOT_RUN)
		trial_tcx(env, &tr->t[TRIAL_TC_TCX]);
	if (tr->t[TRIAL_TC_LEGACY].outcome == OUTCOME_NOT_RUN)
		trial_tc_legacy(env, &tr->t[TRIAL_TC_LEGACY]);
}
