// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The hook plan (hook_plan.h): features per node, programs per hook, in order. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cluster/hook_plan.h"

struct builder {
	const struct topo *t;
	struct hook_plan *p;
	int err;
};

static void add(struct builder *b, int node, enum feature_id f, const char *prog,
		enum attach_hook hook, const char *ifname, bool generic)
{
	struct hook_plan_entry *e;

	if (b->p->n == HOOK_PLAN_MAX) {
		b->err = -E2BIG;
		return;
	}
	e = &b->p->e[b->p->n++];
	e->node = node;
	e->feature_node = node == HOOK_PLAN_FABRIC ? 0 : node;
	e->feature = f;
	e->prog = prog;
	e->hook = hook;
	if (snprintf(e->ifname, sizeof(e->ifname), "%s", ifname) >= (int)sizeof(e->ifname)) {
		b->p->n--;
		b->err = -ENAMETOOLONG;
		return;
	}
	e->xdp_generic = generic;
}

/*
 * ClusterIPs per packet at tc: only with service_lb=tc.  With socket LB no
 * flow reaches tc_lb to be reverse-translated (connect() already chose the
 * backend), so, as Cilium skips its per-packet service path with full
 * socket LB, no tc_lb step costs a conntrack lookup on every packet.
 */
static bool tc_lb_loaded(const struct knobs *k)
{
	return k->service_lb == SERVICE_LB_TC;
}

/* NodePorts at tc (local backends) whenever services are not kube-proxy's. */
static bool tc_nodeport_loaded(const struct knobs *k)
{
	return k->service_lb != SERVICE_LB_IPTABLES;
}

static void pod_chains(struct builder *b, const struct knobs *k, int node)
{
	const struct topo *t = b->t;
	int i;

	for (i = 0; i < t->n_pods; i++) {
		const char *lxc = t->pods[i].host_if;

		if (t->pods[i].node != node)
			continue;
		if (k->service_lb == SERVICE_LB_TC)
			add(b, node, FEAT_TC_LB, "tc_lb_dnat", HOOK_TC_INGRESS, lxc, false);
		if (tc_lb_loaded(k))
			add(b, node, FEAT_TC_LB, "tc_lb_rev_nat", HOOK_TC_INGRESS, lxc, false);
		if (k->routing == ROUTING_VXLAN)
			add(b, node, FEAT_OVERLAY, "overlay_encap", HOOK_TC_INGRESS, lxc, false);
		if (hook_plan_bpf_host_routing(k))
			add(b, node, FEAT_HOST_ROUTING, "route_from_pod", HOOK_TC_INGRESS, lxc, false);
		if (tc_lb_loaded(k))
			add(b, node, FEAT_TC_LB, "tc_lb_rev_nat", HOOK_TC_EGRESS, lxc, false);
	}
}

static void uplink_chains(struct builder *b, const struct knobs *k, int node)
{
	const char *up = b->t->nodes[node].uplink;
	bool generic = k->xdp_lb == XDP_LB_GENERIC;

	if (k->masquerade == MASQ_BPF)
		add(b, node, FEAT_MASQ, "masq_rev_snat", HOOK_TC_INGRESS, up, false);
	if (tc_nodeport_loaded(k))
		add(b, node, FEAT_TC_NODEPORT, "tc_lb_dnat", HOOK_TC_INGRESS, up, false);
	if (tc_lb_loaded(k))
		add(b, node, FEAT_TC_LB, "tc_lb_rev_nat", HOOK_TC_INGRESS, up, false);
	if (hook_plan_bpf_host_routing(k))
		add(b, node, FEAT_HOST_ROUTING, "route_from_uplink", HOOK_TC_INGRESS, up, false);

	if (tc_nodeport_loaded(k))
		add(b, node, FEAT_TC_NODEPORT, "tc_lb_rev_nat", HOOK_TC_EGRESS, up, false);
	if (k->xdp_lb != XDP_LB_OFF)
		add(b, node, FEAT_XDP_LB, "tc_nodeport_rev", HOOK_TC_EGRESS, up, false);
	if (k->masquerade == MASQ_BPF)
		add(b, node, FEAT_MASQ, "masq_snat", HOOK_TC_EGRESS, up, false);

	if (k->xdp_lb != XDP_LB_OFF)
		add(b, node, FEAT_XDP_LB, "xdp_nodeport_lb", HOOK_XDP, up, generic);
}

/*
 * The pass-through on the fabric's port of this uplink (named after the
 * node): native whenever the veth is to be in NAPI mode; with xdp_lb=generic
 * alone in generic mode, as that LB's own peer.  An uplink that is a real
 * NIC (uplink_dev=) has no fabric port and no veth peer to satisfy.
 */
static void fabric_port(struct builder *b, const struct knobs *k, int node)
{
	bool napi = hook_plan_veth_napi(k);

	if ((!napi && k->xdp_lb != XDP_LB_GENERIC) || b->t->nodes[node].real_dev[0])
		return;
	add(b, HOOK_PLAN_FABRIC, FEAT_XDP_PEER, "xdp_pass", HOOK_XDP, b->t->nodes[node].name,
	    !napi);
	if (!b->err)
		b->p->e[b->p->n - 1].feature_node = node;
}

static void overlay_chain(struct builder *b, const struct knobs *k, int node)
{
	if (k->routing != ROUTING_VXLAN)
		return;
	if (tc_lb_loaded(k))
		add(b, node, FEAT_TC_LB, "tc_lb_rev_nat", HOOK_TC_INGRESS, "vx0", false);
	add(b, node, FEAT_OVERLAY, "overlay_decap", HOOK_TC_INGRESS, "vx0", false);
}

static void socket_lb(struct builder *b, const struct knobs *k, int node)
{
	static const struct {
		const char *prog;
		enum attach_hook hook;
	} hooks[] = {
		{ "sock_lb_connect4", HOOK_CGROUP_CONNECT4 },
		{ "sock_lb_sendmsg4", HOOK_CGROUP_SENDMSG4 },
		{ "sock_lb_recvmsg4", HOOK_CGROUP_RECVMSG4 },
		{ "sock_lb_getpeername4", HOOK_CGROUP_GETPEERNAME4 },
		/* IPv6 sockets to ::ffff:VIP (sock_lb.bpf.c: why no sendmsg6) */
		{ "sock_lb_connect6", HOOK_CGROUP_CONNECT6 },
		{ "sock_lb_recvmsg6", HOOK_CGROUP_RECVMSG6 },
		{ "sock_lb_getpeername6", HOOK_CGROUP_GETPEERNAME6 },
	};
	char cgroup[PATH_MAX];
	size_t i;

	if (k->service_lb != SERVICE_LB_SOCKET)
		return;
	topo_cgroup_path(b->t->name, b->t->nodes[node].name, cgroup, sizeof(cgroup));
	for (i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		add(b, node, FEAT_SOCK_LB, hooks[i].prog, hooks[i].hook, cgroup, false);
}

bool hook_plan_veth_napi(const struct knobs *k)
{
	return k->veth_napi == VETH_NAPI_ON || k->xdp_lb == XDP_LB_NATIVE;
}

bool hook_plan_bpf_host_routing(const struct knobs *k)
{
	return k->host_routing == HOST_ROUTING_BPF && k->service_lb != SERVICE_LB_IPTABLES &&
	       k->masquerade == MASQ_BPF;
}

void hook_plan_notes(const struct knobs *k, char *buf, size_t len)
{
	buf[0] = '\0';
	if (k->host_routing == HOST_ROUTING_BPF && !hook_plan_bpf_host_routing(k))
		snprintf(buf, len, "host_routing=bpf: legacy routing stays in force, as in Cilium, "
			 "because BPF host routing needs service_lb=tc|socket and masquerade=bpf "
			 "(now service_lb=%s, masquerade=%s)\n",
			 k->service_lb == SERVICE_LB_IPTABLES ? "iptables" :
			 k->service_lb == SERVICE_LB_TC ? "tc" : "socket",
			 k->masquerade == MASQ_BPF ? "bpf" : "iptables");
}

int hook_plan_build(const struct topo *t, const struct knobs *k, struct hook_plan *p)
{
	struct builder b = { .t = t, .p = p };
	int node, i;

	memset(p, 0, sizeof(*p));
	for (node = 0; node < t->n_nodes; node++) {
		pod_chains(&b, k, node);
		uplink_chains(&b, k, node);
		fabric_port(&b, k, node);
		overlay_chain(&b, k, node);
		socket_lb(&b, k, node);
	}
	for (i = 0; i < p->n; i++)
		p->load[p->e[i].feature_node][p->e[i].feature] = true;
	return b.err;
}

bool hook_plan_feature_config_changed(enum feature_id f, const struct knobs *a,
				 const struct knobs *b)
{
	bool ct = a->ct_max != b->ct_max, svcs = a->services != b->services;

	switch (f) {
	case FEAT_TC_LB:
	case FEAT_TC_NODEPORT:
	case FEAT_SOCK_LB:
	case FEAT_XDP_LB:
		return ct || svcs;
	case FEAT_MASQ:
		return ct;
	case FEAT_OVERLAY:
		return hook_plan_bpf_host_routing(a) != hook_plan_bpf_host_routing(b); /* decap_to_stack */
	default:
		return false;
	}
}

const char *hook_plan_entry_ns(const struct topo *t, const struct hook_plan_entry *e)
{
	return e->node == HOOK_PLAN_FABRIC ? t->fabric_ns : t->nodes[e->node].ns;
}

bool hook_plan_same_hook(const struct topo *t, const struct hook_plan_entry *a,
			 const struct hook_plan_entry *b)
{
	return a->hook == b->hook && !strcmp(a->ifname, b->ifname) &&
	       !strcmp(hook_plan_entry_ns(t, a), hook_plan_entry_ns(t, b));
}

int hook_plan_first_on(const struct topo *t, const struct hook_plan *p,
		       const struct hook_plan_entry *e)
{
	int i;

	for (i = 0; i < p->n; i++)
		if (hook_plan_same_hook(t, &p->e[i], e))
			return i;
	return -1;
}
