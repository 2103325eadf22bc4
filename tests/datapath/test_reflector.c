// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reflector (datapath/reflector.bpf.c): packet fixtures through
 * BPF_PROG_TEST_RUN (the expected frames are built with swapped addresses,
 * so their checksums are computed afresh: the byte comparison proves the
 * swap left the checksums right), attach in native and generic mode, and a
 * UDP datagram echoed on a veth pair in both modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "reflector.skel.h"
#include "lib/fixture.h"
#include "lib/pkt.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/xdp_modes.h"

#define GEN IP4(10, 1, 0, 1)		/* the packet generator */
#define POD IP4(10, 1, 0, 2)		/* the far-end pod reflecting */
#define ECHO_TIMEOUT_MS 2000
#define POD_MAC "02:00:00:00:09:02"	/* veth b, where the reflector is */

/* only_udp_dport in host order; 0 reflects all UDP and TCP. */
static struct reflector_bpf *reflector_load(__u16 only_udp_dport)
{
	struct reflector_bpf *skel = reflector_bpf__open();

	ck_assert_msg(skel, "reflector.bpf.o: open: %s", strerror(errno));
	skel->rodata->only_udp_dport = htons(only_udp_dport);
	ck_assert_msg(!reflector_bpf__load(skel), "reflector.bpf.o: load (verifier): %s",
		      strerror(errno));
	return skel;
}

/* The frame as the reflector must send it back. */
static struct pkt_spec reflected(struct pkt_spec s)
{
	static const __u8 gen_mac[6] = PKT_MAC_SRC, pod_mac[6] = PKT_MAC_DST;
	__be32 addr = s.saddr;
	__u16 port = s.sport;

	memcpy(s.eth_src, pod_mac, 6);
	memcpy(s.eth_dst, gen_mac, 6);
	s.saddr = s.daddr;
	s.daddr = addr;
	s.sport = s.dport;
	s.dport = port;
	return s;
}

static const struct pkt_spec udp = { .saddr = GEN, .daddr = POD, .proto = IPPROTO_UDP,
				     .sport = 1024, .dport = 9, .payload_len = 18 };
static const struct pkt_spec udp_other_port = { .saddr = GEN, .daddr = POD,
	.proto = IPPROTO_UDP, .sport = 1024, .dport = 10, .payload_len = 18 };
static const struct pkt_spec tcp = { .saddr = GEN, .daddr = POD, .sport = 40000,
	.dport = 9, .tcp_flags = PKT_ACK | PKT_PSH, .seq = 123456, .ack = 654321,
	.payload_len = 100 };

START_TEST(test_udp_tcp_reflected)
{
	struct pkt_spec udp0 = { .saddr = GEN, .daddr = POD, .proto = IPPROTO_UDP,
				 .sport = 1025, .dport = 9, .udp_no_csum = true };
	struct pkt_spec odd = { .saddr = GEN, .daddr = POD, .proto = IPPROTO_UDP,
				.sport = 65535, .dport = 1, .ttl = 1, .tos = 0x10, .df = true,
				.ip_id = 0xbeef, .payload_len = 1 };
	struct pkt_spec udp_out = reflected(udp), tcp_out = reflected(tcp);
	struct pkt_spec udp0_out = reflected(udp0), odd_out = reflected(odd);
	struct fixture fx[] = {
		{ .desc = "reflector: UDP gets MACs, addresses and ports swapped, XDP_TX",
		  .in_spec = &udp, .out_spec = &udp_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "reflector: TCP gets MACs, addresses and ports swapped, XDP_TX",
		  .in_spec = &tcp, .out_spec = &tcp_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "reflector: UDP without checksum keeps checksum 0",
		  .in_spec = &udp0, .out_spec = &udp0_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "reflector: odd-length UDP with TTL 1, DF and TOS, only addresses change",
		  .in_spec = &odd, .out_spec = &odd_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
	};
	struct reflector_bpf *skel;

	need_root();
	skel = reflector_load(0);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_reflector), fx, FX_N(fx));
	ck_assert_int_eq(counter_sum(bpf_map__fd(skel->maps.counters), DPLAB_CNT_TX), 4);
	reflector_bpf__destroy(skel);
}
END_TEST

START_TEST(test_others_passed)
{
	static const struct pkt_spec v6 = { .ethertype = 0x86dd, .payload_len = 60 };
	static const struct pkt_spec arp = { .ethertype = 0x0806, .payload_len = 28 };
	static const struct pkt_spec ping = { .saddr = GEN, .daddr = POD,
		.proto = IPPROTO_ICMP, .icmp_type = 8, .icmp_id = 1, .icmp_seq = 1 };
	static const struct pkt_spec gre = { .saddr = GEN, .daddr = POD, .proto = 47,
		.payload_len = 24 };
	static const struct pkt_spec frag = { .saddr = GEN, .daddr = POD,
		.proto = IPPROTO_UDP, .sport = 1024, .dport = 9, .mf = true,
		.payload_len = 64 };
	static const struct pkt_spec opts = { .saddr = GEN, .daddr = POD,
		.proto = IPPROTO_UDP, .sport = 1024, .dport = 9, .ip_opt_len = 8 };
	static const struct pkt_spec cut = { .saddr = GEN, .daddr = POD,
		.proto = IPPROTO_UDP, .sport = 1024, .dport = 9, .truncate_to = 14 + 20 + 4 };
	static const struct fixture fx[] = {
		{ .desc = "reflector: IPv6 passes untouched", .in_spec = &v6,
		  .expect_verdict = XDP_PASS, .expect_counter = FX_CNT(DPLAB_CNT_PASS_NOT_IPV4) },
		{ .desc = "reflector: ARP passes untouched", .in_spec = &arp,
		  .expect_verdict = XDP_PASS, .expect_counter = FX_CNT(DPLAB_CNT_PASS_NOT_IPV4) },
		{ .desc = "reflector: ICMP echo goes to the stack", .in_spec = &ping,
		  .expect_verdict = XDP_PASS, .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		{ .desc = "reflector: GRE passes untouched", .in_spec = &gre,
		  .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_UNKNOWN_PROTO) },
		{ .desc = "reflector: a UDP fragment passes untouched", .in_spec = &frag,
		  .expect_verdict = XDP_PASS, .expect_counter = FX_CNT(DPLAB_CNT_PASS_FRAGMENT) },
		{ .desc = "reflector: UDP with IP options passes untouched", .in_spec = &opts,
		  .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_IP_OPTIONS) },
		{ .desc = "reflector: truncated UDP header drops", .in_spec = &cut,
		  .expect_verdict = XDP_DROP, .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
	};
	struct reflector_bpf *skel;

	need_root();
	skel = reflector_load(0);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_reflector), fx, FX_N(fx));
	ck_assert_int_eq(counter_sum(bpf_map__fd(skel->maps.counters), DPLAB_CNT_TX), 0);
	reflector_bpf__destroy(skel);
}
END_TEST

START_TEST(test_udp_port_filter)
{
	struct pkt_spec udp_out = reflected(udp);
	struct fixture fx[] = {
		{ .desc = "reflector, UDP port 9 only: UDP to port 9 is reflected",
		  .in_spec = &udp, .out_spec = &udp_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "reflector, UDP port 9 only: UDP to port 10 passes untouched",
		  .in_spec = &udp_other_port, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		{ .desc = "reflector, UDP port 9 only: TCP to port 9 passes untouched",
		  .in_spec = &tcp, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
	};
	struct reflector_bpf *skel;

	need_root();
	skel = reflector_load(9);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_reflector), fx, FX_N(fx));
	reflector_bpf__destroy(skel);
}
END_TEST

START_TEST(test_attach_native_and_generic)
{
	struct reflector_bpf *skel;
	char err[512];

	need_root();
	skel = reflector_load(0);
	ck_assert_msg(xdp_modes_try(bpf_program__fd(skel->progs.xdp_reflector),
				    "xdp_reflector", err, sizeof(err)), "%s", err);
	reflector_bpf__destroy(skel);
}
END_TEST

/*
 * One UDP datagram from 10.9.0.1:5000 on veth a to 10.9.0.2:7 behind veth
 * b, where the reflector sits: true when it comes back from 10.9.0.2:7.
 */
static bool udp_echoed(char *why, size_t len)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(5000) };
	struct sockaddr_in pod = { .sin_family = AF_INET, .sin_port = htons(7) }, from;
	socklen_t from_len = sizeof(from);
	static const char msg[] = "dplab reflector";
	char buf[64];
	struct pollfd pfd;
	bool ok = false;
	ssize_t n;

	me.sin_addr.s_addr = IP4(10, 9, 0, 1);
	pod.sin_addr.s_addr = IP4(10, 9, 0, 2);
	pfd.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	pfd.events = POLLIN;
	if (pfd.fd < 0 || bind(pfd.fd, (struct sockaddr *)&me, sizeof(me)) ||
	    sendto(pfd.fd, msg, sizeof(msg), 0, (struct sockaddr *)&pod, sizeof(pod)) < 0)
		snprintf(why, len, "UDP socket: %s", strerror(errno));
	else if (poll(&pfd, 1, ECHO_TIMEOUT_MS) != 1)
		snprintf(why, len, "no echo within %d ms", ECHO_TIMEOUT_MS);
	else if ((n = recvfrom(pfd.fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			       &from_len)) != sizeof(msg) || memcmp(buf, msg, sizeof(msg)))
		snprintf(why, len, "echo of %zd bytes differs from what was sent", n);
	else if (from.sin_addr.s_addr != pod.sin_addr.s_addr || from.sin_port != pod.sin_port)
		snprintf(why, len, "echo came from %s:%u", inet_ntoa(from.sin_addr),
			 ntohs(from.sin_port));
	else
		ok = true;
	if (pfd.fd >= 0)
		close(pfd.fd);
	return ok;
}

/*
 * Veth a is the generator's side, with tx checksum offload off (a DPDK
 * generator sends full checksums).  In native mode a needs an XDP program
 * of its own to receive what b sends back with XDP_TX: after XDP_TX, veth
 * wakes the peer's NAPI only when the peer has an XDP program
 * (veth_xdp_flush); with GRO alone the frames wait in the peer's ring.  A
 * reflector for UDP port 1, which this test never sends to, passes all.
 */
static void echo_in_mode(__u32 mode, const char *mode_name)
{
	struct reflector_bpf *skel = reflector_load(0), *gen_side = reflector_load(1);
	char ns[TESTNS_NAME], why[256] = "";
	int home, a = 0, b = 0, rc = 0;
	bool ok = false;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(home, 0);
	ck_assert_int_eq(testns_create(ns), 0);
	if (sh("ip -n %1$s link add name a type veth peer name b address %2$s && "
	       "ip -n %1$s addr add 10.9.0.1/24 dev a && "
	       "ip netns exec %1$s ethtool -K a tx off >/dev/null && "
	       "ip -n %1$s link set dev a up && ip -n %1$s link set dev b up && "
	       "ip -n %1$s neigh add 10.9.0.2 lladdr %2$s dev a", ns, POD_MAC)) {
		snprintf(why, sizeof(why), "veth setup in %s failed", ns);
	} else if ((rc = testns_enter(ns))) {
		snprintf(why, sizeof(why), "entering %s: %s", ns, strerror(-rc));
	} else if (!(a = if_nametoindex("a")) || !(b = if_nametoindex("b"))) {
		snprintf(why, sizeof(why), "veth pair: %s", strerror(errno));
	} else if ((rc = bpf_xdp_attach(b, bpf_program__fd(skel->progs.xdp_reflector),
					mode, NULL))) {
		snprintf(why, sizeof(why), "attach to veth b: %s", strerror(-rc));
	} else if (mode == XDP_FLAGS_DRV_MODE &&
		   (rc = bpf_xdp_attach(a, bpf_program__fd(gen_side->progs.xdp_reflector),
					mode, NULL))) {
		snprintf(why, sizeof(why), "attach to veth a: %s", strerror(-rc));
	} else {
		ok = udp_echoed(why, sizeof(why));
	}
	if (setns(home, CLONE_NEWNET))
		ok = false;
	close(home);
	testns_delete(ns);
	ck_assert_msg(ok, "reflector in %s mode: %s", mode_name, why);
	ck_assert_int_eq(counter_sum(bpf_map__fd(skel->maps.counters), DPLAB_CNT_TX), 1);
	reflector_bpf__destroy(gen_side);
	reflector_bpf__destroy(skel);
}

START_TEST(test_veth_echo_native)
{
	need_root();
	echo_in_mode(XDP_FLAGS_DRV_MODE, "native");
}
END_TEST

START_TEST(test_veth_echo_generic)
{
	need_root();
	echo_in_mode(XDP_FLAGS_SKB_MODE, "generic");
}
END_TEST

static Suite *reflector_suite(void)
{
	Suite *s = suite_create("reflector");
	TCase *fx = tcase_create("fixtures"), *veth = tcase_create("veth");

	tcase_add_test(fx, test_udp_tcp_reflected);
	tcase_add_test(fx, test_others_passed);
	tcase_add_test(fx, test_udp_port_filter);
	tcase_set_timeout(veth, 30);
	tcase_add_test(veth, test_attach_native_and_generic);
	tcase_add_test(veth, test_veth_echo_native);
	tcase_add_test(veth, test_veth_echo_generic);
	suite_add_tcase(s, fx);
	suite_add_tcase(s, veth);
	return s;
}

TEST_SUITE(reflector_suite)
