// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The "nat_e2e" suite's masquerade path tests (tests/lib/nat_e2e.h: pod,
 * node with masq.bpf.o on up0, router, remote behind an MTU-1280 link),
 * and the same with iptables MASQUERADE instead (tcase masq_path_iptables),
 * the kernel's NAT they must agree with:
 *
 *  - path MTU behind NAT: a 1400-byte DF datagram from the pod (its own
 *    MTU is 1500) meets the router's 1280 link; the router's
 *    fragmentation-needed is addressed to the node and must be translated
 *    back to the pod, whose socket then holds EMSGSIZE with MTU 1280 in
 *    its error queue and reports IP_MTU 1280;
 *  - a closed port on the remote: the remote's port unreachable must reach
 *    the pod's connected socket as ECONNREFUSED;
 *  - UDP flows leave their ports free (issue 13: ~28k DNS queries to one
 *    resolver exhaust the range): with a 64-port range, rounds of 64 flows
 *    from two pod addresses sharing source ports fill it; once the flows
 *    have been idle past the UDP lifetime, the next round's new flows are
 *    all translated, and no reverse entry of a dead flow stays in the map.
 *
 * Run under `flock /tmp/dplab-ns.lock`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "lib/e2e_sock.h"
#include "lib/nat_e2e.h"
#include "lib/testlib.h"

#define WAIT_MS 2000
#define PMTU_SEND 1400
#define CLOSED_PORT 7001

/* A UDP socket of the pod (any port) connected to the remote's port. */
static int pod_socket(struct masq_path *mp, int port, bool pmtu)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = ns_udp_at(mp->pod, MP_POD_IP, 0), on = 1, pmtudisc = IP_PMTUDISC_DO;

	inet_pton(AF_INET, MP_REMOTE_IP, &to.sin_addr);
	ck_assert(!setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)));
	if (pmtu)
		ck_assert(!setsockopt(fd, SOL_IP, IP_MTU_DISCOVER, &pmtudisc, sizeof(pmtudisc)));
	ck_assert_msg(!connect(fd, (struct sockaddr *)&to, sizeof(to)), "connect: %s",
		      strerror(errno));
	return fd;
}

/* Send len bytes on fd; the error it then gets, described in what; taps of
 * the node's up0 and the pod's eth0 in frames. */
static int send_for_error(struct masq_path *mp, int fd, size_t len, int *type, int *code,
			  unsigned int *info, char *what, size_t what_len, char *frames,
			  size_t frames_len)
{
	int tnode = tap_open(mp->node, "up0"), tpod = tap_open(mp->pod, "eth0"), err;
	uint8_t data[PMTU_SEND];
	size_t used;

	ck_assert_uint_le(len, sizeof(data));
	pattern_fill(data, len, 7);
	ck_assert_msg(send(fd, data, len, 0) == (ssize_t)len, "send of %zu bytes: %s", len,
		      strerror(errno));
	err = sock_wait_error(fd, WAIT_MS, type, code, info, what, what_len);
	tap_summary(tnode, "frames at the node's up0", frames, frames_len);
	used = strlen(frames);
	tap_summary(tpod, "frames at the pod's eth0", frames + used, frames_len - used);
	return err;
}

START_TEST(test_masq_pmtu)
{
	char what[E2E_WHAT_LEN], frames[2 * E2E_TAP_LEN];
	struct masq_path mp = {};
	unsigned int info;
	int fd, err, type, code, mtu;

	need_root();
	masq_path_up(&mp, 0);
	masq_path_nat(&mp, NULL);
	fd = pod_socket(&mp, 7000, true);
	err = send_for_error(&mp, fd, PMTU_SEND, &type, &code, &info, what, sizeof(what), frames,
			     sizeof(frames));
	mtu = sock_ip_mtu(fd);
	ck_assert_msg(err == EMSGSIZE && type == 3 && code == 4 && info == MP_FAR_MTU &&
		      mtu == MP_FAR_MTU,
		      "%d-byte DF UDP from pod %s through %s to %s:7000, router "
		      "link MTU %d: expected EMSGSIZE (ICMP type 3 code 4 info %d) in the pod's "
		      "error queue and IP_MTU %d, got: %s, IP_MTU %d\n%s"
		      "rev_nat %llu, pass_no_match %llu, pass_unknown_proto %llu",
		      PMTU_SEND, MP_POD_IP, masq_path_mode(), MP_REMOTE_IP, MP_FAR_MTU,
		      MP_FAR_MTU, MP_FAR_MTU, what, mtu, frames,
		      (unsigned long long)masq_path_counter(&mp, DPLAB_CNT_REV_NAT),
		      (unsigned long long)masq_path_counter(&mp, DPLAB_CNT_PASS_NO_MATCH),
		      (unsigned long long)masq_path_counter(&mp, DPLAB_CNT_PASS_UNKNOWN_PROTO));
	close(fd);
	masq_path_down(&mp);
}
END_TEST

START_TEST(test_masq_port_unreachable)
{
	char what[E2E_WHAT_LEN], frames[2 * E2E_TAP_LEN];
	struct masq_path mp = {};
	unsigned int info;
	int fd, err, type, code;

	need_root();
	masq_path_up(&mp, 0);
	masq_path_nat(&mp, NULL);
	fd = pod_socket(&mp, CLOSED_PORT, false);
	err = send_for_error(&mp, fd, 16, &type, &code, &info, what, sizeof(what), frames,
			     sizeof(frames));
	ck_assert_msg(err == ECONNREFUSED && type == 3 && code == 3,
		      "UDP from pod %s through %s to closed port %s:%d: expected "
		      "ECONNREFUSED (ICMP type 3 code 3) at the pod's socket, got: %s\n%s",
		      MP_POD_IP, masq_path_mode(), MP_REMOTE_IP, CLOSED_PORT, what, frames);
	close(fd);
	masq_path_down(&mp);
}
END_TEST

TCase *nat_e2e_masq_tcase(bool iptables)
{
	TCase *tc = tcase_create(iptables ? "masq_path_iptables" : "masq_path");

	tcase_add_unchecked_fixture(tc, iptables ? masq_path_use_iptables : masq_path_use_bpf,
				    NULL);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_masq_pmtu);
	tcase_add_test(tc, test_masq_port_unreachable);
	nat_e2e_add_port_tests(tc);
	return tc;
}
