// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF masquerade (datapath/masq.bpf.c) packet by packet: fixtures through
 * BPF_PROG_TEST_RUN (fixture.h) on masq_snat (uplink egress) and
 * masq_rev_snat (uplink ingress), which share the snat map, so a test
 * plays a flow's packets in both directions in order.  Pods are in
 * 10.0.1.0/24, the cluster is 10.0.0.0/16, the node leaves as 203.0.113.2.
 * A port is "taken" by writing the reverse entry another flow would have
 * (include/dplab/nat.h).
 *
 * Not tested: the rollback of a flow's reverse entry when its forward entry
 * cannot be inserted.  An LRU hash update with BPF_ANY does not fail on a
 * full map (it evicts) and has no other failure a test can cause; what can
 * be tested of "no half flows" is snat_lookup() restoring a lost reverse
 * entry, or moving the flow when its port was taken (test_half_flow_*).
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/fixture.h"
#include "lib/masq_env.h"
#include "lib/testlib.h"

START_TEST(test_snat_tcp_udp_icmp)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec dgram = spec_udp(POD, 40001, REMOTE, 53);
	struct pkt_spec answer = spec_udp(REMOTE, 53, POD, 40001);
	struct pkt_spec bare = spec_udp(POD, 40002, REMOTE, 53);
	struct pkt_spec bare_answer = spec_udp(REMOTE, 53, POD, 40002);
	struct pkt_spec ping = spec_echo(POD, REMOTE, 8, 7), pong = spec_echo(REMOTE, POD, 0, 7);
	struct dplab_lb_ct v;
	struct dplab_tuple fwd = nat_tuple(IPPROTO_TCP, POD, 40000, REMOTE, 80);
	struct dplab_tuple rev = nat_tuple(IPPROTO_TCP, REMOTE, 80, NODE, 40000);

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("TCP SYN from a pod leaves as the node, port kept", &syn, &synack, 40000,
		    DPLAB_CNT_CT_NEW);
	ck_assert(nat_get(&fwd, &v) && v.addr == NODE && v.port == htons(40000));
	ck_assert(nat_get(&rev, &v) && v.addr == POD && v.port == htons(40000));
	expect_flow("UDP from a pod leaves as the node", &dgram, &answer, 40001, DPLAB_CNT_REWRITE);
	bare.udp_no_csum = bare_answer.udp_no_csum = true;
	expect_flow("UDP without checksum stays without", &bare, &bare_answer, 40002,
		    DPLAB_CNT_CT_NEW);
	expect_flow("ICMP echo request leaves as the node, id kept", &ping, &pong, 7,
		    DPLAB_CNT_CT_NEW);
	ck_assert_int_eq(nat_entries(), 8);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_NAT_PORT_REMAPPED), 0);
	masq_down();
}
END_TEST

START_TEST(test_icmp_id_translated_when_taken)
{
	struct pkt_spec ping = spec_echo(POD, REMOTE, 8, 7), pong = spec_echo(REMOTE, POD, 0, 7);
	struct pkt_spec ping2 = spec_echo(POD2, REMOTE, 8, 7), pong2 = spec_echo(REMOTE, POD2, 0, 7);

	need_root();
	masq_up(50000, 50000);
	expect_flow("ping from pod 1 keeps its id", &ping, &pong, 7, DPLAB_CNT_CT_NEW);
	expect_flow("ping from pod 2 with the same id gets the one free id", &ping2, &pong2,
		    50000, DPLAB_CNT_NAT_PORT_REMAPPED);
	expect_flow("ping from pod 1 again: same id", &ping, &pong, 7, DPLAB_CNT_CT_HIT);
	masq_down();
}
END_TEST

START_TEST(test_ct_reuse)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec ack = spec_tcp(POD, 40000, REMOTE, 80, PKT_ACK);
	struct pkt_spec data = ack, out;
	__u16 port;

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	out = spec_moved(&syn, false, NODE, 40000);
	expect(snat_fd, "first packet creates the flow", &syn, &out, TC_ACT_UNSPEC, DPLAB_CNT_CT_NEW);
	out = spec_moved(&ack, false, NODE, 40000);
	expect(snat_fd, "second packet reuses it", &ack, &out, TC_ACT_UNSPEC, DPLAB_CNT_CT_HIT);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_CT_NEW), 1);
	ck_assert_int_eq(nat_entries(), 2);

	/* A remapped flow keeps its random port for every packet. */
	nat_take_port(IPPROTO_TCP, REMOTE2, 80, 40001);
	syn = spec_tcp(POD, 40001, REMOTE2, 80, PKT_SYN);
	port = snat_random_port(&syn);
	data = spec_tcp(POD, 40001, REMOTE2, 80, PKT_ACK | PKT_PSH);
	data.payload_len = 100;
	out = spec_moved(&data, false, NODE, port);
	expect(snat_fd, "data of the remapped flow keeps its port", &data, &out, TC_ACT_UNSPEC,
	       DPLAB_CNT_CT_HIT);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_NAT_PORT_REMAPPED), 1);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_CT_NEW), 2);
	masq_down();
}
END_TEST

START_TEST(test_port_collision)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN), reply_in, reply_out;
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);
	__u16 port;

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	nat_take_port(IPPROTO_TCP, REMOTE, 80, 40000);
	port = snat_random_port(&syn);
	ck_assert_uint_ne(port, 40000);
	ck_assert_msg(port >= DPLAB_SNAT_PORT_MIN_DEFAULT && port <= DPLAB_SNAT_PORT_MAX_DEFAULT,
		      "port %u out of the range", port);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_NAT_PORT_REMAPPED), 1);
	reply_in = spec_moved(&synack, true, NODE, port);
	reply_out = synack;
	expect(rev_fd, "reply to the remapped port goes to the pod", &reply_in, &reply_out,
	       TC_ACT_UNSPEC, DPLAB_CNT_REV_NAT);
	ck_assert_int_eq(nat_entries(), 3);
	masq_down();
}
END_TEST

START_TEST(test_port_per_remote)
{
	struct pkt_spec a = spec_udp(POD, 40000, REMOTE, 53), a_re = spec_udp(REMOTE, 53, POD, 40000);
	struct pkt_spec b = spec_udp(POD2, 40000, REMOTE2, 53), b_re = spec_udp(REMOTE2, 53, POD2, 40000);
	struct pkt_spec c = spec_udp(POD2, 40000, REMOTE, 53), c_re = spec_udp(REMOTE, 53, POD2, 40000);

	need_root();
	masq_up(40000, 40001);
	expect_flow("pod 1 keeps port 40000 towards remote 1", &a, &a_re, 40000, DPLAB_CNT_CT_NEW);
	expect_flow("pod 2 keeps port 40000 towards remote 2", &b, &b_re, 40000, DPLAB_CNT_CT_NEW);
	expect_flow("pod 2 towards remote 1: 40000 taken, 40001", &c, &c_re, 40001,
		    DPLAB_CNT_NAT_PORT_REMAPPED);
	expect_flow("pod 1 again: still 40000", &a, &a_re, 40000, DPLAB_CNT_CT_HIT);
	masq_down();
}
END_TEST

START_TEST(test_port_outside_range_moved)
{
	struct pkt_spec a = spec_udp(POD, 30080, REMOTE, 53), a_re = spec_udp(REMOTE, 53, POD, 30080);

	need_root();
	/* A pod's port outside the range could be a NodePort or one of the
	 * node's own sockets: it is never kept. */
	masq_up(40000, 40000);
	expect_flow("pod port 30080 is outside [40000, 40000]: moved into it", &a, &a_re, 40000,
		    DPLAB_CNT_NAT_PORT_REMAPPED);
	masq_down();
}
END_TEST

START_TEST(test_port_exhaustion)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec other = spec_tcp(POD, 40000, REMOTE2, 80, PKT_SYN), out;

	need_root();
	masq_up(40000, 40001);
	nat_take_port(IPPROTO_TCP, REMOTE, 80, 40000);
	nat_take_port(IPPROTO_TCP, REMOTE, 80, 40001);
	expect(snat_fd, "no free port towards the remote: dropped", &syn, NULL, TC_ACT_SHOT,
	       DPLAB_CNT_DROP_NAT_NO_PORT);
	ck_assert_int_eq(nat_entries(), 2);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_CT_NEW), 0);
	out = spec_moved(&other, false, NODE, 40000);
	expect(snat_fd, "the same source towards another remote is free", &other, &out,
	       TC_ACT_UNSPEC, DPLAB_CNT_CT_NEW);
	masq_down();
}
END_TEST

START_TEST(test_port_retries_bounded)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	__u32 port;

	need_root();
	masq_up_retries(40000, 40001, 0);
	nat_take_port(IPPROTO_TCP, REMOTE, 80, 40000);
	expect(snat_fd, "no retries: only the original port is tried", &syn, NULL, TC_ACT_SHOT,
	       DPLAB_CNT_DROP_NAT_NO_PORT);
	masq_down();

	/* More retries than the datapath's limit, all of them taken. */
	masq_up_retries(40000, 40000 + DPLAB_SNAT_RETRIES_LIMIT + 9, 1000);
	for (port = 40000; port <= 40000 + DPLAB_SNAT_RETRIES_LIMIT + 9; port++)
		nat_take_port(IPPROTO_TCP, REMOTE, 80, port);
	expect(snat_fd, "retries stop at the limit: no port", &syn, NULL, TC_ACT_SHOT,
	       DPLAB_CNT_DROP_NAT_NO_PORT);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_DROP_MAP_UPDATE), 0);
	masq_down();
}
END_TEST

START_TEST(test_tcp_close_then_new_connection)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec fin = spec_tcp(POD, 40000, REMOTE, 80, PKT_FIN | PKT_ACK);
	struct pkt_spec fin_back = spec_tcp(REMOTE, 80, POD, 40000, PKT_FIN | PKT_ACK);
	struct pkt_spec data_back = spec_tcp(REMOTE, 80, POD, 40000, PKT_ACK | PKT_PSH);
	struct pkt_spec out, in;
	struct dplab_lb_ct v;
	struct dplab_tuple fwd = nat_tuple(IPPROTO_TCP, POD, 40000, REMOTE, 80);

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("TCP connection 1 before FIN", &syn, &synack, 40000, DPLAB_CNT_CT_NEW);
	out = spec_moved(&fin, false, NODE, 40000);
	expect(snat_fd, "the pod's FIN half-closes the flow", &fin, &out, TC_ACT_UNSPEC,
	       DPLAB_CNT_CT_HIT);
	ck_assert(nat_get(&fwd, &v) && v.state == DPLAB_CT_FIN_SENT);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_CT_CLOSED), 0);
	data_back.payload_len = 100;
	in = spec_moved(&data_back, true, NODE, 40000);
	expect(rev_fd, "the remote still sends data to the half-closed flow", &in, &data_back,
	       TC_ACT_UNSPEC, DPLAB_CNT_REV_NAT);
	in = spec_moved(&fin_back, true, NODE, 40000);
	expect(rev_fd, "the remote's FIN closes the flow both ways", &in, &fin_back,
	       TC_ACT_UNSPEC, DPLAB_CNT_CT_CLOSED);
	ck_assert(nat_get(&fwd, &v) && v.state == DPLAB_CT_CLOSING);
	expect_flow("a new SYN on the closed tuple is a new flow on the same port", &syn, &synack,
		    40000, DPLAB_CNT_CT_NEW);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_NAT_PORT_REMAPPED), 0);
	ck_assert_int_eq(nat_entries(), 2);
	masq_down();
}
END_TEST

START_TEST(test_rst_closes)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec rst = spec_tcp(REMOTE, 80, POD, 40000, PKT_RST), in;
	struct dplab_tuple fwd = nat_tuple(IPPROTO_TCP, POD, 40000, REMOTE, 80);
	struct dplab_lb_ct v;

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("TCP connection", &syn, &synack, 40000, DPLAB_CNT_CT_NEW);
	in = spec_moved(&rst, true, NODE, 40000);
	expect(rev_fd, "an RST from the remote closes both directions", &in, &rst, TC_ACT_UNSPEC,
	       DPLAB_CNT_CT_CLOSED);
	ck_assert(nat_get(&fwd, &v) && v.state == DPLAB_CT_CLOSING);
	masq_down();
}
END_TEST

START_TEST(test_half_flow_repaired)
{
	struct pkt_spec dgram = spec_udp(POD, 40000, REMOTE, 53);
	struct pkt_spec answer = spec_udp(REMOTE, 53, POD, 40000);
	struct dplab_tuple rev = nat_tuple(IPPROTO_UDP, REMOTE, 53, NODE, 40000);
	struct pkt_spec answer_in = spec_moved(&answer, true, NODE, 40000);

	need_root();
	masq_up(40000, 40001);
	expect_flow("UDP flow before its reverse entry is lost", &dgram, &answer, 40000,
		    DPLAB_CNT_CT_NEW);
	/* The LRU evicts the reverse half: replies pass untranslated... */
	ck_assert_int_eq(bpf_map_delete_elem(bpf_map__fd(masq_skel->maps.snat), &rev), 0);
	expect(rev_fd, "reply without reverse entry passes", &answer_in, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_NO_MATCH);
	/* ...until the next packet out restores it. */
	expect_flow("next packet restores the reverse entry", &dgram, &answer, 40000,
		    DPLAB_CNT_CT_REPAIRED);
	/* Evicted and the port taken by another flow: the flow moves. */
	ck_assert_int_eq(bpf_map_delete_elem(bpf_map__fd(masq_skel->maps.snat), &rev), 0);
	nat_take_port(IPPROTO_UDP, REMOTE, 53, 40000);
	expect_flow("port taken meanwhile: the flow moves to a free one", &dgram, &answer, 40001,
		    DPLAB_CNT_NAT_PORT_REMAPPED);
	ck_assert_int_eq(nat_entries(), 3);
	masq_down();
}
END_TEST

static Suite *masq_suite(void)
{
	Suite *s = suite_create("masq");
	TCase *tc = tcase_create("flows");

	tcase_add_test(tc, test_snat_tcp_udp_icmp);
	tcase_add_test(tc, test_icmp_id_translated_when_taken);
	tcase_add_test(tc, test_ct_reuse);
	tcase_add_test(tc, test_port_collision);
	tcase_add_test(tc, test_port_per_remote);
	tcase_add_test(tc, test_port_outside_range_moved);
	tcase_add_test(tc, test_port_exhaustion);
	tcase_add_test(tc, test_port_retries_bounded);
	tcase_add_test(tc, test_tcp_close_then_new_connection);
	tcase_add_test(tc, test_rst_closes);
	tcase_add_test(tc, test_half_flow_repaired);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, masq_untouched_tcase());
	suite_add_tcase(s, masq_packets_tcase());
	suite_add_tcase(s, masq_e2e_tcase());
	return s;
}

TEST_SUITE(masq_suite)
