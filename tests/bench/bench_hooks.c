// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath: the tc hooks' own programs (datapath/hooks.bpf.c), each
 * loaded with the steps a hook gets (its use_* flags) and measured as the
 * per-feature programs are, in the same trials.  Two kinds of rows:
 *   - stated here: the per-feature rows' paths that create or use state
 *     (a ClusterIP's new and established flows with service_lb=tc, its
 *     replies, BPF masquerade's new, established and reply packets), with
 *     the steps a preset has on that hook;
 *   - from the path walk (bench_path.c): every tc hook a pod-to-pod UDP
 *     packet or a ClusterIP SYN reaches in presets A-E, with the plan's
 *     steps there and the packet as it arrives, redirected or not as the
 *     walk says; the path table (bench_pathsum.c) sums these.
 * Every object shares one set of maps (one node's: the loader shares each
 * feature's maps among its hooks), so a flow opened by one hook's program
 * is the one another hook's program replies to.  They run in the bench
 * node (bench_routing.c): the routing steps consult its FIB and devices.
 * The bench node is both ends of a pod-to-pod path: its pod 10.244.1.3
 * sends to 10.244.2.2 behind the uplink and receives from it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "dplab/routing.h"
#include "bench_cases.h"
#include "bench_path.h"
#include "cluster/hook_steps.h"
#include "lib/pkt.h"
#include "topo/topo.h"
#include "hooks.skel.h"

#define LOCAL_POD IP4(10, 244, 1, 3)	/* the bench node's pod (lxc1) */
#define REMOTE_POD IP4(10, 244, 2, 2)	/* routed out of the uplink */
#define NODE IP4(192, 168, 1, 10)
#define PEER_NODE IP4(192, 168, 1, 11)
#define EXTERNAL IP4(203, 0, 113, 9)
#define VNI 42

/* Two ClusterIPs, one per set of steps that opens flows to it, with a
 * backend each: their flows never share a reverse tuple. */
static const struct {
	__be32 vip, backend;
} svcs[] = {
	{ IP4(10, 96, 0, 10), IP4(10, 244, 2, 7) },
	{ IP4(10, 96, 0, 11), IP4(10, 244, 2, 8) },
};

/* ------------------------------------------------------------ objects */

/* One object per set of steps (and overlay rodata), with the programs of
 * the rows that use it; the first loaded owns the shared maps. */
#define MAX_OBJS 16
static struct hook_obj {
	unsigned int steps;
	bool decap_to_stack;
	unsigned int progs;	/* bit i: progs[i] below is loaded */
	struct hooks_bpf *skel;
} objs[MAX_OBJS];
static int n_objs;
static struct hooks_bpf *owner;

static const char *const prog_names[] = {
	"hook_from_pod", "hook_to_pod", "hook_from_uplink", "hook_to_uplink", "hook_from_tunnel",
};
#define N_PROG_NAMES (int)(sizeof(prog_names) / sizeof(prog_names[0]))

static int prog_bit(const char *prog)
{
	int i;

	for (i = 0; i < N_PROG_NAMES; i++)
		if (!strcmp(prog_names[i], prog))
			return i;
	return -1;
}

/* The object a hook case needs, registered before any is loaded. */
static struct hook_obj *obj_for(const struct bench_hook *h, bool add)
{
	int i;

	for (i = 0; i < n_objs; i++)
		if (objs[i].steps == h->steps && objs[i].decap_to_stack == h->decap_to_stack)
			break;
	if (i == n_objs) {
		if (!add || n_objs == MAX_OBJS)
			return NULL;
		objs[n_objs].steps = h->steps;
		objs[n_objs++].decap_to_stack = h->decap_to_stack;
	}
	if (add)
		objs[i].progs |= 1u << prog_bit(h->prog);
	return &objs[i];
}

static void set_rodata(struct hooks_bpf *s, const struct hook_obj *o)
{
	s->rodata->use_lb_dnat = o->steps & HOOK_STEP_LB_DNAT;
	s->rodata->use_lb_rev = o->steps & HOOK_STEP_LB_REV;
	s->rodata->use_np_dnat = o->steps & HOOK_STEP_NP_DNAT;
	s->rodata->use_np_rev = o->steps & HOOK_STEP_NP_REV;
	s->rodata->use_xlb_rev = o->steps & HOOK_STEP_XLB_REV;
	s->rodata->use_masq = o->steps & HOOK_STEP_MASQ;
	s->rodata->use_host_routing = o->steps & HOOK_STEP_HOST_ROUTING;
	s->rodata->use_overlay = o->steps & HOOK_STEP_OVERLAY;
	s->rodata->decap_to_stack = o->decap_to_stack;
	s->rodata->vxlan_ifindex = if_nametoindex("vx0");
	s->rodata->node_ip = NODE;
	/* As bench_nat.c's masq: pods 10.244.0.0/16 in cluster 10.0.0.0/8. */
	s->rodata->pod_cidr_addr = IP4(10, 244, 0, 0);
	s->rodata->pod_cidr_prefix = 16;
	s->rodata->cluster_cidr_addr = IP4(10, 0, 0, 0);
	s->rodata->cluster_cidr_prefix = 8;
}

/* The owner's maps sized as the per-feature rows' (no eviction in a
 * run); every other object takes the owner's. */
static int share_maps(struct hooks_bpf *s)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, s->obj) {
		const char *name = bpf_map__name(m);

		if (bpf_map__is_internal(m))
			continue;
		if (owner) {
			struct bpf_map *om = bpf_object__find_map_by_name(owner->obj, name);

			if (!om || bpf_map__reuse_fd(m, bpf_map__fd(om)))
				return om ? -errno : -ENOENT;
		} else if (strstr(name, "_ct") || strstr(name, "_rev")) {
			bpf_map__set_max_entries(m, BENCH_CT_ENTRIES);
		} else if (!strcmp(name, "masq_snat")) {
			bpf_map__set_max_entries(m, 2 * BENCH_CT_ENTRIES);
		}
	}
	return 0;
}

/* The node's state, as the loader fills the features' maps: services
 * (ClusterIPs for tc_lb, a NodePort for tc_nodeport), its pod, the other
 * node's pod CIDR behind the tunnel. */
static int fill_maps(struct hooks_bpf *s)
{
	struct dplab_endpoint ep = { .ifindex = if_nametoindex("lxc1") };
	struct dplab_tunnel_key where = { .prefixlen = 24, .addr = IP4(10, 244, 2, 0) };
	struct dplab_tunnel tun = { .node_ip = IP4(192, 168, 100, 2), .vni = VNI };
	__be32 pod = LOCAL_POD;
	size_t i;
	int err;

	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		err = bench_add_service(s->maps.lb_services, s->maps.lb_backends, svcs[i].vip, 80,
				  i + 1, svcs[i].backend, 8080, 0);
		if (err)
			return err;
	}
	err = bench_add_service(s->maps.np_services, s->maps.np_backends, NODE, 30080, 1, LOCAL_POD,
			  8080, DPLAB_BACKEND_LOCAL);
	if (err)
		return err;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.hr_endpoints), &pod, &ep, 0) ||
	    bpf_map_update_elem(bpf_map__fd(s->maps.ov_endpoints), &pod, &ep, 0) ||
	    bpf_map_update_elem(bpf_map__fd(s->maps.ov_tunnels), &where, &tun, 0))
		return -errno;
	return 0;
}

static int obj_load(struct hook_obj *o)
{
	struct bpf_program *p;
	int err, i;

	o->skel = hooks_bpf__open();
	if (!o->skel)
		return -errno;
	set_rodata(o->skel, o);
	for (i = 0; i < N_PROG_NAMES; i++) {
		p = bpf_object__find_program_by_name(o->skel->obj, prog_names[i]);
		if (!p)
			return -ENOENT;
		bpf_program__set_autoload(p, o->progs & (1u << i));
	}
	err = share_maps(o->skel);
	if (err)
		return err;
	if (hooks_bpf__load(o->skel))
		return -errno;
	if (!owner) {
		owner = o->skel;
		return fill_maps(owner);
	}
	return 0;
}

/* The program's fd, its object loaded first if it is not yet. */
static int hook_prog_fd(const struct bench_hook *h)
{
	struct hook_obj *o = obj_for(h, false);
	int err = bench_node_up();

	if (err)
		return err;
	if (!o)
		return -ENOENT;
	if (!o->skel) {
		err = obj_load(o);
		if (err)
			return err;
	}
	return bpf_program__fd(bpf_object__find_program_by_name(o->skel->obj, h->prog));
}

/* ------------------------------------------------------------ frames */

/* The walk's packet (enum bench_pkt) at the bench node: sent by its pod,
 * or received by it; in VXLAN between this node and the other. */
static size_t walk_frame(unsigned int pkt, __u8 *buf, size_t cap)
{
	bool in = pkt & BENCH_PKT_IN, syn = pkt & BENCH_PKT_SYN, vip = pkt & BENCH_PKT_VIP;
	struct pkt_spec inner = {
		.saddr = in ? REMOTE_POD : LOCAL_POD,
		.daddr = vip ? svcs[0].vip : in ? LOCAL_POD : REMOTE_POD,
		.proto = syn ? IPPROTO_TCP : IPPROTO_UDP, .sport = BENCH_PORT_BASE,
		.dport = vip ? 80 : syn ? 8080 : 9, .tcp_flags = syn ? PKT_SYN : 0,
		.payload_len = 64,
	};
	struct pkt_spec outer = {
		.saddr = in ? PEER_NODE : NODE, .daddr = in ? NODE : PEER_NODE,
		.sport = 49152, .inner = &inner, .vni = VNI,
	};

	return pkt_build(buf, cap, pkt & BENCH_PKT_TUNNEL ? &outer : &inner);
}

size_t bench_hook_frame(const struct bench_hook *h, int i, __u8 *buf, size_t cap)
{
	return h->frame ? h->frame(i, buf, cap) : walk_frame(h->pkt, buf, cap);
}

/* New flows use i + 1: flow 0 is the established one. */
static size_t vip0_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, LOCAL_POD, svcs[0].vip, 80, i + 1, PKT_SYN, buf, cap);
}

static size_t vip0_est(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, LOCAL_POD, svcs[0].vip, 80, 0, PKT_ACK, buf, cap);
}

static size_t vip1_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, LOCAL_POD, svcs[1].vip, 80, i + 1, PKT_SYN, buf, cap);
}

static size_t vip1_est(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, LOCAL_POD, svcs[1].vip, 80, 0, PKT_ACK, buf, cap);
}

/* The backend's reply to flow 0 of service s. */
static size_t lb_reply(int s, __u8 *buf, size_t cap)
{
	struct pkt_spec p = {
		.saddr = svcs[s].backend, .daddr = LOCAL_POD, .proto = IPPROTO_TCP, .sport = 8080,
		.dport = BENCH_PORT_BASE, .tcp_flags = PKT_ACK, .payload_len = 64,
	};

	return pkt_build(buf, cap, &p);
}

static size_t vip0_reply(int i, __u8 *buf, size_t cap)
{
	return lb_reply(0, buf, cap);
}

static size_t vip1_reply(int i, __u8 *buf, size_t cap)
{
	return lb_reply(1, buf, cap);
}

static size_t masq_new(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, LOCAL_POD, EXTERNAL, 443, i + 1, PKT_SYN, buf, cap);
}

static size_t masq_est(int i, __u8 *buf, size_t cap)
{
	return bench_l4_frame(IPPROTO_TCP, LOCAL_POD, EXTERNAL, 443, 0, PKT_ACK, buf, cap);
}

/* The port masquerade gave flow 0 (BENCH_PORT_BASE is below its range). */
static __be16 masq_port;

static size_t masq_reply(int i, __u8 *buf, size_t cap)
{
	struct pkt_spec s = {
		.saddr = EXTERNAL, .daddr = NODE, .proto = IPPROTO_TCP, .sport = 443,
		.dport = ntohs(masq_port), .tcp_flags = PKT_ACK, .payload_len = 64,
	};

	return masq_port ? pkt_build(buf, cap, &s) : 0;
}

/* Reads flow 0's port from its forward entry: a reply to another port
 * would measure the no-match path under the same verdict. */
static int masq_port_read(void)
{
	struct dplab_tuple key = {
		.saddr = LOCAL_POD, .daddr = EXTERNAL, .sport = htons(BENCH_PORT_BASE),
		.dport = htons(443), .proto = IPPROTO_TCP,
	};
	struct dplab_lb_ct e;

	if (bpf_map_lookup_elem(bpf_map__fd(owner->maps.masq_snat), &key, &e))
		return -errno;
	masq_port = e.port;
	return 0;
}

/* ------------------------------------------------------------ cases */

#define D_TC_POD (HOOK_STEP_LB_DNAT | HOOK_STEP_LB_REV)
#define E_TC_POD (HOOK_STEP_LB_DNAT | HOOK_STEP_LB_REV | HOOK_STEP_HOST_ROUTING)
#define E_UPLINK_IN (HOOK_STEP_MASQ | HOOK_STEP_NP_DNAT | HOOK_STEP_LB_REV |		\
		     HOOK_STEP_HOST_ROUTING)
#define E_UPLINK_OUT (HOOK_STEP_NP_REV | HOOK_STEP_XLB_REV | HOOK_STEP_MASQ)

static const struct stated {
	struct bench_hook h;
	const char *path;
	bool new_flow;
	int verdict;
} stated[] = {
	/* service_lb=tc on D (native routing, legacy host routing) */
	{ { "hook_from_pod", D_TC_POD, false, 0, vip0_new, NULL, NULL },
	  "ClusterIP SYN, new flow (D, tc LB)", true, TC_ACT_UNSPEC },
	{ { "hook_from_pod", D_TC_POD, false, 0, vip0_est, &stated[1].h, NULL },
	  "ClusterIP, established (D, tc LB)", false, TC_ACT_UNSPEC },
	{ { "hook_to_pod", HOOK_STEP_LB_REV, false, 0, vip0_reply, &stated[1].h, NULL },
	  "backend's reply, established", false, TC_ACT_UNSPEC },
	/* service_lb=tc on E: the flow is routed by BPF from the same program */
	{ { "hook_from_pod", E_TC_POD, false, 0, vip1_new, NULL, NULL },
	  "ClusterIP SYN, new flow (E, tc LB)", true, TC_ACT_REDIRECT },
	{ { "hook_from_pod", E_TC_POD, false, 0, vip1_est, &stated[4].h, NULL },
	  "ClusterIP, established (E, tc LB)", false, TC_ACT_REDIRECT },
	{ { "hook_from_uplink", E_UPLINK_IN, false, 0, vip1_reply, &stated[4].h, NULL },
	  "remote backend's reply, established", false, TC_ACT_REDIRECT },
	/* BPF masquerade on E's uplink; the reply goes on to the pod's peer */
	{ { "hook_to_uplink", E_UPLINK_OUT, false, 0, masq_new, NULL, NULL },
	  "pod to outside SYN, new flow (masq)", true, TC_ACT_UNSPEC },
	{ { "hook_to_uplink", E_UPLINK_OUT, false, 0, masq_est, &stated[7].h, NULL },
	  "pod to outside, established (masq)", false, TC_ACT_UNSPEC },
	{ { "hook_from_uplink", E_UPLINK_IN, false, 0, masq_reply, &stated[7].h,
	    masq_port_read },
	  "masquerade reply, established", false, TC_ACT_REDIRECT },
};
#define N_STATED (int)(sizeof(stated) / sizeof(stated[0]))

#define MAX_WALKED 48
static struct walked {
	struct bench_hook h;
	char path[96];
	bool redirect;
} walked[MAX_WALKED];
static int n_walked;

static struct bench_case hook_cases[N_STATED + MAX_WALKED];

static void hooks_teardown(void)
{
	int i;

	for (i = 0; i < n_objs; i++) {
		hooks_bpf__destroy(objs[i].skel);
		objs[i].skel = NULL;
	}
	owner = NULL;
	masq_port = 0;
}

/* Filled by bench_hooks_prepare(). */
struct bench_group bench_hooks_group = { hook_cases, 0, hooks_teardown };

int bench_hook_setup(const struct bench_hook *h)
{
	__u8 f[BENCH_FRAME_MAX];
	int fd = hook_prog_fd(h), efd, err;

	if (fd < 0 || !h->establish)
		return fd;
	efd = hook_prog_fd(h->establish);
	if (efd < 0)
		return efd;
	err = bench_run_once(efd, f, bench_hook_frame(h->establish, 0, f, sizeof(f)));
	if (!err && h->ready)
		err = h->ready();
	return err ?: fd;
}

/* A hook of a walked path, once per program, steps, packet and verdict. */
static int add_walked(const struct bench_path_hook *ph)
{
	struct walked *w;
	char pkt[64];
	int i;

	for (i = 0; i < n_walked; i++)
		if (!strcmp(walked[i].h.prog, ph->prog) && walked[i].h.steps == ph->steps &&
		    walked[i].h.decap_to_stack == ph->decap_to_stack &&
		    walked[i].h.pkt == ph->pkt && walked[i].redirect == ph->redirect)
			return 0;
	if (n_walked == MAX_WALKED)
		return -E2BIG;
	w = &walked[n_walked++];
	w->h = (struct bench_hook){ .prog = ph->prog, .steps = ph->steps,
				    .decap_to_stack = ph->decap_to_stack, .pkt = ph->pkt };
	w->redirect = ph->redirect;
	bench_pkt_text(ph->pkt, pkt, sizeof(pkt));
	snprintf(w->path, sizeof(w->path), "%s%s%s", pkt, ph->redirect ? ", redirected" : "",
		 ph->decap_to_stack && !strcmp(ph->prog, "hook_from_tunnel") ?
		 " (to the stack)" : "");
	return 0;
}

static int walk_presets(const char *topology)
{
	static struct hook_plan plan;
	static struct topo t;
	struct bench_path path;
	struct knobs k;
	char err[256];
	int pr, kind, i, ret;

	ret = topo_parse(topology, &t, err, sizeof(err));
	for (pr = 0; !ret && bench_path_presets[pr]; pr++)
		for (kind = 0; !ret && kind < BENCH_PATH_COUNT; kind++) {
			ret = bench_path_preset(&t, bench_path_presets[pr], kind, &k, &plan, &path,
						err, sizeof(err));
			for (i = 0; !ret && i < path.n_hooks; i++)
				ret = add_walked(&path.h[i]);
			if (ret && !err[0])
				snprintf(err, sizeof(err), "%s", strerror(-ret));
			if (ret)
				fprintf(stderr, "bench-datapath: preset %s: ",
					bench_path_presets[pr]);
		}
	if (ret)
		fprintf(stderr, "%s\n", err);
	return ret;
}

static int add_case(const struct bench_hook *h, const char *path, bool new_flow, int verdict)
{
	struct bench_case *c = &hook_cases[bench_hooks_group.n++];

	*c = (struct bench_case){ .program = h->prog, .hook = "tc", .path = path,
				  .new_flow = new_flow, .expect_verdict = verdict, .hooks_prog = h };
	if (prog_bit(h->prog) < 0) {
		fprintf(stderr, "bench-datapath: %s: not a program of hooks.bpf.c\n", h->prog);
		return -ENOENT;
	}
	if (!obj_for(h, true)) {
		fprintf(stderr, "bench-datapath: more than %d sets of hook steps\n", MAX_OBJS);
		return -E2BIG;
	}
	return 0;
}

int bench_hooks_prepare(const char *topology)
{
	int i, ret = walk_presets(topology);

	bench_hooks_group.n = 0;
	for (i = 0; !ret && i < N_STATED; i++)
		ret = add_case(&stated[i].h, stated[i].path, stated[i].new_flow,
			       stated[i].verdict);
	for (i = 0; !ret && i < n_walked; i++)
		ret = add_case(&walked[i].h, walked[i].path, false,
			       walked[i].redirect ? TC_ACT_REDIRECT : TC_ACT_UNSPEC);
	return ret;
}
