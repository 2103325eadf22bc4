// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Socket LB (datapath/sock_lb.bpf.c) with real sockets.  Each test runs in
 * a private network namespace with only lo (127.0.0.0/8), attaches the four
 * programs to a throwaway cgroup v2 directory and moves the forked test
 * process into it.  Backends listen on 127.0.0.2/3; the VIPs exist nowhere,
 * so only a rewrite reaches them.  Backend sockets are made before joining
 * the cgroup: the programs see only the client sockets (a socket belongs
 * to the cgroup of its creator), so the counters count the clients alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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
#include "sock_lb.skel.h"
#include "lib/testcg.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/testsock.h"

#define VIP "10.96.0.10"
#define VIP_EMPTY "10.96.0.11"
#define BE0 "127.0.0.2"
#define BE1 "127.0.0.3"
#define TCP_CONNECTS 64
#define UDP_SOCKETS 32
#define UDP_DGRAMS 4

static struct {
	char ns[TESTNS_NAME];
	struct testcg cg;
	struct sock_lb_bpf *skel;
} env;

#define need_env()                                                            \
	do {                                                                  \
		const char *why_ = test_needs_root();                        \
		if (why_)                                                     \
			test_skip("%s", why_);                                \
		if (!testcg_root())                                           \
			test_skip("no cgroup v2 hierarchy mounted");          \
	} while (0)

#define ATTACH(prog)                                                          \
	do {                                                                  \
		env.skel->links.prog =                                        \
			bpf_program__attach_cgroup(env.skel->progs.prog, env.cg.fd); \
		ck_assert_msg(env.skel->links.prog, "attach %s to %s: %s",   \
			      #prog, env.cg.path, strerror(errno));           \
	} while (0)

/* Namespace (entered), programs loaded and attached; the test not yet in the cgroup. */
static void env_up(void)
{
	char path[64];
	int fd, err;

	ck_assert_int_eq(testns_create(env.ns), 0);
	ck_assert_int_eq(sh("ip -n %s link set dev lo up", env.ns), 0);
	snprintf(path, sizeof(path), "/run/netns/%s", env.ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0 && !setns(fd, CLONE_NEWNET), "entering %s: %s", env.ns,
		      strerror(errno));
	close(fd);
	err = testcg_create(&env.cg);
	ck_assert_msg(!err, "test cgroup %s: %s", env.cg.path, strerror(-err));
	env.skel = sock_lb_bpf__open_and_load();
	ck_assert_msg(env.skel, "sock_lb.bpf.o: open and load: %s", strerror(errno));
	ATTACH(sock_lb_connect4);
	ATTACH(sock_lb_sendmsg4);
	ATTACH(sock_lb_recvmsg4);
	ATTACH(sock_lb_getpeername4);
}

/* Sockets made from now on are load-balanced. */
static void env_join(void)
{
	int err = testcg_join(&env.cg);

	ck_assert_msg(!err, "joining %s: %s", env.cg.path, strerror(-err));
}

static void env_down(void)
{
	int err = testcg_remove(&env.cg);

	ck_assert_msg(!err, "removing %s: %s", env.cg.path, strerror(-err));
	sock_lb_bpf__destroy(env.skel);
	env.skel = NULL;
	testns_delete(env.ns);
}

/* The backends' sockets, at BE0:port and BE1:port. */
static void backends_at(int type, int port, int fds[2])
{
	fds[0] = sock_at(type, BE0, port);
	fds[1] = sock_at(type, BE1, port);
}

/* Service vip:port/proto with id and backends addrs[0..n-1]:bport. */
static void add_service(const char *vip, int port, int proto, __u32 id,
			const char *const *addrs, int n, int bport)
{
	struct dplab_svc_key key = { .port = htons(port), .proto = proto };
	struct dplab_svc svc = { .id = id, .count = n };
	struct dplab_backend_key bkey = { .svc_id = id };
	struct dplab_backend be = { .port = htons(bport) };
	int i;

	inet_pton(AF_INET, vip, &key.vip);
	for (i = 0; i < n; i++) {
		bkey.slot = i;
		inet_pton(AF_INET, addrs[i], &be.addr);
		ck_assert_int_eq(bpf_map__update_elem(env.skel->maps.backends, &bkey, sizeof(bkey),
						      &be, sizeof(be), BPF_ANY), 0);
	}
	ck_assert_int_eq(bpf_map__update_elem(env.skel->maps.services, &key, sizeof(key),
					      &svc, sizeof(svc), BPF_ANY), 0);
}

static __u64 counter(enum dplab_counter c)
{
	int i, ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu], sum = 0;
	__u32 key = c;

	ck_assert_int_eq(bpf_map__lookup_elem(env.skel->maps.counters, &key, sizeof(key), vals,
					      sizeof(vals), 0), 0);
	for (i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static int tcp_connect(const char *ip, int port)
{
	int fd = sock_new(SOCK_STREAM);

	ck_assert_msg(!connect_to(fd, ip, port), "connect %s:%d: %s", ip, port, strerror(errno));
	return fd;
}

/* One byte each way between client c and the connection accepted on l. */
static void tcp_exchange(int c, int l, const char *be_ip, int be_port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	char b = 0;

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	assert_addr(&a, be_ip, be_port, "accepted connection's local address");
	ck_assert_int_eq(write(c, "q", 1), 1);
	ck_assert_int_eq(read(s, &b, 1), 1);
	ck_assert_int_eq(write(s, "a", 1), 1);
	ck_assert_int_eq(read(c, &b, 1), 1);
	ck_assert_int_eq(b, 'a');
	close(s);
}

START_TEST(test_tcp_connect_to_vip_reaches_backends)
{
	static const char *const be[] = { BE0, BE1 };
	int l[2], hits[2] = { 0, 0 }, i, c, b;

	need_env();
	env_up();
	backends_at(SOCK_STREAM, 8080, l);
	add_service(VIP, 80, IPPROTO_TCP, 1, be, 2, 8080);
	env_join();
	for (i = 0; i < TCP_CONNECTS; i++) {
		c = tcp_connect(VIP, 80);
		assert_peer(c, VIP, 80);
		b = readable(l, 2);
		tcp_exchange(c, l[b], be[b], 8080);
		hits[b]++;
		close(c);
	}
	ck_assert_msg(hits[0] && hits[1], "random choice: %d to %s, %d to %s", hits[0], BE0,
		      hits[1], BE1);
	ck_assert_uint_eq(counter(DPLAB_CNT_REWRITE), TCP_CONNECTS);
	ck_assert_uint_eq(counter(DPLAB_CNT_REV_NAT), TCP_CONNECTS);
	ck_assert_uint_eq(counter(DPLAB_CNT_PASS_NO_MATCH), 0);
	env_down();
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

	need_env();
	env_up();
	backends_at(SOCK_DGRAM, 5353, srv);
	add_service(VIP, 53, IPPROTO_UDP, 2, be, 2, 5353);
	env_join();
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
	ck_assert_uint_eq(counter(DPLAB_CNT_REWRITE), UDP_SOCKETS * UDP_DGRAMS);
	ck_assert_uint_eq(counter(DPLAB_CNT_REV_NAT), UDP_SOCKETS * UDP_DGRAMS);
	env_down();
}
END_TEST

START_TEST(test_udp_connected_and_backend_replaced)
{
	static const char *const be[] = { BE0, BE1 };
	struct dplab_backend_key bkey = { .svc_id = 3, .slot = 0 };
	struct dplab_backend nb = { .port = htons(5353) };
	int srv[2], c, u;

	need_env();
	env_up();
	backends_at(SOCK_DGRAM, 5353, srv);
	add_service(VIP, 53, IPPROTO_UDP, 3, be, 1, 5353);
	env_join();

	/* connect(): later send()s need no hook; recv() accepts the backend. */
	c = sock_new(SOCK_DGRAM);
	ck_assert_int_eq(connect_to(c, VIP, 53), 0);
	assert_peer(c, VIP, 53);
	ck_assert_int_eq(udp_round_trip(c, srv, VIP, 53, true), 0);

	/* The backend in the socket's slot changes: its next datagram follows. */
	u = sock_new(SOCK_DGRAM);
	ck_assert_int_eq(udp_round_trip(u, srv, VIP, 53, false), 0);
	inet_pton(AF_INET, BE1, &nb.addr);
	ck_assert_int_eq(bpf_map__update_elem(env.skel->maps.backends, &bkey, sizeof(bkey),
					      &nb, sizeof(nb), BPF_EXIST), 0);
	ck_assert_int_eq(udp_round_trip(u, srv, VIP, 53, false), 1);
	/* connect() and two sendto(); send() on the connected socket has no hook */
	ck_assert_uint_eq(counter(DPLAB_CNT_REWRITE), 3);
	/* getpeername() and three recvfrom() */
	ck_assert_uint_eq(counter(DPLAB_CNT_REV_NAT), 4);
	env_down();
}
END_TEST

START_TEST(test_no_backend_ehostunreach)
{
	need_env();
	env_up();
	add_service(VIP_EMPTY, 80, IPPROTO_TCP, 4, NULL, 0, 0);
	add_service(VIP_EMPTY, 53, IPPROTO_UDP, 5, NULL, 0, 0);
	env_join();
	assert_fails(connect_to(sock_new(SOCK_STREAM), VIP_EMPTY, 80), EHOSTUNREACH,
		     "TCP connect to a service without backends");
	assert_fails(send_to(sock_new(SOCK_DGRAM), VIP_EMPTY, 53), EHOSTUNREACH,
		     "UDP sendto a service without backends");
	assert_fails(connect_to(sock_new(SOCK_DGRAM), VIP_EMPTY, 53), EHOSTUNREACH,
		     "UDP connect to a service without backends");
	ck_assert_uint_eq(counter(DPLAB_CNT_DROP_NO_BACKEND), 3);
	ck_assert_uint_eq(counter(DPLAB_CNT_REWRITE), 0);
	env_down();
}
END_TEST

START_TEST(test_non_service_untouched)
{
	static const char *const be[] = { BE1 };
	int l, srv[2], t, u;

	need_env();
	env_up();
	l = sock_at(SOCK_STREAM, BE0, 9090);
	srv[0] = srv[1] = sock_at(SOCK_DGRAM, BE0, 9091);
	add_service(VIP, 80, IPPROTO_TCP, 6, be, 1, 8080);
	env_join();
	/* A real address: reached as it is, and shown as it is. */
	t = tcp_connect(BE0, 9090);
	assert_peer(t, BE0, 9090);
	tcp_exchange(t, l, BE0, 9090);
	u = sock_new(SOCK_DGRAM);
	udp_round_trip(u, srv, BE0, 9091, false);
	/* The VIP with another port or protocol: not routed in this namespace. */
	assert_fails(connect_to(sock_new(SOCK_STREAM), VIP, 81), ENETUNREACH,
		     "TCP connect to the VIP on a port that is no service");
	assert_fails(send_to(u, VIP, 80), ENETUNREACH,
		     "UDP sendto the VIP on the TCP service's port");
	ck_assert_uint_eq(counter(DPLAB_CNT_PASS_NO_MATCH), 4);
	ck_assert_uint_eq(counter(DPLAB_CNT_REWRITE), 0);
	ck_assert_uint_eq(counter(DPLAB_CNT_REV_NAT), 0);
	env_down();
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
	return s;
}

TEST_SUITE(sock_lb_suite)
