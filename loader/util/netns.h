/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Enter a named network namespace (ip netns) and come back. */
#ifndef DPLAB_LOADER_NETNS_H
#define DPLAB_LOADER_NETNS_H

#include <stdbool.h>

/*
 * Switch this thread to /run/netns/NAME.  *saved gets an fd of the current
 * namespace for netns_leave().  0 or negative errno (-ENOENT: no such
 * namespace).
 */
int netns_enter(const char *name, int *saved);
/* Return to the namespace saved by netns_enter(); closes it. */
void netns_leave(int saved);
/* /run/netns/NAME exists. */
bool netns_exists(const char *name);
/*
 * Is this thread in /run/netns/NAME?  1 yes, 0 no, or negative errno
 * (-ENOENT: no such namespace).
 */
int netns_is_current(const char *name);

/*
 * MAC address (6 bytes) and ifindex of dev in /run/netns/NS, or in the
 * current namespace when ns is NULL.  0 or negative errno; *what names
 * the step that failed ("entering the namespace", "MAC address", ...).
 */
int netns_link_addr(const char *ns, const char *dev, unsigned char mac[6], unsigned int *ifindex,
		    const char **what);

#endif /* DPLAB_LOADER_NETNS_H */
