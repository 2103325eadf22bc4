// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How a trial records its outcome (probe_trials.h): ok, failed with an
 * errno, a note.  Below every trial, so the trial files depend on it and
 * not on each other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe_trials.h"

void trial_ok(struct probe_trial *t)
{
	t->outcome = OUTCOME_OK;
	t->err = 0;
}

void trial_failed(struct probe_trial *t, int err)
{
	t->outcome = OUTCOME_FAILED;
	t->err = err < 0 ? -err : err;
}

void trial_note(struct probe_trial *t, const char *fmt, ...)
{
	size_t used = strlen(t->note);
	va_list ap;

	if (used && used + 2 < sizeof(t->note)) {
		memcpy(t->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(t->note + used, sizeof(t->note) - used, fmt, ap);
	va_end(ap);
}

/*
 * A bpf_link XDP attach gets the kernel's message only through the
 * xdp:bpf_xdp_link_attach_failed tracepoint (6.6+); before, the netlink
 * attach in the same mode is the one path that hears the driver's reason
 * (extack).  A link trial that failed without a message takes the netlink
 * trial's when that failed with the same errno, and its note says so.
 */
void probe_trials_link_msgs(struct probe_trials *tr)
{
	static const enum probe_trial_id pairs[][2] = {
		{ TRIAL_XDP_NATIVE_LINK, TRIAL_XDP_NATIVE_NETLINK },
		{ TRIAL_XDP_GENERIC_LINK, TRIAL_XDP_GENERIC_NETLINK },
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct probe_trial *link = &tr->t[pairs[i][0]], *nl = &tr->t[pairs[i][1]];

		if (link->outcome != OUTCOME_FAILED || link->kernel_msg[0] ||
		    nl->outcome != OUTCOME_FAILED || nl->err != link->err || !nl->kernel_msg[0])
			continue;
		memcpy(link->kernel_msg, nl->kernel_msg, sizeof(link->kernel_msg));
		trial_note(link, "kernel message from the netlink attach in the same mode "
			   "(same errno)");
	}
}
