/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rtnetlink queries of the probe (internal to it): one link by index, every
 * link, whether a qdisc of a kind exists, how many filters of a kind hang
 * under a parent, the IPv4 default routes.  All run in the calling
 * thread's network namespace.
 */
#ifndef DPLAB_LOADER_PROBE_FACTS_NL_H
#define DPLAB_LOADER_PROBE_FACTS_NL_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

#include "probe/probe.h"

struct mnl_socket;

struct probe_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
};

/* What RTM_GETLINK says about one interface. */
struct probe_nl_link {
	int ifindex;
	char ifname[IF_NAMESIZE];
	char kind[PROBE_STR];		/* IFLA_INFO_KIND, "" if none */
	int mtu, min_mtu, max_mtu;
	__u32 num_rx_queues, num_tx_queues;
	bool has_link;			/* IFLA_LINK present */
	__u32 link;			/* IFLA_LINK (veth: the peer's ifindex) */
	bool link_netnsid;		/* IFLA_LINK_NETNSID present: other netns */
	__u32 xdp_attached;			/* IFLA_XDP_ATTACHED */
	__u32 xdp_prog_id, xdp_drv_prog_id, xdp_skb_prog_id, xdp_hw_prog_id;
	/* IFLA_PARENT_DEV_NAME (kernel >= 5.17): the device under it, the
	 * /sys/class/net/IF/device link seen from any namespace. */
	bool has_parent_dev;
};

/* An IPv4 default route (0.0.0.0/0, unicast) of the main table. */
struct probe_nl_route {
	__u32 oif;		/* RTA_OIF or the first hop's; 0: see nh_id */
	__u32 priority;		/* RTA_PRIORITY, the metric (0 when absent) */
	__u32 nh_id;		/* RTA_NH_ID: the route uses a nexthop object */
	bool multipath;		/* RTA_MULTIPATH: oif is the first hop's */
	bool has_gateway;
	__u8 gateway[4];	/* RTA_GATEWAY (network order) */
};

#define PROBE_NL_MAX_ROUTES 16

struct probe_nl_routes {
	int n;			/* routes kept, in the kernel's order */
	int total;		/* default routes seen (more than n: the rest dropped) */
	struct probe_nl_route r[PROBE_NL_MAX_ROUTES];
};

/* 0 or negative errno. */
int probe_nl_open(struct probe_nl *nl);
void probe_nl_close(struct probe_nl *nl);

/* -ENODEV when there is no such interface in this namespace. */
int probe_nl_get_link(struct probe_nl *nl, int ifindex,
		      struct probe_nl_link *l);
/* fn on every link of the namespace (RTM_GETLINK dump). */
int probe_nl_each_link(struct probe_nl *nl,
		       void (*fn)(const struct probe_nl_link *l, void *data), void *data);
/* The IPv4 default routes of the main table (RTM_GETROUTE dump). */
int probe_nl_default_routes(struct probe_nl *nl, struct probe_nl_routes *rs);
/* The device of nexthop object id (a group: its first member's). */
int probe_nl_nexthop_oif(struct probe_nl *nl, __u32 id, __u32 *oif);
/* *found: a qdisc of this kind is on ifindex. */
int probe_nl_has_qdisc(struct probe_nl *nl, int ifindex, const char *kind,
		       bool *found);
/* *count: filters of this kind (not chain heads) under parent. */
int probe_nl_count_filters(struct probe_nl *nl, int ifindex, __u32 parent,
			   const char *kind, __u32 *count);

/*
 * probe_select.c: the index in rs of the route the kernel prefers, the
 * lowest metric (the first of equals, as dumped); -1 when none has a
 * device or a nexthop object.
 */
int probe_route_pick(const struct probe_nl_routes *rs);

/*
 * The parsing alone, over a buffer of received messages (what the queries
 * above run on each reply): link facts, or the qdiscs/filters of kind on
 * ifindex (0: any).  0 or negative errno; a message too short for its
 * header is -EPROTO/-EINVAL, never read past.
 */
int probe_nl_parse_link(const void *buf, size_t len, struct probe_nl_link *l);
int probe_nl_parse_tc(const void *buf, size_t len, int ifindex, const char *kind,
		      __u32 *count);
int probe_nl_parse_routes(const void *buf, size_t len, struct probe_nl_routes *rs);

#endif /* DPLAB_LOADER_PROBE_FACTS_NL_H */
