/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Services and backends of every load balancer (socket, tc, XDP), and the
 * backend choice.  Layout of keys and values: include/dplab/lb.h.  Sizes
 * here are defaults; the loader sets them before load.
 */
#ifndef DPLAB_LIB_SERVICES_H
#define DPLAB_LIB_SERVICES_H

#include "dplab/lb.h"
#include "lib/dp.h"

/* An object's services and backends maps (the loader fills them). */
#define DP_SERVICES_MAPS(services_name, backends_name)			\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(max_entries, 4096);				\
		__type(key, struct dplab_svc_key);			\
		__type(value, struct dplab_svc);			\
	} services_name SEC(".maps");					\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(max_entries, 65536);				\
		__type(key, struct dplab_backend_key);			\
		__type(value, struct dplab_backend);			\
	} backends_name SEC(".maps")

static __always_inline struct dplab_svc *svc_lookup(const struct dp_maps *m, __be32 vip,
						    __be16 port, __u8 proto)
{
	struct dplab_svc_key key = { .vip = vip, .port = port, .proto = proto };

	return bpf_map_lookup_elem(m->services, &key);
}

/* Mixes a tuple into 32 bits (the final mix of the kernel's jhash). */
static __always_inline __u32 tuple_hash(const struct dplab_tuple *t)
{
	__u32 a = t->saddr, b = t->daddr;
	__u32 c = ((__u32)t->sport << 16 | t->dport) ^ t->proto;

#define ROL32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))
	c ^= b; c -= ROL32(b, 14);
	a ^= c; a -= ROL32(c, 11);
	b ^= a; b -= ROL32(a, 25);
	c ^= b; c -= ROL32(b, 16);
	a ^= c; a -= ROL32(c, 4);
	b ^= a; b -= ROL32(a, 14);
	c ^= b; c -= ROL32(b, 24);
#undef ROL32
	return c;
}

/* The backend for a new flow: stable for a given tuple. */
static __always_inline struct dplab_backend *backend_pick(const struct dp_maps *m,
							  const struct dplab_svc *svc,
							  const struct dplab_tuple *t)
{
	struct dplab_backend_key key = { .svc_id = svc->id };

	if (!svc->count)
		return NULL;
	key.slot = tuple_hash(t) % svc->count;
	return bpf_map_lookup_elem(m->backends, &key);
}

#endif /* DPLAB_LIB_SERVICES_H */
