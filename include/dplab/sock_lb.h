/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Socket LB state kept per socket (datapath/sock_lb.bpf.c), beside the
 * services and backends maps of lb.h.  Both maps are LRU hashes keyed by
 * the socket cookie (bpf_get_socket_cookie()); the loader may resize them
 * before load.  Include after the fixed-width types.  Addresses and ports
 * are in network byte order.
 *
 *   sock_lb_affinity: dplab_sock_affinity_key -> dplab_sock_affinity
 *       UDP only: the backend a socket uses for a service, so every
 *       datagram of the socket goes to the same backend.
 *   sock_lb_revnat:   dplab_sock_rev_key -> dplab_sock_rev
 *       written at connect()/sendmsg(): the backend a socket was sent to,
 *       and the VIP to show in its place in recvmsg() and getpeername()
 *       (Cilium's cilium_lb4_reverse_sk).
 */
#ifndef DPLAB_SOCK_LB_H
#define DPLAB_SOCK_LB_H

struct dplab_sock_affinity_key {
	__u64 cookie;
	__u32 svc_id;
	__u32 pad;
};

struct dplab_sock_affinity {
	__u32 slot;		/* in backends: {svc_id, slot} */
	__be32 addr;		/* the backend found there when chosen */
	__be16 port;
	__u16 pad;
};

struct dplab_sock_rev_key {
	__u64 cookie;
	__be32 addr;		/* backend */
	__be16 port;
	__u16 pad;
};

struct dplab_sock_rev {
	__be32 vip;
	__be16 port;
	__u16 pad;
	__u32 svc_id;		/* translated back only while the service has this id */
};

#endif /* DPLAB_SOCK_LB_H */
