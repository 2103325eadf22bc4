/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the socket LB tests (test_sock_lb*.c): a private network
 * namespace with only lo (127.0.0.0/8, ::1), sock_lb.bpf.o loaded and every
 * one of its programs attached to a throwaway cgroup v2 directory, which
 * the forked test process joins.  Backends listen on SOCK_LB_BE0/1; the
 * VIPs exist nowhere, so only a rewrite reaches them.  Backend sockets are
 * made before joining the cgroup: the programs see only the client sockets
 * (a socket belongs to the cgroup of its creator), so the counters count
 * the clients alone.
 */
#ifndef DPLAB_TESTS_SOCK_LB_ENV_H
#define DPLAB_TESTS_SOCK_LB_ENV_H

#include <check.h>
#include <linux/types.h>

#include "dplab/counters.h"
#include "sock_lb.skel.h"
#include "lib/testcg.h"
#include "lib/testlib.h"

#define SOCK_LB_VIP "10.96.0.10"
#define SOCK_LB_VIP_EMPTY "10.96.0.11"
#define SOCK_LB_BE0 "127.0.0.2"
#define SOCK_LB_BE1 "127.0.0.3"

extern struct sock_lb_bpf *sock_lb_skel;

#define need_sock_lb_env()                                                    \
	do {                                                                  \
		const char *why_ = test_needs_root();                        \
		if (why_)                                                     \
			test_skip("%s", why_);                                \
		if (!testcg_root())                                           \
			test_skip("no cgroup v2 hierarchy mounted");          \
	} while (0)

/* Namespace (entered), programs loaded and attached; the test not yet in the cgroup. */
void sock_lb_up(void);
/* Sockets made from now on are load-balanced. */
void sock_lb_join(void);
void sock_lb_down(void);

/* The backends' sockets (IPv4), at SOCK_LB_BE0:port and SOCK_LB_BE1:port. */
void sock_lb_backends_at(int type, int port, int fds[2]);
/* Service vip:port/proto with id and backends addrs[0..n-1]:bport. */
void sock_lb_add_service(const char *vip, int port, int proto, __u32 id,
			 const char *const *addrs, int n, int bport);
__u64 sock_lb_counter(enum dplab_counter c);
/*
 * Accept on listener l, check the accepted socket's local address is
 * be_ip:be_port (IPv4, or IPv6 for an AF_INET6 listener), pass one byte
 * each way between it and client c.
 */
void sock_lb_tcp_exchange(int c, int l, const char *be_ip, int be_port);

/* test_sock_lb6.c: IPv6 sockets to v4-mapped VIPs, native IPv6, V6ONLY. */
TCase *sock_lb_v4mapped_tcase(void);

#endif /* DPLAB_TESTS_SOCK_LB_ENV_H */
