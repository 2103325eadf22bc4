// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench-datapath --ops: one operation per program, so that the cost of a
 * datapath program can be told apart into the operations it is made of
 * (map inserts and lookups, helper calls, checksum rewrites, the parse).
 * Every program is measured like the datapath's (tests/bench/datapath.c):
 * single-repetition BPF_PROG_TEST_RUN runs, each on a fresh frame.
 *
 * Keys and values are the datapath's conntrack layout (struct dplab_tuple,
 * 16 bytes; struct dplab_lb_ct, 32 bytes), the key read from the frame's
 * addresses, ports and protocol by op_key(), which every map program does
 * first: its cost is op_key's row.  A program whose operation failed (an
 * insert refused, a lookup that should hit missing) returns another
 * verdict, which bench-datapath reports as a failed run.
 *
 * Cheap operations (helpers without maps) run OPS_N times per program so
 * that their cost rises above the clock's steps; bench_ops.c divides.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/frag.h"
#include "lib/csum.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/snat.h"

DP_FRAGS_MAP(frags);

/* The maps of the translators' parse (fragments). */
#define OPS_MAPS (&(const struct dp_maps){ .counters = &counters, .frags = &frags })

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define OPS_N 16

#ifndef BPF_F_PSEUDO_HDR
#define BPF_F_PSEUDO_HDR (1ULL << 4)
#endif

/* Frame offsets of an Ethernet + 20-byte IPv4 + TCP frame. */
#define OFF_IP_CSUM (ETH_HLEN + 10)
#define OFF_IP_DADDR (ETH_HLEN + 16)
#define OFF_TCP_DPORT (ETH_HLEN + 20 + 2)
#define OFF_TCP_CSUM (ETH_HLEN + 20 + 16)
#define FRAME_HDRS (ETH_HLEN + 20 + 20)

/* Keeps the compiler from dropping a value nobody reads. */
#define KEEP(x) asm volatile("" : : "r"(x) : "memory")

#define LRU_MAP(name, entries, flags)					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LRU_HASH);			\
		__uint(max_entries, entries);				\
		__uint(map_flags, flags);				\
		__type(key, struct dplab_tuple);			\
		__type(value, struct dplab_lb_ct);			\
	} name SEC(".maps")

#define HASH_MAP(name, type_, entries, flags)				\
	struct {							\
		__uint(type, type_);					\
		__uint(max_entries, entries);				\
		__uint(map_flags, flags);				\
		__type(key, struct dplab_tuple);			\
		__type(value, struct dplab_lb_ct);			\
	} name SEC(".maps")

#define K64 65536
#define K512 524288
#define M1 1048576
#define NC BPF_F_NO_COMMON_LRU

/* c/n: common LRU or per-CPU lists (BPF_F_NO_COMMON_LRU); e: left nearly
 * empty; f: filled by bench_ops.c before the runs, so every insert evicts;
 * h: filled with the lookup frames' keys. */
LRU_MAP(lru_c64e, K64, 0);
LRU_MAP(lru_c64f, K64, 0);
LRU_MAP(lru_c512e, K512, 0);
LRU_MAP(lru_c512f, K512, 0);
LRU_MAP(lru_n64e, K64, NC);
LRU_MAP(lru_n64f, K64, NC);
LRU_MAP(lru_n512e, K512, NC);
LRU_MAP(lru_n512f, K512, NC);
LRU_MAP(lru_c1me, M1, 0);
LRU_MAP(lru_c64e_nx, K64, 0);
LRU_MAP(lru_c64f_nx, K64, 0);
LRU_MAP(lru_c512h, K512, 0);
LRU_MAP(lru_c64h, K64, 0);
HASH_MAP(hash64, BPF_MAP_TYPE_HASH, K64, 0);
HASH_MAP(hash512, BPF_MAP_TYPE_HASH, K512, 0);
HASH_MAP(hash64_np, BPF_MAP_TYPE_HASH, K64, BPF_F_NO_PREALLOC);
HASH_MAP(pcpu_hash64, BPF_MAP_TYPE_PERCPU_HASH, K64, 0);
HASH_MAP(lru_pcpu64, BPF_MAP_TYPE_LRU_PERCPU_HASH, K64, 0);

/* Katran's shape: one common-LRU map per CPU, found through an array of
 * maps indexed by the CPU (inner maps made and set by bench_ops.c). */
struct inner_lru {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, K64);
	__type(key, struct dplab_tuple);
	__type(value, struct dplab_lb_ct);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 64);
	__type(key, __u32);
	__array(values, struct inner_lru);
} lru_per_cpu SEC(".maps");

/* No-ops of the group's own, also run with repeat > 1 (test-run overhead). */
SEC("tc")
int op_nop_tc(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

SEC("xdp")
int op_nop_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* The frame's tuple; 0, or -1 when the frame is too short. */
static __always_inline int op_key(void *data, void *data_end, struct dplab_tuple *k)
{
	struct iphdr *ip = data + ETH_HLEN;
	__be16 *ports = data + ETH_HLEN + sizeof(*ip);

	if ((void *)(ports + 2) > data_end)
		return -1;
	k->saddr = ip->saddr;
	k->daddr = ip->daddr;
	k->sport = ports[0];
	k->dport = ports[1];
	k->proto = ip->protocol;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	return 0;
}

static __always_inline void op_value(struct dplab_lb_ct *v, const struct dplab_tuple *k)
{
	__builtin_memset(v, 0, sizeof(*v));
	v->addr = k->daddr;
	v->port = k->dport;
	v->peer = *k;
}

SEC("tc")
int op_key_tc(struct __sk_buff *skb)
{
	struct dplab_tuple k;

	if (op_key(tc_data(skb), tc_data_end(skb), &k))
		return TC_ACT_SHOT;
	KEEP(&k);
	return TC_ACT_UNSPEC;
}

/* op_key + building the value: the base of the insert rows. */
SEC("tc")
int op_key_value_tc(struct __sk_buff *skb)
{
	struct dplab_tuple k;
	struct dplab_lb_ct v;

	if (op_key(tc_data(skb), tc_data_end(skb), &k))
		return TC_ACT_SHOT;
	op_value(&v, &k);
	KEEP(&k);
	KEEP(&v);
	return TC_ACT_UNSPEC;
}

static __always_inline int op_insert(struct __sk_buff *skb, void *map, __u64 flags)
{
	struct dplab_tuple k;
	struct dplab_lb_ct v;

	if (op_key(tc_data(skb), tc_data_end(skb), &k))
		return TC_ACT_SHOT;
	op_value(&v, &k);
	return bpf_map_update_elem(map, &k, &v, flags) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

#define INSERT_PROG(map, flags)						\
	SEC("tc") int op_ins_##map##_##flags(struct __sk_buff *skb)	\
	{								\
		return op_insert(skb, &map, flags);			\
	}

#define ANY BPF_ANY
#define NOEXIST BPF_NOEXIST
INSERT_PROG(lru_c64e, ANY)
INSERT_PROG(lru_c64f, ANY)
INSERT_PROG(lru_c512e, ANY)
INSERT_PROG(lru_c512f, ANY)
INSERT_PROG(lru_n64e, ANY)
INSERT_PROG(lru_n64f, ANY)
INSERT_PROG(lru_n512e, ANY)
INSERT_PROG(lru_n512f, ANY)
INSERT_PROG(lru_c1me, ANY)
INSERT_PROG(lru_c64e_nx, NOEXIST)
INSERT_PROG(lru_c64f_nx, NOEXIST)
INSERT_PROG(hash64, NOEXIST)
INSERT_PROG(hash512, NOEXIST)
INSERT_PROG(hash64_np, NOEXIST)
INSERT_PROG(pcpu_hash64, NOEXIST)
INSERT_PROG(lru_pcpu64, NOEXIST)

/* Katran: this CPU's LRU map, then one insert into it. */
SEC("tc")
int op_ins_map_in_map(struct __sk_buff *skb)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void *inner = bpf_map_lookup_elem(&lru_per_cpu, &cpu);

	if (!inner)
		return TC_ACT_SHOT;
	return op_insert(skb, inner, BPF_NOEXIST);
}

/* Lookups: TC_ACT_UNSPEC on a hit, TC_ACT_OK on a miss (each case says
 * which it expects). */
static __always_inline int op_lookup(struct __sk_buff *skb, void *map)
{
	struct dplab_tuple k;
	struct dplab_lb_ct *e;

	if (op_key(tc_data(skb), tc_data_end(skb), &k))
		return TC_ACT_SHOT;
	e = bpf_map_lookup_elem(map, &k);
	if (!e)
		return TC_ACT_OK;
	KEEP(e->addr);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int op_lookup_lru_c64h(struct __sk_buff *skb)
{
	return op_lookup(skb, &lru_c64h);
}

SEC("tc")
int op_lookup_lru_c512h(struct __sk_buff *skb)
{
	return op_lookup(skb, &lru_c512h);
}

SEC("tc")
int op_lookup_lru_c1me(struct __sk_buff *skb)
{
	return op_lookup(skb, &lru_c1me);
}

SEC("tc")
int op_lookup_hash64(struct __sk_buff *skb)
{
	return op_lookup(skb, &hash64);
}

/* Helpers without maps, OPS_N calls (the base row: op_key_tc). */
SEC("tc")
int op_ktime(struct __sk_buff *skb)
{
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		sum += bpf_ktime_get_ns();
	KEEP(sum);
	return TC_ACT_UNSPEC;
}

/* The coarse clocks a conntrack timestamp could use instead (Cilium's
 * bpf_mono_now() takes jiffies where it can). */
SEC("tc")
int op_ktime_coarse(struct __sk_buff *skb)
{
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		sum += bpf_ktime_get_coarse_ns();
	KEEP(sum);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int op_jiffies(struct __sk_buff *skb)
{
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		sum += bpf_jiffies64();
	KEEP(sum);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int op_prandom(struct __sk_buff *skb)
{
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		sum += bpf_get_prandom_u32();
	KEEP(sum);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int op_cpu_id(struct __sk_buff *skb)
{
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		sum += bpf_get_smp_processor_id();
	KEEP(sum);
	return TC_ACT_UNSPEC;
}

/* The datapath's count(): a per-CPU array slot incremented, OPS_N times. */
SEC("tc")
int op_count(struct __sk_buff *skb)
{
	int i;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		count(DPLAB_CNT_CT_HIT + (i & 3));
	return TC_ACT_UNSPEC;
}

/* bpf_skb_pull_data on the (linear) test frame, OPS_N times. */
SEC("tc")
int op_pull(struct __sk_buff *skb)
{
	int i, err = 0;

#pragma unroll
	for (i = 0; i < OPS_N; i++)
		err |= bpf_skb_pull_data(skb, FRAME_HDRS);
	return err ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

/*
 * A DNAT of daddr and the TCP destination port as tc_nat_v4() does it:
 * five helper calls (l4 with pseudo header, l3, store; l4, store).
 */
SEC("tc")
int op_rewrite_helpers(struct __sk_buff *skb)
{
	__be32 to = bpf_htonl(0x0af40207), from;
	__be16 pto = bpf_htons(8080), pfrom;
	void *data = tc_data(skb), *data_end = tc_data_end(skb);

	if (data + FRAME_HDRS > data_end)
		return TC_ACT_SHOT;
	from = *(__be32 *)(data + OFF_IP_DADDR);
	pfrom = *(__be16 *)(data + OFF_TCP_DPORT);
	if (bpf_l4_csum_replace(skb, OFF_TCP_CSUM, from, to, BPF_F_PSEUDO_HDR | 4) ||
	    bpf_l3_csum_replace(skb, OFF_IP_CSUM, from, to, 4) ||
	    bpf_skb_store_bytes(skb, OFF_IP_DADDR, &to, 4, 0) ||
	    bpf_l4_csum_replace(skb, OFF_TCP_CSUM, pfrom, pto, 2) ||
	    bpf_skb_store_bytes(skb, OFF_TCP_DPORT, &pto, 2, 0))
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

/* The same DNAT by direct packet writes with RFC 1624 updates (as XDP
 * does); the verifier adds its writable-skb prologue. */
SEC("tc")
int op_rewrite_direct(struct __sk_buff *skb)
{
	__be32 to = bpf_htonl(0x0af40207);
	__be16 pto = bpf_htons(8080);
	void *data = tc_data(skb), *data_end = tc_data_end(skb);
	struct iphdr *ip = data + ETH_HLEN;
	struct tcphdr *th = data + ETH_HLEN + sizeof(*ip);

	if ((void *)(th + 1) > data_end)
		return TC_ACT_SHOT;
	csum_replace4(&ip->check, ip->daddr, to);
	csum_replace4(&th->check, ip->daddr, to);
	csum_replace2(&th->check, th->dest, pto);
	ip->daddr = to;
	th->dest = pto;
	return TC_ACT_UNSPEC;
}

/* One checksum difference for both fields, two replace calls taking it,
 * direct stores (Cilium's shape: csum_diff + l3/l4_csum_replace). */
SEC("tc")
int op_rewrite_diff(struct __sk_buff *skb)
{
	__be32 to = bpf_htonl(0x0af40207), from;
	__be32 pto = bpf_htons(8080), pfrom;
	void *data = tc_data(skb), *data_end = tc_data_end(skb);
	__s64 d_addr, d_all;

	if (data + FRAME_HDRS > data_end)
		return TC_ACT_SHOT;
	from = *(__be32 *)(data + OFF_IP_DADDR);
	pfrom = *(__be16 *)(data + OFF_TCP_DPORT);
	d_addr = bpf_csum_diff(&from, 4, &to, 4, 0);
	d_all = bpf_csum_diff(&pfrom, 4, &pto, 4, d_addr);
	if (bpf_l3_csum_replace(skb, OFF_IP_CSUM, 0, d_addr, 0) ||
	    bpf_l4_csum_replace(skb, OFF_TCP_CSUM, 0, d_all, BPF_F_PSEUDO_HDR))
		return TC_ACT_SHOT;
	data = tc_data(skb);
	data_end = tc_data_end(skb);
	if (data + FRAME_HDRS > data_end)
		return TC_ACT_SHOT;
	*(__be32 *)(data + OFF_IP_DADDR) = to;
	*(__be16 *)(data + OFF_TCP_DPORT) = pto;
	return TC_ACT_UNSPEC;
}

/* One direct write: the cost of the verifier's writable-skb prologue. */
SEC("tc")
int op_write_one(struct __sk_buff *skb)
{
	void *data = tc_data(skb), *data_end = tc_data_end(skb);

	if (data + FRAME_HDRS > data_end)
		return TC_ACT_SHOT;
	((__u8 *)data)[0] ^= 0;
	return TC_ACT_UNSPEC;
}

/* The translators' parse (tc_lb, masq, tc_nodeport_rev), nothing else. */
SEC("tc")
int op_parse_tc(struct __sk_buff *skb)
{
	struct pkt_v4 p = {};

	if (tc_parse_v4_flow(skb, OPS_MAPS, &p))
		return TC_ACT_SHOT;
	KEEP(&p);
	return TC_ACT_UNSPEC;
}

/* xdp_lb's parse. */
SEC("xdp")
int op_parse_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct pkt_v4 p = {};

	if (parse_v4_flow(OPS_MAPS, data, data_end, &p))
		return XDP_DROP;
	KEEP(&p);
	return XDP_PASS;
}

SEC("xdp")
int op_key_xdp(struct xdp_md *ctx)
{
	struct dplab_tuple k;

	if (op_key((void *)(long)ctx->data, (void *)(long)ctx->data_end, &k))
		return XDP_DROP;
	KEEP(&k);
	return XDP_PASS;
}

/* xdp_lb's hairpin_l2() FIB lookup towards the frame's destination. */
const volatile __be32 fib_src;

SEC("xdp")
int op_fib_xdp(struct xdp_md *ctx)
{
	struct dplab_tuple k;
	struct bpf_fib_lookup fib = {
		.family = AF_INET,
		.ipv4_src = fib_src,
		.ifindex = ctx->ingress_ifindex,
	};
	long rc;

	if (op_key((void *)(long)ctx->data, (void *)(long)ctx->data_end, &k))
		return XDP_DROP;
	fib.ipv4_dst = k.daddr;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	KEEP(rc);
	return XDP_PASS;
}

/*
 * The floor of a conntracked DNAT, made of the datapath's own functions:
 * what any program that balances a new flow statefully must do (parse,
 * find the service and a backend, insert one conntrack entry, rewrite),
 * and what an established flow must (parse, one conntrack hit with its
 * lifetime refreshed, rewrite).  Against the no-op of the same run they
 * bound issue 13's ratios from below: dplab's rows do this and more (the
 * reverse entry, its per-packet check).  64k entries, dplab's ct_max.
 */
DP_SERVICES_MAPS(floor_services, floor_backends);
DP_CT_MAP(floor_ct);

#define FLOOR_MAPS (&(const struct dp_maps){ .counters = &counters, .frags = &frags,	\
	.ct = &floor_ct, .rev = &floor_ct, .services = &floor_services,			\
	.backends = &floor_backends })

SEC("tc")
int op_floor_new(struct __sk_buff *skb)
{
	struct dplab_backend *be = NULL;
	struct dplab_svc *svc;
	struct pkt_v4 p = {};
	struct dplab_lb_ct v;

	if (tc_parse_v4_flow(skb, FLOOR_MAPS, &p))
		return TC_ACT_SHOT;
	svc = svc_lookup(FLOOR_MAPS, p.t.daddr, p.t.dport, p.t.proto);
	if (svc)
		be = backend_pick(FLOOR_MAPS, svc, &p.t);
	if (!be)
		return TC_ACT_SHOT;
	ct_entry_init(FLOOR_MAPS, &v, &p, be->addr, be->port, 0, NULL);
	if (bpf_map_update_elem(&floor_ct, &p.t, &v, BPF_NOEXIST))
		return TC_ACT_SHOT;
	return tc_nat_v4(skb, &p, true, be->addr, be->port) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

SEC("tc")
int op_floor_est(struct __sk_buff *skb)
{
	struct dplab_lb_ct *e;
	struct pkt_v4 p = {};

	if (tc_parse_v4_flow(skb, FLOOR_MAPS, &p))
		return TC_ACT_SHOT;
	e = ct_lookup_pair(FLOOR_MAPS, &floor_ct, NULL, &p, &p.t);
	if (!e)
		return TC_ACT_SHOT;
	return tc_nat_v4(skb, &p, true, e->addr, e->port) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

/*
 * The floor of a masquerade (SNAT) of a new flow: parse, reserve the reply
 * tuple with a BPF_NOEXIST insert, insert the forward entry, rewrite the
 * source.  Any SNAT that can route replies back and must never hand one
 * flow's port to another keeps two keys per flow (the forward tuple, and
 * the reply tuple whose port it chose): Cilium's snat_v4_new_mapping()
 * inserts both too.  No port search: the frame's own port is taken.  One
 * map as masquerade's (lib/snat.h), its default size.
 */
DP_SNAT_MAP(floor_snat);
DP_SNAT_MAP(floor_snat_fwd);	/* the "two maps" variant's */
DP_SNAT_MAP(floor_snat_rev);

static __always_inline int floor_snat_run(struct __sk_buff *skb, void *fwd_map, void *rev_map)
{
	struct dplab_tuple reply;
	struct dplab_lb_ct v;
	struct pkt_v4 p = {};

	if (tc_parse_v4_flow(skb, FLOOR_MAPS, &p))
		return TC_ACT_SHOT;
	snat_reply_tuple(&p.t, fib_src, p.t.sport, &reply);
	ct_entry_init(FLOOR_MAPS, &v, &p, p.t.saddr, p.t.sport, 0, &p.t);
	if (bpf_map_update_elem(rev_map, &reply, &v, BPF_NOEXIST))
		return TC_ACT_SHOT;
	ct_entry_init(FLOOR_MAPS, &v, &p, fib_src, p.t.sport, 0, &reply);
	if (bpf_map_update_elem(fwd_map, &p.t, &v, BPF_NOEXIST))
		return TC_ACT_SHOT;
	return tc_nat_v4(skb, &p, false, fib_src, p.t.sport) ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

/* Both entries in one map, as masquerade keeps them. */
SEC("tc")
int op_floor_snat_new(struct __sk_buff *skb)
{
	return floor_snat_run(skb, &floor_snat, &floor_snat);
}

/* The reverse entry in a map of its own, as tc_lb's lb_rev: is the second
 * insert dearer when its table is another one (cold)? */
SEC("tc")
int op_floor_snat_new_2maps(struct __sk_buff *skb)
{
	return floor_snat_run(skb, &floor_snat_fwd, &floor_snat_rev);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
