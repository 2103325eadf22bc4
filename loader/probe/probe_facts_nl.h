/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rtnetlink queries of probe_facts.c (internal to the probe): one link by
 * index, whether a qdisc of a kind exists, how many filters of a kind hang
 * under a parent.  All run in the calling thread's network namespace.
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
	char ifname[IF_NAMESIZE];
	char kind[PROBE_STR];		/* IFLA_INFO_KIND, "" if none */
	int mtu, min_mtu, max_mtu;
	__u32 num_rx_queues, num_tx_queues;
	bool has_link;			/* IFLA_LINK present */
	__u32 link;			/* IFLA_LINK (veth: the peer's ifindex) */
	bool link_netnsid;		/* IFLA_LINK_NETNSID present: other netns */
	__u32 xdp_attached;			/* IFLA_XDP_ATTACHED */
	__u32 xdp_prog_id, xdp_drv_prog_id, xdp_skb_prog_id, xdp_hw_prog_id;
};

/* 0 or negative errno. */
int probe_nl_open(struct probe_nl *nl);
void probe_nl_close(struct probe_nl *nl);

/* -ENODEV when there is no such interface in this namespace. */
int probe_nl_get_link(struct probe_nl *nl, int ifindex,
		      struct probe_nl_link *l);
/* *found: a qdisc of this kind is on ifindex. */
int probe_nl_has_qdisc(struct probe_nl *nl, int ifindex, const char *kind,
		       bool *found);
/* *count: filters of this kind (not chain heads) under parent. */
int probe_nl_count_filters(struct probe_nl *nl, int ifindex, __u32 parent,
			   const char *kind, __u32 *count);

/*
 * The parsing alone, over a buffer of received messages (what the queries
 * above run on each reply): link facts, or the qdiscs/filters of kind on
 * ifindex (0: any).  0 or negative errno; a message too short for its
 * header is -EPROTO/-EINVAL, never read past.
 */
int probe_nl_parse_link(const void *buf, size_t len, struct probe_nl_link *l);
int probe_nl_parse_tc(const void *buf, size_t len, int ifindex, const char *kind,
		      __u32 *count);

#endif /* DPLAB_LOADER_PROBE_FACTS_NL_H */
