// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where a veth leads (guard_peer.h).  A frame sent on a veth comes out of
 * its peer; if the peer is a port of a bridge (or bond, or OVS) whose
 * other ports include a physical NIC or a tun/tap, the flood reaches a real
 * network although the interface pktgen opened is virtual.  The walk asks
 * rtnetlink (libmnl), following a peer into its namespace by netns id
 * (IFLA_TARGET_NETNSID), and through veth ports of the same master to their
 * own peers, a few hops deep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "guard_peer.h"

#define MAX_HOPS 4		/* veth -> bridge -> veth -> bridge ... */
#define MAX_PORTS 256
#define NO_NSID (-1)		/* the caller's own namespace */

struct link {
	int ifindex, link, master;
	int link_nsid;		/* where the peer is, relative to us; NO_NSID: here */
	char name[IFNAMSIZ], kind[32];
};

struct ports {
	int master;
	int n;
	struct link port[MAX_PORTS];
};

/* Kinds that carry frames only to another interface of this machine. */
static bool kind_local(const char *kind)
{
	return !strcmp(kind, "veth") || !strcmp(kind, "netkit") || !strcmp(kind, "dummy");
}

static bool kind_has_peer(const char *kind)
{
	return !strcmp(kind, "veth") || !strcmp(kind, "netkit");
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) > 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int info_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, IFLA_INFO_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int attr_int(const struct nlattr *a, int dflt)
{
	return a && mnl_attr_get_payload_len(a) >= 4 ? (int)mnl_attr_get_u32(a) : dflt;
}

static void parse_link(const struct nlmsghdr *nlh, struct link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 }, *info[IFLA_INFO_MAX + 1] = { 0 };
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	*l = (struct link){ 0 };
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi) ||
	    mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, tb) < 0)
		return;
	*l = (struct link){ .ifindex = ifi->ifi_index, .link = attr_int(tb[IFLA_LINK], 0),
			    .master = attr_int(tb[IFLA_MASTER], 0),
			    .link_nsid = attr_int(tb[IFLA_LINK_NETNSID], NO_NSID) };
	if (tb[IFLA_IFNAME] && !mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING))
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_LINKINFO] && mnl_attr_parse_nested(tb[IFLA_LINKINFO], info_cb, info) >= 0 &&
	    info[IFLA_INFO_KIND] && !mnl_attr_validate(info[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING))
		snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(info[IFLA_INFO_KIND]));
}

static int one_cb(const struct nlmsghdr *nlh, void *data)
{
	parse_link(nlh, data);
	return MNL_CB_OK;
}

static int ports_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ports *p = data;
	struct link l;

	parse_link(nlh, &l);
	if (l.master == p->master && p->n < MAX_PORTS)
		p->port[p->n++] = l;
	return MNL_CB_OK;
}

/* RTM_GETLINK for ifindex (or name), or a dump, in the namespace nsid. */
static int getlink(struct mnl_socket *nl, int nsid, int ifindex, const char *name,
		   mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	unsigned int seq = (unsigned int)time(NULL), port = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | (ifindex || name ? 0 : NLM_F_DUMP);
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (nsid != NO_NSID)
		mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (__u32)nsid);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, n, seq, port, cb, data);
	} while (ret > 0 && !(ifindex || name));
	return ret < 0 ? -errno : 0;
}

static int walk(struct mnl_socket *nl, int nsid, int ifindex, int hops, char *what, size_t len);

/* The other ports of l's master: 1 (what says which) if one leads out. */
static int master_ports(struct mnl_socket *nl, int nsid, const struct link *l, int hops,
			char *what, size_t len)
{
	struct ports *p = calloc(1, sizeof(*p));
	struct link m = { 0 };
	int i, ret;

	if (!p)
		return -ENOMEM;
	p->master = l->master;
	ret = getlink(nl, nsid, l->master, NULL, one_cb, &m);
	if (!ret)
		ret = getlink(nl, nsid, 0, NULL, ports_cb, p);
	for (i = 0; !ret && i < p->n; i++) {
		const struct link *q = &p->port[i];

		if (q->ifindex == l->ifindex || (kind_local(q->kind) && !kind_has_peer(q->kind)))
			continue;
		if (!kind_local(q->kind)) {
			snprintf(what, len, "its frames reach %s, a port of %s %s, which also "
				 "has %s (%s)", l->name, m.kind[0] ? m.kind : "master", m.name, q->name,
				 q->kind[0] ? q->kind : "a physical NIC");
			ret = 1;
		} else if (hops > 0 && q->link) {
			ret = walk(nl, q->link_nsid == NO_NSID ? nsid : q->link_nsid, q->link,
				   hops - 1, what, len);
		}
	}
	free(p);
	return ret;
}

/* The interface ifindex (in nsid) is reached by a veth: where does it lead? */
static int walk(struct mnl_socket *nl, int nsid, int ifindex, int hops, char *what, size_t len)
{
	struct link l = { 0 };
	int ret = getlink(nl, nsid, ifindex, NULL, one_cb, &l);

	if (ret)
		return ret == -ENODEV ? 0 : ret;	/* peer gone: leads nowhere */
	return l.master ? master_ports(nl, nsid, &l, hops, what, len) : 0;
}

int pg_peer_reaches_physical(const char *iface, char *what, size_t len)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	struct link l = { 0 };
	int ret;

	if (!nl)
		return -errno;
	ret = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) ? -errno : 0;
	if (!ret)
		ret = getlink(nl, NO_NSID, 0, iface, one_cb, &l);
	if (!ret && kind_has_peer(l.kind) && l.link)
		ret = walk(nl, l.link_nsid, l.link, MAX_HOPS, what, len);
	mnl_socket_close(nl);
	return ret;
}
