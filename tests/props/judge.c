// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One frame through one program under BPF_PROG_TEST_RUN, and the
 * invariants (a)-(d) of props.h judged on its output; violations are
 * counted per program and invariant, the first few kept with both frames.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "lib/csum_check.h"
#include "props/props.h"

#define OUT_CAP 65536
#define VXLAN_OVERHEAD 50	/* outer Ethernet, IPv4, UDP, VXLAN */
#define DUMP_LEN 128		/* bytes of each frame a violation shows */

static const char *const inv_name[INV_N] = {
	"(a) checksums", "(b) masquerade", "(c) reply to its client", "(d) frame shape",
};

/* One run: the frames and what the program said. */
struct judged {
	struct props_env *env;
	struct props_prog *p;
	const uint8_t *in;
	size_t in_len;
	const uint8_t *out;
	size_t out_len;
	int verdict;
	const char *what;
};

static void app(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void app(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void violation(struct judged *j, enum props_inv inv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* DPLAB_PROPS_LOG=FILE: every violation, one line each, appended there. */
static void log_line(const struct judged *j, enum props_inv inv, const char *why)
{
	static FILE *log;
	static bool tried;
	char in[512], out[512];

	if (!tried) {
		tried = true;
		if (getenv("DPLAB_PROPS_LOG"))
			log = fopen(getenv("DPLAB_PROPS_LOG"), "a");
	}
	if (!log)
		return;
	pkt_describe(j->in, j->in_len, in, sizeof(in));
	pkt_describe(j->out, j->out_len, out, sizeof(out));
	fprintf(log, "%s %s frame %llu: %s | generated: %s | in: %s | out: %s (verdict %d)\n",
		j->p->name, inv_name[inv], (unsigned long long)j->p->frames, why, j->what, in,
		out, j->verdict);
}

/*
 * Count it, by invariant and kind of input frame; log it; keep the first
 * PROPS_SAMPLES with both frames described and dumped.
 */
static void violation(struct judged *j, enum props_inv inv, const char *fmt, ...)
{
	uint64_t k = j->p->viol[inv]++;
	char *s, line[512], dump[4096];
	struct props_view vin;
	va_list ap;

	props_view(j->in, j->in_len, &vin);
	j->p->viol_class[inv][props_classify(&vin)]++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_line(j, inv, line);
	if (k >= PROPS_SAMPLES)
		return;
	s = j->p->sample[inv][k];
	snprintf(s, PROPS_SAMPLE_LEN, "%s: invariant %s violated (frame %llu", j->p->name,
		 inv_name[inv], (unsigned long long)j->p->frames);
	if (j->env->seed)
		app(s, PROPS_SAMPLE_LEN, ", seed %llu", (unsigned long long)j->env->seed);
	app(s, PROPS_SAMPLE_LEN, "): %s\n  generated: %s", line, j->what);
	pkt_describe(j->in, j->in_len, line, sizeof(line));
	app(s, PROPS_SAMPLE_LEN, "\n  input:  %s", line);
	pkt_describe(j->out, j->out_len, line, sizeof(line));
	app(s, PROPS_SAMPLE_LEN, "\n  output: %s (verdict %d)", line, j->verdict);
	pkt_hexdump(j->in, j->in_len, 0, DUMP_LEN, NULL, 0, dump, sizeof(dump));
	app(s, PROPS_SAMPLE_LEN, "\n  input bytes (first %d):\n%s", DUMP_LEN, dump);
	pkt_hexdump(j->out, j->out_len, 0, DUMP_LEN, j->in, j->in_len, dump, sizeof(dump));
	app(s, PROPS_SAMPLE_LEN, "  output bytes ('*': differs from the input):\n%s", dump);
}

/* Verdicts that let the frame go on; *known false for one the hook lacks. */
static bool goes_on(const struct props_prog *p, int verdict, bool *known)
{
	*known = true;
	if (p->xdp) {
		if (verdict == XDP_PASS || verdict == XDP_TX)
			return true;
		*known = verdict == XDP_DROP || verdict == XDP_REDIRECT;
		return false;
	}
	if (verdict == TC_ACT_UNSPEC || verdict == TC_ACT_OK || verdict == TC_ACT_REDIRECT)
		return true;
	*known = verdict == TC_ACT_SHOT;
	return false;
}

/* (a): right checksums stay right, the quoted header's of an ICMP error too. */
static void judge_csum(struct judged *j, const struct props_view *vin,
		       const struct props_view *vout)
{
	char why[256];

	if (!pkt_csum_verify(j->in, j->in_len, NULL, 0))
		return;
	if (!pkt_csum_verify(j->out, j->out_len, why, sizeof(why)))
		violation(j, INV_CSUM, "the input's checksums were right, the output's are "
			  "not: %s", why);
	else if (vin->icmp_err && vin->inner_hdr_ok && vout->icmp_err && !vout->inner_hdr_ok)
		violation(j, INV_CSUM, "the ICMP error's inner IPv4 header checksum was right "
			  "and is wrong now");
}

static bool outside(__be32 addr)
{
	return !props_in_cidr(addr, PR_CLUSTER_CIDR, PR_CLUSTER_PREFIX) && addr != PR_NODE;
}

/*
 * At masq_rev_snat: a frame from outside, addressed to a pod's own address
 * (not a reply translated to it), that opens a flow.
 */
static void note_inbound(struct judged *j, const struct props_view *v,
			 const struct props_view *vout)
{
	if (!v->ipv4 || !v->ports || v->icmp_err || !outside(v->t.saddr) ||
	    !vout->ipv4 || !props_tuple_eq(&v->t, &vout->t) ||
	    !props_in_cidr(v->t.daddr, PR_POD_CIDR, PR_POD_PREFIX))
		return;
	if (v->t.proto == IPPROTO_ICMP && v->icmp_type != 8)
		return;		/* an echo reply opens nothing */
	props_model_open(&j->env->inbound, &v->t, &v->t);
}

/* A pod's frame that answers a flow opened from outside (by ports, or by
 * addresses for a fragment without them). */
static bool answers_inbound(struct judged *j, const struct props_view *v)
{
	struct props_model *m = &j->env->inbound;
	struct props_tuple key;
	size_t i;

	if (v->icmp_err && v->inner_ports) {
		props_tuple_reverse(&v->inner, &key);
		return props_model_find(m, &key) != NULL;
	}
	if (v->ports)
		return props_model_find(m, &v->t) != NULL;
	/* A fragment, or an error quoting one (no ports to read: the kernel's
	 * conntrack leaves such an error alone too), by addresses: an error
	 * about a packet from outside to a pod quotes the address the outside
	 * used itself. */
	if (v->icmp_err)
		props_tuple_reverse(&v->inner, &key);
	else
		key = v->t;
	for (i = 0; i < m->n; i++)
		if (m->slot[m->taken[i]].reply.saddr == key.saddr &&
		    m->slot[m->taken[i]].reply.daddr == key.daddr &&
		    m->slot[m->taken[i]].reply.proto == key.proto)
			return true;
	return false;
}

/* (b): nothing leaves towards outside the cluster with a pod address. */
static void judge_masq(struct judged *j, const struct props_view *vin,
		       const struct props_view *v)
{
	char t[96];

	if (!vin->ipv4 || !vin->hdr_ok || !v->ipv4 || !outside(v->t.daddr))
		return;
	if (answers_inbound(j, vin))
		return;
	props_tuple_str(&v->t, t, sizeof(t));
	if (props_in_cidr(v->t.saddr, PR_POD_CIDR, PR_POD_PREFIX))
		violation(j, INV_MASQ, "leaves the node with a pod source address: %s", t);
	else if (v->icmp_err && (props_in_cidr(v->inner.saddr, PR_POD_CIDR, PR_POD_PREFIX) ||
				 props_in_cidr(v->inner.daddr, PR_POD_CIDR, PR_POD_PREFIX)))
		violation(j, INV_MASQ, "an ICMP error (%s) leaves with a pod address in its "
			  "inner header", t);
}

/* (c) for a reply translated by the program: the inverse of its flow's translation. */
static void judge_reply(struct judged *j, const struct props_flow *f, const struct props_tuple *key,
			const struct props_view *vin, const struct props_view *v)
{
	const struct props_tuple *orig;
	struct props_tuple want;
	char a[96], b[96], c[96];
	__be32 want_src;

	props_tuple_str(key, a, sizeof(a));
	if (!f) {
		props_tuple_str(vin->icmp_err ? &v->inner : &v->t, b, sizeof(b));
		violation(j, INV_CLIENT, "a reply of a flow no client opened (%s) was "
			  "reverse-translated: %s", a, b);
		return;
	}
	orig = &f->orig;
	props_tuple_str(&f->orig, c, sizeof(c));
	if (!vin->icmp_err) {
		props_tuple_reverse(&f->orig, &want);
		if (f->has_alt && !props_tuple_eq(&v->t, &want))
			props_tuple_reverse(&f->alt, &want);
		if (!props_tuple_eq(&v->t, &want)) {
			props_tuple_str(&v->t, b, sizeof(b));
			violation(j, INV_CLIENT, "reply %s went out as %s; the flow was opened "
				  "by %s", a, b, c);
		}
		return;
	}
	/* The error goes to the client, quoting its packet as it sent it; one
	 * the peer itself sent comes from what the client addressed. */
	if (f->has_alt && v->icmp_err && props_tuple_eq(&v->inner, &f->alt))
		orig = &f->alt;
	want_src = vin->t.saddr == key->saddr ? orig->daddr : vin->t.saddr;
	if (!v->icmp_err || !props_tuple_eq(&v->inner, orig) ||
	    v->t.daddr != orig->saddr || v->t.saddr != want_src) {
		props_tuple_str(v->icmp_err ? &v->inner : &v->t, b, sizeof(b));
		violation(j, INV_CLIENT, "ICMP error about %s went out quoting %s (or to the "
			  "wrong address); the flow was opened by %s", a, b, c);
	}
}

static bool to_nodeport(const struct props_tuple *t)
{
	uint16_t port = t->dport;	/* host order, as the view reads it */

	return t->daddr == PR_NODE && (port == PR_NP_LOCAL || port == PR_NP_REMOTE ||
				       port == PR_NP_UDP || port == PR_NP_EMPTY);
}

/* (c): replies checked against the model, forward translations recorded in it. */
static void judge_client(struct judged *j, const struct props_view *vin,
			 const struct props_view *v)
{
	struct props_model *m = &j->env->model[j->p->obj];
	const struct props_flow *f = NULL;
	struct props_tuple key;
	bool inner = vin->icmp_err && v->icmp_err && !props_tuple_eq(&vin->inner, &v->inner);
	bool keyed = false, reply;

	if (!vin->ipv4 || !v->ipv4 || (props_tuple_eq(&vin->t, &v->t) && !inner))
		return;
	if (vin->icmp_err && vin->inner_ports) {
		props_tuple_reverse(&vin->inner, &key);
		keyed = true;
	} else if (vin->ports && !vin->icmp_err) {
		key = vin->t;
		keyed = true;
	}
	if (!keyed)
		return;		/* a later fragment: no ports to key it by */
	f = props_model_find(m, &key);
	/* xdp_nodeport_lb opens flows only to a NodePort, and a reply never
	 * goes to one (SNAT ports lie outside the NodePort range): the
	 * direction is the destination's, modelled or not. */
	reply = j->p->role == ROLE_REV || (j->p->role == ROLE_BOTH && !to_nodeport(&key));
	/* A reply with a broken IPv4 header dies at the next stack, wherever sent. */
	if (reply && vin->hdr_ok)
		judge_reply(j, f, &key, vin, v);
	else if (!vin->icmp_err && vin->ports && v->ports)
		props_model_open(m, &vin->t, &v->t);
}

bool props_kernel_refuses(bool xdp, const uint8_t *f, size_t len)
{
	unsigned int type = len >= 14 ? f[12] << 8 | f[13] : 0;

	if (len < 14)
		return true;
	if (xdp)
		return len > 3500;
	return (type == 0x0800 && len < 14 + 20) || (type == 0x86dd && len < 14 + 40);
}

static void judge(struct judged *j)
{
	struct props_view vin, vout;
	bool known, on;

	on = goes_on(j->p, j->verdict, &known);
	if (!known)
		violation(j, INV_SHAPE, "verdict %d is not one the hook knows", j->verdict);
	if (!on)
		return;
	j->p->passed++;
	if (j->out_len != j->in_len || memcmp(j->in, j->out, j->in_len))
		j->p->changed++;
	props_view(j->in, j->in_len, &vin);
	props_view(j->out, j->out_len, &vout);
	if (vin.ipv4 && vout.ipv4 && (!props_tuple_eq(&vin.t, &vout.t) ||
				      (vin.icmp_err && vout.icmp_err &&
				       !props_tuple_eq(&vin.inner, &vout.inner))))
		j->p->translated++;
	judge_csum(j, &vin, &vout);
	if (j->out_len != j->in_len &&
	    !(j->p->may_encap && j->out_len == j->in_len + VXLAN_OVERHEAD))
		violation(j, INV_SHAPE, "the frame went on with %zu bytes, it came with %zu",
			  j->out_len, j->in_len);
	if (j->p->masq_egress)
		judge_masq(j, &vin, &vout);
	if (j->p->masq_ingress)
		note_inbound(j, &vin, &vout);
	if (j->p->role != ROLE_PLAIN)
		judge_client(j, &vin, &vout);
}

bool props_run_frame(struct props_env *env, unsigned int idx, const uint8_t *in,
		     size_t in_len, const char *what, char *err, size_t err_len)
{
	static uint8_t out[OUT_CAP];
	struct props_prog *p = &env->prog[idx];
	struct __sk_buff skb = { .ifindex = p->ifindex, .ingress_ifindex = p->ifindex };
	struct xdp_md md = { .data_end = in_len, .ingress_ifindex = p->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = in_len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	if (props_kernel_refuses(p->xdp, in, in_len))
		return true;
	if (!p->xdp) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	} else if (p->ifindex) {
		opts.ctx_in = &md;
		opts.ctx_size_in = sizeof(md);
	}
	if (bpf_prog_test_run_opts(p->fd, &opts)) {
		if (errno == EPERM || errno == EBADF || errno == ENOTSUP) {
			snprintf(err, err_len, "%s: BPF_PROG_TEST_RUN: %s", p->name, strerror(errno));
			return false;
		}
		props_judge(env, idx, in, in_len, out, 0, -errno, what);
		return true;
	}
	props_judge(env, idx, in, in_len, out, opts.data_size_out, (int)opts.retval, what);
	return true;
}

void props_judge(struct props_env *env, unsigned int idx, const uint8_t *in, size_t in_len,
		 const uint8_t *out, size_t out_len, int verdict, const char *what)
{
	struct judged j = { .env = env, .p = &env->prog[idx], .in = in, .in_len = in_len,
			    .out = out, .out_len = out_len, .verdict = verdict,
			    .what = what };

	j.p->frames++;
	if (verdict < -1) {
		errno = -verdict;
		violation(&j, INV_SHAPE, "BPF_PROG_TEST_RUN failed: %s", strerror(errno));
		return;
	}
	judge(&j);
}

bool props_step(struct props_env *env, unsigned int idx, struct props_rng *r,
		char *err, size_t err_len)
{
	static uint8_t frame[PKT_MAX + 64];
	struct props_prog *p = &env->prog[idx];
	char what[256];
	size_t len;

	len = props_gen(r, p, &env->model[p->obj], frame, sizeof(frame), what, sizeof(what));
	if (!len) {
		snprintf(err, err_len, "%s: generator: %s", p->name, what);
		return false;
	}
	return props_run_frame(env, idx, frame, len, what, err, err_len);
}

uint64_t props_violations(const struct props_env *env)
{
	uint64_t n = 0;
	unsigned int i, k;

	for (i = 0; i < env->n_prog; i++)
		for (k = 0; k < INV_N; k++)
			n += env->prog[i].viol[k];
	return n;
}

/* "masq_snat (b) masquerade: fragment 120, IP options 80" */
static void report_classes(const struct props_prog *p, unsigned int inv, char *buf, size_t len)
{
	unsigned int c;
	const char *sep = ": ";

	if (!p->viol[inv])
		return;
	app(buf, len, "%s %s", p->name, inv_name[inv]);
	for (c = 0; c < CL_N; c++) {
		if (!p->viol_class[inv][c])
			continue;
		app(buf, len, "%s%s %llu", sep, props_class_name[c],
		    (unsigned long long)p->viol_class[inv][c]);
		sep = ", ";
	}
	app(buf, len, "\n");
}

void props_report(const struct props_env *env, char *buf, size_t len)
{
	const struct props_prog *p;
	unsigned int i, k;

	if (!len)
		return;
	buf[0] = '\0';
	app(buf, len, "%-18s %8s %8s %8s %10s %8s %8s %9s %8s\n", "program", "frames",
	    "went on", "changed", "translated", "(a)csum", "(b)masq", "(c)client", "(d)shape");
	for (i = 0; i < env->n_prog; i++) {
		p = &env->prog[i];
		app(buf, len, "%-18s %8llu %8llu %8llu %10llu %8llu %8llu %9llu %8llu\n", p->name,
		    (unsigned long long)p->frames, (unsigned long long)p->passed,
		    (unsigned long long)p->changed, (unsigned long long)p->translated, (unsigned long long)p->viol[INV_CSUM],
		    (unsigned long long)p->viol[INV_MASQ], (unsigned long long)p->viol[INV_CLIENT],
		    (unsigned long long)p->viol[INV_SHAPE]);
	}
	for (i = 0; i < env->n_prog; i++)
		for (k = 0; k < INV_N; k++)
			report_classes(&env->prog[i], k, buf, len);
}

void props_report_samples(const struct props_env *env, FILE *out)
{
	const struct props_prog *p;
	unsigned int i, k, n;

	for (i = 0; i < env->n_prog; i++) {
		p = &env->prog[i];
		for (k = 0; k < INV_N; k++)
			for (n = 0; n < PROPS_SAMPLES && n < p->viol[k]; n++)
				fprintf(out, "%s\n", p->sample[k][n]);
	}
}
