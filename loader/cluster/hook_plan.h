/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The plan: from the knobs, which features each node loads and which of
 * their programs go on which hook, in which order.  Pure (unit-tested);
 * cluster.c carries it out.
 *
 * Chains, in order (a program only when its knob asks for it):
 *   pod veth  ingress  tc_lb_dnat (service_lb=tc), tc_lb_rev_nat (the
 *                      same: replies from local backends, before any
 *                      redirect skips the egress hook), overlay_encap
 *                      (routing=vxlan), route_from_pod (host_routing=bpf)
 *   pod veth  egress   tc_lb_rev_nat
 *   uplink    ingress  masq_rev_snat (masquerade=bpf), tc_lb_dnat of
 *                      tc_nodeport (NodePort, local backends), tc_lb_rev_nat
 *                      (replies from remote backends), route_from_uplink
 *   uplink    egress   tc_lb_rev_nat of tc_nodeport (NodePort replies),
 *                      tc_nodeport_rev (xdp_lb), masq_snat (last)
 *   uplink    XDP      xdp_nodeport_lb (xdp_lb=native|generic)
 *   vx0       ingress  tc_lb_rev_nat, overlay_decap (routing=vxlan)
 *   fabric port XDP    xdp_pass, native when veth_napi=on or
 *                      xdp_lb=native (veth delivers XDP_TX'd frames only
 *                      to a peer with XDP of its own, and that program puts
 *                      the peer in NAPI mode for all traffic); generic with
 *                      xdp_lb=generic and veth_napi=off
 *   node cgroup        sock_lb (service_lb=socket): connect4, sendmsg4,
 *                      recvmsg4, getpeername4, connect6, recvmsg6,
 *                      getpeername6 (IPv6 sockets to v4-mapped VIPs)
 * The tc chains of pod veths, uplinks and vx0 are not attached program by
 * program: each such hook gets one program of hooks.bpf.c running its
 * chain's entries as steps, in this order (hook_steps.h, cluster_hooks.c).
 * tc_lb (ClusterIPs per packet) is loaded with service_lb=tc only: with
 * socket LB no flow reaches it (as Cilium skips its per-packet service path
 * with full socket LB).  tc_nodeport serves NodePorts whenever services are
 * not kube-proxy's.
 */
#ifndef DPLAB_LOADER_HOOK_PLAN_H
#define DPLAB_LOADER_HOOK_PLAN_H

#include <limits.h>
#include <stdbool.h>

#include "attach/attach.h"
#include "feature/feature.h"
#include "cluster/knobs.h"
#include "topo/topo.h"

#define HOOK_PLAN_FABRIC (-1)	/* entry.node for the fabric namespace */
#define HOOK_PLAN_MAX 256

struct hook_plan_entry {
	int node;			/* index, or HOOK_PLAN_FABRIC */
	int feature_node;		/* whose feature instance (node index) */
	enum feature_id feature;
	const char *prog;		/* program name in the feature's object */
	enum attach_hook hook;
	char ifname[ATTACH_TARGET_LEN];	/* device in the namespace, or cgroup dir */
	bool xdp_generic;
};

struct hook_plan {
	int n;
	struct hook_plan_entry e[HOOK_PLAN_MAX];
	bool load[TOPO_MAX_NODES][FEAT_COUNT];	/* features each node loads */
};

/* 0, or -E2BIG when the topology has more hooks than HOOK_PLAN_MAX. */
int hook_plan_build(const struct topo *t, const struct knobs *k, struct hook_plan *p);

/*
 * The fabric side of every uplink veth carries a native XDP program, so
 * veth hands it frames through NAPI: veth_napi=on, or xdp_lb=native, whose
 * XDP_TX needs it (so veth_napi=off does not take it away from xdp_lb; the
 * runner names it as the implied change of a row switching xdp_lb on).
 */
bool hook_plan_veth_napi(const struct knobs *k);

/*
 * BPF host routing in force: host_routing=bpf with services and masquerade
 * in BPF too.  Like Cilium, which needs the eBPF kube-proxy replacement and
 * BPF masquerade for it, dplab keeps legacy routing otherwise: redirecting
 * past the stack would skip kube-proxy's un-DNAT and iptables masquerade.
 */
bool hook_plan_bpf_host_routing(const struct knobs *k);

/* Why a knob asked for is not in force ("" when all are); for reports. */
void hook_plan_notes(const struct knobs *k, char *buf, size_t len);

/* Whether a knob change must reload a feature (its maps or rodata). */
bool hook_plan_feature_config_changed(enum feature_id f, const struct knobs *a,
				 const struct knobs *b);

/* The namespace an entry is attached in. */
const char *hook_plan_entry_ns(const struct topo *t, const struct hook_plan_entry *e);

/* Whether entries a and b go on the same hook (namespace, device, hook). */
bool hook_plan_same_hook(const struct topo *t, const struct hook_plan_entry *a,
			 const struct hook_plan_entry *b);

/* The index of p's first entry on e's hook (e may be another plan's), or -1. */
int hook_plan_first_on(const struct topo *t, const struct hook_plan *p,
		       const struct hook_plan_entry *e);

#endif /* DPLAB_LOADER_HOOK_PLAN_H */
