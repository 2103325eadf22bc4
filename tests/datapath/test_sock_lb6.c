// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Socket LB (datapath/sock_lb.bpf.c) with real AF_INET6 sockets, in the
 * namespace and cgroup of sock_lb_env.h.  A dual-stack socket reaches an
 * IPv4 service through its v4-mapped address ::ffff:VIP (Java's sockets
 * do so by default): it must be balanced as the IPv4 socket is, and see
 * ::ffff:VIP as its peer.  Native IPv6 destinations are left alone, and an
 * IPV6_V6ONLY socket cannot reach v4-mapped addresses at all (the kernel
 * refuses them with ENETUNREACH).  Backends are IPv4 sockets, as a
 * ClusterIP's endpoints are.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/sock_lb_env.h"
#include "lib/testsock.h"

#define MAPPED(v4) "::ffff:" v4
#define VIP6 MAPPED(SOCK_LB_VIP)
#define VIP6_EMPTY MAPPED(SOCK_LB_VIP_EMPTY)
#define TCP_CONNECTS 64
#define UDP_SOCKETS 32
#define UDP_DGRAMS 4

static const char *const be[] = { SOCK_LB_BE0, SOCK_LB_BE1 };

START_TEST(test_mapped_tcp_connect_reaches_backends)
{
	int l[2], hits[2] = { 0, 0 }, i, c, b;

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_STREAM, 8080, l);
	sock_lb_add_service(SOCK_LB_VIP, 80, IPPROTO_TCP, 1, be, 2, 8080);
	sock_lb_join();
	for (i = 0; i < TCP_CONNECTS; i++) {
		c = sock6_new(SOCK_STREAM, false);
		ck_assert_msg(!connect6_to(c, VIP6, 80), "connect [%s]:80: %s", VIP6,
			      strerror(errno));
		assert_peer6(c, VIP6, 80);
		b = readable(l, 2);
		sock_lb_tcp_exchange(c, l[b], be[b], 8080);
		hits[b]++;
		close(c);
	}
	ck_assert_msg(hits[0] && hits[1], "random choice: %d to %s, %d to %s", hits[0], be[0],
		      hits[1], be[1]);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), TCP_CONNECTS);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), TCP_CONNECTS);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_PASS_NO_MATCH), 0);
	sock_lb_down();
}
END_TEST

/*
 * One datagram from the IPv6 socket c to [dst]:dport (send() when c is
 * connected), answered by whichever of srv[0..n-1] got it; the answer must
 * seem to come from [dst]:dport.  The index of the answering socket.
 */
static int udp6_round_trip(int c, const int *srv, int n, const char *dst, int dport,
			   bool connected)
{
	ssize_t rc = connected ? send(c, "q", 1, 0) : send6_to(c, dst, dport);
	struct sockaddr_storage peer;
	struct sockaddr_in6 from;
	socklen_t len = sizeof(peer);
	char buf[8];
	int b;

	ck_assert_msg(rc == 1, "send to [%s]:%d: %s", dst, dport, strerror(errno));
	b = readable(srv, n);
	ck_assert_int_eq(recvfrom(srv[b], buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len), 1);
	ck_assert_int_eq(sendto(srv[b], "a", 1, 0, (struct sockaddr *)&peer, len), 1);
	readable(&c, 1);
	len = sizeof(from);
	ck_assert_int_eq(recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 1);
	assert_addr6(&from, dst, dport, "reply's source");
	return b;
}

START_TEST(test_mapped_udp_one_backend_per_socket_replies_from_vip)
{
	int srv[2], hits[2] = { 0, 0 }, i, j, c, first, b;

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_DGRAM, 5353, srv);
	sock_lb_add_service(SOCK_LB_VIP, 53, IPPROTO_UDP, 2, be, 2, 5353);
	sock_lb_join();
	for (i = 0; i < UDP_SOCKETS; i++) {
		c = sock6_new(SOCK_DGRAM, false);
		first = udp6_round_trip(c, srv, 2, VIP6, 53, false);
		for (j = 1; j < UDP_DGRAMS; j++) {
			b = udp6_round_trip(c, srv, 2, VIP6, 53, false);
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

/*
 * connect() of a UDP socket to ::ffff:VIP: its peer is the VIP, its replies
 * come from the VIP.  The kernel sends a connected socket's datagrams to a
 * v4-mapped peer through udp_sendmsg() with the peer (here the backend) as
 * an explicit address, so the IPv4 sendmsg hook sees each of them and
 * finds no service: PASS_NO_MATCH is left unchecked here.
 */
START_TEST(test_mapped_udp_connected)
{
	int srv[2], c;

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_DGRAM, 5353, srv);
	sock_lb_add_service(SOCK_LB_VIP, 53, IPPROTO_UDP, 3, be, 1, 5353);
	sock_lb_join();
	c = sock6_new(SOCK_DGRAM, false);
	ck_assert_msg(!connect6_to(c, VIP6, 53), "connect [%s]:53: %s", VIP6, strerror(errno));
	assert_peer6(c, VIP6, 53);
	ck_assert_int_eq(udp6_round_trip(c, srv, 2, VIP6, 53, true), 0);
	ck_assert_int_eq(udp6_round_trip(c, srv, 2, VIP6, 53, true), 0);
	/* connect() */
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), 1);
	/* getpeername() and two recvfrom() */
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), 3);
	sock_lb_down();
}
END_TEST

START_TEST(test_mapped_no_backend_ehostunreach)
{
	need_sock_lb_env();
	sock_lb_up();
	sock_lb_add_service(SOCK_LB_VIP_EMPTY, 80, IPPROTO_TCP, 4, NULL, 0, 0);
	sock_lb_add_service(SOCK_LB_VIP_EMPTY, 53, IPPROTO_UDP, 5, NULL, 0, 0);
	sock_lb_join();
	assert_fails(connect6_to(sock6_new(SOCK_STREAM, false), VIP6_EMPTY, 80), EHOSTUNREACH,
		     "TCP connect to a v4-mapped service without backends");
	assert_fails(send6_to(sock6_new(SOCK_DGRAM, false), VIP6_EMPTY, 53), EHOSTUNREACH,
		     "UDP sendto a v4-mapped service without backends");
	assert_fails(connect6_to(sock6_new(SOCK_DGRAM, false), VIP6_EMPTY, 53), EHOSTUNREACH,
		     "UDP connect to a v4-mapped service without backends");
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_DROP_NO_BACKEND), 3);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), 0);
	sock_lb_down();
}
END_TEST

/*
 * Native IPv6 is not the IPv4 service, even where its last 32 bits spell
 * the VIP: a ULA, the NAT64 prefix (RFC 6052) and the deprecated
 * IPv4-compatible form (RFC 4291 2.5.5.1) stay unrouted here.
 */
START_TEST(test_native_ipv6_untouched)
{
	static const char *const look_alike[] = {
		"fd00::" SOCK_LB_VIP, "64:ff9b::" SOCK_LB_VIP, "::" SOCK_LB_VIP,
	};
	int l, srv, t, u;
	size_t i;

	need_sock_lb_env();
	sock_lb_up();
	l = sock6_at(SOCK_STREAM, "::1", 9090);
	srv = sock6_at(SOCK_DGRAM, "::1", 9091);
	sock_lb_add_service(SOCK_LB_VIP, 80, IPPROTO_TCP, 6, be, 1, 8080);
	sock_lb_add_service(SOCK_LB_VIP, 53, IPPROTO_UDP, 7, be, 1, 5353);
	sock_lb_join();
	t = sock6_new(SOCK_STREAM, false);
	ck_assert_msg(!connect6_to(t, "::1", 9090), "connect [::1]:9090: %s", strerror(errno));
	assert_peer6(t, "::1", 9090);
	sock_lb_tcp_exchange(t, l, "::1", 9090);
	u = sock6_new(SOCK_DGRAM, false);
	udp6_round_trip(u, &srv, 1, "::1", 9091, false);
	for (i = 0; i < sizeof(look_alike) / sizeof(look_alike[0]); i++) {
		assert_fails(connect6_to(sock6_new(SOCK_STREAM, false), look_alike[i], 80),
			     ENETUNREACH, look_alike[i]);
		assert_fails(send6_to(u, look_alike[i], 53), ENETUNREACH, look_alike[i]);
	}
	/* connect() to ::1 and to each look-alike; sendto() has no IPv6 hook */
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_PASS_NO_MATCH), 1 + i);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REWRITE), 0);
	ck_assert_uint_eq(sock_lb_counter(DPLAB_CNT_REV_NAT), 0);
	sock_lb_down();
}
END_TEST

/* None of fds[0..n-1] has anything to read or accept within 200 ms. */
static void assert_quiet(const int *fds, int n)
{
	struct pollfd p[2];
	int i;

	ck_assert_int_le(n, 2);
	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	ck_assert_int_eq(poll(p, n, 200), 0);
}

/*
 * IPV6_V6ONLY: the kernel refuses every v4-mapped destination with
 * ENETUNREACH (tcp_v6_connect, __ip6_datagram_connect, udpv6_sendmsg),
 * a service VIP as much as a real IPv4 listener, so nothing arrives.
 */
START_TEST(test_v6only_cannot_reach_mapped)
{
	int l[2], srv[2];

	need_sock_lb_env();
	sock_lb_up();
	sock_lb_backends_at(SOCK_STREAM, 8080, l);
	sock_lb_backends_at(SOCK_DGRAM, 5353, srv);
	sock_lb_add_service(SOCK_LB_VIP, 80, IPPROTO_TCP, 8, be, 2, 8080);
	sock_lb_add_service(SOCK_LB_VIP, 53, IPPROTO_UDP, 9, be, 2, 5353);
	sock_lb_join();
	assert_fails(connect6_to(sock6_new(SOCK_STREAM, true), MAPPED(SOCK_LB_BE0), 8080),
		     ENETUNREACH, "V6ONLY TCP connect to a v4-mapped listener");
	assert_fails(connect6_to(sock6_new(SOCK_STREAM, true), VIP6, 80), ENETUNREACH,
		     "V6ONLY TCP connect to a v4-mapped VIP");
	assert_fails(connect6_to(sock6_new(SOCK_DGRAM, true), VIP6, 53), ENETUNREACH,
		     "V6ONLY UDP connect to a v4-mapped VIP");
	assert_fails(send6_to(sock6_new(SOCK_DGRAM, true), VIP6, 53), ENETUNREACH,
		     "V6ONLY UDP sendto a v4-mapped VIP");
	assert_quiet(l, 2);
	assert_quiet(srv, 2);
	sock_lb_down();
}
END_TEST

TCase *sock_lb_v4mapped_tcase(void)
{
	TCase *tc = tcase_create("v4_mapped");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_mapped_tcp_connect_reaches_backends);
	tcase_add_test(tc, test_mapped_udp_one_backend_per_socket_replies_from_vip);
	tcase_add_test(tc, test_mapped_udp_connected);
	tcase_add_test(tc, test_mapped_no_backend_ehostunreach);
	tcase_add_test(tc, test_native_ipv6_untouched);
	tcase_add_test(tc, test_v6only_cannot_reach_mapped);
	return tc;
}
