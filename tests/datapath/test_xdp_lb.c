// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP NodePort LB (datapath/xdp_lb.bpf.c): packet fixtures through
 * BPF_PROG_TEST_RUN in the fixture node of lib/xdp_lb_env.h, and attach in
 * native and generic mode.  The flows' reverse entries, SNAT ports and
 * what cannot be forwarded: test_xdp_lb_flows.c.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/testlib.h"
#include "lib/xdp_lb_env.h"
#include "lib/xdp_modes.h"

START_TEST(test_tcp_local_backend)
{
	struct pkt_spec syn = to_nodeport(CLIENT, 40000, IPPROTO_TCP, NP_LOCAL, PKT_SYN);
	struct pkt_spec syn_out = dnat(syn, LOCAL_BE, 8080, false);
	struct pkt_spec reply = from_backend(LOCAL_BE, 8080, CLIENT, 40000, IPPROTO_TCP,
					     PKT_SYN | PKT_ACK);
	struct pkt_spec reply_out = rev_nat(reply, CLIENT, NP_LOCAL, false);
	struct pkt_spec other = from_backend(NODE_IP, 22, CLIENT, 5555, IPPROTO_TCP, PKT_ACK);
	struct fixture xdp[] = {
		{ .desc = "xdp_lb: TCP SYN to a NodePort with a local backend is DNATed and passed",
		  .in_spec = &syn, .out_spec = &syn_out, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
	};
	struct fixture tc[] = {
		{ .desc = "xdp_lb: the local backend's reply leaves from node_ip:NodePort (tc egress)",
		  .in_spec = &reply, .out_spec = &reply_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: other traffic leaving the uplink is untouched (tc egress)",
		  .in_spec = &other, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, xdp, FX_N(xdp));
	fixture_run_n(bpf_program__fd(skel->progs.tc_nodeport_rev), tc, FX_N(tc));
	ck_assert_int_eq(lb_counter(skel, DPLAB_CNT_TX), 0);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_tcp_remote_backend)
{
	struct pkt_spec syn = to_nodeport(CLIENT, 40001, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec synack = from_backend(REMOTE_BE, 8080, NODE_IP, 40001, IPPROTO_TCP,
					      PKT_SYN | PKT_ACK);
	struct pkt_spec ack = to_nodeport(CLIENT, 40001, IPPROTO_TCP, NP_REMOTE, PKT_ACK);
	struct pkt_spec fin = to_nodeport(CLIENT, 40001, IPPROTO_TCP, NP_REMOTE,
					  PKT_FIN | PKT_ACK);
	struct pkt_spec syn_out = dnat(syn, REMOTE_BE, 8080, true);
	struct pkt_spec synack_out = rev_nat(synack, CLIENT, NP_REMOTE, true);
	struct pkt_spec ack_out = dnat(ack, REMOTE_BE, 8080, true);
	struct pkt_spec fin_out = dnat(fin, REMOTE_BE, 8080, true);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: TCP SYN to a NodePort with a remote backend: DNAT, SNAT, XDP_TX",
		  .in_spec = &syn, .out_spec = &syn_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: the remote backend's SYN-ACK goes to the client from the NodePort",
		  .in_spec = &synack, .out_spec = &synack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: the client's ACK reuses the flow's CT entry",
		  .in_spec = &ack, .out_spec = &ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
		{ .desc = "xdp_lb: the client's FIN is translated and half-closes the flow",
		  .in_spec = &fin, .out_spec = &fin_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, fx, FX_N(fx));
	ck_assert_int_eq(lb_counter(skel, DPLAB_CNT_CT_NEW), 2);	/* forward + reverse */
	ck_assert_int_eq(lb_counter(skel, DPLAB_CNT_TX), 4);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_ct_keeps_backend)
{
	struct dplab_backend_key slot0 = { .svc_id = 4, .slot = 0 };
	struct dplab_backend be2 = { .addr = CT_BE2, .port = htons(80) };
	struct pkt_spec syn = to_nodeport(CLIENT, 41000, IPPROTO_TCP, NP_CT, PKT_SYN);
	struct pkt_spec ack = to_nodeport(CLIENT, 41000, IPPROTO_TCP, NP_CT, PKT_ACK);
	struct pkt_spec rst = to_nodeport(CLIENT, 41000, IPPROTO_TCP, NP_CT, PKT_RST);
	struct pkt_spec syn2 = to_nodeport(CLIENT, 41001, IPPROTO_TCP, NP_CT, PKT_SYN);
	struct pkt_spec syn_out = dnat(syn, CT_BE1, 80, true);
	struct pkt_spec ack_out = dnat(ack, CT_BE1, 80, true);
	struct pkt_spec rst_out = dnat(rst, CT_BE1, 80, true);
	struct pkt_spec syn_again_out = dnat(syn, CT_BE2, 80, true);
	struct pkt_spec syn2_out = dnat(syn2, CT_BE2, 80, true);
	struct fixture first = {
		.desc = "xdp_lb: SYN of a flow goes to the service's backend 1",
		.in_spec = &syn, .out_spec = &syn_out, .expect_verdict = XDP_TX,
	};
	struct fixture then[] = {
		{ .desc = "xdp_lb: backend 1 replaced by 2, the flow's next packet keeps 1 (CT)",
		  .in_spec = &ack, .out_spec = &ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
		{ .desc = "xdp_lb: a new flow goes to the new backend 2",
		  .in_spec = &syn2, .out_spec = &syn2_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: RST closes the first flow, still towards backend 1",
		  .in_spec = &rst, .out_spec = &rst_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_CLOSED) },
		{ .desc = "xdp_lb: a SYN on the closed flow's tuple picks the backend anew (2)",
		  .in_spec = &syn, .out_spec = &syn_again_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, &first, 1);
	ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.backends), &slot0, &be2, 0), 0);
	lb_run(skel, then, FX_N(then));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_udp)
{
	struct pkt_spec q = to_nodeport(CLIENT, 45353, IPPROTO_UDP, NP_UDP, 0);
	struct pkt_spec q0 = { .saddr = CLIENT, .daddr = NODE_IP, .proto = IPPROTO_UDP,
			       .sport = 45354, .dport = NP_UDP, .udp_no_csum = true };
	struct pkt_spec a = from_backend(UDP_BE, 53, NODE_IP, 45353, IPPROTO_UDP, 0);
	struct pkt_spec q_out = dnat(q, UDP_BE, 53, true);
	struct pkt_spec q0_out = dnat(q0, UDP_BE, 53, true);
	struct pkt_spec a_out = rev_nat(a, CLIENT, NP_UDP, true);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: UDP to a NodePort with a remote backend: DNAT, SNAT, XDP_TX",
		  .in_spec = &q, .out_spec = &q_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: UDP without checksum (0) is translated and keeps checksum 0",
		  .in_spec = &q0, .out_spec = &q0_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "xdp_lb: the UDP backend's answer goes to the client from the NodePort",
		  .in_spec = &a, .out_spec = &a_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: the next UDP datagram of the flow hits its CT entry",
		  .in_spec = &q, .out_spec = &q_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, fx, FX_N(fx));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_options_and_fragments)
{
	struct pkt_spec opts = to_nodeport(CLIENT, 40021, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec first = to_nodeport(CLIENT, 40022, IPPROTO_UDP, NP_UDP, 0), later, stray;
	struct pkt_spec opts_out, first_out, later_out;
	struct xdp_lb_bpf *skel;

	opts.ip_opt_len = 8;
	first.ip_id = 9;
	first.mf = true;
	first.payload_len = 1472;
	later = first;
	later.mf = false;
	later.frag_off = 1480;
	later.payload_len = 500;
	stray = later;
	stray.ip_id = 10;
	opts_out = dnat(opts, REMOTE_BE, 8080, true);
	first_out = dnat(first, UDP_BE, 53, true);
	later_out = dnat(later, UDP_BE, 53, true);	/* no ports: addresses only */
	struct fixture fx[] = {
		{ .desc = "xdp_lb: SYN with IP options to a remote backend is translated",
		  .in_spec = &opts, .out_spec = &opts_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: first fragment of a UDP datagram to a NodePort is translated",
		  .in_spec = &first, .out_spec = &first_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: its later fragment follows it to the same backend",
		  .in_spec = &later, .out_spec = &later_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_FRAG) },
		{ .desc = "xdp_lb: a later fragment whose first was not seen goes to the stack",
		  .in_spec = &stray, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_FRAGMENT) },
	};

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, fx, FX_N(fx));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_icmp_errors)
{
	struct pkt_spec syn = to_nodeport(CLIENT, 40023, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec syn_out = dnat(syn, REMOTE_BE, 8080, true);
	struct pkt_spec synack = from_backend(REMOTE_BE, 8080, NODE_IP, 40023, IPPROTO_TCP,
					      PKT_SYN | PKT_ACK);
	struct pkt_spec synack_out = rev_nat(synack, CLIENT, NP_REMOTE, true);
	struct pkt_spec stray = rev_nat_to(synack, CLIENT, 40024, NP_REMOTE);
	struct pkt_spec mtu, mtu_out, unreach, unreach_out, none, elsewhere;
	uint8_t b[6][80];
	struct xdp_lb_bpf *skel;

	mtu = pkt_spec_icmp_error(b[0], REMOTE_BE, NODE_IP, 3, 4, &syn_out);
	mtu_out = hairpinned(pkt_spec_icmp_error(b[1], NODE_IP, CLIENT, 3, 4, &syn), NULL);
	unreach = pkt_spec_icmp_error(b[2], CLIENT, NODE_IP, 3, 3, &synack_out);
	unreach_out = hairpinned(pkt_spec_icmp_error(b[3], NODE_IP, REMOTE_BE, 3, 3, &synack),
				 NULL);
	none = pkt_spec_icmp_error(b[4], CLIENT, NODE_IP, 3, 3, &stray);
	elsewhere = pkt_spec_icmp_error(b[5], CLIENT, NODE_IP, 3, 3, &syn);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: SYN to a remote backend", .in_spec = &syn, .out_spec = &syn_out,
		  .expect_verdict = XDP_TX, .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: the backend's frag-needed reaches the client, about its own SYN",
		  .in_spec = &mtu, .out_spec = &mtu_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_ICMP_ERROR) },
		{ .desc = "xdp_lb: the client's port unreachable reaches the backend, about its reply",
		  .in_spec = &unreach, .out_spec = &unreach_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_ICMP_ERROR) },
		{ .desc = "xdp_lb: an ICMP error about no flow opens none: to the stack",
		  .in_spec = &none, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		/* about the client's SYN, yet sent to the node: the kernel's conntrack
		 * calls it INVALID ("outer daddr != inner") and NATs nothing */
		{ .desc = "xdp_lb: an error not sent to its quoted packet's source: to the stack",
		  .in_spec = &elsewhere, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_ICMP_UNRELATED) },
	};

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, fx, FX_N(fx));
	ck_assert_int_eq(lb_counter(skel, DPLAB_CNT_CT_NEW), 2);	/* the SYN's two entries */
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_untouched_and_dropped)
{
	struct pkt_spec ping = { .saddr = CLIENT, .daddr = NODE_IP, .proto = IPPROTO_ICMP,
				 .icmp_type = 8, .icmp_id = 7, .icmp_seq = 1 };
	struct pkt_spec ssh = to_nodeport(CLIENT, 40002, IPPROTO_TCP, 22, PKT_SYN);
	struct pkt_spec elsewhere = to_nodeport(CLIENT, 40003, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec empty = to_nodeport(CLIENT, 40004, IPPROTO_TCP, NP_EMPTY, PKT_SYN);
	struct pkt_spec cut = to_nodeport(CLIENT, 40005, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec later = to_nodeport(CLIENT, 0, IPPROTO_UDP, 0, 0);
	struct pkt_spec v6 = { .ethertype = 0x86dd, .payload_len = 60 };
	struct pkt_spec gre = { .saddr = CLIENT, .daddr = NODE_IP, .proto = 47, .payload_len = 24 };
	struct fixture fx[] = {
		{ .desc = "xdp_lb: ICMP echo to the node (no port, no NodePort) goes to the stack",
		  .in_spec = &ping, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		{ .desc = "xdp_lb: TCP to a node port that is no NodePort goes to the stack",
		  .in_spec = &ssh, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		{ .desc = "xdp_lb: NodePort traffic to another address is not ours",
		  .in_spec = &elsewhere, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		{ .desc = "xdp_lb: NodePort service without backends drops",
		  .in_spec = &empty, .expect_verdict = XDP_DROP,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_NO_BACKEND) },
		{ .desc = "xdp_lb: truncated TCP header drops",
		  .in_spec = &cut, .expect_verdict = XDP_DROP,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
		{ .desc = "xdp_lb: a later fragment whose first was not seen goes to the stack",
		  .in_spec = &later, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_FRAGMENT) },
		{ .desc = "xdp_lb: IPv6 passes untouched",
		  .in_spec = &v6, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NOT_IPV4) },
		{ .desc = "xdp_lb: GRE to the node passes untouched",
		  .in_spec = &gre, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_UNKNOWN_PROTO) },
	};
	struct xdp_lb_bpf *skel;

	elsewhere.daddr = IP4(192, 168, 1, 11);
	cut.truncate_to = 14 + 20 + 12;
	later.frag_off = 1480;
	later.payload_len = 64;
	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, fx, FX_N(fx));
	ck_assert_int_eq(lb_counter(skel, DPLAB_CNT_CT_NEW), 0);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_attach_native_and_generic)
{
	struct xdp_lb_bpf *skel;
	char err[512];

	need_root();
	skel = lb_load(0, 0);
	ck_assert_msg(xdp_modes_try(bpf_program__fd(skel->progs.xdp_nodeport_lb),
				    "xdp_nodeport_lb", err, sizeof(err)), "%s", err);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

static Suite *xdp_lb_suite(void)
{
	Suite *s = suite_create("xdp_lb");
	TCase *fx = tcase_create("fixtures"), *attach = tcase_create("attach");

	tcase_add_unchecked_fixture(fx, lb_node_up, lb_node_down);
	tcase_add_test(fx, test_tcp_local_backend);
	tcase_add_test(fx, test_tcp_remote_backend);
	tcase_add_test(fx, test_ct_keeps_backend);
	tcase_add_test(fx, test_udp);
	tcase_add_test(fx, test_untouched_and_dropped);
	tcase_add_test(fx, test_options_and_fragments);
	tcase_add_test(fx, test_icmp_errors);
	xdp_lb_flows_add(fx);
	tcase_set_timeout(attach, 30);
	tcase_add_test(attach, test_attach_native_and_generic);
	suite_add_tcase(s, fx);
	suite_add_tcase(s, attach);
	return s;
}

TEST_SUITE(xdp_lb_suite)
