// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Socket LB (Cilium's kube-proxy replacement at the socket): cgroup v2
 * sock_addr programs that translate a service VIP:port to a backend once,
 * at connect() or sendmsg(), so the packets themselves need no NAT.
 *   sock_lb_connect4      connect(): TCP random backend, UDP per socket
 *   sock_lb_sendmsg4      sendto()/sendmsg() of unconnected UDP
 *   sock_lb_recvmsg4      UDP recvfrom()/recvmsg(): backend -> VIP
 *   sock_lb_getpeername4  getpeername(): backend -> VIP
 *   sock_lb_connect6, sock_lb_recvmsg6, sock_lb_getpeername6
 *                         the same for an IPv6 socket and ::ffff:VIP
 *                         (v4-mapped; Java's sockets by default), written
 *                         back as ::ffff:backend; native IPv6 is left alone.
 * No sendmsg6: an IPv6 UDP socket's datagram to a v4-mapped address is
 * handed by udpv6_sendmsg() to udp_sendmsg() as IPv4 before the sendmsg6
 * hook, so sock_lb_sendmsg4 translates it, and sendmsg6 would only ever
 * see native IPv6.  Its reply still reaches the IPv6 socket's recvmsg6.
 * A service with no backend fails connect()/sendmsg() with EHOSTUNREACH
 * (bpf_set_retval(), kernel >= 5.18; EPERM on older kernels); a failed
 * reverse-map insert with ENOMEM (EPERM).  Logic and maps: lib/sock_lb.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/sock_lb.h"

#define ENOMEM 12
#define EHOSTUNREACH 113

/* Return values of cgroup sock_addr programs. */
#define SYS_REJECT 0
#define SYS_PROCEED 1

/*
 * The verdict for an outcome of sock4_xlate_fwd().  A sock_addr program
 * that returns 0 fails the syscall with EPERM, unless it has set another
 * error with bpf_set_retval() first.
 */
static __always_inline void set_retval(int err)
{
	/* Resolved against the running kernel's BTF at load: below 5.18 the
	 * call is dead code the verifier never sees (5.10 rejected the whole
	 * object, seen under make check-kernels), and the syscall fails with
	 * EPERM instead. */
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_set_retval))
		bpf_set_retval(err);
}

static __always_inline int sock_fwd_verdict(enum dplab_counter c)
{
	count(c);
	switch (c) {
	case DPLAB_CNT_DROP_NO_BACKEND:
		set_retval(-EHOSTUNREACH);
		return SYS_REJECT;
	case DPLAB_CNT_DROP_MAP_UPDATE:
		set_retval(-ENOMEM);
		return SYS_REJECT;
	default:
		return SYS_PROCEED;
	}
}

static __always_inline int sock4_fwd(struct bpf_sock_addr *ctx)
{
	struct sock_dst4 dst;
	enum dplab_counter c;

	sock4_dst_get(ctx, &dst);
	c = sock4_xlate_fwd(ctx, &dst);
	if (c == DPLAB_CNT_REWRITE)
		sock4_dst_set(ctx, &dst);
	return sock_fwd_verdict(c);
}

/* There are no IPv6 services: native IPv6 matches none. */
static __always_inline int sock6_fwd(struct bpf_sock_addr *ctx)
{
	struct sock_dst4 dst;
	enum dplab_counter c;

	if (!sock6_dst_get_mapped(ctx, &dst))
		return sock_fwd_verdict(DPLAB_CNT_PASS_NO_MATCH);
	c = sock4_xlate_fwd(ctx, &dst);
	if (c == DPLAB_CNT_REWRITE)
		sock6_dst_set_mapped(ctx, &dst);
	return sock_fwd_verdict(c);
}

/* The reverse hooks accept only SYS_PROCEED. */
static __always_inline int sock4_rev(struct bpf_sock_addr *ctx)
{
	struct sock_dst4 peer;

	sock4_dst_get(ctx, &peer);
	if (sock4_xlate_rev(ctx, &peer)) {
		sock4_dst_set(ctx, &peer);
		count(DPLAB_CNT_REV_NAT);
	}
	return SYS_PROCEED;
}

static __always_inline int sock6_rev(struct bpf_sock_addr *ctx)
{
	struct sock_dst4 peer;

	if (sock6_dst_get_mapped(ctx, &peer) && sock4_xlate_rev(ctx, &peer)) {
		sock6_dst_set_mapped(ctx, &peer);
		count(DPLAB_CNT_REV_NAT);
	}
	return SYS_PROCEED;
}

SEC("cgroup/connect4")
int sock_lb_connect4(struct bpf_sock_addr *ctx)
{
	return sock4_fwd(ctx);
}

SEC("cgroup/sendmsg4")
int sock_lb_sendmsg4(struct bpf_sock_addr *ctx)
{
	return sock4_fwd(ctx);
}

SEC("cgroup/recvmsg4")
int sock_lb_recvmsg4(struct bpf_sock_addr *ctx)
{
	return sock4_rev(ctx);
}

SEC("cgroup/getpeername4")
int sock_lb_getpeername4(struct bpf_sock_addr *ctx)
{
	return sock4_rev(ctx);
}

SEC("cgroup/connect6")
int sock_lb_connect6(struct bpf_sock_addr *ctx)
{
	return sock6_fwd(ctx);
}

SEC("cgroup/recvmsg6")
int sock_lb_recvmsg6(struct bpf_sock_addr *ctx)
{
	return sock6_rev(ctx);
}

SEC("cgroup/getpeername6")
int sock_lb_getpeername6(struct bpf_sock_addr *ctx)
{
	return sock6_rev(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
