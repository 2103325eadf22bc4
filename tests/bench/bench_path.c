// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The path of one packet through the hook plan (bench_path.h): which hooks
 * it reaches, which programs it crosses there, and the path each program
 * takes for it, named as bench-datapath's rows name it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "bench_path.h"
#include "cluster/hook_steps.h"

const char *const bench_path_presets[] = { "A", "B", "C", "D", "E", NULL };

/* What a program does with the packet, as far as the walk needs it. */
enum step_exit {
	EXIT_NEXT,		/* TC_ACT_UNSPEC / XDP_PASS: the next program, or the stack */
	EXIT_REDIRECT,		/* bpf_redirect(_neigh) to a device's egress */
	EXIT_PEER,		/* bpf_redirect_peer: past the host veth's egress */
};

/* The packet as the programs see it at the hook being walked. */
struct walk {
	const struct knobs *k;
	bool syn;		/* TCP SYN, else UDP */
	bool to_vip;		/* still addressed to the ClusterIP */
	bool outer;		/* inside VXLAN: the programs see node -> node UDP */
};

struct prog_rule {
	const char *prog;
	/* The row (path) of the program for the packet; may change it. */
	const char *(*row)(struct walk *w, enum step_exit *exit);
};

static const char *row_lb_dnat(struct walk *w, enum step_exit *exit)
{
	if (w->to_vip && !w->outer) {
		w->to_vip = false;
		return w->syn ? "new flow" : "new flow (UDP)";
	}
	return "not a service";
}

/* A forward packet of a flow no program has translated: no reply entry. */
static const char *row_not_reply(struct walk *w, enum step_exit *exit)
{
	return "not a reply";
}

static const char *row_masq_snat(struct walk *w, enum step_exit *exit)
{
	/* Pod to pod stays in the cluster CIDR; the tunnel's outer packet is
	 * the node's own, to its VXLAN port (never entered). */
	return w->outer ? "node's tunnel packet" : "in the cluster";
}

static const char *row_masq_rev_snat(struct walk *w, enum step_exit *exit)
{
	return w->outer ? "to the node, no flow" : "not a reply";
}

static const char *row_xdp_nodeport(struct walk *w, enum step_exit *exit)
{
	/* The outer packet is to node_ip: looked up as a NodePort, none. */
	return w->outer ? "to the node, no service" : "not to the node";
}

static const char *row_xdp_pass(struct walk *w, enum step_exit *exit)
{
	return "-";
}

static const char *row_route_from_pod(struct walk *w, enum step_exit *exit)
{
	*exit = EXIT_REDIRECT;	/* the destination is on the other node */
	return "remote (fib)";
}

static const char *row_route_from_uplink(struct walk *w, enum step_exit *exit)
{
	if (w->outer)
		return "not for a pod";
	*exit = EXIT_PEER;
	return "to a local pod";
}

static const char *row_overlay_encap(struct walk *w, enum step_exit *exit)
{
	if (w->to_vip)
		return "no tunnel (to the stack)";	/* kube-proxy's DNAT comes later */
	*exit = EXIT_REDIRECT;
	return "remote (vxlan)";
}

static const char *row_overlay_decap(struct walk *w, enum step_exit *exit)
{
	/* decap_to_stack is set unless BPF host routing is in force
	 * (loader/feature/feature_routing.c). */
	if (!hook_plan_bpf_host_routing(w->k))
		return "to the stack (legacy)";
	*exit = EXIT_PEER;
	return "to a local pod";
}

static const struct prog_rule rules[] = {
	{ "tc_lb_dnat", row_lb_dnat },
	{ "tc_lb_rev_nat", row_not_reply },
	{ "tc_nodeport_rev", row_not_reply },
	{ "masq_snat", row_masq_snat },
	{ "masq_rev_snat", row_masq_rev_snat },
	{ "xdp_nodeport_lb", row_xdp_nodeport },
	{ "xdp_pass", row_xdp_pass },
	{ "route_from_pod", row_route_from_pod },
	{ "route_from_uplink", row_route_from_uplink },
	{ "overlay_encap", row_overlay_encap },
	{ "overlay_decap", row_overlay_decap },
};

struct walker {
	const struct topo *t;
	const struct hook_plan *p;
	struct walk w;
	int dst_node;		/* the destination pod's */
	struct bench_path *out;
	char *err;
	size_t err_len;
	int ret;
};

static const char *hook_text(enum attach_hook h)
{
	return h == HOOK_XDP ? "xdp" : h == HOOK_TC_INGRESS ? "tc ingress" :
	       h == HOOK_TC_EGRESS ? "tc egress" : "connect()";
}

static void where_text(const struct walker *wk, int node, const char *dev, enum attach_hook h,
		       char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s", node == HOOK_PLAN_FABRIC ? "fabric" :
		 wk->t->nodes[node].name, dev, hook_text(h));
}

static struct bench_path_step *add_step(struct walker *wk, int node, const char *dev,
					 const struct hook_plan_entry *e)
{
	struct bench_path_step *s;

	if (wk->out->n == BENCH_PATH_MAX_STEPS) {
		wk->ret = -E2BIG;
		snprintf(wk->err, wk->err_len, "more than %d programs on the path",
			 BENCH_PATH_MAX_STEPS);
		return NULL;
	}
	s = &wk->out->s[wk->out->n++];
	memset(s, 0, sizeof(*s));
	where_text(wk, node, dev, e->hook, s->where, sizeof(s->where));
	s->entry = e;
	s->case_program = e->prog;
	s->fabric = node == HOOK_PLAN_FABRIC;
	return s;
}

static bool on_hook(const struct hook_plan_entry *e, int node, enum attach_hook hook,
		    const char *dev)
{
	return e->node == node && e->hook == hook && !strcmp(e->ifname, dev);
}

static void hook_error(struct walker *wk, const struct hook_plan_entry *e, const char *what)
{
	wk->ret = -EPROTO;
	snprintf(wk->err, wk->err_len, "%s on %s (%s): %s (loader/cluster/hook_steps.c)", e->prog,
		 e->ifname, hook_text(e->hook), what);
}

/*
 * A tc hook's chain as one program of hooks.bpf.c: which, with which
 * steps (every entry of the chain, in the program's order), and the
 * packet as it arrives; NULL when the hook has no entry or on error.
 */
static struct bench_path_hook *begin_hook(struct walker *wk, int node, enum attach_hook hook,
					  const char *dev)
{
	unsigned int steps[HOOK_PLAN_MAX], pkt;
	struct bench_path_hook *h;
	const char *prog = NULL;
	int i, n = 0;

	for (i = 0; i < wk->p->n && !wk->ret; i++) {
		const struct hook_plan_entry *e = &wk->p->e[i];

		if (!on_hook(e, node, hook, dev))
			continue;
		prog = hook_step_prog(wk->t, e);
		steps[n] = hook_step_of(e);
		if (!prog || !steps[n])
			hook_error(wk, e, "no program or step of hooks.bpf.c");
		else if (!hook_steps_in_order(prog, steps, ++n))
			hook_error(wk, e, "a step out of its program's order, or twice");
	}
	if (!n || wk->ret)
		return NULL;
	if (wk->out->n_hooks == BENCH_PATH_MAX_HOOKS) {
		wk->ret = -E2BIG;
		snprintf(wk->err, wk->err_len, "more than %d tc hooks on the path",
			 BENCH_PATH_MAX_HOOKS);
		return NULL;
	}
	pkt = (wk->w.syn ? BENCH_PKT_SYN : 0) | (wk->w.to_vip ? BENCH_PKT_VIP : 0) |
	      (wk->w.outer ? BENCH_PKT_TUNNEL : 0) | (node == wk->dst_node ? BENCH_PKT_IN : 0);
	h = &wk->out->h[wk->out->n_hooks++];
	memset(h, 0, sizeof(*h));
	where_text(wk, node, dev, hook, h->where, sizeof(h->where));
	h->prog = prog;
	for (i = 0; i < n; i++)
		h->steps |= steps[i];
	/* The overlay's rodata: set wherever BPF host routing is not in force
	 * (loader/feature/feature_routing.c). */
	h->decap_to_stack = (h->steps & HOOK_STEP_OVERLAY) && !hook_plan_bpf_host_routing(wk->w.k);
	h->pkt = pkt;
	h->first = wk->out->n;
	return h;
}

/* The chain of one hook, in plan order, up to the first program that
 * redirects; what that program did (EXIT_NEXT when none did). */
static enum step_exit hop(struct walker *wk, int node, enum attach_hook hook, const char *dev)
{
	struct bench_path_hook *h = NULL;
	enum step_exit exit = EXIT_NEXT;
	size_t r;
	int i;

	if (hook == HOOK_TC_INGRESS || hook == HOOK_TC_EGRESS)
		h = begin_hook(wk, node, hook, dev);

	for (i = 0; i < wk->p->n && !wk->ret && exit == EXIT_NEXT; i++) {
		const struct hook_plan_entry *e = &wk->p->e[i];
		struct bench_path_step *s;

		if (!on_hook(e, node, hook, dev))
			continue;
		for (r = 0; r < sizeof(rules) / sizeof(rules[0]); r++)
			if (!strcmp(rules[r].prog, e->prog))
				break;
		if (r == sizeof(rules) / sizeof(rules[0])) {
			wk->ret = -EPROTO;
			snprintf(wk->err, wk->err_len, "%s on %s (%s): the path walk does not "
				 "know this program (tests/bench/bench_path.c)", e->prog, dev,
				 hook_text(hook));
			break;
		}
		s = add_step(wk, node, dev, e);
		if (s)
			s->case_path = rules[r].row(&wk->w, &exit);
		if (s && !strcmp(e->prog, "xdp_pass"))
			s->case_program = "noop (xdp_pass)";	/* probe's: the XDP no-op row */
	}
	if (h) {
		h->n = wk->out->n - h->first;
		h->redirect = exit != EXIT_NEXT;
	}
	return exit;
}

static int first_pod_on(const struct topo *t, int node)
{
	int i;

	for (i = 0; i < t->n_pods; i++)
		if (t->pods[i].node == node)
			return i;
	return -1;
}

/* A TCP service with a backend on node; that backend's pod, or -1. */
static int tcp_backend_on(const struct topo *t, int node, int *svc)
{
	int i, b;

	for (i = 0; i < t->n_services; i++) {
		if (t->services[i].proto != IPPROTO_TCP)
			continue;
		for (b = 0; b < t->services[i].n_backends; b++)
			if (t->pods[t->services[i].backends[b].pod].node == node) {
				*svc = i;
				return t->services[i].backends[b].pod;
			}
	}
	return -1;
}

/* Socket LB: connect() sends the SYN to the backend straight away. */
static void connect_time(struct walker *wk, int node)
{
	struct bench_path_step *s;
	int i;

	for (i = 0; i < wk->p->n && !wk->ret; i++) {
		const struct hook_plan_entry *e = &wk->p->e[i];

		if (e->node != node || e->hook != HOOK_CGROUP_CONNECT4)
			continue;
		s = add_step(wk, node, "cgroup", e);
		if (s)
			s->connect_time = true;
		wk->w.to_vip = false;
	}
}

/* The hooks, in the order the packet reaches them. */
static void walk_hooks(struct walker *wk, int src, int dst)
{
	const struct topo *t = wk->t;
	int n1 = t->pods[src].node, n2 = t->pods[dst].node;
	enum step_exit exit;

	hop(wk, n1, HOOK_TC_INGRESS, t->pods[src].host_if);
	if (wk->w.to_vip && wk->w.k->service_lb != SERVICE_LB_IPTABLES) {
		wk->ret = -EPROTO;
		snprintf(wk->err, wk->err_len, "the ClusterIP is still the destination after "
			 "%s's %s ingress, with service_lb in BPF", t->nodes[n1].name,
			 t->pods[src].host_if);
		return;
	}
	if (wk->w.to_vip) {
		/* No program took the VIP: kube-proxy's rules in node1's stack. */
		snprintf(wk->out->note, sizeof(wk->out->note),
			 "the ClusterIP is translated by iptables (kube-proxy) in %s's stack",
			 t->nodes[n1].name);
		wk->w.to_vip = false;
	}
	if (wk->w.k->routing == ROUTING_VXLAN) {
		hop(wk, n1, HOOK_TC_EGRESS, "vx0");
		wk->w.outer = true;	/* the device encapsulates; out of the uplink */
	}
	hop(wk, n1, HOOK_TC_EGRESS, t->nodes[n1].uplink);
	/* The fabric's port of node1's uplink receives the frame. */
	hop(wk, HOOK_PLAN_FABRIC, HOOK_XDP, t->nodes[n1].name);
	hop(wk, n2, HOOK_XDP, t->nodes[n2].uplink);
	exit = hop(wk, n2, HOOK_TC_INGRESS, t->nodes[n2].uplink);
	if (wk->w.outer && exit == EXIT_NEXT) {
		wk->w.outer = false;	/* the kernel decapsulates into vx0 */
		exit = hop(wk, n2, HOOK_TC_INGRESS, "vx0");
	}
	if (exit != EXIT_PEER)
		hop(wk, n2, HOOK_TC_EGRESS, t->pods[dst].host_if);
}

const char *bench_path_name(enum bench_path_kind kind)
{
	return kind == BENCH_PATH_POD_UDP ? "pod-to-pod UDP" : "ClusterIP TCP SYN";
}

int bench_path_walk(const struct topo *t, const struct knobs *k, const struct hook_plan *p,
		    enum bench_path_kind kind, struct bench_path *out, char *err, size_t err_len)
{
	struct walker wk = { .t = t, .p = p, .out = out, .err = err, .err_len = err_len };
	int src = first_pod_on(t, 0), dst, svc = -1;

	if (err_len)
		err[0] = '\0';

	memset(out, 0, sizeof(*out));
	wk.w.k = k;
	wk.w.syn = kind == BENCH_PATH_VIP_SYN;
	dst = kind == BENCH_PATH_VIP_SYN ? tcp_backend_on(t, 1, &svc) : first_pod_on(t, 1);
	if (t->n_nodes < 2 || src < 0 || dst < 0) {
		snprintf(err, err_len, "%s: needs a pod on %s and %s on the second node",
			 t->name, t->n_nodes ? t->nodes[0].name : "a first node",
			 kind == BENCH_PATH_VIP_SYN ? "a TCP service's backend" : "a pod");
		return -ENOENT;
	}
	if (svc >= 0)
		snprintf(out->what, sizeof(out->what), "%s/%s -> %s:%u, backend %s/%s",
			 t->nodes[0].name, t->pods[src].name, t->services[svc].name,
			 t->services[svc].port, t->nodes[1].name, t->pods[dst].name);
	else
		snprintf(out->what, sizeof(out->what), "%s/%s -> %s/%s", t->nodes[0].name,
			 t->pods[src].name, t->nodes[1].name, t->pods[dst].name);
	wk.dst_node = t->pods[dst].node;
	wk.w.to_vip = svc >= 0;
	if (wk.w.to_vip)
		connect_time(&wk, 0);
	walk_hooks(&wk, src, dst);
	return wk.ret;
}

int bench_path_preset(const struct topo *t, const char *preset, enum bench_path_kind kind,
		      struct knobs *k, struct hook_plan *p, struct bench_path *out, char *err,
		      size_t err_len)
{
	int ret;

	err[0] = '\0';
	ret = knobs_profile(preset, k, err, err_len);
	if (!ret)
		ret = hook_plan_build(t, k, p);
	if (!ret)
		ret = bench_path_walk(t, k, p, kind, out, err, err_len);
	if (ret && !err[0])
		snprintf(err, err_len, "%s", strerror(-ret));
	return ret;
}

void bench_steps_text(const char *prog, unsigned int steps, char *buf, size_t len)
{
	static const struct {
		unsigned int step;
		const char *name;
	} names[] = {
		{ HOOK_STEP_LB_DNAT, "lb_dnat" }, { HOOK_STEP_LB_REV, "lb_rev" },
		{ HOOK_STEP_NP_DNAT, "np_dnat" }, { HOOK_STEP_NP_REV, "np_rev" },
		{ HOOK_STEP_XLB_REV, "xlb_rev" }, { HOOK_STEP_MASQ, "masq" },
		{ HOOK_STEP_HOST_ROUTING, "host_routing" }, { HOOK_STEP_OVERLAY, "overlay" },
	};
	int on[sizeof(names) / sizeof(names[0])], n = 0, i, j, t;
	size_t at = 0;

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (steps & names[i].step)
			on[n++] = i;
	/* In the program's order, where it has them in one. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			unsigned int pair[2] = { names[on[j]].step, names[on[j - 1]].step };

			if (!prog || !hook_steps_in_order(prog, pair, 2))
				break;
			t = on[j];
			on[j] = on[j - 1];
			on[j - 1] = t;
		}
	snprintf(buf, len, "-");
	for (i = 0; i < n && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s", i ? "+" : "", names[on[i]].name);
}

void bench_pkt_text(unsigned int pkt, char *buf, size_t len)
{
	bool tunnel = pkt & BENCH_PKT_TUNNEL;

	snprintf(buf, len, "%s%s %s%s, %s node", tunnel ? "VXLAN (" : "",
		 pkt & BENCH_PKT_VIP ? "ClusterIP" : "pod", pkt & BENCH_PKT_SYN ? "SYN" : "UDP",
		 tunnel ? ")" : "", pkt & BENCH_PKT_IN ? "receiving" : "sending");
}
