// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Socket LB (datapath/sock_lb.bpf.c) with real IPv4 sockets, in the
 * namespace and cgroup of sock_lb_env.h; IPv6 sockets in test_sock_lb6.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "dplab/lb.h"
#include "lib/sock_lb_env.h"
#include "lib/testlib.h"
#include "lib/testsock.h"

#define VIP SOCK_LB_VIP
#define VIP_EMPTY SOCK_LB_VIP_EMPTY
#define BE0 SOCK_LB_BE0
#define BE1 SOCK_LB_BE1
#define TCP_CONNECTS 64
#define UDP_SOCKETS 32
#define UDP_DGRAMS 4

static int tcp_connect(const char *ip, int port)
{
	int fd = sock_new(SOCK_STREAM);

	ck_assert_msg(!connect_to(fd, ip, port), "connect %s:%d: %s", ip, port, strerror(errno));
	return fd;
}

START_TEST(test_tcp_connect_to_vip_reaches_backends)
{
	static const char *const be[] = { BE0, BE1 };
	int l[2], hits[2] = { 0, 0 }, i, c, b;

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_STREAM, 8080, l);
	sock_lb_add_service(VIP, 80, IPPROTO_TCP, 1, be, 2, 8080);
	sock_lb_join();
	for (i = 0; i < TCP_CONNECTS; i++) {
		c = tcp_connect(VIP, 80);
		assert_peer(c, VIP, 80);
		b = readable(l, 2);
		sock_lb_tcp_exchange(c, l[b], be[b], 8080);
		hits[b]++;
		close(c);
	}
	ck_assert_msg(hits[0] && hits[1], "random choice: %d to %s, %d to %s", hits[0], BE0,
		      hits[1], BE1);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), TCP_CONNECTS);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), TCP_CONNECTS);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_PASS_NO_MATCH), 0);
	sock_lb_down();
}
END_TEST

/*
 * Send one datagram from c to dst:dport (send() when c is connected to it),
 * answer it from the backend socket of srv[0..1] that got it, check where
 * the answer seems to come from; the index of that backend.
 */
static int udp_round_trip(int c, const int *srv, const char *dst, int dport, bool connected)
{
	ssize_t rc = connected ? send(c, "q", 1, 0) : send_to(c, dst, dport);
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	char buf[8];
	int b;

	ck_assert_msg(rc == 1, "send to %s:%d: %s", dst, dport, strerror(errno));
	b = readable(srv, 2);
	ck_assert_int_eq(recvfrom(srv[b], buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 1);
	ck_assert_int_eq(sendto(srv[b], "a", 1, 0, (struct sockaddr *)&from, len), 1);
	readable(&c, 1);
	len = sizeof(from);
	ck_assert_int_eq(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 1);
	assert_addr(&from, dst, dport, "reply's source");
	return b;
}

START_TEST(test_udp_one_backend_per_socket_replies_from_vip)
{
	static const char *const be[] = { BE0, BE1 };
	int srv[2], hits[2] = { 0, 0 }, i, j, c, first, b;

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_DGRAM, 5353, srv);
	sock_lb_add_service(VIP, 53, IPPROTO_UDP, 2, be, 2, 5353);
	sock_lb_join();
	for (i = 0; i < UDP_SOCKETS; i++) {
		c = sock_new(SOCK_DGRAM);
		first = udp_round_trip(c, srv, VIP, 53, false);
		for (j = 1; j < UDP_DGRAMS; j++) {
			b = udp_round_trip(c, srv, VIP, 53, false);
			ck_assert_msg(b == first, "socket %d: datagram %d went to %s, first to %s",
				      i, j, be[b], be[first]);
		}
		hits[first]++;
		close(c);
	}
	ck_assert_msg(hits[0] && hits[1], "sockets per backend: %d, %d", hits[0], hits[1]);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), UDP_SOCKETS * UDP_DGRAMS);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), UDP_SOCKETS * UDP_DGRAMS);
	sock_lb_down();
}
END_TEST

START_TEST(test_udp_connected_and_backend_replaced)
{
	static const char *const be[] = { BE0, BE1 };
	struct dplab_backend_key bkey = { .svc_id = 3, .slot = 0 };
	struct dplab_backend nb = { .port = htons(5353) };
	int srv[2], c, u;

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_DGRAM, 5353, srv);
	sock_lb_add_service(VIP, 53, IPPROTO_UDP, 3, be, 1, 5353);
	sock_lb_join();

	/* connect(): later send()s need no hook; recv() accepts the backend. */
	c = sock_new(SOCK_DGRAM);
	ck_assert_int_eq(connect_to(c, VIP, 53), 0);
	assert_peer(c, VIP, 53);
	ck_assert_int_eq(udp_round_trip(c, srv, VIP, 53, true), 0);

	/* The backend in the socket's slot changes: its next datagram follows. */
	u = sock_new(SOCK_DGRAM);
	ck_assert_int_eq(udp_round_trip(u, srv, VIP, 53, false), 0);
	inet_pton(AF_INET, BE1, &nb.addr);
	ck_assert_int_eq(bpf_map__update_elem(sock_lb_skel->maps.backends, &bkey, sizeof(bkey),
					      &nb, sizeof(nb), BPF_EXIST), 0);
	ck_assert_int_eq(udp_round_trip(u, srv, VIP, 53, false), 1);
	/* connect() and two sendto(); send() on the connected socket has no hook */
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), 3);
	/* getpeername() and three recvfrom() */
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), 4);
	sock_lb_down();
}
END_TEST

START_TEST(test_no_backend_ehostunreach)
{
	need_sock_lb_env();
	sock_lb_up();
	sock_lb_add_service(VIP_EMPTY, 80, IPPROTO_TCP, 4, NULL, 0, 0);
	sock_lb_add_service(VIP_EMPTY, 53, IPPROTO_UDP, 5, NULL, 0, 0);
	sock_lb_join();
	assert_fails(connect_to(sock_new(SOCK_STREAM), VIP_EMPTY, 80), EHOSTUNREACH,
		     "TCP connect to a service without backends");
	assert_fails(send_to(sock_new(SOCK_DGRAM), VIP_EMPTY, 53), EHOSTUNREACH,
		     "UDP sendto a service without backends");
	assert_fails(connect_to(sock_new(SOCK_DGRAM), VIP_EMPTY, 53), EHOSTUNREACH,
		     "UDP connect to a service without backends");
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_DROP_NO_BACKEND), 3);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), 0);
	sock_lb_down();
}
END_TEST

START_TEST(test_non_service_untouched)
{
	static const char *const be[] = { BE1 };
	int l, srv[2], t, u;

	need_sock_lb_env();
	sock_lb_up();
	l = sock_at(SOCK_STREAM, BE0, 9090);
	srv[0] = srv[1] = sock_at(SOCK_DGRAM, BE0, 9091);
	sock_lb_add_service(VIP, 80, IPPROTO_TCP, 6, be, 1, 8080);
	sock_lb_join();
	/* A real address: reached as it is, and shown as it is. */
	t = tcp_connect(BE0, 9090);
	assert_peer(t, BE0, 9090);
	sock_lb_tcp_exchange(t, l, BE0, 9090);
	u = sock_new(SOCK_DGRAM);
	udp_round_trip(u, srv, BE0, 9091, false);
	/* The VIP with another port or protocol: not routed in this namespace. */
	assert_fails(connect_to(sock_new(SOCK_STREAM), VIP, 81), ENETUNREACH,
		     "TCP connect to the VIP on a port that is no service");
	assert_fails(send_to(u, VIP, 80), ENETUNREACH,
		     "UDP sendto the VIP on the TCP service's port");
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_PASS_NO_MATCH), 4);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), 0);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), 0);
	sock_lb_down();
}
END_TEST

static Suite *sock_lb_suite(void)
{
	Suite *s = suite_create("sock_lb");
	TCase *tc = tcase_create("cgroup");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tcp_connect_to_vip_reaches_backends);
	tcase_add_test(tc, test_udp_one_backend_per_socket_replies_from_vip);
	tcase_add_test(tc, test_udp_connected_and_backend_replaced);
	tcase_add_test(tc, test_no_backend_ehostunreach);
	tcase_add_test(tc, test_non_service_untouched);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, sock_lb_v4mapped_tcase());
	return s;
}

TEST_SUITE(sock_lb_suite)
