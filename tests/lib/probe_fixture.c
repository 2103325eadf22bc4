// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Recorded probe facts and trial outcomes (probe_fixture.h). */
#include <stdio.h>
#include <string.h>
#include <linux/netdev.h>

#include "lib/probe_fixture.h"

struct probe_facts pf_iface(const char *name, const char *driver)
{
	struct probe_facts f;

	memset(&f, 0, sizeof(f));
	snprintf(f.ifname, sizeof(f.ifname), "%s", name);
	snprintf(f.driver, sizeof(f.driver), "%s", driver);
	f.ifindex = 2;
	f.mtu = 1500;
	f.min_mtu = 68;
	f.max_mtu = 9216;
	f.num_rx_queues = f.num_tx_queues = 8;
	f.lro = f.rx_gro_hw = PROBE_OFF;
	f.gro = PROBE_ON;
	f.xdp_features_known = true;
	f.xdp_features = NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			 NETDEV_XDP_ACT_NDO_XMIT;
	snprintf(f.kernel.release, sizeof(f.kernel.release), "6.8.0-test");
	f.kernel.major = 6;
	f.kernel.minor = 8;
	f.kernel.btf = f.kernel.bpffs = f.kernel.tcx = true;
	f.kernel.xdp_link = f.kernel.xdp_attach_failed_tp = true;
	f.kernel.page_size = 4096;
	return f;
}

struct probe_facts pf_ena(int mtu, __u32 combined, __u32 max)
{
	struct probe_facts f = pf_iface("eth0", "ena");

	f.mtu = mtu;
	f.max_mtu = 9216;
	f.channels.known = true;
	f.channels.combined = combined;
	f.channels.max_combined = max;
	return f;
}

struct probe_facts pf_veth(int peer_mtu, __u32 rxq, __u32 peer_txq)
{
	struct probe_facts f = pf_iface("veth0", "veth");

	snprintf(f.kind, sizeof(f.kind), "veth");
	f.num_rx_queues = f.num_tx_queues = rxq;
	f.channels.known = true;
	f.channels.rx = f.channels.tx = rxq;
	f.channels.max_rx = f.channels.max_tx = rxq;
	f.has_peer = f.peer_known = true;
	snprintf(f.peer_ifname, sizeof(f.peer_ifname), "veth1");
	f.peer_mtu = peer_mtu;
	f.peer_real_tx_queues = peer_txq;
	return f;
}

struct probe_trials pf_trials_all(enum probe_outcome o)
{
	struct probe_trials tr;
	int i;

	memset(&tr, 0, sizeof(tr));
	for (i = 0; i < TRIAL_COUNT; i++)
		tr.t[i].outcome = o;
	return tr;
}

void pf_refuse(struct probe_trials *tr, enum probe_trial_id id, int err, const char *msg)
{
	tr->t[id].outcome = OUTCOME_FAILED;
	tr->t[id].err = err;
	snprintf(tr->t[id].kernel_msg, sizeof(tr->t[id].kernel_msg), "%s", msg);
}

void pf_fail_native(struct probe_trials *tr, int err, const char *msg)
{
	pf_refuse(tr, TRIAL_XDP_NATIVE_LINK, err, msg);
	pf_refuse(tr, TRIAL_XDP_NATIVE_NETLINK, err, msg);
	pf_refuse(tr, TRIAL_XDP_LIBXDP_NATIVE, err, "");
}
