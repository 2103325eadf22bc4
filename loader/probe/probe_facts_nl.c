// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rtnetlink part of the probe (libmnl): RTM_GETLINK for one index or all,
 * RTM_GETQDISC and RTM_GETTFILTER dumps for the legacy tc hooks,
 * RTM_GETROUTE and RTM_GETNEXTHOP for the uplink (the default route's).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "probe/probe_facts_nl.h"

/* Room for one recvmsg() of a dump (the kernel fills up to 32 KiB). */
#define NL_RECV_SIZE 32768
#define NL_REQ_SIZE 512

struct attr_tab {
	const struct nlattr **tb;
	unsigned int max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attr_tab *t = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			 unsigned int max)
{
	struct attr_tab t = { .tb = tb, .max = max };

	mnl_attr_parse_nested(nest, attr_cb, &t);
}

static bool attr_u32(const struct nlattr *a, __u32 *v)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

static bool attr_str_eq(const struct nlattr *a, const char *s)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return false;
	return strcmp(mnl_attr_get_str(a), s) == 0;
}

static void attr_str(const struct nlattr *a, char *buf, size_t len)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return;
	snprintf(buf, len, "%s", mnl_attr_get_str(a));
}

int probe_nl_open(struct probe_nl *nl)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

void probe_nl_close(struct probe_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/*
 * The error of a failed mnl_cb_run(): the kernel's errno from an
 * NLMSG_ERROR, when it is one (a recorded or hostile message may carry any
 * int there), else -EPROTO.
 */
static int nl_error(void)
{
	return errno > 0 && errno < 4096 ? -errno : -EPROTO;
}

/*
 * Every message, padded, fits what is left of buf: libmnl's walk trusts
 * nlmsg_len (a length near 4 GiB is negative as an int, aligns to 0 and
 * the walk never advances), so a buffer not straight from the kernel is
 * checked first.
 */
static bool msgs_fit(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	size_t off = 0, step;

	while (len - off >= sizeof(*nlh)) {
		nlh = (const void *)((const char *)buf + off);
		/*
		 * Padded too: libmnl reads attributes up to the padded length.
		 * Aligned in size_t: NLMSG_ALIGN's mask is 32 bits, so a length
		 * near 4 GiB would align to 0.
		 */
		step = ((size_t)nlh->nlmsg_len + NLMSG_ALIGNTO - 1) & ~(size_t)(NLMSG_ALIGNTO - 1);
		if (nlh->nlmsg_len < sizeof(*nlh) || step > len - off)
			return false;
		off += step;
	}
	return true;
}

/* cb over every message of buf (checked first): MNL_CB_* (>= 0) or -errno. */
static int nl_run(const void *buf, size_t len, unsigned int seq, unsigned int portid,
		  mnl_cb_t cb, void *data)
{
	int ret;

	if (!msgs_fit(buf, len))
		return -EPROTO;
	errno = 0;
	ret = mnl_cb_run(buf, len, seq, portid, cb, data);
	return ret < 0 ? nl_error() : ret;
}

/* A request of type (NLM_F_REQUEST | flags) in req, *nlh its header; its
 * family header of len bytes, zeroed, is returned. */
static void *nl_req(char *req, struct nlmsghdr **nlh, __u16 type, __u16 flags, size_t len)
{
	*nlh = mnl_nlmsg_put_header(req);
	(*nlh)->nlmsg_type = type;
	(*nlh)->nlmsg_flags = NLM_F_REQUEST | flags;
	return mnl_nlmsg_put_extra_header(*nlh, len);
}

/*
 * Send one request and run cb on every answer until NLMSG_DONE (dump) or
 * the ACK (NLM_F_ACK request).  0 or negative errno (the kernel's on
 * NLMSG_ERROR).
 */
static int nl_talk(struct probe_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data)
{
	char buf[NL_RECV_SIZE];
	unsigned int seq = ++nl->seq;
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		ret = nl_run(buf, n, seq, nl->portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? ret : 0;
}

static void link_xdp(const struct nlattr *nest, struct probe_nl_link *l)
{
	const struct nlattr *tb[IFLA_XDP_MAX + 1] = {};

	parse_nested(nest, tb, IFLA_XDP_MAX);
	if (tb[IFLA_XDP_ATTACHED] &&
	    mnl_attr_validate(tb[IFLA_XDP_ATTACHED], MNL_TYPE_U8) == 0)
		l->xdp_attached = mnl_attr_get_u8(tb[IFLA_XDP_ATTACHED]);
	attr_u32(tb[IFLA_XDP_PROG_ID], &l->xdp_prog_id);
	attr_u32(tb[IFLA_XDP_DRV_PROG_ID], &l->xdp_drv_prog_id);
	attr_u32(tb[IFLA_XDP_SKB_PROG_ID], &l->xdp_skb_prog_id);
	attr_u32(tb[IFLA_XDP_HW_PROG_ID], &l->xdp_hw_prog_id);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {};
	const struct nlattr *info[IFLA_INFO_MAX + 1] = {};
	struct attr_tab t = { .tb = tb, .max = IFLA_MAX };
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct probe_nl_link *l = data;
	__u32 v;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return MNL_CB_ERROR;
	if (mnl_attr_parse(nlh, sizeof(*ifm), attr_cb, &t) < 0)
		return MNL_CB_ERROR;

	l->ifindex = ifm->ifi_index;
	l->has_parent_dev = tb[IFLA_PARENT_DEV_NAME] != NULL;

	attr_str(tb[IFLA_IFNAME], l->ifname, sizeof(l->ifname));
	if (attr_u32(tb[IFLA_MTU], &v))
		l->mtu = v;
	if (attr_u32(tb[IFLA_MIN_MTU], &v))
		l->min_mtu = v;
	if (attr_u32(tb[IFLA_MAX_MTU], &v))
		l->max_mtu = v;
	attr_u32(tb[IFLA_NUM_RX_QUEUES], &l->num_rx_queues);
	attr_u32(tb[IFLA_NUM_TX_QUEUES], &l->num_tx_queues);
	l->has_link = attr_u32(tb[IFLA_LINK], &l->link);
	l->link_netnsid = tb[IFLA_LINK_NETNSID] != NULL;
	if (tb[IFLA_LINKINFO]) {
		parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
		attr_str(info[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
	}
	if (tb[IFLA_XDP])
		link_xdp(tb[IFLA_XDP], l);
	return MNL_CB_OK;
}

int probe_nl_get_link(struct probe_nl *nl, int ifindex,
		      struct probe_nl_link *l)
{
	char req[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	memset(l, 0, sizeof(*l));
	ifm = nl_req(req, &nlh, RTM_GETLINK, NLM_F_ACK, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	/* Counters are not needed; older kernels ignore unknown bits. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_talk(nl, nlh, link_cb, l);
}

struct each_link {
	void (*fn)(const struct probe_nl_link *l, void *data);
	void *data;
};

static int each_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct each_link *e = data;
	struct probe_nl_link l;
	int ret;

	memset(&l, 0, sizeof(l));
	ret = link_cb(nlh, &l);
	if (ret == MNL_CB_OK && nlh->nlmsg_type == RTM_NEWLINK)
		e->fn(&l, e->data);
	return ret;
}

int probe_nl_each_link(struct probe_nl *nl,
		       void (*fn)(const struct probe_nl_link *l, void *data), void *data)
{
	struct each_link e = { .fn = fn, .data = data };
	char req[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	ifm = nl_req(req, &nlh, RTM_GETLINK, NLM_F_DUMP, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_talk(nl, nlh, each_link_cb, &e);
}

/* The first hop of RTA_MULTIPATH: its device and gateway. */
static void route_first_hop(const struct nlattr *mp, struct probe_nl_route *r)
{
	const struct nlattr *tb[RTA_MAX + 1] = {};
	struct attr_tab t = { .tb = tb, .max = RTA_MAX };
	const struct rtnexthop *nh = mnl_attr_get_payload(mp);
	size_t len = mnl_attr_get_payload_len(mp);

	if (len < sizeof(*nh) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > len)
		return;
	r->multipath = true;
	r->oif = nh->rtnh_ifindex;
	if (mnl_attr_parse_payload(RTNH_DATA(nh), nh->rtnh_len - RTNH_LENGTH(0),
				   attr_cb, &t) < 0)
		return;
	if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == 4) {
		r->has_gateway = true;
		memcpy(r->gateway, mnl_attr_get_payload(tb[RTA_GATEWAY]), 4);
	}
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[RTA_MAX + 1] = {};
	struct attr_tab t = { .tb = tb, .max = RTA_MAX };
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct probe_nl_routes *rs = data;
	struct probe_nl_route r = {};
	__u32 table;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_ERROR;
	if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*rtm), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	/* RTA_TABLE holds table ids above 255; rtm_table then says RT_TABLE_COMPAT. */
	table = rtm->rtm_table;
	attr_u32(tb[RTA_TABLE], &table);
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	attr_u32(tb[RTA_OIF], &r.oif);
	attr_u32(tb[RTA_PRIORITY], &r.priority);
	attr_u32(tb[RTA_NH_ID], &r.nh_id);
	if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == 4) {
		r.has_gateway = true;
		memcpy(r.gateway, mnl_attr_get_payload(tb[RTA_GATEWAY]), 4);
	}
	if (!r.oif && tb[RTA_MULTIPATH])
		route_first_hop(tb[RTA_MULTIPATH], &r);
	if (rs->n < PROBE_NL_MAX_ROUTES)
		rs->r[rs->n++] = r;
	rs->total++;
	return MNL_CB_OK;
}

int probe_nl_default_routes(struct probe_nl *nl, struct probe_nl_routes *rs)
{
	char req[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	memset(rs, 0, sizeof(*rs));
	rtm = nl_req(req, &nlh, RTM_GETROUTE, NLM_F_DUMP, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	return nl_talk(nl, nlh, route_cb, rs);
}

struct nexthop_answer {
	__u32 oif;
	__u32 first_member;	/* a group: its first member's id */
};

static int nexthop_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NHA_MAX + 1] = {};
	struct attr_tab t = { .tb = tb, .max = NHA_MAX };
	struct nexthop_answer *a = data;
	const struct nexthop_grp *g;

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nhmsg))
		return MNL_CB_ERROR;
	if (mnl_attr_parse(nlh, sizeof(struct nhmsg), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	attr_u32(tb[NHA_OIF], &a->oif);
	if (tb[NHA_GROUP] && mnl_attr_get_payload_len(tb[NHA_GROUP]) >= sizeof(*g)) {
		g = mnl_attr_get_payload(tb[NHA_GROUP]);
		a->first_member = g->id;
	}
	return MNL_CB_OK;
}

int probe_nl_nexthop_oif(struct probe_nl *nl, __u32 id, __u32 *oif)
{
	struct nexthop_answer a;
	char req[NL_REQ_SIZE];
	struct nlmsghdr *nlh;
	struct nhmsg *nhm;
	int depth, err;

	/* A group's members are plain nexthops: two questions at most. */
	for (depth = 0; depth < 2; depth++) {
		memset(&a, 0, sizeof(a));
		nhm = nl_req(req, &nlh, RTM_GETNEXTHOP, NLM_F_ACK, sizeof(*nhm));
		nhm->nh_family = AF_UNSPEC;
		mnl_attr_put_u32(nlh, NHA_ID, id);
		err = nl_talk(nl, nlh, nexthop_cb, &a);
		if (err)
			return err;
		if (a.oif || !a.first_member)
			break;
		id = a.first_member;
	}
	*oif = a.oif;
	return a.oif ? 0 : -ENODEV;
}

static struct nlmsghdr *tc_dump_req(char *req, __u16 type, int ifindex,
				    __u32 parent)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	tcm = nl_req(req, &nlh, type, NLM_F_DUMP, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	return nlh;
}

struct tc_match {
	int ifindex;		/* 0: any (filters of a block dump) */
	const char *kind;
	__u32 count;
};

static int tc_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = {};
	struct attr_tab t = { .tb = tb, .max = TCA_MAX };
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct tc_match *m = data;

	if (nlh->nlmsg_type != RTM_NEWQDISC && nlh->nlmsg_type != RTM_NEWTFILTER)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm))
		return MNL_CB_ERROR;	/* too short to hold its tcmsg */
	if (m->ifindex && tcm->tcm_ifindex != m->ifindex)
		return MNL_CB_OK;
	/* A filter dump sends a chain head (handle 0) before each filter. */
	if (nlh->nlmsg_type == RTM_NEWTFILTER && !tcm->tcm_handle)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*tcm), attr_cb, &t) < 0)
		return MNL_CB_ERROR;
	if (attr_str_eq(tb[TCA_KIND], m->kind))
		m->count++;
	return MNL_CB_OK;
}

int probe_nl_has_qdisc(struct probe_nl *nl, int ifindex, const char *kind,
		       bool *found)
{
	struct tc_match m = { .ifindex = ifindex, .kind = kind };
	char req[NL_REQ_SIZE];
	int err;

	*found = false;
	err = nl_talk(nl, tc_dump_req(req, RTM_GETQDISC, ifindex, 0), tc_cb, &m);
	if (err)
		return err;
	*found = m.count > 0;
	return 0;
}

int probe_nl_count_filters(struct probe_nl *nl, int ifindex, __u32 parent,
			   const char *kind, __u32 *count)
{
	struct tc_match m = { .kind = kind };
	char req[NL_REQ_SIZE];
	int err;

	*count = 0;
	err = nl_talk(nl, tc_dump_req(req, RTM_GETTFILTER, ifindex, parent),
		      tc_cb, &m);
	if (err)
		return err;
	*count = m.count;
	return 0;
}

/*
 * The same callbacks over messages already received (recorded replies, the
 * fuzzer): sequence and port are not checked.
 */
int probe_nl_parse_link(const void *buf, size_t len, struct probe_nl_link *l)
{
	int ret;

	memset(l, 0, sizeof(*l));
	ret = nl_run(buf, len, 0, 0, link_cb, l);
	return ret < 0 ? ret : 0;
}

int probe_nl_parse_tc(const void *buf, size_t len, int ifindex, const char *kind,
		      __u32 *count)
{
	struct tc_match m = { .ifindex = ifindex, .kind = kind };
	int ret;

	ret = nl_run(buf, len, 0, 0, tc_cb, &m);
	*count = m.count;
	return ret < 0 ? ret : 0;
}

int probe_nl_parse_routes(const void *buf, size_t len, struct probe_nl_routes *rs)
{
	int ret;

	memset(rs, 0, sizeof(*rs));
	ret = nl_run(buf, len, 0, 0, route_cb, rs);
	return ret < 0 ? ret : 0;
}
