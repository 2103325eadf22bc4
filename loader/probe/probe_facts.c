// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Facts about the kernel and one interface, read before the probe touches
 * anything: rtnetlink (probe_facts_nl.c), ethtool ioctls and bpf queries.
 * Runs in the calling thread's network namespace.  Only an unknown
 * interface or a failing rtnetlink socket is an error; a fact the kernel or
 * the driver does not give stays zero / PROBE_UNKNOWN / known = false.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/pkt_sched.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "util/log.h"
#include "probe/probe.h"
#include "probe/probe_facts_nl.h"

#define XDP_ATTACH_FAILED_TP "btf_trace_bpf_xdp_link_attach_failed"
#define LIBXDP_DISPATCHER "xdp_dispatcher"

static bool kernel_ge(const struct probe_kernel *k, int major, int minor)
{
	return k->major > major || (k->major == major && k->minor >= minor);
}

/*
 * 1/0: the tracepoint's BTF typedef is (not) in vmlinux BTF; -1: no BTF.
 * Cached: parsing vmlinux BTF costs tens of milliseconds.
 */
static int xdp_attach_failed_tp(void)
{
	static int cached = -2;
	struct btf *btf;

	if (cached != -2)
		return cached;
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		log_debug("probe: vmlinux BTF: %s\n", strerror(errno));
		cached = -1;
		return cached;
	}
	cached = btf__find_by_name_kind(btf, XDP_ATTACH_FAILED_TP,
					BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	return cached;
}

int probe_kernel_facts(struct probe_kernel *k)
{
	struct utsname u;
	struct statfs st;
	int tp;

	memset(k, 0, sizeof(*k));
	if (uname(&u))
		return -errno;
	snprintf(k->release, sizeof(k->release), "%.*s",
		 (int)sizeof(k->release) - 1, u.release);
	if (sscanf(u.release, "%d.%d", &k->major, &k->minor) != 2)
		log_warn("probe: cannot parse kernel release '%s'\n", u.release);
	k->btf = access("/sys/kernel/btf/vmlinux", F_OK) == 0;
	k->bpffs = statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC;
	k->tcx = kernel_ge(k, 6, 6);
	k->xdp_link = kernel_ge(k, 5, 9);
	tp = xdp_attach_failed_tp();
	k->xdp_attach_failed_tp = tp < 0 ? kernel_ge(k, 6, 6) : tp;
	k->page_size = sysconf(_SC_PAGESIZE);
	return 0;
}

/* ---------------------------------------------------------- rtnetlink */

static int collect_link(struct probe_nl *nl, struct probe_facts *f)
{
	struct probe_attached *a = &f->attached;
	struct probe_nl_link l, peer;
	int err;

	err = probe_nl_get_link(nl, f->ifindex, &l);
	if (err)
		return err;
	snprintf(f->kind, sizeof(f->kind), "%s", l.kind);
	f->mtu = l.mtu;
	f->min_mtu = l.min_mtu;
	f->max_mtu = l.max_mtu;
	f->num_rx_queues = l.num_rx_queues;
	f->num_tx_queues = l.num_tx_queues;
	a->xdp_attached = l.xdp_attached;
	a->xdp_prog_id = l.xdp_prog_id;
	a->xdp_drv_prog_id = l.xdp_drv_prog_id;
	a->xdp_skb_prog_id = l.xdp_skb_prog_id;
	a->xdp_hw_prog_id = l.xdp_hw_prog_id;

	if (strcmp(l.kind, "veth"))
		return 0;
	/* A veth without a peer reports IFLA_LINK 0 (or none). */
	f->has_peer = l.has_link && l.link;
	/* IFLA_LINK_NETNSID: the peer lives in another namespace. */
	if (!f->has_peer || l.link_netnsid)
		return 0;
	err = probe_nl_get_link(nl, l.link, &peer);
	if (err) {
		log_debug("probe: %s: veth peer ifindex %u: %s\n", f->ifname,
			  l.link, strerror(-err));
		return 0;
	}
	f->peer_known = true;
	snprintf(f->peer_ifname, sizeof(f->peer_ifname), "%s", peer.ifname);
	f->peer_mtu = peer.mtu;
	f->peer_xdp = peer.xdp_attached != XDP_ATTACHED_NONE;
	return 0;
}

static void collect_tc_legacy(struct probe_nl *nl, struct probe_facts *f)
{
	struct probe_attached *a = &f->attached;
	int err;

	err = probe_nl_has_qdisc(nl, f->ifindex, "clsact", &a->clsact);
	if (err) {
		log_debug("probe: %s: qdisc dump: %s\n", f->ifname, strerror(-err));
		return;
	}
	if (!a->clsact)
		return;
	err = probe_nl_count_filters(nl, f->ifindex,
				     TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
				     "bpf", &a->tc_ingress_filters);
	if (err)
		log_debug("probe: %s: ingress filter dump: %s\n", f->ifname,
			  strerror(-err));
	err = probe_nl_count_filters(nl, f->ifindex,
				     TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS),
				     "bpf", &a->tc_egress_filters);
	if (err)
		log_debug("probe: %s: egress filter dump: %s\n", f->ifname,
			  strerror(-err));
}

/* ---------------------------------------------------------------- bpf */

static bool xdp_prog_attached(const struct probe_attached *a, __u32 id)
{
	return id && (id == a->xdp_prog_id || id == a->xdp_drv_prog_id ||
		      id == a->xdp_skb_prog_id || id == a->xdp_hw_prog_id);
}

/*
 * The bpf_link that owns the XDP program on ifindex, 0 if none.  An XDP
 * link's info has the ifindex but not the namespace, so an index match
 * only counts when the link's program is the one attached here.  Without
 * CAP_SYS_ADMIN link ids cannot be listed: *unknown, not "no link".
 */
static __u32 xdp_link_owner(int ifindex, const struct probe_attached *a, bool *unknown)
{
	struct bpf_link_info info;
	__u32 id = 0, found = 0, len;
	int fd, err;

	while (!found && !(err = bpf_link_get_next_id(id, &id))) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;	/* released meanwhile */
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_link_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_LINK_TYPE_XDP &&
		    info.xdp.ifindex == (__u32)ifindex &&
		    xdp_prog_attached(a, info.prog_id))
			found = id;
		close(fd);
	}
	if (!found && err == -EPERM)
		*unknown = true;
	return found;
}

static bool prog_is_dispatcher(__u32 prog_id, bool *unknown)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	bool ret = false;
	int fd;

	if (!prog_id)
		return false;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0) {
		*unknown |= errno == EPERM;
		return false;
	}
	memset(&info, 0, sizeof(info));
	if (!bpf_prog_get_info_by_fd(fd, &info, &len))
		ret = !strncmp(info.name, LIBXDP_DISPATCHER, sizeof(info.name));
	close(fd);
	return ret;
}

static __u32 tcx_count(int ifindex, enum bpf_attach_type type, bool *unknown)
{
	LIBBPF_OPTS(bpf_prog_query_opts, q);

	/* Fails on kernels without tcx: no programs there; EPERM: unknown. */
	if (bpf_prog_query_opts(ifindex, type, &q)) {
		*unknown |= errno == EPERM;
		return 0;
	}
	return q.count;
}

static void collect_bpf(struct probe_facts *f)
{
	struct probe_attached *a = &f->attached;
	LIBBPF_OPTS(bpf_xdp_query_opts, xq);

	if (a->xdp_attached) {
		a->xdp_link_id = xdp_link_owner(f->ifindex, a, &a->xdp_owner_unknown);
		a->libxdp_dispatcher = prog_is_dispatcher(a->xdp_prog_id, &a->xdp_owner_unknown) ||
				       prog_is_dispatcher(a->xdp_drv_prog_id, &a->xdp_owner_unknown) ||
				       prog_is_dispatcher(a->xdp_skb_prog_id, &a->xdp_owner_unknown);
	}
	a->tcx_ingress = tcx_count(f->ifindex, BPF_TCX_INGRESS, &a->tcx_unknown);
	a->tcx_egress = tcx_count(f->ifindex, BPF_TCX_EGRESS, &a->tcx_unknown);

	/* libbpf answers 0 flags where the kernel has no netdev family. */
	if (bpf_xdp_query(f->ifindex, 0, &xq) == 0 &&
	    kernel_ge(&f->kernel, 6, 3)) {
		f->xdp_features_known = true;
		f->xdp_features = xq.feature_flags;
	}
}

/* ------------------------------------------------------------ ethtool */

static int eth_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

#define COPY_ETH_STR(dst, src) \
	snprintf(dst, sizeof(dst), "%.*s", (int)sizeof(src), src)

static void eth_drvinfo(int fd, struct probe_facts *f)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	int err;

	err = eth_ioctl(fd, f->ifname, &di);
	if (err) {
		log_debug("probe: %s: ETHTOOL_GDRVINFO: %s\n", f->ifname,
			  strerror(-err));
		return;
	}
	COPY_ETH_STR(f->driver, di.driver);
	COPY_ETH_STR(f->version, di.version);
	COPY_ETH_STR(f->fw_version, di.fw_version);
	COPY_ETH_STR(f->bus_info, di.bus_info);
}

static void eth_channels(int fd, const char *ifname, struct probe_channels *c)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	int err;

	err = eth_ioctl(fd, ifname, &ch);
	if (err) {
		if (err != -EOPNOTSUPP)
			log_debug("probe: %s: ETHTOOL_GCHANNELS: %s\n", ifname,
				  strerror(-err));
		return;
	}
	c->known = true;
	c->rx = ch.rx_count;
	c->tx = ch.tx_count;
	c->other = ch.other_count;
	c->combined = ch.combined_count;
	c->max_rx = ch.max_rx;
	c->max_tx = ch.max_tx;
	c->max_other = ch.max_other;
	c->max_combined = ch.max_combined;
}

static enum probe_tristate feature_state(const char *strings, __u32 n,
					 const struct ethtool_gfeatures *gf,
					 const char *name)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		if (strncmp(strings + i * ETH_GSTRING_LEN, name, ETH_GSTRING_LEN))
			continue;
		return gf->features[i / 32].active & (1U << (i % 32)) ?
		       PROBE_ON : PROBE_OFF;
	}
	return PROBE_UNKNOWN;
}

/* Number of strings in the features set, or negative errno. */
static int eth_feature_count(int fd, const char *ifname)
{
	/* The answer: one __u32 per set asked for, after the header. */
	union {
		struct ethtool_sset_info hdr;
		__u8 raw[sizeof(struct ethtool_sset_info) + sizeof(__u32)];
	} ss;
	int err;

	memset(&ss, 0, sizeof(ss));
	ss.hdr.cmd = ETHTOOL_GSSET_INFO;
	ss.hdr.sset_mask = 1ULL << ETH_SS_FEATURES;
	err = eth_ioctl(fd, ifname, &ss);
	if (err)
		return err;
	if (!(ss.hdr.sset_mask & (1ULL << ETH_SS_FEATURES)))
		return -EOPNOTSUPP;
	return ss.hdr.data[0];
}

struct eth_offloads {
	enum probe_tristate lro, rx_gro_hw, gro;
};

static void eth_features(int fd, const char *ifname, struct eth_offloads *o)
{
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_gfeatures *gf = NULL;
	__u32 n, blocks;
	int err;

	o->lro = o->rx_gro_hw = o->gro = PROBE_UNKNOWN;
	err = eth_feature_count(fd, ifname);
	if (err <= 0)
		goto out;
	n = err;
	blocks = (n + 31) / 32;
	gs = calloc(1, sizeof(*gs) + (size_t)n * ETH_GSTRING_LEN);
	gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	if (!gs || !gf) {
		err = -ENOMEM;
		goto out;
	}
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = n;
	err = eth_ioctl(fd, ifname, gs);
	if (err)
		goto out;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	err = eth_ioctl(fd, ifname, gf);
	if (err)
		goto out;
	n = gs->len < n ? gs->len : n;
	/* Kernel names; ethtool -k shows rx-lro as large-receive-offload. */
	o->lro = feature_state((char *)gs->data, n, gf, "rx-lro");
	o->rx_gro_hw = feature_state((char *)gs->data, n, gf, "rx-gro-hw");
	o->gro = feature_state((char *)gs->data, n, gf, "rx-gro");
out:
	if (err < 0)
		log_debug("probe: %s: ethtool features: %s\n", ifname,
			  strerror(-err));
	free(gs);
	free(gf);
}

static void collect_ethtool(struct probe_facts *f)
{
	struct probe_channels peer = {};
	struct eth_offloads own, peer_offloads;
	int fd;

	/* Created here, after the caller's setns: ioctls act on its netns. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_debug("probe: ethtool socket: %s\n", strerror(errno));
		return;
	}
	eth_drvinfo(fd, f);
	eth_channels(fd, f->ifname, &f->channels);
	eth_features(fd, f->ifname, &own);
	f->lro = own.lro;
	f->rx_gro_hw = own.rx_gro_hw;
	f->gro = own.gro;
	if (f->peer_known) {
		/* veth reports its real_num_tx_queues as tx_count. */
		eth_channels(fd, f->peer_ifname, &peer);
		f->peer_real_tx_queues = peer.tx;
		eth_features(fd, f->peer_ifname, &peer_offloads);
		f->peer_gro = peer_offloads.gro;
	}
	close(fd);
}

/* ------------------------------------------------------------- entry */

int probe_collect_facts(const char *ifname, struct probe_facts *f)
{
	char netns[sizeof(f->netns)];
	struct probe_nl nl;
	int err;

	memcpy(netns, f->netns, sizeof(netns));
	memset(f, 0, sizeof(*f));
	memcpy(f->netns, netns, sizeof(netns));
	f->lro = f->rx_gro_hw = f->gro = f->peer_gro = PROBE_UNKNOWN;

	f->ifindex = if_nametoindex(ifname);
	if (!f->ifindex)
		return errno && errno != ENODEV ? -errno : -ENODEV;
	snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);

	err = probe_kernel_facts(&f->kernel);
	if (err)
		log_warn("probe: kernel facts: %s\n", strerror(-err));

	err = probe_nl_open(&nl);
	if (err) {
		log_err("probe: rtnetlink socket: %s\n", strerror(-err));
		return err;
	}
	err = collect_link(&nl, f);
	if (err) {
		if (err != -ENODEV)
			log_err("probe: %s: RTM_GETLINK: %s\n", ifname,
				strerror(-err));
		goto out;
	}
	collect_tc_legacy(&nl, f);
	collect_bpf(f);
	collect_ethtool(f);
out:
	probe_nl_close(&nl);
	return err;
}
