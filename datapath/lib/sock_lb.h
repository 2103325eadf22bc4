/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Socket LB (cgroup sock_addr hooks): the maps and the translation of an
 * IPv4 destination VIP:port to a backend and back, in the way of Cilium's
 * bpf_sock.c (__sock4_xlate_fwd / sock4_xlate_rev with its reverse map
 * cilium_lb4_reverse_sk keyed by socket cookie + backend).  The translation
 * works on a struct sock_dst4, which the IPv4 hooks read from user_ip4 and
 * the IPv6 hooks from a v4-mapped user_ip6 (::ffff:a.b.c.d, as Cilium's
 * sock6_xlate_v4_in_v6), so both families share it.  Key and value
 * layouts: include/dplab/lb.h and include/dplab/sock_lb.h.  Sizes here are
 * defaults; the loader sets them before load.
 */
#ifndef DPLAB_LIB_SOCK_LB_H
#define DPLAB_LIB_SOCK_LB_H

#include <bpf/bpf_endian.h>
#include "dplab/counters.h"
#include "dplab/lb.h"
#include "lib/services.h"
#include "dplab/sock_lb.h"

DP_SERVICES_MAPS(services, backends);

/* The maps of services.h's functions: socket LB is an object of its own. */
#define SOCK_LB_MAPS (&(const struct dp_maps){ .services = &services, .backends = &backends })

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct dplab_sock_affinity_key);
	__type(value, struct dplab_sock_affinity);
} sock_lb_affinity SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct dplab_sock_rev_key);
	__type(value, struct dplab_sock_rev);
} sock_lb_revnat SEC(".maps");

/* An IPv4 destination or peer of a sock_addr hook, network order. */
struct sock_dst4 {
	__be32 addr;
	__be16 port;
};

/* The port of a sock_addr context: network order in the low 16 bits. */
static __always_inline __be16 sock_port(const struct bpf_sock_addr *ctx)
{
	return (__be16)ctx->user_port;
}

/* IPv4 hooks: the address as it is. */
static __always_inline void sock4_dst_get(const struct bpf_sock_addr *ctx, struct sock_dst4 *d)
{
	d->addr = ctx->user_ip4;
	d->port = sock_port(ctx);
}

static __always_inline void sock4_dst_set(struct bpf_sock_addr *ctx, const struct sock_dst4 *d)
{
	ctx->user_ip4 = d->addr;
	ctx->user_port = d->port;
}

/*
 * IPv6 hooks: an IPv4 destination only when v4-mapped (RFC 4291 2.5.5.2),
 * the one form of an IPv4 address the kernel sends over IPv4 from an IPv6
 * socket; false for native IPv6, whatever its last 32 bits spell.
 */
static __always_inline bool sock6_dst_get_mapped(const struct bpf_sock_addr *ctx,
						 struct sock_dst4 *d)
{
	if (ctx->user_ip6[0] || ctx->user_ip6[1] || ctx->user_ip6[2] != bpf_htonl(0xffff))
		return false;
	d->addr = ctx->user_ip6[3];
	d->port = sock_port(ctx);
	return true;
}

/* Only the IPv4 part changes: the address stays v4-mapped. */
static __always_inline void sock6_dst_set_mapped(struct bpf_sock_addr *ctx,
						 const struct sock_dst4 *d)
{
	ctx->user_ip6[3] = d->addr;
	ctx->user_port = d->port;
}

/*
 * UDP: the backend this socket already uses for the service, if that slot
 * still exists and still holds the same backend; else NULL.
 */
static __always_inline struct dplab_backend *
sock_affinity_backend(const struct dplab_sock_affinity_key *akey, __u32 count)
{
	struct dplab_backend_key bkey = { .svc_id = akey->svc_id };
	struct dplab_sock_affinity *a;
	struct dplab_backend *be;

	a = bpf_map_lookup_elem(&sock_lb_affinity, akey);
	if (!a || a->slot >= count)
		return NULL;
	bkey.slot = a->slot;
	be = bpf_map_lookup_elem(&backends, &bkey);
	if (!be || be->addr != a->addr || be->port != a->port)
		return NULL;
	return be;
}

/* Remember that this socket sent to backend be in place of vip:port. */
static __always_inline int sock_revnat_update(__u64 cookie, const struct dplab_backend *be,
					      __be32 vip, __be16 port, __u32 svc_id)
{
	struct dplab_sock_rev_key key = { .cookie = cookie, .addr = be->addr, .port = be->port };
	struct dplab_sock_rev val = { .vip = vip, .port = port, .svc_id = svc_id };
	struct dplab_sock_rev *old;

	/* sendmsg() comes here for every datagram: write only what changed. */
	old = bpf_map_lookup_elem(&sock_lb_revnat, &key);
	if (old && old->vip == vip && old->port == port && old->svc_id == svc_id)
		return 0;
	return bpf_map_update_elem(&sock_lb_revnat, &key, &val, BPF_ANY);
}

/*
 * connect() and sendmsg(): a destination dst that is a service
 * VIP:port:proto becomes one of its backends.  TCP (and anything but UDP)
 * picks at random per connect(); UDP keeps the backend of the socket
 * (socket cookie) so all its datagrams reach the same one.  Returns the
 * counter of the outcome: DPLAB_CNT_REWRITE (dst now the backend, for the
 * caller to write back), DPLAB_CNT_PASS_NO_MATCH, or a DPLAB_CNT_DROP_* for
 * which the caller fails the syscall.
 */
static __always_inline enum dplab_counter sock4_xlate_fwd(struct bpf_sock_addr *ctx,
							  struct sock_dst4 *dst)
{
	__be32 vip = dst->addr;
	__be16 port = dst->port;
	__u8 proto = ctx->protocol;	/* as services are keyed */
	bool udp = proto == IPPROTO_UDP;
	struct dplab_sock_affinity_key akey = {};
	struct dplab_backend_key bkey = {};
	struct dplab_backend *be = NULL;
	struct dplab_svc *svc;
	__u32 count, svc_id;

	svc = svc_lookup(SOCK_LB_MAPS, vip, port, proto);
	if (!svc)
		return DPLAB_CNT_PASS_NO_MATCH;
	/* Read once: the loader may update the service meanwhile. */
	count = svc->count;
	svc_id = svc->id;
	if (!count)
		return DPLAB_CNT_DROP_NO_BACKEND;

	akey.cookie = bpf_get_socket_cookie(ctx);
	akey.svc_id = svc_id;
	if (udp)
		be = sock_affinity_backend(&akey, count);
	if (!be) {
		bkey.svc_id = svc_id;
		bkey.slot = bpf_get_prandom_u32() % count;
		be = bpf_map_lookup_elem(&backends, &bkey);
		/* A slot below count without a backend: the loader's half-done update. */
		if (!be)
			return DPLAB_CNT_DROP_NO_BACKEND;
		if (udp) {
			struct dplab_sock_affinity aff = {
				.slot = bkey.slot, .addr = be->addr, .port = be->port,
			};

			/* Best effort: without it the next datagram picks again. */
			bpf_map_update_elem(&sock_lb_affinity, &akey, &aff, BPF_ANY);
		}
	}

	/* Without the reverse entry the application would see the backend. */
	if (sock_revnat_update(akey.cookie, be, vip, port, svc_id))
		return DPLAB_CNT_DROP_MAP_UPDATE;
	dst->addr = be->addr;
	dst->port = be->port;
	return DPLAB_CNT_REWRITE;
}

/*
 * recvmsg() source and getpeername() peer: a backend peer this socket was
 * sent to by sock4_xlate_fwd() becomes the VIP:port again, while that
 * service still exists with the same id.  True when translated (peer
 * changed, for the caller to write back).
 */
static __always_inline bool sock4_xlate_rev(struct bpf_sock_addr *ctx, struct sock_dst4 *peer)
{
	struct dplab_sock_rev_key key = {
		.cookie = bpf_get_socket_cookie(ctx),
		.addr = peer->addr,
		.port = peer->port,
	};
	struct dplab_sock_rev *rev;
	struct dplab_svc *svc;

	rev = bpf_map_lookup_elem(&sock_lb_revnat, &key);
	if (!rev)
		return false;
	svc = svc_lookup(SOCK_LB_MAPS, rev->vip, rev->port, ctx->protocol);
	if (!svc || svc->id != rev->svc_id) {
		/* The service is gone or was replaced: show the real peer. */
		bpf_map_delete_elem(&sock_lb_revnat, &key);
		return false;
	}
	peer->addr = rev->vip;
	peer->port = rev->port;
	return true;
}

#endif /* DPLAB_LIB_SOCK_LB_H */
