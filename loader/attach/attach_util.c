// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What every attach mechanism uses (attach_int.h): the namespace check,
 * the device of an attachment and the "ERRNO (msg)" text.  Below the
 * mechanisms and attach.c, so they depend on it and not on each other.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>

#include "attach/attach_int.h"
#include "util/log.h"
#include "util/netns.h"

/*
 * Device hooks act in the thread's namespace: it must be the one named,
 * or a device of the same name elsewhere (the host's eth0) would be hit.
 * 0: here (or none named); -ENOENT: no such namespace; else -errno, why.
 */
int attach_check_in_netns(const char *ns, char *why, size_t len)
{
	int here;

	if (!ns || !ns[0])
		return 0;
	here = netns_is_current(ns);
	if (here == -ENOENT) {
		snprintf(why, len, "namespace %s does not exist (ENOENT)", ns);
		return here;
	}
	if (here < 0) {
		snprintf(why, len, "namespace %s: %s", ns, errno_name(here));
		return here;
	}
	if (!here) {
		snprintf(why, len, "this thread is not in namespace %s; enter it first (EXDEV)",
			 ns);
		return -EXDEV;
	}
	return 0;
}

int attach_device(const struct attachment *a, char *why, size_t len)
{
	int err = attach_check_in_netns(a->ns, why, len);

	if (err == -ENOENT)
		return 0;	/* the namespace is gone, and its devices */
	if (err)
		return err;
	return if_nametoindex(a->ifname);
}

void attach_why(char *why, size_t len, int err, const char *msg)
{
	if (msg && msg[0])
		snprintf(why, len, "%s (%s)", errno_name(err), msg);
	else
		snprintf(why, len, "%s", errno_name(err));
}
