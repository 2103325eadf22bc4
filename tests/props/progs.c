// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The programs of the property tests (see props.h), loaded as the loader
 * would for props.h's address plan: the traffic each one sees, its role in
 * the flow model, and the frames' ingress device.  Conntrack and NAT maps
 * are sized small, so LRU eviction happens within a run.  tc_lb.bpf.c is
 * loaded twice, as the loader does: its ClusterIP instance and the
 * tc_nodeport instance ("np.": NodePorts with their local backends only,
 * feature_lb.c), whose programs run at the uplink.
 *
 * Host routing and the overlay consult the FIB of the caller's namespace:
 * props_env_up(private_netns) moves the process into a namespace of its
 * own (unshare, gone with the process) holding a node like the routing
 * suite's (tests/lib/routing.h): pod veths lxc1/lxc2, an uplink ul
 * 192.168.100.1/24 with routes to the other nodes' pod CIDRs (one with a
 * known neighbour, one without), a blackhole, and a VXLAN device vx0.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "dplab/routing.h"
#include "masq.skel.h"
#include "tc_lb.skel.h"
#include "xdp_lb.skel.h"
#include "host_routing.skel.h"
#include "overlay.skel.h"
#include "props/props.h"

#define CT_ENTRIES 256		/* small: flows are evicted during a run */
#define VNI 42

struct objs {
	struct masq_bpf *masq;
	struct tc_lb_bpf *tc_lb;
	struct tc_lb_bpf *np;		/* tc_lb.bpf.c again: the tc_nodeport instance */
	struct xdp_lb_bpf *xdp_lb;
	struct host_routing_bpf *hr;
	struct overlay_bpf *ovl;
};

#define N(a) (unsigned int)(sizeof(a) / sizeof((a)[0]))
#define POOL(s, d) .src = (s), .n_src = N(s), .dst = (d), .n_dst = N(d)

static const __be32 pods[] = { PR_POD1, PR_POD2, PR_POD3 };
static const uint16_t client_ports[] = { 40000, 40001, 40002, 33000 };

static const __be32 masq_src[] = { PR_POD1, PR_POD2, PR_POD3, PR_POD1, PR_POD2, PR_NODE, PR_PEER1 };
static const __be32 masq_dst[] = { PR_REMOTE1, PR_REMOTE2, PR_CLIENT, PR_REMOTE1, PR_REMOTE2,
				   PR_PEER1, PR_POD2, PR_NODE, PR_VIP };
static const uint16_t masq_dport[] = { 80, 443, 53, 123, 8080 };
static const __be32 outside[] = { PR_REMOTE1, PR_REMOTE2, PR_CLIENT, PR_ROUTER };
static const __be32 to_node[] = { PR_NODE, PR_NODE, PR_NODE, PR_POD1 };
static const __be32 vips[] = { PR_VIP, PR_VIP, PR_VIP, PR_VIP_TWO, PR_VIP_EMPTY, PR_PEER1,
			       PR_REMOTE1 };
static const uint16_t vip_dport[] = { 80, 80, 53, 8080 };
static const __be32 backends[] = { PR_PEER1, PR_POD3, PR_ROUTER };
static const __be32 np_src[] = { PR_CLIENT, PR_REMOTE1, PR_REMOTE2 };
static const uint16_t np_dport[] = { PR_NP_LOCAL, PR_NP_REMOTE, PR_NP_UDP, PR_NP_EMPTY, 22 };
static const __be32 np_rev_src[] = { PR_POD1, PR_PEER1 };
static const __be32 np_rev_dst[] = { PR_CLIENT, PR_REMOTE1 };
static const __be32 rt_dst[] = { PR_POD2, PR_POD1, PR_PEER1, PR_PEER3, PR_HOLE, PR_REMOTE1,
				 PR_NODE, IP4(192, 168, 100, 1) };
static const __be32 up_src[] = { PR_REMOTE1, PR_PEER1, PR_CLIENT };
static const __be32 up_dst[] = { PR_POD1, PR_POD2, PR_POD3, PR_PEER1, PR_NODE };
static const __be32 tun_dst[] = { PR_PEER1, PR_PEER2, PR_PEER3, PR_POD2, PR_REMOTE1 };
static const __be32 tun_src[] = { PR_PEER1, PR_PEER3 };
static const __be32 tun_in_dst[] = { PR_POD1, PR_POD2, PR_POD3, PR_REMOTE1 };

static const struct props_traffic tr_masq = { POOL(masq_src, masq_dst), .dport = masq_dport,
					      .n_dport = N(masq_dport), .fwd_again = true };
static const struct props_traffic tr_masq_rev = { POOL(outside, to_node), .dport = client_ports,
						  .n_dport = N(client_ports), .replies = true };
static const struct props_traffic tr_lb = { POOL(pods, vips), .dport = vip_dport,
					    .n_dport = N(vip_dport), .fwd_again = true };
static const struct props_traffic tr_lb_rev = { POOL(backends, pods), .dport = client_ports,
						.n_dport = N(client_ports), .replies = true };
static const struct props_traffic tr_np = { POOL(np_src, to_node), .dport = np_dport,
					    .n_dport = N(np_dport), .replies = true,
					    .fwd_again = true };
static const struct props_traffic tr_np_rev = { POOL(np_rev_src, np_rev_dst),
						.dport = client_ports, .n_dport = N(client_ports),
						.replies = true };
static const struct props_traffic tr_route = { POOL(pods, rt_dst) };
static const struct props_traffic tr_uplink = { POOL(up_src, up_dst) };
static const struct props_traffic tr_encap = { POOL(pods, tun_dst) };
static const struct props_traffic tr_decap = { POOL(tun_src, tun_in_dst) };

/* The programs; fd and ifindex are filled in by props_env_up. */
static const struct props_prog prog_table[] = {
	{ .name = "masq_snat", .obj = PROPS_OBJ_MASQ, .role = ROLE_FWD, .masq_egress = true,
	  .traffic = &tr_masq },
	{ .name = "masq_rev_snat", .obj = PROPS_OBJ_MASQ, .role = ROLE_REV, .masq_ingress = true,
	  .traffic = &tr_masq_rev },
	{ .name = "tc_lb_dnat", .obj = PROPS_OBJ_TC_LB, .role = ROLE_FWD, .traffic = &tr_lb },
	{ .name = "tc_lb_rev_nat", .obj = PROPS_OBJ_TC_LB, .role = ROLE_REV, .traffic = &tr_lb_rev },
	{ .name = "np.tc_lb_dnat", .obj = PROPS_OBJ_TC_NODEPORT, .role = ROLE_FWD,
	  .traffic = &tr_np },
	{ .name = "np.tc_lb_rev_nat", .obj = PROPS_OBJ_TC_NODEPORT, .role = ROLE_REV,
	  .traffic = &tr_np_rev },
	{ .name = "xdp_nodeport_lb", .obj = PROPS_OBJ_XDP_LB, .xdp = true, .role = ROLE_BOTH,
	  .traffic = &tr_np },
	{ .name = "tc_nodeport_rev", .obj = PROPS_OBJ_XDP_LB, .role = ROLE_REV, .traffic = &tr_np_rev },
	{ .name = "route_from_pod", .obj = PROPS_OBJ_HOST_ROUTING, .traffic = &tr_route },
	{ .name = "route_from_uplink", .obj = PROPS_OBJ_HOST_ROUTING, .traffic = &tr_uplink },
	{ .name = "overlay_encap", .obj = PROPS_OBJ_OVERLAY, .may_encap = true, .traffic = &tr_encap },
	{ .name = "overlay_decap", .obj = PROPS_OBJ_OVERLAY, .traffic = &tr_decap },
};

/* The node of the file's comment, in a namespace of this process's own. */
static int node_netns(char *err, size_t err_len)
{
	if (unshare(CLONE_NEWNET)) {
		snprintf(err, err_len, "unshare(CLONE_NEWNET): %s", strerror(errno));
		return -1;
	}
	if (system("set -e; exec >/dev/null 2>&1; "
		   "echo 1 > /proc/sys/net/ipv4/conf/all/forwarding; "
		   "ip link add lxc1 address 02:00:00:00:01:01 type veth peer name pod1; "
		   "ip link add lxc2 address 02:00:00:00:02:01 type veth peer name pod2; "
		   "ip link add ul address 02:00:00:00:0a:01 type veth peer name gw "
		   "address 02:00:00:00:0a:02; "
		   "ip link add vx0 type vxlan external dstport 4789; "
		   "for d in lo lxc1 pod1 lxc2 pod2 ul gw vx0; do ip link set $d up; done; "
		   "ip addr add 192.168.100.1/24 dev ul; ip addr add 203.0.113.2/32 dev ul; "
		   "ip neigh replace 192.168.100.2 lladdr 02:00:00:00:0a:02 dev ul nud permanent; "
		   "ip route add 10.0.2.0/24 via 192.168.100.2 dev ul; "
		   "ip route add 198.51.100.0/24 via 192.168.100.2 dev ul; "
		   "ip route add 10.0.3.0/24 via 192.168.100.3 dev ul; "
		   "ip route add blackhole 10.0.9.0/24")) {
		snprintf(err, err_len, "setting up the private namespace's node (ip) failed");
		return -1;
	}
	return 0;
}

static int ifindex(const struct props_env *env, const char *dev)
{
	return env->netns ? (int)if_nametoindex(dev) : 0;
}

static int map_put(struct bpf_map *m, const void *k, size_t kl, const void *v, size_t vl,
		   char *err, size_t err_len)
{
	if (!bpf_map__update_elem(m, k, kl, v, vl, 0))
		return 0;
	snprintf(err, err_len, "map %s: update: %s", bpf_map__name(m), strerror(errno));
	return -1;
}

/* A service vip:port/proto with backends be[0..n) (all on port be_port). */
static int service(struct bpf_map *svcs, struct bpf_map *bes, __be32 vip, uint16_t port,
		   uint8_t proto, uint32_t id, const __be32 *be, uint16_t be_port, uint16_t flags,
		   uint16_t n, char *err, size_t err_len)
{
	struct dplab_svc_key key = { .vip = vip, .port = htons(port), .proto = proto };
	struct dplab_svc svc = { .id = id, .count = n };
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct dplab_backend_key bk = { .svc_id = id, .slot = i };
		struct dplab_backend b = { .addr = be[i], .port = htons(be_port), .flags = flags };

		if (map_put(bes, &bk, sizeof(bk), &b, sizeof(b), err, err_len))
			return -1;
	}
	return map_put(svcs, &key, sizeof(key), &svc, sizeof(svc), err, err_len);
}

static int load_masq(const struct props_opts *opts, struct objs *o, char *err, size_t err_len)
{
	struct masq_bpf *s = o->masq = masq_bpf__open();

	if (!s)
		return snprintf(err, err_len, "masq.bpf.o: open: %s", strerror(errno)), -1;
	PROPS_MASQ_RODATA(s->rodata, opts);
	PROPS_CT_RODATA(s->rodata, opts);
	if (bpf_map__set_max_entries(s->maps.snat, 2 * CT_ENTRIES) || masq_bpf__load(s))
		return snprintf(err, err_len, "masq.bpf.o: load: %s", strerror(errno)), -1;
	return 0;
}

/* tc_lb.bpf.c with conntrack maps of CT_ENTRIES, into *out. */
static int open_tc_lb(const struct props_opts *opts, struct tc_lb_bpf **out, char *err,
		      size_t err_len)
{
	struct tc_lb_bpf *s = *out = tc_lb_bpf__open();

	if (!s)
		return snprintf(err, err_len, "tc_lb.bpf.o: open: %s", strerror(errno)), -1;
	PROPS_CT_RODATA(s->rodata, opts);
	if (bpf_map__set_max_entries(s->maps.lb_ct, CT_ENTRIES) ||
	    bpf_map__set_max_entries(s->maps.lb_rev, CT_ENTRIES) || tc_lb_bpf__load(s))
		return snprintf(err, err_len, "tc_lb.bpf.o: load: %s", strerror(errno)), -1;
	return 0;
}

static int load_tc_lb(const struct props_opts *opts, struct objs *o, char *err, size_t err_len)
{
	static const __be32 one[] = { PR_PEER1 }, two[] = { PR_PEER1, PR_POD3 };
	struct tc_lb_bpf *s;

	if (open_tc_lb(opts, &o->tc_lb, err, err_len))
		return -1;
	s = o->tc_lb;
	return service(s->maps.services, s->maps.backends, PR_VIP, 80, IPPROTO_TCP, 1, one,
		       8080, 0, 1, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_VIP, 53, IPPROTO_UDP, 2, one,
		       5353, 0, 1, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_VIP, 0, IPPROTO_ICMP, 3, one,
		       0, 0, 1, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_VIP_TWO, 80, IPPROTO_TCP, 4, two,
		       8080, 0, 2, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_VIP_EMPTY, 80, IPPROTO_TCP, 5,
		       NULL, 0, 0, 0, err, err_len) ? -1 : 0;
}

/*
 * The tc_nodeport instance: xdp_lb's NodePorts with their local backends
 * only (PR_NP_LOCAL; the others have none here, so they are not programmed).
 */
static int load_tc_nodeport(const struct props_opts *opts, struct objs *o, char *err,
			    size_t err_len)
{
	static const __be32 local[] = { PR_POD1 };

	if (open_tc_lb(opts, &o->np, err, err_len))
		return -1;
	return service(o->np->maps.services, o->np->maps.backends, PR_NODE, PR_NP_LOCAL,
		       IPPROTO_TCP, 1, local, 8080, DPLAB_BACKEND_LOCAL, 1, err, err_len);
}

static int load_xdp_lb(const struct props_opts *opts, struct objs *o, char *err, size_t err_len)
{
	static const __be32 local[] = { PR_POD1 }, remote[] = { PR_PEER1 }, udp[] = { PR_PEER2 };
	struct xdp_lb_bpf *s = o->xdp_lb = xdp_lb_bpf__open();

	if (!s)
		return snprintf(err, err_len, "xdp_lb.bpf.o: open: %s", strerror(errno)), -1;
	if (opts->deterministic)
		s->rodata->snat_retries = 0;	/* no random port: see PROPS_MASQ_RODATA */
	PROPS_CT_RODATA(s->rodata, opts);
	s->rodata->node_ip = PR_NODE;
	if (bpf_map__set_max_entries(s->maps.lb_ct, CT_ENTRIES) ||
	    bpf_map__set_max_entries(s->maps.lb_rev, CT_ENTRIES) || xdp_lb_bpf__load(s))
		return snprintf(err, err_len, "xdp_lb.bpf.o: load: %s", strerror(errno)), -1;
	return service(s->maps.services, s->maps.backends, PR_NODE, PR_NP_LOCAL, IPPROTO_TCP, 1,
		       local, 8080, DPLAB_BACKEND_LOCAL, 1, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_NODE, PR_NP_REMOTE, IPPROTO_TCP, 2,
		       remote, 8080, 0, 1, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_NODE, PR_NP_UDP, IPPROTO_UDP, 3,
		       udp, 53, 0, 1, err, err_len) ||
	       service(s->maps.services, s->maps.backends, PR_NODE, PR_NP_EMPTY, IPPROTO_TCP, 4,
		       NULL, 0, 0, 0, err, err_len) ? -1 : 0;
}

/* POD1 behind lxc1 and POD2 behind lxc2 into an endpoints map. */
static int endpoints(const struct props_env *env, struct bpf_map *m, char *err, size_t err_len)
{
	struct dplab_endpoint e1 = { .l2 = { { 2, 0, 0, 0, 1, 2 }, { 2, 0, 0, 0, 1, 1 } },
				     .ifindex = ifindex(env, "lxc1") };
	struct dplab_endpoint e2 = { .l2 = { { 2, 0, 0, 0, 2, 2 }, { 2, 0, 0, 0, 2, 1 } },
				     .ifindex = ifindex(env, "lxc2") };
	__be32 a1 = PR_POD1, a2 = PR_POD2;

	if (!env->netns)
		e1.ifindex = e2.ifindex = 1;
	return map_put(m, &a1, sizeof(a1), &e1, sizeof(e1), err, err_len) ||
	       map_put(m, &a2, sizeof(a2), &e2, sizeof(e2), err, err_len) ? -1 : 0;
}

static int load_routing(const struct props_env *env, struct objs *o, char *err, size_t err_len)
{
	struct dplab_tunnel_key k1 = { .prefixlen = 24, .addr = IP4(10, 0, 2, 0) };
	struct dplab_tunnel_key k2 = { .prefixlen = 24, .addr = IP4(10, 0, 3, 0) };
	struct dplab_tunnel t1 = { .node_ip = IP4(192, 168, 100, 2), .vni = VNI };
	struct dplab_tunnel t2 = { .node_ip = IP4(192, 168, 100, 3), .vni = VNI + 1 };
	struct overlay_bpf *ovl;

	o->hr = host_routing_bpf__open_and_load();
	if (!o->hr)
		return snprintf(err, err_len, "host_routing.bpf.o: load: %s", strerror(errno)), -1;
	if (endpoints(env, o->hr->maps.endpoints, err, err_len))
		return -1;
	ovl = o->ovl = overlay_bpf__open();
	if (!ovl)
		return snprintf(err, err_len, "overlay.bpf.o: open: %s", strerror(errno)), -1;
	PROPS_OVERLAY_RODATA(ovl->rodata, env);
	if (overlay_bpf__load(ovl))
		return snprintf(err, err_len, "overlay.bpf.o: load: %s", strerror(errno)), -1;
	return map_put(ovl->maps.tunnels, &k1, sizeof(k1), &t1, sizeof(t1), err, err_len) ||
	       map_put(ovl->maps.tunnels, &k2, sizeof(k2), &t2, sizeof(t2), err, err_len) ||
	       endpoints(env, ovl->maps.endpoints, err, err_len) ? -1 : 0;
}

/* The fd of each program and the device its frames arrive on. */
static void bind_progs(struct props_env *env, const struct objs *o)
{
	const struct { const char *name; const struct bpf_program *prog; const char *dev; } b[] = {
		{ "masq_snat", o->masq->progs.masq_snat, NULL },
		{ "masq_rev_snat", o->masq->progs.masq_rev_snat, "ul" },
		{ "tc_lb_dnat", o->tc_lb->progs.tc_lb_dnat, "lxc1" },
		{ "tc_lb_rev_nat", o->tc_lb->progs.tc_lb_rev_nat, NULL },
		{ "np.tc_lb_dnat", o->np->progs.tc_lb_dnat, "ul" },
		{ "np.tc_lb_rev_nat", o->np->progs.tc_lb_rev_nat, NULL },
		{ "xdp_nodeport_lb", o->xdp_lb->progs.xdp_nodeport_lb, "ul" },
		{ "tc_nodeport_rev", o->xdp_lb->progs.tc_nodeport_rev, NULL },
		{ "route_from_pod", o->hr->progs.route_from_pod, "lxc1" },
		{ "route_from_uplink", o->hr->progs.route_from_uplink, "ul" },
		{ "overlay_encap", o->ovl->progs.overlay_encap, "lxc1" },
		{ "overlay_decap", o->ovl->progs.overlay_decap, "vx0" },
	};
	unsigned int i, k;

	for (i = 0; i < env->n_prog; i++)
		for (k = 0; k < N(b); k++)
			if (!strcmp(env->prog[i].name, b[k].name)) {
				env->prog[i].fd = bpf_program__fd(b[k].prog);
				env->prog[i].ifindex = b[k].dev ? ifindex(env, b[k].dev) : 0;
			}
}

int props_env_open(struct props_env *env, const struct props_opts *opts, char *err,
		   size_t err_len)
{
	struct objs *o;
	unsigned int i;

	memset(env, 0, sizeof(*env));
	env->n_prog = N(prog_table);
	env->prog = calloc(env->n_prog, sizeof(*env->prog));
	env->model = calloc(PROPS_OBJ_N, sizeof(*env->model));
	env->objs = o = calloc(1, sizeof(*o));
	if (!env->prog || !env->model || !o)
		return snprintf(err, err_len, "out of memory"), -1;
	memcpy(env->prog, prog_table, sizeof(prog_table));
	for (i = 0; i < PROPS_OBJ_N; i++)
		if (props_model_init(&env->model[i]))
			return snprintf(err, err_len, "out of memory"), -1;
	if (props_model_init(&env->inbound))
		return snprintf(err, err_len, "out of memory"), -1;
	if (opts->private_netns) {
		if (node_netns(err, err_len))
			return -1;
		env->netns = true;
	}
	env->netns |= opts->in_node_netns;
	if (load_masq(opts, o, err, err_len) || load_tc_lb(opts, o, err, err_len) ||
	    load_tc_nodeport(opts, o, err, err_len) || load_xdp_lb(opts, o, err, err_len) ||
	    load_routing(env, o, err, err_len))
		return -1;
	bind_progs(env, o);
	return 0;
}

int props_env_up(struct props_env *env, bool private_netns, char *err, size_t err_len)
{
	const struct props_opts opts = { .private_netns = private_netns };

	return props_env_open(env, &opts, err, err_len);
}

struct bpf_object *props_env_object(const struct props_env *env, enum props_obj obj)
{
	const struct objs *o = env->objs;

	switch (obj) {
	case PROPS_OBJ_MASQ:
		return o->masq->obj;
	case PROPS_OBJ_TC_LB:
		return o->tc_lb->obj;
	case PROPS_OBJ_TC_NODEPORT:
		return o->np->obj;
	case PROPS_OBJ_XDP_LB:
		return o->xdp_lb->obj;
	case PROPS_OBJ_HOST_ROUTING:
		return o->hr->obj;
	default:
		return o->ovl->obj;
	}
}

int props_env_ifindex(const struct props_env *env, const char *dev)
{
	return ifindex(env, dev);
}

void props_env_down(struct props_env *env)
{
	struct objs *o = env->objs;
	unsigned int i;

	if (o) {
		masq_bpf__destroy(o->masq);
		tc_lb_bpf__destroy(o->tc_lb);
		tc_lb_bpf__destroy(o->np);
		xdp_lb_bpf__destroy(o->xdp_lb);
		host_routing_bpf__destroy(o->hr);
		overlay_bpf__destroy(o->ovl);
		free(o);
	}
	for (i = 0; env->model && i < PROPS_OBJ_N; i++)
		props_model_free(&env->model[i]);
	props_model_free(&env->inbound);
	free(env->model);
	free(env->prog);
	memset(env, 0, sizeof(*env));
}

int props_prog_index(const struct props_env *env, const char *name)
{
	unsigned int i;

	for (i = 0; i < env->n_prog; i++)
		if (!strcmp(env->prog[i].name, name))
			return (int)i;
	return -1;
}
