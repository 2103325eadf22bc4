// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF masquerade and every packet a workload sends, as iptables
 * MASQUERADE (the kernel's conntrack) and Cilium treat them: IP options
 * and fragments are translated, ICMP errors are translated with their
 * embedded packet, replies of flows opened from outside leave untouched,
 * the node's own ports are reserved, and nothing leaves a pod with its own
 * address when it cannot be translated.  Part of the "masq" suite.
 */
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/fixture.h"
#include "lib/masq_env.h"
#include "lib/testlib.h"

#define ROUTER IP4(198, 51, 100, 1)

START_TEST(test_ip_options_translated)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);

	need_root();
	syn.ip_opt_len = synack.ip_opt_len = 8;
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("SYN with IP options leaves as the node, reply comes back", &syn, &synack,
		    40000, DPLAB_CNT_CT_NEW);
	masq_down();
}
END_TEST

START_TEST(test_fragments_translated)
{
	struct pkt_spec first = spec_udp(POD, 40000, REMOTE, 53), later = first, out;
	struct pkt_spec rfirst = spec_udp(REMOTE, 53, POD, 40000), rlater = rfirst, in;
	struct pkt_spec stray = spec_udp(POD2, 40001, REMOTE, 53);

	need_root();
	first.ip_id = later.ip_id = 77;
	first.mf = later.mf = true;
	first.payload_len = 1472;
	later.frag_off = 1480;
	later.payload_len = 600;
	later.mf = false;
	rfirst.ip_id = rlater.ip_id = 91;
	rfirst.mf = true;
	rfirst.payload_len = 1472;
	rlater.frag_off = 1480;
	rlater.payload_len = 300;
	stray.ip_id = 78;
	stray.frag_off = 1480;
	stray.payload_len = 100;
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("first fragment opens the flow", &first, &rfirst, 40000, DPLAB_CNT_CT_NEW);
	out = later;
	out.saddr = NODE;
	expect(snat_fd, "later fragment leaves as the node", &later, &out, TC_ACT_UNSPEC,
	       DPLAB_CNT_FRAG);
	in = rlater;
	in.daddr = NODE;
	expect(rev_fd, "later fragment of the reply goes to the pod", &in, &rlater, TC_ACT_UNSPEC,
	       DPLAB_CNT_FRAG);
	expect(snat_fd, "later fragment whose first was not seen: dropped, not leaked", &stray,
	       NULL, TC_ACT_SHOT, DPLAB_CNT_DROP_FRAG_UNKNOWN);
	masq_down();
}
END_TEST

START_TEST(test_icmp_errors_in)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN | PKT_ACK);
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec dgram = spec_udp(POD, 40002, REMOTE, 53);
	struct pkt_spec ping = spec_echo(POD, REMOTE2, 8, 7), pong = spec_echo(REMOTE2, POD, 0, 7);
	struct pkt_spec sent, err_in, err_out;
	uint8_t b1[80], b2[80];
	__u16 port;

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	syn.tcp_flags = PKT_SYN;
	expect_flow("TCP flow", &syn, &synack, 40000, DPLAB_CNT_CT_NEW);
	sent = spec_moved(&syn, false, NODE, 40000);
	sent.df = syn.df = true;
	err_in = pkt_spec_icmp_error(b1, ROUTER, NODE, 3, 4, &sent);
	err_out = pkt_spec_icmp_error(b2, ROUTER, POD, 3, 4, &syn);
	expect(rev_fd, "fragmentation needed from a router reaches the pod", &err_in, &err_out,
	       TC_ACT_UNSPEC, DPLAB_CNT_ICMP_ERROR);

	nat_take_port(IPPROTO_UDP, REMOTE, 53, 40002);
	port = snat_random_port(&dgram);
	ck_assert_uint_ne(port, 40002);
	sent = spec_moved(&dgram, false, NODE, port);
	err_in = pkt_spec_icmp_error(b1, REMOTE, NODE, 3, 3, &sent);
	err_out = pkt_spec_icmp_error(b2, REMOTE, POD, 3, 3, &dgram);
	expect(rev_fd, "port unreachable for a remapped UDP flow reaches the pod, port restored",
	       &err_in, &err_out, TC_ACT_UNSPEC, DPLAB_CNT_ICMP_ERROR);

	expect_flow("ping", &ping, &pong, 7, DPLAB_CNT_CT_NEW);
	sent = spec_moved(&ping, false, NODE, 7);
	err_in = pkt_spec_icmp_error(b1, ROUTER, NODE, 11, 0, &sent);
	err_out = pkt_spec_icmp_error(b2, ROUTER, POD, 11, 0, &ping);
	expect(rev_fd, "time exceeded for a ping reaches the pod", &err_in, &err_out,
	       TC_ACT_UNSPEC, DPLAB_CNT_ICMP_ERROR);
	masq_down();
}
END_TEST

START_TEST(test_icmp_errors_out)
{
	struct pkt_spec dgram = spec_udp(POD, 40001, REMOTE, 53);
	struct pkt_spec answer = spec_udp(REMOTE, 53, POD, 40001), seen;
	struct pkt_spec stray = spec_udp(REMOTE2, 53, POD, 40009);
	struct pkt_spec err, err_out;
	uint8_t b1[80], b2[80];

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("UDP flow", &dgram, &answer, 40001, DPLAB_CNT_CT_NEW);
	/* The pod's socket is gone: it answers the reply with port unreachable. */
	err = pkt_spec_icmp_error(b1, POD, REMOTE, 3, 3, &answer);
	seen = spec_moved(&answer, true, NODE, 40001);
	err_out = pkt_spec_icmp_error(b2, NODE, REMOTE, 3, 3, &seen);
	expect(snat_fd, "a pod's port unreachable leaves as the node, about the node's port",
	       &err, &err_out, TC_ACT_UNSPEC, DPLAB_CNT_ICMP_ERROR);
	err = pkt_spec_icmp_error(b1, POD, REMOTE2, 3, 3, &stray);
	expect(snat_fd, "a pod's ICMP error about no flow: dropped, not leaked", &err, NULL,
	       TC_ACT_SHOT, DPLAB_CNT_DROP_NAT_NO_MAPPING);
	masq_down();
}
END_TEST

START_TEST(test_opened_from_outside)
{
	struct pkt_spec syn = spec_tcp(REMOTE, 40000, POD, 8080, PKT_SYN);
	struct pkt_spec synack = spec_tcp(POD, 8080, REMOTE, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec ack = spec_tcp(POD, 8080, REMOTE, 40000, PKT_ACK);
	/* Another node's address: an XDP NodePort's SNATed flow to a backend here. */
	struct pkt_spec q = spec_udp(REMOTE2, 40000, POD, 5353), a = spec_udp(POD, 5353, REMOTE2, 40000);
	struct pkt_spec ping = spec_echo(REMOTE, POD, 8, 9), pong = spec_echo(POD, REMOTE, 0, 9);

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect(rev_fd, "SYN from outside to a pod", &syn, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_NO_MATCH);
	expect(snat_fd, "the pod's SYN-ACK leaves untouched", &synack, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_INBOUND);
	expect(snat_fd, "and so does the rest of its side", &ack, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_INBOUND);
	expect(rev_fd, "UDP from another node to a pod", &q, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_NO_MATCH);
	expect(snat_fd, "the pod's UDP reply leaves untouched", &a, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_INBOUND);
	expect(rev_fd, "ping from outside to a pod", &ping, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_NO_MATCH);
	expect(snat_fd, "the pod's echo reply leaves untouched", &pong, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_INBOUND);
	masq_down();
}
END_TEST

START_TEST(test_nothing_leaks)
{
	struct pkt_spec ack = spec_tcp(POD, 40005, REMOTE, 80, PKT_ACK), out;
	struct pkt_spec gre = { .saddr = POD, .daddr = REMOTE, .proto = 47, .payload_len = 24 };
	struct pkt_spec pong = spec_echo(POD, REMOTE, 0, 7);

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	/* Its entry evicted or expired: the flow is entered again (Cilium
	 * maps any packet that has no entry). */
	out = spec_moved(&ack, false, NODE, 40005);
	expect(snat_fd, "TCP without SYN and without an entry gets one", &ack, &out,
	       TC_ACT_UNSPEC, DPLAB_CNT_CT_NEW);
	expect(snat_fd, "GRE from a pod has no ports to translate: dropped", &gre, NULL,
	       TC_ACT_SHOT, DPLAB_CNT_DROP_NAT_NO_MAPPING);
	expect(snat_fd, "echo reply from a pod without a request from outside: dropped", &pong,
	       NULL, TC_ACT_SHOT, DPLAB_CNT_DROP_NAT_NO_MAPPING);
	masq_down();
}
END_TEST

START_TEST(test_node_ports_reserved)
{
	struct pkt_spec node_syn = spec_tcp(NODE, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec node_synack = spec_tcp(REMOTE, 80, NODE, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec pod_syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec vxlan = spec_udp(NODE, 40001, REMOTE, 4789);
	__u16 port;

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("the node's own connection from a port of the range keeps it", &node_syn,
		    &node_synack, 40000, DPLAB_CNT_CT_NEW);
	port = snat_random_port(&pod_syn);
	ck_assert_uint_ne(port, 40000);
	ck_assert_int_eq(masq_counter(DPLAB_CNT_NAT_PORT_REMAPPED), 1);
	expect(snat_fd, "the node's VXLAN packets hold no port", &vxlan, NULL, TC_ACT_UNSPEC,
	       DPLAB_CNT_PASS_NO_MATCH);
	masq_down();
}
END_TEST

START_TEST(test_udp_expiry_frees_ports)
{
	struct pkt_spec a = spec_udp(POD, 40000, REMOTE, 53), a_re = spec_udp(REMOTE, 53, POD, 40000);
	struct pkt_spec b = spec_udp(POD2, 40000, REMOTE, 53), b_re = spec_udp(REMOTE, 53, POD2, 40000);
	struct dplab_tuple a_fwd = nat_tuple(IPPROTO_UDP, POD, 40000, REMOTE, 53);
	struct dplab_lb_ct v;

	need_root();
	masq_timeout_udp_ns = 200 * 1000 * 1000;
	masq_up(40000, 40000);
	expect_flow("pod 1 takes the range's one port", &a, &a_re, 40000, DPLAB_CNT_CT_NEW);
	expect(snat_fd, "pod 2 finds it taken", &b, NULL, TC_ACT_SHOT, DPLAB_CNT_DROP_NAT_NO_PORT);
	usleep(300 * 1000);
	expect_flow("after pod 1's flow expired, pod 2 gets the port", &b, &b_re, 40000,
		    DPLAB_CNT_CT_EXPIRED);
	ck_assert_msg(!nat_get(&a_fwd, &v), "the expired flow's forward entry is still there");
	ck_assert_int_eq(nat_entries(), 2);
	masq_down();
}
END_TEST

START_TEST(test_half_close_outlives_close_timeout)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec synack = spec_tcp(REMOTE, 80, POD, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec fin = spec_tcp(POD, 40000, REMOTE, 80, PKT_FIN | PKT_ACK);
	struct pkt_spec data = spec_tcp(REMOTE, 80, POD, 40000, PKT_ACK | PKT_PSH);
	struct pkt_spec ack = spec_tcp(POD, 40000, REMOTE, 80, PKT_ACK), out, in;

	need_root();
	masq_timeout_close_ns = 100 * 1000 * 1000;
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	expect_flow("TCP connection", &syn, &synack, 40000, DPLAB_CNT_CT_NEW);
	out = spec_moved(&fin, false, NODE, 40000);
	expect(snat_fd, "the pod shuts its side", &fin, &out, TC_ACT_UNSPEC, DPLAB_CNT_CT_HIT);
	usleep(250 * 1000);
	data.payload_len = 200;
	in = spec_moved(&data, true, NODE, 40000);
	expect(rev_fd, "past the close timeout the remote's data still reaches the pod", &in,
	       &data, TC_ACT_UNSPEC, DPLAB_CNT_REV_NAT);
	out = spec_moved(&ack, false, NODE, 40000);
	expect(snat_fd, "and the pod's ACK still leaves as the node", &ack, &out, TC_ACT_UNSPEC,
	       DPLAB_CNT_CT_HIT);
	masq_down();
}
END_TEST

TCase *masq_packets_tcase(void)
{
	TCase *tc = tcase_create("packets");

	tcase_add_test(tc, test_ip_options_translated);
	tcase_add_test(tc, test_fragments_translated);
	tcase_add_test(tc, test_icmp_errors_in);
	tcase_add_test(tc, test_icmp_errors_out);
	tcase_add_test(tc, test_opened_from_outside);
	tcase_add_test(tc, test_nothing_leaks);
	tcase_add_test(tc, test_node_ports_reserved);
	tcase_add_test(tc, test_udp_expiry_frees_ports);
	tcase_add_test(tc, test_half_close_outlives_close_timeout);
	return tc;
}
