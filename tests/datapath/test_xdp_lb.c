// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP NodePort LB (datapath/xdp_lb.bpf.c): packet fixtures through
 * BPF_PROG_TEST_RUN, and attach in native and generic mode.  Clients and
 * remote backends sit behind the router (ROUTER_MAC) the uplink's frames
 * come from; the node's uplink is NODE_MAC, its address NODE_IP.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "dplab/lb.h"
#include "dplab/xdp_lb.h"
#include "xdp_lb.skel.h"
#include "lib/fixture.h"
#include "lib/pkt.h"
#include "lib/testlib.h"
#include "lib/xdp_modes.h"

#define NODE_IP IP4(192, 168, 1, 10)
#define CLIENT IP4(203, 0, 113, 5)
#define CLIENT2 IP4(198, 51, 100, 9)
#define LOCAL_BE IP4(10, 0, 1, 5)
#define REMOTE_BE IP4(10, 0, 2, 7)
#define UDP_BE IP4(10, 0, 2, 8)
#define CT_BE1 IP4(10, 0, 3, 1)
#define CT_BE2 IP4(10, 0, 3, 2)

/* NodePorts: local backend, remote backend, UDP, CT test, no backend. */
#define NP_LOCAL 30080
#define NP_REMOTE 30081
#define NP_UDP 30053
#define NP_CT 30090
#define NP_EMPTY 30099

static const __u8 router_mac[6] = PKT_MAC_SRC, node_mac[6] = PKT_MAC_DST;
static const __u8 gateway_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };

static void add_service(struct xdp_lb_bpf *skel, __u16 nodeport, __u8 proto, __u32 id,
			__be32 be_addr, __u16 be_port, __u16 be_flags, __u16 count)
{
	struct dplab_svc_key key = { .vip = NODE_IP, .port = htons(nodeport), .proto = proto };
	struct dplab_svc svc = { .id = id, .count = count };
	struct dplab_backend_key bkey = { .svc_id = id, .slot = 0 };
	struct dplab_backend be = { .addr = be_addr, .port = htons(be_port), .flags = be_flags };

	ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.services), &key, &svc, 0), 0);
	if (count)
		ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.backends), &bkey,
						     &be, 0), 0);
}

/* Opened, rodata and map sizes set as the loader does, loaded, services in. */
static struct xdp_lb_bpf *lb_load(__u64 snat_idle_ns, const __u8 *next_hop)
{
	struct xdp_lb_bpf *skel = xdp_lb_bpf__open();

	ck_assert_msg(skel, "xdp_lb.bpf.o: open: %s", strerror(errno));
	skel->rodata->node_ip = NODE_IP;
	if (snat_idle_ns)
		skel->rodata->snat_idle_ns = snat_idle_ns;
	if (next_hop)
		memcpy((void *)skel->rodata->next_hop_mac, next_hop, 6);
	ck_assert_int_eq(bpf_map__set_max_entries(skel->maps.lb_ct, 1024), 0);
	ck_assert_int_eq(bpf_map__set_max_entries(skel->maps.lb_rev, 1024), 0);
	ck_assert_msg(!xdp_lb_bpf__load(skel), "xdp_lb.bpf.o: load (verifier): %s",
		      strerror(errno));
	add_service(skel, NP_LOCAL, IPPROTO_TCP, 1, LOCAL_BE, 8080, DPLAB_BACKEND_LOCAL, 1);
	add_service(skel, NP_REMOTE, IPPROTO_TCP, 2, REMOTE_BE, 8080, 0, 1);
	add_service(skel, NP_UDP, IPPROTO_UDP, 3, UDP_BE, 53, 0, 1);
	add_service(skel, NP_CT, IPPROTO_TCP, 4, CT_BE1, 80, 0, 1);
	add_service(skel, NP_EMPTY, IPPROTO_TCP, 5, 0, 0, 0, 0);
	return skel;
}

static __u64 counter(struct xdp_lb_bpf *skel, enum dplab_counter c)
{
	return counter_sum(bpf_map__fd(skel->maps.counters), c);
}

/* Client -> NODE_IP:nodeport, from the router. */
static struct pkt_spec to_nodeport(__be32 client, __u16 sport, __u8 proto, __u16 nodeport,
				   __u8 tcp_flags)
{
	struct pkt_spec s = { .saddr = client, .daddr = NODE_IP, .proto = proto, .sport = sport,
			      .dport = nodeport, .tcp_flags = tcp_flags, .seq = 1000 };

	return s;
}

/* A backend's reply be:port -> dst:dport (from the router when remote). */
static struct pkt_spec from_backend(__be32 be, __u16 port, __be32 dst, __u16 dport,
				    __u8 proto, __u8 tcp_flags)
{
	struct pkt_spec s = { .saddr = be, .daddr = dst, .proto = proto, .sport = port,
			      .dport = dport, .tcp_flags = tcp_flags, .seq = 9, .ack = 1001,
			      .payload_len = 32 };

	return s;
}

/* Sent back out of the uplink: to the router, or to next_hop. */
static struct pkt_spec hairpinned(struct pkt_spec s, const __u8 *next_hop)
{
	memcpy(s.eth_src, node_mac, 6);
	memcpy(s.eth_dst, next_hop ? next_hop : router_mac, 6);
	return s;
}

/* DNATed to be:port, and SNATed to NODE_IP (hairpinned) when remote. */
static struct pkt_spec dnat(struct pkt_spec s, __be32 be, __u16 port, bool remote)
{
	s.daddr = be;
	s.dport = port;
	if (!remote)
		return s;
	s.saddr = NODE_IP;
	return hairpinned(s, NULL);
}

/* A reply as the client must see it: from NODE_IP:nodeport, to client. */
static struct pkt_spec rev_nat(struct pkt_spec s, __be32 client, __u16 nodeport, bool remote)
{
	s.saddr = NODE_IP;
	s.sport = nodeport;
	s.daddr = client;
	return remote ? hairpinned(s, NULL) : s;
}

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

	need_root();
	skel = lb_load(0, NULL);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), xdp, FX_N(xdp));
	fixture_run_n(bpf_program__fd(skel->progs.tc_nodeport_rev), tc, FX_N(tc));
	ck_assert_int_eq(counter(skel, DPLAB_CNT_TX), 0);
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

	need_root();
	skel = lb_load(0, NULL);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), fx, FX_N(fx));
	ck_assert_int_eq(counter(skel, DPLAB_CNT_CT_NEW), 2);	/* forward + reverse */
	ck_assert_int_eq(counter(skel, DPLAB_CNT_TX), 4);
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
	int prog;

	need_root();
	skel = lb_load(0, NULL);
	prog = bpf_program__fd(skel->progs.xdp_nodeport_lb);
	fixture_run(prog, &first);
	ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.backends), &slot0, &be2, 0), 0);
	fixture_run_n(prog, then, FX_N(then));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_udp)
{
	struct pkt_spec q = to_nodeport(CLIENT, 5353, IPPROTO_UDP, NP_UDP, 0);
	struct pkt_spec q0 = { .saddr = CLIENT, .daddr = NODE_IP, .proto = IPPROTO_UDP,
			       .sport = 5354, .dport = NP_UDP, .udp_no_csum = true };
	struct pkt_spec a = from_backend(UDP_BE, 53, NODE_IP, 5353, IPPROTO_UDP, 0);
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

	need_root();
	skel = lb_load(0, NULL);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), fx, FX_N(fx));
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
	need_root();
	skel = lb_load(0, NULL);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), fx, FX_N(fx));
	ck_assert_int_eq(counter(skel, DPLAB_CNT_CT_NEW), 0);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_snat_tuple_collision)
{
	struct pkt_spec a = to_nodeport(CLIENT, 40010, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec b = to_nodeport(CLIENT2, 40010, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec a_out = dnat(a, REMOTE_BE, 8080, true);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: client A's flow, its source port kept by SNAT",
		  .in_spec = &a, .out_spec = &a_out, .expect_verdict = XDP_TX },
		{ .desc = "xdp_lb: client B with the same port to the same backend is dropped",
		  .in_spec = &b, .expect_verdict = XDP_DROP,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_NAT_NO_PORT) },
		{ .desc = "xdp_lb: client A's flow still works after B's attempt",
		  .in_spec = &a, .out_spec = &a_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
	};
	struct xdp_lb_bpf *skel;

	need_root();
	skel = lb_load(0, NULL);
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), fx, FX_N(fx));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_snat_idle_tuple_reused_next_hop)
{
	struct dplab_tuple a_key = { .saddr = CLIENT, .daddr = NODE_IP, .sport = htons(40020),
				     .dport = htons(NP_REMOTE), .proto = IPPROTO_TCP };
	struct pkt_spec a = to_nodeport(CLIENT, 40020, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec b = to_nodeport(CLIENT2, 40020, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec reply = from_backend(REMOTE_BE, 8080, NODE_IP, 40020, IPPROTO_TCP,
					     PKT_SYN | PKT_ACK);
	struct pkt_spec a_out = hairpinned(dnat(a, REMOTE_BE, 8080, true), gateway_mac);
	struct pkt_spec b_out = hairpinned(dnat(b, REMOTE_BE, 8080, true), gateway_mac);
	struct pkt_spec reply_out = hairpinned(rev_nat(reply, CLIENT2, NP_REMOTE, true),
					       gateway_mac);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: with next_hop_mac set, the hairpin goes to it",
		  .in_spec = &a, .out_spec = &a_out, .expect_verdict = XDP_TX },
		{ .desc = "xdp_lb: an idle flow's SNAT tuple is taken over by a new client",
		  .in_spec = &b, .out_spec = &b_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: the reply then goes to the new client",
		  .in_spec = &reply, .out_spec = &reply_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	struct dplab_lb_ct e;
	struct xdp_lb_bpf *skel;

	need_root();
	skel = lb_load(1, gateway_mac);	/* every flow is idle after 1 ns */
	fixture_run_n(bpf_program__fd(skel->progs.xdp_nodeport_lb), fx, FX_N(fx));
	ck_assert_msg(bpf_map_lookup_elem(bpf_map__fd(skel->maps.lb_ct), &a_key, &e) &&
		      errno == ENOENT, "the old client's forward entry should be gone");
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_attach_native_and_generic)
{
	struct xdp_lb_bpf *skel;
	char err[512];

	need_root();
	skel = lb_load(0, NULL);
	ck_assert_msg(xdp_modes_try(bpf_program__fd(skel->progs.xdp_nodeport_lb),
				    "xdp_nodeport_lb", err, sizeof(err)), "%s", err);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

static Suite *xdp_lb_suite(void)
{
	Suite *s = suite_create("xdp_lb");
	TCase *fx = tcase_create("fixtures"), *attach = tcase_create("attach");

	tcase_add_test(fx, test_tcp_local_backend);
	tcase_add_test(fx, test_tcp_remote_backend);
	tcase_add_test(fx, test_ct_keeps_backend);
	tcase_add_test(fx, test_udp);
	tcase_add_test(fx, test_untouched_and_dropped);
	tcase_add_test(fx, test_snat_tuple_collision);
	tcase_add_test(fx, test_snat_idle_tuple_reused_next_hop);
	tcase_set_timeout(attach, 30);
	tcase_add_test(attach, test_attach_native_and_generic);
	suite_add_tcase(s, fx);
	suite_add_tcase(s, attach);
	return s;
}

TEST_SUITE(xdp_lb_suite)
