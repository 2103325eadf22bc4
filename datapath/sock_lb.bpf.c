// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Socket LB (Cilium's kube-proxy replacement at the socket): cgroup v2
 * sock_addr programs that translate a service VIP:port to a backend once,
 * at connect() or sendmsg(), so the packets themselves need no NAT.
 *   sock_lb_connect4      connect(): TCP random backend, UDP per socket
 *   sock_lb_sendmsg4      sendto()/sendmsg() of unconnected UDP
 *   sock_lb_recvmsg4      UDP recvfrom()/recvmsg(): backend -> VIP
 *   sock_lb_getpeername4  getpeername(): backend -> VIP
 * A service with no backend fails connect()/sendmsg() with EHOSTUNREACH
 * (bpf_set_retval(), kernel >= 5.18); a failed reverse-map insert with
 * ENOMEM.  Logic and maps: lib/sock_lb.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/sock_lb.h"

#define ENOMEM 12
#define EHOSTUNREACH 113

/* Return values of cgroup sock_addr programs. */
#define SYS_REJECT 0
#define SYS_PROCEED 1

/*
 * A sock_addr program that returns 0 fails the syscall with EPERM, unless
 * it has set another error with bpf_set_retval() first.
 */
static __always_inline int sock4_fwd(struct bpf_sock_addr *ctx)
{
	enum dplab_counter c = sock4_xlate_fwd(ctx);

	count(c);
	switch (c) {
	case DPLAB_CNT_DROP_NO_BACKEND:
		bpf_set_retval(-EHOSTUNREACH);
		return SYS_REJECT;
	case DPLAB_CNT_DROP_MAP_UPDATE:
		bpf_set_retval(-ENOMEM);
		return SYS_REJECT;
	default:
		return SYS_PROCEED;
	}
}

static __always_inline int sock4_rev(struct bpf_sock_addr *ctx)
{
	if (sock4_xlate_rev(ctx))
		count(DPLAB_CNT_REV_NAT);
	/* The only value these hooks accept. */
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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
