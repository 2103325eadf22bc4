// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The "nat_e2e" suite (issue 13): what a real workload sends through the
 * translators, with real sockets, judged as Linux and Cilium would.  This
 * file holds the suite and its cluster tests (tests/lib/nat_e2e.h: the
 * two-node cluster with service_lb=tc and masquerade=bpf, no netfilter on
 * the nodes):
 *
 *  - a 3000-byte UDP datagram from a pod to a ClusterIP (pod MTU 1500, so
 *    three fragments) arrives whole at the backend, from the pod, and the
 *    backend's 3000-byte answer arrives whole at the pod, from VIP:port;
 *  - the same through BPF masquerade to the external host: it arrives
 *    whole from the node's address, and the answer whole at the pod;
 *  - ICMP errors about a ClusterIP flow reach the client's socket: port
 *    unreachable from the backend (ECONNREFUSED), and fragmentation-needed
 *    from the backend's node when the backend's veth has MTU 1280 (the
 *    socket's error queue and IP_MTU).
 *
 * tcase "cluster" runs them on the BPF datapath; "cluster_iptables" runs
 * the same tests on profile A (kube-proxy's rules, iptables MASQUERADE,
 * conntrack): what they ask of the datapath is what Linux does, and they
 * pass there.  A failure names what the receiving socket got (size,
 * source), and the IPv4 frames the receiving device saw, fragments and
 * ICMP errors with their inner headers.  The masquerade path tests are in
 * test_nat_e2e_masq.c.  Run under `flock /tmp/dplab-ns.lock`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lib/e2e_sock.h"
#include "lib/nat_e2e.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define BIG 3000		/* > the pod MTU: fragmented by the sender */
#define SMALL 100		/* fits one packet */
#define WAIT_MS 2000
#define EXT_PORT 7001
#define PMTU_SEND 1400		/* fits the pod's 1500, not the path's 1280 */
#define PMTU_LOW 1280
#define MSG_LEN 8192

static void send_all(int fd, const uint8_t *buf, size_t len, const struct sockaddr_in *to)
{
	ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof(*to));

	ck_assert_msg(n == (ssize_t)len, "sendto of %zu bytes: %zd (%s)", len, n,
		      n < 0 ? strerror(errno) : "short");
}

static struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert(inet_pton(AF_INET, ip, &a.sin_addr) == 1);
	return a;
}

/* One direction of a 3000-byte exchange, and what the receiver saw. */
struct leg {
	bool ok;
	char got[E2E_WHAT_LEN];
	char frames[2 * E2E_TAP_LEN];
};

/* A device whose frames a failure message lists: namespace, device. */
struct tap_at {
	const char *ns, *dev;
};

/*
 * Send BIG bytes (pattern seed) from fd to `to`; rx must get them whole
 * from want_ip:want_port (-1: any port).  The frames of at[0] (the
 * receiver's device) and at[1] (another on the way, or ns NULL) go into
 * the leg's frames.  *got is what rx received.
 */
static void big_leg(int fd, const struct sockaddr_in *to, int rx, const char *want_ip,
		    int want_port, unsigned int seed, const struct tap_at at[2],
		    struct dgram *got, struct leg *leg)
{
	int tap[2] = { -1, -1 }, i;
	uint8_t data[BIG];
	char label[128];
	size_t used = 0;

	for (i = 0; i < 2; i++)
		if (at[i].ns)
			tap[i] = tap_open(at[i].ns, at[i].dev);
	pattern_fill(data, sizeof(data), seed);
	send_all(fd, data, sizeof(data), to);
	dgram_recv(rx, WAIT_MS, got);
	leg->ok = dgram_is(got, want_ip, want_port, data, sizeof(data));
	dgram_describe(got, data, sizeof(data), leg->got, sizeof(leg->got));
	leg->frames[0] = '\0';
	for (i = 0; i < 2; i++) {
		if (!at[i].ns)
			continue;
		snprintf(label, sizeof(label), "  frames at %s %s", at[i].ns, at[i].dev);
		tap_summary(tap[i], label, leg->frames + used, sizeof(leg->frames) - used);
		used = strlen(leg->frames);
	}
}

/*
 * When the big request did not arrive as it should, the receiver does not
 * know where to answer: open the flow with a datagram that needs no
 * fragment, which must arrive from want_ip, so that the answer leg is
 * judged on its own.
 */
static void open_flow(int fd, const struct sockaddr_in *to, int rx, const char *want_ip,
		      struct dgram *got, const struct leg *req)
{
	uint8_t data[SMALL];
	char what[E2E_WHAT_LEN];

	pattern_fill(data, sizeof(data), 9);
	send_all(fd, data, sizeof(data), to);
	dgram_recv(rx, WAIT_MS, got);
	dgram_describe(got, data, sizeof(data), what, sizeof(what));
	ck_assert_msg(dgram_is(got, want_ip, -1, data, sizeof(data)),
		      "the %d-byte request: %s\n%sand a %d-byte one (no fragment), expected "
		      "from %s, got: %s", BIG, req->got, req->frames, SMALL, want_ip, what);
}

/* Skip (with the reason) where the cluster cannot run; fail if its setup failed. */
#define NEED_CLUSTER()                                                        \
	do {                                                                  \
		const char *why_ = nat_cluster_skip_reason();                 \
		if (why_)                                                     \
			test_skip("%s", why_);                                \
	} while (0)

START_TEST(test_clusterip_fragmented_udp)
{
	static struct dgram got;
	struct sockaddr_in vip = sin4(NC_DNS_VIP, NC_DNS_PORT), client;
	char ctr[4096];
	struct leg req, rep;
	int cl, be, cport;

	NEED_CLUSTER();
	be = ns_udp_at(nat_cluster_ns(NC_BACKEND), "0.0.0.0", NC_DNS_TARGET);
	cl = ns_udp_at(nat_cluster_ns(NC_CLIENT), "0.0.0.0", 0);
	cport = sock_port(cl);
	/* Pod to ClusterIP is DNATed only: the backend sees the pod itself. */
	big_leg(cl, &vip, be, NC_CLIENT_IP, cport, 1, (struct tap_at[2]){
			{ nat_cluster_ns(NC_BACKEND), "eth0" }, { nat_cluster_ns(NC_CLIENT), "eth0" } },
		&got, &req);
	if (!req.ok)
		open_flow(cl, &vip, be, NC_CLIENT_IP, &got, &req);
	client = got.from;
	big_leg(be, &client, cl, NC_DNS_VIP, NC_DNS_PORT, 2, (struct tap_at[2]){
			{ nat_cluster_ns(NC_CLIENT), "eth0" }, { NULL, NULL } }, &got, &rep);
	nat_cluster_counters(ctr, sizeof(ctr));
	ck_assert_msg(req.ok && rep.ok,
		      "%d-byte UDP through ClusterIP %s:%d (%s, pod MTU %d):\n"
		      "request %s: expected %d bytes from %s:%d at the backend %s:%d, got: %s\n%s"
		      "answer %s: expected %d bytes from %s:%d at the client, got: %s\n%s"
		      "counters:\n%s",
		      BIG, NC_DNS_VIP, NC_DNS_PORT, nat_cluster_mode(), NC_MTU,
		      req.ok ? "ok" : "FAILED", BIG, NC_CLIENT_IP, cport, NC_BACKEND_IP,
		      NC_DNS_TARGET, req.got, req.frames, rep.ok ? "ok" : "FAILED", BIG,
		      NC_DNS_VIP, NC_DNS_PORT, rep.got, rep.frames, ctr);
	close(cl);
	close(be);
}
END_TEST

START_TEST(test_masq_fragmented_udp)
{
	static struct dgram got;
	struct sockaddr_in ext = sin4(NC_EXT_IP, EXT_PORT), client;
	char ctr[4096];
	struct leg req, rep;
	int cl, srv;

	NEED_CLUSTER();
	srv = ns_udp_at(nat_cluster_ns(NC_EXT), "0.0.0.0", EXT_PORT);
	cl = ns_udp_at(nat_cluster_ns(NC_CLIENT), "0.0.0.0", 0);
	/* Masquerade may move the port; the address must be the node's. */
	big_leg(cl, &ext, srv, NC_NODE1_IP, -1, 3, (struct tap_at[2]){
			{ nat_cluster_ns(NC_EXT), "eth0" }, { NULL, NULL } }, &got, &req);
	if (!req.ok)
		open_flow(cl, &ext, srv, NC_NODE1_IP, &got, &req);
	client = got.from;
	big_leg(srv, &client, cl, NC_EXT_IP, EXT_PORT, 4, (struct tap_at[2]){
			{ nat_cluster_ns(NC_CLIENT), "eth0" }, { nat_cluster_ns("node1"), "eth0" } },
		&got, &rep);
	nat_cluster_counters(ctr, sizeof(ctr));
	ck_assert_msg(req.ok && rep.ok,
		      "%d-byte UDP from pod %s, masqueraded (%s), to %s:%d (MTU %d):\n"
		      "request %s: expected %d bytes from %s (node1) at the external host, "
		      "got: %s\n%s"
		      "answer %s: expected %d bytes from %s:%d at the pod, got: %s\n%s"
		      "counters:\n%s",
		      BIG, NC_CLIENT_IP, nat_cluster_mode(), NC_EXT_IP, EXT_PORT, NC_MTU,
		      req.ok ? "ok" : "FAILED", BIG, NC_NODE1_IP, req.got, req.frames,
		      rep.ok ? "ok" : "FAILED", BIG, NC_EXT_IP, EXT_PORT, rep.got, rep.frames, ctr);
	close(cl);
	close(srv);
}
END_TEST

/* A UDP socket of the client pod connected to the dns ClusterIP. */
static int clusterip_socket(bool pmtu)
{
	int fd = ns_socket(nat_cluster_ns(NC_CLIENT), SOCK_DGRAM), on = 1;
	int pmtudisc = IP_PMTUDISC_DO;
	struct sockaddr_in vip = sin4(NC_DNS_VIP, NC_DNS_PORT);

	ck_assert(!setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)));
	if (pmtu)
		ck_assert(!setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtudisc, sizeof(pmtudisc)));
	ck_assert_msg(!connect(fd, (struct sockaddr *)&vip, sizeof(vip)), "connect %s:%d: %s",
		      NC_DNS_VIP, NC_DNS_PORT, strerror(errno));
	return fd;
}

/*
 * No socket listens on the backend's port: the backend answers port
 * unreachable about 10.244.1.2:p -> 10.244.2.2:5353, which must reach the
 * client as about VIP:53 (a connected UDP socket then fails with
 * ECONNREFUSED, as it does through kube-proxy).
 */
START_TEST(test_clusterip_port_unreachable)
{
	char what[E2E_WHAT_LEN], at_cl[E2E_TAP_LEN], at_be[E2E_TAP_LEN];
	uint8_t q[SMALL];
	unsigned int info;
	int fd, err, type, code, tcl, tbe;

	NEED_CLUSTER();
	fd = clusterip_socket(false);
	tcl = tap_open(nat_cluster_ns(NC_CLIENT), "eth0");
	tbe = tap_open(nat_cluster_ns(NC_BACKEND), "eth0");
	pattern_fill(q, sizeof(q), 5);
	ck_assert_msg(send(fd, q, sizeof(q), 0) == sizeof(q), "send: %s", strerror(errno));
	err = sock_wait_error(fd, WAIT_MS, &type, &code, &info, what, sizeof(what));
	tap_summary(tcl, "frames at the client's eth0", at_cl, sizeof(at_cl));
	tap_summary(tbe, "frames at the backend's eth0", at_be, sizeof(at_be));
	ck_assert_msg(err == ECONNREFUSED && type == 3 && code == 3,
		      "UDP to ClusterIP %s:%d (%s) whose backend %s:%d has no socket: expected "
		      "ECONNREFUSED (ICMP type 3 code 3) at the client's socket, got: %s\n%s%s",
		      NC_DNS_VIP, NC_DNS_PORT, nat_cluster_mode(), NC_BACKEND_IP, NC_DNS_TARGET,
		      what, at_cl, at_be);
	close(fd);
}
END_TEST

/* The device of node2 that leads to the backend pod (lxc<k>). */
static void backend_dev(char *dev, size_t len)
{
	ck_assert_int_eq(sh_out(dev, len, 0, "ip -n %s -o route get %s | sed -n "
				"'s/.* dev \\([^ ]*\\).*/\\1/p'", nat_cluster_ns("node2"),
				NC_BACKEND_IP), 0);
	dev[strcspn(dev, "\n")] = '\0';
	ck_assert_msg(dev[0], "no route to %s in %s", NC_BACKEND_IP, nat_cluster_ns("node2"));
}

/*
 * node2's veth to the backend at MTU 1280: a 1400-byte DF datagram to the
 * ClusterIP gets fragmentation-needed from node2 about the DNATed tuple;
 * the client's socket must learn it (error queue, IP_MTU 1280).
 */
START_TEST(test_clusterip_pmtu)
{
	char what[E2E_WHAT_LEN], at_cl[E2E_TAP_LEN], dev[32];
	uint8_t q[PMTU_SEND];
	unsigned int info;
	int fd, err, type, code, tcl, mtu;

	NEED_CLUSTER();
	backend_dev(dev, sizeof(dev));
	ck_assert_int_eq(sh("ip -n %s link set %s mtu %d", nat_cluster_ns("node2"), dev,
			    PMTU_LOW), 0);
	fd = clusterip_socket(true);
	tcl = tap_open(nat_cluster_ns(NC_CLIENT), "eth0");
	pattern_fill(q, sizeof(q), 6);
	ck_assert_msg(send(fd, q, sizeof(q), 0) == sizeof(q), "send of %d bytes: %s", PMTU_SEND,
		      strerror(errno));
	err = sock_wait_error(fd, WAIT_MS, &type, &code, &info, what, sizeof(what));
	mtu = sock_ip_mtu(fd);
	tap_summary(tcl, "frames at the client's eth0", at_cl, sizeof(at_cl));
	sh("ip -n %s link set %s mtu %d", nat_cluster_ns("node2"), dev, NC_MTU);
	ck_assert_msg(err == EMSGSIZE && type == 3 && code == 4 && info == PMTU_LOW &&
		      mtu == PMTU_LOW,
		      "%d-byte DF UDP to ClusterIP %s:%d (%s), backend behind MTU %d (node2 %s): "
		      "expected EMSGSIZE (ICMP type 3 code 4 info %d) in the client's error "
		      "queue and IP_MTU %d, got: %s, IP_MTU %d\n%s",
		      PMTU_SEND, NC_DNS_VIP, NC_DNS_PORT, nat_cluster_mode(), PMTU_LOW, dev,
		      PMTU_LOW, PMTU_LOW, what, mtu, at_cl);
	close(fd);
}
END_TEST

/* The cluster tests on the cluster one fixture brings up. */
static TCase *cluster_tcase(const char *name, void (*up)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, up, nat_cluster_down);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_clusterip_fragmented_udp);
	tcase_add_test(tc, test_masq_fragmented_udp);
	tcase_add_test(tc, test_clusterip_port_unreachable);
	tcase_add_test(tc, test_clusterip_pmtu);	/* last: it changes an MTU */
	return tc;
}

static Suite *nat_e2e_suite(void)
{
	Suite *s = suite_create("nat_e2e");

	suite_add_tcase(s, cluster_tcase("cluster", nat_cluster_up));
	/* The same tests through the kernel's conntrack NAT: what they ask
	 * of the datapath is what Linux does. */
	suite_add_tcase(s, cluster_tcase("cluster_iptables", nat_cluster_up_iptables));
	suite_add_tcase(s, nat_e2e_masq_tcase(false));
	suite_add_tcase(s, nat_e2e_masq_tcase(true));
	return s;
}

TEST_SUITE(nat_e2e_suite)
