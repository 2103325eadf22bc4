// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hooks.bpf.c's programs against the chains they replace (props.h, "hook
 * programs"): world A runs a hook's chain of per-feature programs, world B
 * the hook's one program on B's maps, every frame through both.
 *
 * The chains are hook_plan.h's (checked against hook_steps.c by the suite).
 * Each frame of a hook is drawn from the traffic of one of its chain's
 * programs (progs.c), whichever steps the lane has, so every lane sees what
 * each of its hook's features handles.  What the comparison cannot see:
 *   - redirect targets: BPF_PROG_TEST_RUN returns TC_ACT_REDIRECT without
 *     saying where to (bpf_redirect's ifindex stays in the kernel), and
 *     neither the tunnel key nor the packet type a step set;
 *   - randomness: SNAT ports after a collision come from
 *     bpf_get_prandom_u32, so both worlds are deterministic (props.h:
 *     PROPS_MASQ_RODATA): a flow keeps its own port or is dropped, and
 *     lifetimes outlast the run.  The port search and expiry are lib/ code
 *     run alike by a chain's program and a hook's step;
 *   - the LRU maps' evictions follow each map's own history, the same in
 *     both worlds only on one CPU: the process is bound to the one it is on.
 * After a difference the two worlds may hold different flows, so later
 * differences can be its consequences: the first is the one to read.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cluster/hook_steps.h"
#include "dplab/counters.h"
#include "props/hooks.h"

#define OUT_CAP 16384
#define MAX_CPUS 256

static const struct hook_def hooks[] = {
	{ "hook_from_pod", "lxc1", true, 4,
	  { { HOOK_STEP_LB_DNAT, "tc_lb_dnat" }, { HOOK_STEP_LB_REV, "tc_lb_rev_nat" },
	    { HOOK_STEP_OVERLAY, "overlay_encap" },
	    { HOOK_STEP_HOST_ROUTING, "route_from_pod" } } },
	{ "hook_to_pod", "lxc1", false, 1, { { HOOK_STEP_LB_REV, "tc_lb_rev_nat" } } },
	{ "hook_from_uplink", "ul", true, 4,
	  { { HOOK_STEP_MASQ, "masq_rev_snat" }, { HOOK_STEP_NP_DNAT, "np.tc_lb_dnat" },
	    { HOOK_STEP_LB_REV, "tc_lb_rev_nat" },
	    { HOOK_STEP_HOST_ROUTING, "route_from_uplink" } } },
	{ "hook_to_uplink", "ul", false, 3,
	  { { HOOK_STEP_NP_REV, "np.tc_lb_rev_nat" }, { HOOK_STEP_XLB_REV, "tc_nodeport_rev" },
	    { HOOK_STEP_MASQ, "masq_snat" } } },
	{ "hook_from_tunnel", "vx0", true, 2,
	  { { HOOK_STEP_LB_REV, "tc_lb_rev_nat" }, { HOOK_STEP_OVERLAY, "overlay_decap" } } },
};

#define N_HOOKS (sizeof(hooks) / sizeof(hooks[0]))
#define FEEDER "xdp_nodeport_lb"

/* Steps, their names and the object whose counters they count into. */
static const struct {
	unsigned int step;
	const char *name;
	enum props_obj obj;
} steps[] = {
	{ HOOK_STEP_LB_DNAT, "lb_dnat", PROPS_OBJ_TC_LB },
	{ HOOK_STEP_LB_REV, "lb_rev", PROPS_OBJ_TC_LB },
	{ HOOK_STEP_NP_DNAT, "np_dnat", PROPS_OBJ_TC_NODEPORT },
	{ HOOK_STEP_NP_REV, "np_rev", PROPS_OBJ_TC_NODEPORT },
	{ HOOK_STEP_XLB_REV, "xlb_rev", PROPS_OBJ_XDP_LB },
	{ HOOK_STEP_MASQ, "masq", PROPS_OBJ_MASQ },
	{ HOOK_STEP_HOST_ROUTING, "host_routing", PROPS_OBJ_HOST_ROUTING },
	{ HOOK_STEP_OVERLAY, "overlay", PROPS_OBJ_OVERLAY },
};

#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

const char *const hooks_obj_name[PROPS_OBJ_N] = {
	"masq", "tc_lb", "tc_nodeport", "xdp_lb", "host_routing", "overlay",
};

static const char *const cnt_name[DPLAB_CNT_MAX] = DPLAB_COUNTER_NAMES;

void hooks_app(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- counters */

/* The counters of world w's object obj, summed over CPUs, into out. */
static int read_counters(struct props_hooks *h, int w, enum props_obj obj, uint64_t *out)
{
	struct props_env *env = w ? &h->b : &h->a;
	struct bpf_map *m = bpf_object__find_map_by_name(props_env_object(env, obj), "counters");
	static uint64_t v[DPLAB_CNT_MAX * MAX_CPUS];
	__u32 keys[DPLAB_CNT_MAX], n = DPLAB_CNT_MAX, batch, k;
	int c;

	/* One call for the whole array (a per-CPU array's values come CPU
	 * after CPU for each key). */
	if (!m)
		return -1;
	if ((bpf_map_lookup_batch(bpf_map__fd(m), NULL, &batch, keys, v, &n, NULL) &&
	     errno != ENOENT) || n != DPLAB_CNT_MAX)
		return -1;	/* ENOENT: the end of the array, as asked */
	for (k = 0; k < DPLAB_CNT_MAX; k++)
		for (out[keys[k]] = 0, c = 0; c < h->ncpu; c++)
			out[keys[k]] += v[k * h->ncpu + c];
	return 0;
}

/*
 * This frame's increments of obj's counters in both worlds, compared;
 * the names of those that differ appended to why.  -1 when unreadable.
 */
static int counters_differ(struct props_hooks *h, enum props_obj obj, char *why, size_t len)
{
	uint64_t now[2][DPLAB_CNT_MAX];
	int w, k, n = 0;

	for (w = 0; w < 2; w++)
		if (read_counters(h, w, obj, now[w]))
			return -1;
	for (k = 0; k < DPLAB_CNT_MAX; k++) {
		uint64_t da = now[0][k] - h->last[0][obj][k], db = now[1][k] - h->last[1][obj][k];

		if (da != db) {
			hooks_app(why, len, "%s %s: chain +%llu, hook +%llu; ", hooks_obj_name[obj],
			    cnt_name[k], (unsigned long long)da, (unsigned long long)db);
			n++;
		}
	}
	memcpy(h->last[0][obj], now[0], sizeof(now[0]));
	memcpy(h->last[1][obj], now[1], sizeof(now[1]));
	return n;
}

void props_hooks_check_totals(struct props_hooks *h)
{
	uint64_t a[DPLAB_CNT_MAX], b[DPLAB_CNT_MAX];
	int obj, k;

	for (obj = 0; obj < PROPS_OBJ_N; obj++) {
		if (read_counters(h, 0, obj, a) || read_counters(h, 1, obj, b)) {
			h->differ_total++;
			hooks_app(h->total_sample, HOOKS_SAMPLE_LEN, "%s: counters unreadable\n", hooks_obj_name[obj]);
			continue;
		}
		for (k = 0; k < DPLAB_CNT_MAX; k++)
			if (a[k] != b[k]) {
				h->differ_total++;
				hooks_app(h->total_sample, HOOKS_SAMPLE_LEN, "%s %s: chains %llu, hooks %llu\n",
				    hooks_obj_name[obj], cnt_name[k], (unsigned long long)a[k],
				    (unsigned long long)b[k]);
			}
	}
}

/* ---------------------------------------------------------------- runs */

/* One test run; false when the harness cannot run programs at all. */
static bool test_run(int fd, bool xdp, int ifindex, bool ingress, const uint8_t *in,
		     size_t in_len, uint8_t *out, struct run *r, char *err, size_t err_len)
{
	struct __sk_buff skb = { .ifindex = ifindex, .ingress_ifindex = ingress ? ifindex : 0 };
	struct xdp_md md = { .data_end = in_len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = in_len,
		    .data_out = out, .data_size_out = OUT_CAP, .repeat = 1);

	if (!xdp) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	} else if (ifindex) {
		opts.ctx_in = &md;
		opts.ctx_size_in = sizeof(md);
	}
	r->out = out;
	if (bpf_prog_test_run_opts(fd, &opts)) {
		if (errno == EPERM || errno == EBADF || errno == ENOTSUP) {
			snprintf(err, err_len, "BPF_PROG_TEST_RUN: %s", strerror(errno));
			return false;
		}
		r->verdict = -errno;
		r->len = 0;
		return true;
	}
	r->verdict = (int)opts.retval;
	r->len = opts.data_size_out;
	return true;
}

/* World A: the lane's programs in chain order, each run judged. */
static bool run_chain(struct props_hooks *h, struct lane *l, const uint8_t *in, size_t len,
		      const char *what, struct run *a, char *err, size_t err_len)
{
	static uint8_t buf[2][OUT_CAP];
	const uint8_t *cur = in;
	unsigned int k, n = 0;
	struct props_prog *p;

	a->verdict = TC_ACT_UNSPEC;
	a->out = in;
	a->len = len;
	for (k = 0; k < 4; k++) {
		if (!(l->positions & 1u << k))
			continue;
		p = &h->a.prog[l->chain[k]];
		if (!test_run(p->fd, p->xdp, l->ifindex, !l->hook || l->hook->ingress, cur, len,
			      buf[n++ % 2], a, err, err_len))
			return false;
		props_judge(&h->a, l->chain[k], cur, len, a->out, a->len, a->verdict, what);
		a->stop = p->name;
		if (p->xdp || a->verdict != TC_ACT_UNSPEC)
			break;
		cur = a->out;
		len = a->len;
	}
	return true;
}

static void tally(struct lane *l, const uint8_t *in, size_t in_len, const struct run *b)
{
	bool xdp = !l->hook;

	if (b->verdict == (xdp ? XDP_PASS : TC_ACT_UNSPEC))
		l->next++;
	else if (b->verdict == (xdp ? XDP_TX : TC_ACT_OK))
		l->ok++;
	else if (b->verdict == (xdp ? XDP_DROP : TC_ACT_SHOT))
		l->shot++;
	else if (b->verdict == (xdp ? XDP_REDIRECT : TC_ACT_REDIRECT))
		l->redirect++;
	else
		l->other++;
	if (b->len != in_len || memcmp(in, b->out, in_len))
		l->changed++;
}

/* The frame through a lane in both worlds, compared. */
static bool run_lane(struct props_hooks *h, struct lane *l, const uint8_t *in, size_t len,
		     const char *what, char *err, size_t err_len)
{
	static uint8_t out_b[OUT_CAP];
	struct run a = { 0 }, b = { .stop = "" };
	char why[1024] = "";
	int obj, n = 0;

	if (props_kernel_refuses(!l->hook, in, len))
		return true;
	l->frames++;
	if (!run_chain(h, l, in, len, what, &a, err, err_len) ||
	    !test_run(l->fd, !l->hook, l->ifindex, !l->hook || l->hook->ingress, in, len, out_b,
		      &b, err, err_len))
		return false;
	tally(l, in, len, &b);
	if (a.verdict != b.verdict)
		hooks_app(why, sizeof(why), "verdicts differ; ");
	if (a.len != b.len || memcmp(a.out, b.out, a.len))
		hooks_app(why, sizeof(why), "output bytes differ; ");
	for (obj = 0; obj < PROPS_OBJ_N; obj++)
		if (l->objs & 1u << obj && (n = counters_differ(h, obj, why, sizeof(why))) < 0) {
			snprintf(err, err_len, "%s: counters of %s unreadable: %s", l->name,
				 hooks_obj_name[obj], strerror(errno));
			return false;
		}
	if (why[0]) {
		l->differ++;
		hooks_keep(h, l, why, in, len, what, &a, &b);
	}
	return true;
}

bool props_hooks_run_frame(struct props_hooks *h, unsigned int lane, const uint8_t *in,
			   size_t in_len, const char *what, char *err, size_t err_len)
{
	return run_lane(h, &h->lane[lane], in, in_len, what, err, err_len);
}

bool props_hooks_step(struct props_hooks *h, unsigned int lane, struct props_rng *r,
		      char *err, size_t err_len)
{
	static uint8_t frame[PKT_MAX + 64];
	struct lane *l = &h->lane[lane];
	unsigned int k = l->hook ? props_pick(r, l->hook->n) : 0;
	struct props_prog *p = &h->a.prog[l->chain[k]];
	char what[256];
	size_t len;

	/* from the traffic of any program of the hook's chain, in the lane or not */
	len = props_gen(r, p, &h->a.model[p->obj], frame, sizeof(frame), what, sizeof(what));
	if (!len) {
		snprintf(err, err_len, "%s: generator: %s", l->name, what);
		return false;
	}
	return run_lane(h, l, frame, len, what, err, err_len);
}

/* ---------------------------------------------------------------- setup */

/* The lanes of hook d: every non-empty combination of its steps. */
static bool add_hook_lanes(struct props_hooks *h, const struct hook_def *d,
			   const struct props_opts *opts, char *err, size_t err_len)
{
	unsigned int pos, k, i, all = 0;
	struct lane *l;
	int idx[4];

	for (k = 0; k < d->n; k++) {
		idx[k] = props_prog_index(&h->a, d->chain[k].chain_prog);
		if (idx[k] < 0)
			return snprintf(err, err_len, "no program %s", d->chain[k].chain_prog), false;
	}
	for (pos = 1; pos < 1u << d->n; pos++) {
		l = &h->lane[h->n_lane++];
		l->hook = d;
		l->positions = pos;
		l->ifindex = props_env_ifindex(&h->a, d->dev);
		snprintf(l->name, sizeof(l->name), "%s:", d->prog);
		for (k = 0, all = 0; k < d->n; k++) {
			l->chain[k] = idx[k];
			if (!(pos & 1u << k))
				continue;
			all |= d->chain[k].step;
			for (i = 0; i < N_STEPS; i++)
				if (steps[i].step == d->chain[k].step) {
					l->objs |= 1u << steps[i].obj;
					hooks_app(l->name, sizeof(l->name), "%s%s",
					    l->name[strlen(l->name) - 1] == ':' ? " " : "+",
					    steps[i].name);
				}
		}
		l->skel = hooks_load(&h->b, opts, d->prog, all, &l->fd, err, err_len);
		if (!l->skel)
			return false;
	}
	return true;
}

/* The XDP NodePort LB, the same program in both worlds: flows for xlb_rev. */
static bool add_feeder(struct props_hooks *h, char *err, size_t err_len)
{
	struct lane *l = &h->lane[h->n_lane++];
	int idx = props_prog_index(&h->a, FEEDER);

	if (idx < 0 || props_prog_index(&h->b, FEEDER) != idx)
		return snprintf(err, err_len, "no program %s", FEEDER), false;
	snprintf(l->name, sizeof(l->name), "%s (both worlds)", FEEDER);
	l->positions = 1;
	l->chain[0] = idx;
	l->fd = h->b.prog[idx].fd;
	l->ifindex = h->a.prog[idx].ifindex;
	l->objs = 1u << PROPS_OBJ_XDP_LB;
	return true;
}

/* Bound to the CPU it runs on: see the top of the file (LRU maps). */
static bool bind_cpu(char *err, size_t err_len)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	if (cpu < 0 || sched_setaffinity(0, sizeof(set), &set))
		return snprintf(err, err_len, "binding to CPU %d: %s", cpu, strerror(errno)), false;
	return true;
}

struct props_hooks *props_hooks_up(bool private_netns, char *err, size_t err_len)
{
	struct props_opts oa = { .private_netns = private_netns, .deterministic = true };
	struct props_opts ob = { .deterministic = true };
	struct props_hooks *h = calloc(1, sizeof(*h));
	unsigned int i, n = 1;
	int obj;

	for (i = 0; i < N_HOOKS; i++)
		n += (1u << hooks[i].n) - 1;
	if (!h || !(h->lane = calloc(n, sizeof(*h->lane)))) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	h->ncpu = libbpf_num_possible_cpus();
	if (h->ncpu <= 0 || h->ncpu > MAX_CPUS) {
		snprintf(err, err_len, "%d possible CPUs (at most %d here)", h->ncpu, MAX_CPUS);
		goto fail;
	}
	if (!bind_cpu(err, err_len) || props_env_open(&h->a, &oa, err, err_len))
		goto fail;
	ob.in_node_netns = h->a.netns;
	if (props_env_open(&h->b, &ob, err, err_len) || !add_feeder(h, err, err_len))
		goto fail;
	for (i = 0; i < N_HOOKS; i++)
		if (!add_hook_lanes(h, &hooks[i], &ob, err, err_len))
			goto fail;
	for (obj = 0; obj < PROPS_OBJ_N; obj++)
		if (read_counters(h, 0, obj, h->last[0][obj]) ||
		    read_counters(h, 1, obj, h->last[1][obj])) {
			snprintf(err, err_len, "counters of %s unreadable: %s", hooks_obj_name[obj],
				 strerror(errno));
			goto fail;
		}
	return h;
fail:
	props_hooks_down(h);
	return NULL;
}

void props_hooks_down(struct props_hooks *h)
{
	unsigned int i;

	if (!h)
		return;
	for (i = 0; h->lane && i < h->n_lane; i++)
		if (h->lane[i].skel)
			hooks_unload(h->lane[i].skel);
	free(h->lane);
	props_env_down(&h->a);
	props_env_down(&h->b);
	free(h);
}

unsigned int props_hooks_lanes(const struct props_hooks *h)
{
	return h->n_lane;
}

const char *props_hooks_lane_name(const struct props_hooks *h, unsigned int lane)
{
	return h->lane[lane].name;
}

void props_hooks_set_seed(struct props_hooks *h, uint64_t seed)
{
	h->seed = seed;
}

const struct props_env *props_hooks_world_a(const struct props_hooks *h)
{
	return &h->a;
}

unsigned int props_hooks_chain(unsigned int i, const char **prog, unsigned int *out)
{
	unsigned int k;

	if (i >= N_HOOKS)
		return 0;
	*prog = hooks[i].prog;
	for (k = 0; k < hooks[i].n; k++)
		out[k] = hooks[i].chain[k].step;
	return hooks[i].n;
}

void props_hooks_swap_program(struct props_hooks *h, unsigned int lane, unsigned int other)
{
	h->lane[lane].fd = h->lane[other].fd;
}

