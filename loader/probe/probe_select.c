// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The interfaces `dplab probe` looks at when none is named: the uplink (the
 * device of the IPv4 default route of the main table, the lowest metric
 * when there are several, as the kernel's FIB prefers), or with --all
 * every physical interface (one with a device under it).  Runs in the
 * calling thread's network namespace; chooses, never attaches: the caller
 * keeps interfaces it did not name read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "util/log.h"
#include "probe/probe.h"
#include "probe/probe_facts_nl.h"

/* IFLA_PARENT_DEV_NAME came with 5.17; before it only sysfs tells. */
#define PARENT_DEV_MAJOR 5
#define PARENT_DEV_MINOR 17

int probe_route_pick(const struct probe_nl_routes *rs)
{
	int i, best = -1;

	for (i = 0; i < rs->n; i++) {
		if (!rs->r[i].oif && !rs->r[i].nh_id)
			continue;
		if (best < 0 || rs->r[i].priority < rs->r[best].priority)
			best = i;
	}
	return best;
}

/* Append name to a heap array of names; 0 or -ENOMEM. */
static int push_name(char (**arr)[IF_NAMESIZE], int *n, const char *name)
{
	char (*grown)[IF_NAMESIZE] = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (!grown)
		return -ENOMEM;
	*arr = grown;
	snprintf(grown[*n], IF_NAMESIZE, "%s", name);
	(*n)++;
	return 0;
}

void probe_targets_free(struct probe_targets *t)
{
	free(t->names);
	free(t->skipped);
	t->names = t->skipped = NULL;
	t->n = t->n_skipped = 0;
}

/* The route's device: its own, or its nexthop object's. */
static int route_oif(struct probe_nl *nl, const struct probe_nl_route *r, __u32 *oif,
		     char *err, size_t err_len)
{
	int e;

	*oif = r->oif;
	if (*oif)
		return 0;
	e = probe_nl_nexthop_oif(nl, r->nh_id, oif);
	if (e)
		snprintf(err, err_len, "the default route uses nexthop object %u, whose device "
			 "cannot be read (RTM_GETNEXTHOP: %s): name the interface", r->nh_id,
			 strerror(-e));
	return e;
}

static void describe_route(struct probe_targets *t, const struct probe_nl_routes *rs,
			   const struct probe_nl_route *r)
{
	char gw[INET_ADDRSTRLEN] = "";
	int n;

	if (r->has_gateway)
		inet_ntop(AF_INET, r->gateway, gw, sizeof(gw));
	n = snprintf(t->detail, sizeof(t->detail), "the IPv4 default route's%s%s, metric %u%s",
		     gw[0] ? " (via " : " (no gateway", gw, r->priority,
		     r->multipath ? ", first hop of a multipath route)" : ")");
	if (rs->total > 1 && n > 0 && (size_t)n < sizeof(t->detail))
		snprintf(t->detail + n, sizeof(t->detail) - n,
			 "; the lowest metric of %d default routes", rs->total);
}

int probe_select_default_route(struct probe_targets *t, char *err, size_t err_len)
{
	struct probe_nl_routes rs;
	char name[IF_NAMESIZE];
	struct probe_nl nl;
	__u32 oif;
	int e, best;

	memset(t, 0, sizeof(*t));
	t->by = PROBE_SELECT_DEFAULT_ROUTE;
	e = probe_nl_open(&nl);
	if (e) {
		snprintf(err, err_len, "rtnetlink socket: %s", strerror(-e));
		return e;
	}
	e = probe_nl_default_routes(&nl, &rs);
	if (e) {
		snprintf(err, err_len, "reading the routes (RTM_GETROUTE): %s", strerror(-e));
		goto out;
	}
	best = probe_route_pick(&rs);
	if (best < 0) {
		e = -ENETUNREACH;
		snprintf(err, err_len, "no IPv4 default route in the main table here "
			 "(ip route show default is empty), so no uplink to choose: "
			 "name the interface, or use --all");
		goto out;
	}
	e = route_oif(&nl, &rs.r[best], &oif, err, err_len);
	if (e)
		goto out;
	if (!if_indextoname(oif, name)) {
		e = -errno;
		snprintf(err, err_len, "the default route's device (ifindex %u): %s", oif,
			 strerror(errno));
		goto out;
	}
	e = push_name(&t->names, &t->n, name);
	if (!e)
		describe_route(t, &rs, &rs.r[best]);
out:
	probe_nl_close(&nl);
	return e;
}

struct all_walk {
	struct probe_targets *t;
	bool sysfs;		/* no IFLA_PARENT_DEV_NAME: ask /sys/class/net */
	int err;
};

static void all_link(const struct probe_nl_link *l, void *data)
{
	struct all_walk *w = data;
	char path[64];
	bool physical;
	int e;

	if (w->sysfs) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/device", l->ifname);
		physical = access(path, F_OK) == 0;
	} else {
		physical = l->has_parent_dev;
	}
	e = physical ? push_name(&w->t->names, &w->t->n, l->ifname) :
		       push_name(&w->t->skipped, &w->t->n_skipped, l->ifname);
	if (e && !w->err)
		w->err = e;
}

static bool kernel_has_parent_dev(void)
{
	struct probe_kernel k;

	if (probe_kernel_facts(&k))
		return true;	/* unknown: trust netlink */
	return k.major > PARENT_DEV_MAJOR ||
	       (k.major == PARENT_DEV_MAJOR && k.minor >= PARENT_DEV_MINOR);
}

int probe_select_all(struct probe_targets *t, bool in_netns, char *err, size_t err_len)
{
	struct all_walk w = { .t = t };
	struct probe_nl nl;
	int e;

	memset(t, 0, sizeof(*t));
	t->by = PROBE_SELECT_ALL;
	w.sysfs = !kernel_has_parent_dev();
	if (w.sysfs && in_netns) {
		/* sysfs shows the namespace it was mounted in, not ours. */
		snprintf(err, err_len, "--all in --netns needs kernel >= %d.%d (IFLA_PARENT_DEV_NAME "
			 "tells a physical interface from a virtual one there): name the interfaces",
			 PARENT_DEV_MAJOR, PARENT_DEV_MINOR);
		return -EOPNOTSUPP;
	}
	e = probe_nl_open(&nl);
	if (e) {
		snprintf(err, err_len, "rtnetlink socket: %s", strerror(-e));
		return e;
	}
	e = probe_nl_each_link(&nl, all_link, &w);
	probe_nl_close(&nl);
	if (!e)
		e = w.err;
	if (e) {
		snprintf(err, err_len, "listing the interfaces (RTM_GETLINK): %s", strerror(-e));
		return e;
	}
	if (!t->n) {
		snprintf(err, err_len, "no physical interface here (a physical one has a device "
			 "under it, /sys/class/net/IF/device); %d virtual skipped", t->n_skipped);
		return -ENODEV;
	}
	snprintf(t->detail, sizeof(t->detail), "every physical interface (%d; %d virtual skipped)",
		 t->n, t->n_skipped);
	return 0;
}
