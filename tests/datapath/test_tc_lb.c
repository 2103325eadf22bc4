// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tc service LB (datapath/tc_lb.bpf.c): packet fixtures through
 * BPF_PROG_TEST_RUN.  A pod (CLIENT) on this node talks to ClusterIP
 * services; tc_lb_dnat DNATs at the pod's host-side veth ingress and
 * tc_lb_rev_nat restores the VIP in replies at its egress.
 */
#include <string.h>
#include <arpa/inet.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "dplab/lb.h"
#include "tc_lb.skel.h"
#include "lib/fixture.h"
#include "lib/pkt.h"
#include "lib/testlib.h"

#define CLIENT IP4(10, 244, 1, 5)
#define VIP IP4(10, 96, 0, 10)
#define VIP_EMPTY IP4(10, 96, 0, 11)
#define VIP_TWO IP4(10, 96, 0, 12)
#define BACKEND IP4(10, 244, 2, 7)
#define BACKEND_B IP4(10, 244, 1, 9)
#define OTHER IP4(10, 244, 2, 100)

static void add_service(struct tc_lb_bpf *skel, __be32 vip, __u16 port, __u8 proto,
			__u32 id, const __be32 *be_addrs, __u16 be_port, __u16 count)
{
	struct dplab_svc_key key = { .vip = vip, .port = htons(port), .proto = proto };
	struct dplab_svc svc = { .id = id, .count = count };
	__u16 i;

	for (i = 0; i < count; i++) {
		struct dplab_backend_key bkey = { .svc_id = id, .slot = i };
		struct dplab_backend be = { .addr = be_addrs[i], .port = htons(be_port) };

		ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.backends),
						     &bkey, &be, 0), 0);
	}
	ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(skel->maps.services), &key, &svc, 0), 0);
}

/* Services: TCP/80, UDP/53 and ICMP on VIP (one backend each), an empty one. */
static struct tc_lb_bpf *lb_open(void)
{
	static const __be32 one[] = { BACKEND };
	struct tc_lb_bpf *skel = tc_lb_bpf__open_and_load();

	ck_assert_msg(skel, "tc_lb.bpf.o does not load");
	add_service(skel, VIP, 80, IPPROTO_TCP, 1, one, 8080, 1);
	add_service(skel, VIP, 53, IPPROTO_UDP, 2, one, 5353, 1);
	add_service(skel, VIP, 0, IPPROTO_ICMP, 3, one, 0, 1);
	add_service(skel, VIP_EMPTY, 80, IPPROTO_TCP, 4, NULL, 0, 0);
	return skel;
}

#define FROM_POD(s) bpf_program__fd((s)->progs.tc_lb_dnat)
#define TO_POD(s) bpf_program__fd((s)->progs.tc_lb_rev_nat)

START_TEST(test_tcp_flow_dnat_and_reverse)
{
	struct pkt_spec syn = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_TCP,
				.sport = 40000, .dport = 80, .tcp_flags = PKT_SYN, .seq = 1 };
	struct pkt_spec syn_out = syn, ack = syn, ack_out, synack, synack_out;
	struct tc_lb_bpf *skel;

	need_root();
	skel = lb_open();
	syn_out.daddr = BACKEND;
	syn_out.dport = 8080;
	ack.tcp_flags = PKT_ACK;
	ack.seq = 2;
	ack.payload_len = 100;
	ack_out = ack;
	ack_out.daddr = BACKEND;
	ack_out.dport = 8080;
	synack = (struct pkt_spec){ .saddr = BACKEND, .daddr = CLIENT, .proto = IPPROTO_TCP,
				    .sport = 8080, .dport = 40000,
				    .tcp_flags = PKT_SYN | PKT_ACK, .seq = 9, .ack = 2 };
	synack_out = synack;
	synack_out.saddr = VIP;
	synack_out.sport = 80;

	struct fixture fwd[] = {
		{ .desc = "tc_lb: TCP SYN to VIP:80 is DNATed to the backend",
		  .in_spec = &syn, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &syn_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_lb: the flow's next packet reuses its CT entry",
		  .in_spec = &ack, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &ack_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
	};
	struct fixture rev[] = {
		{ .desc = "tc_lb: the backend's SYN-ACK comes back from VIP:80",
		  .in_spec = &synack, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &synack_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	fixture_run_n(FROM_POD(skel), fwd, FX_N(fwd));
	fixture_run_n(TO_POD(skel), rev, FX_N(rev));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_udp_and_zero_checksum)
{
	struct pkt_spec q = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_UDP,
			      .sport = 33333, .dport = 53, .payload_len = 40 };
	struct pkt_spec q_out = q, nocsum, nocsum_out, reply, reply_out;
	struct tc_lb_bpf *skel;

	need_root();
	skel = lb_open();
	q_out.daddr = BACKEND;
	q_out.dport = 5353;
	nocsum = q;
	nocsum.sport = 33334;
	nocsum.udp_no_csum = true;
	nocsum_out = nocsum;
	nocsum_out.daddr = BACKEND;
	nocsum_out.dport = 5353;
	reply = (struct pkt_spec){ .saddr = BACKEND, .daddr = CLIENT, .proto = IPPROTO_UDP,
				   .sport = 5353, .dport = 33333, .payload_len = 60 };
	reply_out = reply;
	reply_out.saddr = VIP;
	reply_out.sport = 53;

	struct fixture fwd[] = {
		{ .desc = "tc_lb: UDP to VIP:53 is DNATed to backend:5353",
		  .in_spec = &q, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &q_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_lb: UDP without checksum keeps checksum 0",
		  .in_spec = &nocsum, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &nocsum_out },
	};
	struct fixture rev[] = {
		{ .desc = "tc_lb: the UDP reply comes back from VIP:53",
		  .in_spec = &reply, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &reply_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	fixture_run_n(FROM_POD(skel), fwd, FX_N(fwd));
	fixture_run_n(TO_POD(skel), rev, FX_N(rev));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_icmp_echo)
{
	struct pkt_spec req = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_ICMP,
				.icmp_type = 8, .icmp_id = 77, .icmp_seq = 1, .payload_len = 56 };
	struct pkt_spec req_out = req, rep, rep_out;
	struct tc_lb_bpf *skel;

	need_root();
	skel = lb_open();
	req_out.daddr = BACKEND;
	rep = (struct pkt_spec){ .saddr = BACKEND, .daddr = CLIENT, .proto = IPPROTO_ICMP,
				 .icmp_type = 0, .icmp_id = 77, .icmp_seq = 1, .payload_len = 56 };
	rep_out = rep;
	rep_out.saddr = VIP;

	struct fixture fwd[] = {
		{ .desc = "tc_lb: ICMP echo to the VIP goes to the backend, id kept",
		  .in_spec = &req, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &req_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
	};
	struct fixture rev[] = {
		{ .desc = "tc_lb: the echo reply comes back from the VIP",
		  .in_spec = &rep, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &rep_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	fixture_run_n(FROM_POD(skel), fwd, FX_N(fwd));
	fixture_run_n(TO_POD(skel), rev, FX_N(rev));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_no_match_and_empty_service)
{
	struct pkt_spec empty = { .saddr = CLIENT, .daddr = VIP_EMPTY, .proto = IPPROTO_TCP,
				  .sport = 40001, .dport = 80, .tcp_flags = PKT_SYN };
	struct pkt_spec other = { .saddr = CLIENT, .daddr = OTHER, .proto = IPPROTO_TCP,
				  .sport = 40002, .dport = 80, .tcp_flags = PKT_SYN };
	struct pkt_spec wrong_port = other, stray_reply;
	struct tc_lb_bpf *skel;

	need_root();
	skel = lb_open();
	wrong_port.daddr = VIP;
	wrong_port.dport = 81;
	stray_reply = (struct pkt_spec){ .saddr = OTHER, .daddr = CLIENT, .proto = IPPROTO_UDP,
					 .sport = 53, .dport = 5000 };

	struct fixture fwd[] = {
		{ .desc = "tc_lb: a service without backends drops",
		  .in_spec = &empty, .expect_verdict = TC_ACT_SHOT,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_NO_BACKEND) },
		{ .desc = "tc_lb: traffic to a pod address passes untouched",
		  .in_spec = &other, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
		{ .desc = "tc_lb: the VIP on a port without service passes untouched",
		  .in_spec = &wrong_port, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
	};
	struct fixture rev[] = {
		{ .desc = "tc_lb: a reply without CT entry passes untouched",
		  .in_spec = &stray_reply, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
	};
	fixture_run_n(FROM_POD(skel), fwd, FX_N(fwd));
	fixture_run_n(TO_POD(skel), rev, FX_N(rev));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_malformed_untouched_or_dropped)
{
	struct pkt_spec base = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_TCP,
				 .sport = 40003, .dport = 80, .tcp_flags = PKT_SYN };
	struct pkt_spec truncated = base, ipv6 = base, gre = base;
	struct tc_lb_bpf *skel;

	need_root();
	skel = lb_open();
	truncated.truncate_to = 14 + 20 + 10;
	ipv6.ethertype = 0x86dd;
	ipv6.payload_len = 40;
	gre.proto = 47;
	gre.payload_len = 24;

	struct fixture fx[] = {
		{ .desc = "tc_lb: truncated TCP header to the VIP is dropped",
		  .in_spec = &truncated, .expect_verdict = TC_ACT_SHOT,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
		{ .desc = "tc_lb: non-IPv4 passes untouched",
		  .in_spec = &ipv6, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NOT_IPV4) },
		{ .desc = "tc_lb: an unknown protocol to the VIP passes untouched",
		  .in_spec = &gre, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_UNKNOWN_PROTO) },
	};
	fixture_run_n(FROM_POD(skel), fx, FX_N(fx));
	tc_lb_bpf__destroy(skel);
}
END_TEST

/* in with its destination (dst) or source moved to addr:port. */
static struct pkt_spec moved(struct pkt_spec in, bool dst, __be32 addr, __u16 port)
{
	if (dst) {
		in.daddr = addr;
		in.dport = port;
	} else {
		in.saddr = addr;
		in.sport = port;
	}
	return in;
}

/*
 * The NodePort instance (tc_nodeport) is told the node's address, the one
 * address of all its services: packets to any other pass without a lookup,
 * even one a service entry would match (a ClusterIP is the other instance's).
 */
START_TEST(test_nodeport_instance_only_node_address)
{
	static const __be32 one[] = { BACKEND };
	struct pkt_spec np = { .saddr = CLIENT, .daddr = OTHER, .proto = IPPROTO_TCP,
			       .sport = 40003, .dport = 30080, .tcp_flags = PKT_SYN };
	struct pkt_spec np_out = np, vip = np;
	struct tc_lb_bpf *skel;

	need_root();
	skel = tc_lb_bpf__open();
	ck_assert_msg(skel, "tc_lb.bpf.o does not open");
	skel->rodata->services_only_to = OTHER;		/* the node's address */
	ck_assert_int_eq(tc_lb_bpf__load(skel), 0);
	add_service(skel, OTHER, 30080, IPPROTO_TCP, 1, one, 8080, 1);
	add_service(skel, VIP, 80, IPPROTO_TCP, 2, one, 8080, 1);
	np_out.daddr = BACKEND;
	np_out.dport = 8080;
	vip.daddr = VIP;
	vip.dport = 80;

	struct fixture fwd[] = {
		{ .desc = "tc_nodeport: node address:NodePort is DNATed to the backend",
		  .in_spec = &np, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &np_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_nodeport: another address passes, whatever the services map holds",
		  .in_spec = &vip, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
	};
	fixture_run_n(FROM_POD(skel), fwd, FX_N(fwd));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_options_and_fragments_translated)
{
	struct pkt_spec opts = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_TCP,
				 .sport = 40010, .dport = 80, .tcp_flags = PKT_SYN, .ip_opt_len = 8 };
	struct pkt_spec first = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_UDP,
				  .sport = 40011, .dport = 53, .ip_id = 5, .mf = true,
				  .payload_len = 1472 };
	struct pkt_spec later = first, later_out, stray;
	struct pkt_spec opts_out = moved(opts, true, BACKEND, 8080);
	struct pkt_spec first_out = moved(first, true, BACKEND, 5353);
	struct tc_lb_bpf *skel;

	later.frag_off = 1480;
	later.mf = false;
	later.payload_len = 1000;
	later_out = later;
	later_out.daddr = BACKEND;
	stray = later;
	stray.ip_id = 6;
	struct fixture fx[] = {
		{ .desc = "tc_lb: SYN with IP options to the VIP is DNATed", .in_spec = &opts,
		  .out_spec = &opts_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_lb: first fragment of a 2500-byte datagram to the VIP is DNATed",
		  .in_spec = &first, .out_spec = &first_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_lb: its later fragment goes to the same backend", .in_spec = &later,
		  .out_spec = &later_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_FRAG) },
		{ .desc = "tc_lb: a later fragment whose first was not seen has no ports",
		  .in_spec = &stray, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_FRAGMENT) },
	};

	need_root();
	skel = lb_open();
	fixture_run_n(FROM_POD(skel), fx, FX_N(fx));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_icmp_errors_translated)
{
	struct pkt_spec q = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_UDP,
			      .sport = 40012, .dport = 53, .payload_len = 40 };
	struct pkt_spec q_out = moved(q, true, BACKEND, 5353);
	struct pkt_spec r = moved(moved(q_out, true, CLIENT, 40012), false, BACKEND, 5353);
	struct pkt_spec r_out = moved(r, false, VIP, 53), stray = moved(r_out, true, CLIENT, 40013);
	struct pkt_spec unreach, unreach_out, mtu, mtu_out, back, back_out, none, elsewhere;
	uint8_t b[8][80];
	struct tc_lb_bpf *skel;

	unreach = pkt_spec_icmp_error(b[0], BACKEND, CLIENT, 3, 3, &q_out);
	unreach_out = pkt_spec_icmp_error(b[1], VIP, CLIENT, 3, 3, &q);
	mtu = pkt_spec_icmp_error(b[2], OTHER, CLIENT, 3, 4, &q_out);
	mtu_out = pkt_spec_icmp_error(b[3], OTHER, CLIENT, 3, 4, &q);
	back = pkt_spec_icmp_error(b[4], CLIENT, VIP, 3, 3, &r_out);
	back_out = pkt_spec_icmp_error(b[5], CLIENT, BACKEND, 3, 3, &r);
	none = pkt_spec_icmp_error(b[6], CLIENT, VIP, 3, 3, &stray);
	elsewhere = pkt_spec_icmp_error(b[7], BACKEND, OTHER, 3, 3, &q_out);
	struct fixture out[] = {
		{ .desc = "tc_lb: UDP query to the VIP", .in_spec = &q, .out_spec = &q_out,
		  .expect_verdict = TC_ACT_UNSPEC, .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_lb: the client's port unreachable about a reply reaches the backend",
		  .in_spec = &back, .out_spec = &back_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_ICMP_ERROR) },
		{ .desc = "tc_lb: an ICMP error about no flow opens none", .in_spec = &none,
		  .expect_verdict = TC_ACT_UNSPEC, .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) },
	};
	struct fixture in[] = {
		{ .desc = "tc_lb: the backend's port unreachable comes from the VIP",
		  .in_spec = &unreach, .out_spec = &unreach_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_ICMP_ERROR) },
		{ .desc = "tc_lb: a router's frag-needed keeps its source, inner VIP restored",
		  .in_spec = &mtu, .out_spec = &mtu_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_ICMP_ERROR) },
		/* the kernel's conntrack: INVALID ("outer daddr != inner"), no NAT */
		{ .desc = "tc_lb: an error about the flow sent to another host passes untouched",
		  .in_spec = &elsewhere, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_ICMP_UNRELATED) },
	};

	need_root();
	skel = lb_open();
	fixture_run_n(FROM_POD(skel), out, FX_N(out));
	fixture_run_n(TO_POD(skel), in, FX_N(in));
	tc_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_closed_flow_is_forgotten_on_new_syn)
{
	struct pkt_spec syn = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_TCP,
				.sport = 40004, .dport = 80, .tcp_flags = PKT_SYN };
	struct pkt_spec syn_out = syn, fin = syn, fin_out;
	struct tc_lb_bpf *skel;

	need_root();
	skel = lb_open();
	syn_out.daddr = BACKEND;
	syn_out.dport = 8080;
	fin.tcp_flags = PKT_RST;
	fin_out = fin;
	fin_out.daddr = BACKEND;
	fin_out.dport = 8080;

	struct fixture fx[] = {
		{ .desc = "tc_lb: SYN opens the flow", .in_spec = &syn,
		  .expect_verdict = TC_ACT_UNSPEC, .out_spec = &syn_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
		{ .desc = "tc_lb: RST marks the flow closing", .in_spec = &fin,
		  .expect_verdict = TC_ACT_UNSPEC, .out_spec = &fin_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_CLOSED) },
		{ .desc = "tc_lb: a new SYN on the closed tuple is a new flow", .in_spec = &syn,
		  .expect_verdict = TC_ACT_UNSPEC, .out_spec = &syn_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_REWRITE) },
	};
	fixture_run_n(FROM_POD(skel), fx, FX_N(fx));
	/* Two flows made: each a forward and a reverse entry. */
	ck_assert_int_eq(counter_sum(bpf_map__fd(skel->maps.counters), DPLAB_CNT_CT_NEW), 4);
	tc_lb_bpf__destroy(skel);
}
END_TEST

/* The backend a frame was sent to, by running from_pod once. */
static __be32 backend_of(int prog_fd, const struct pkt_spec *s)
{
	__u8 in[PKT_MAX], out[PKT_MAX];
	size_t len = pkt_build(in, sizeof(in), s);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	__be32 daddr;

	ck_assert_int_eq(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	ck_assert_int_eq((int)opts.retval, TC_ACT_UNSPEC);
	memcpy(&daddr, out + 14 + 16, sizeof(daddr));
	return daddr;
}

START_TEST(test_backend_stable_per_flow_and_spread)
{
	static const __be32 two[] = { BACKEND, BACKEND_B };
	struct pkt_spec s = { .saddr = CLIENT, .daddr = VIP_TWO, .proto = IPPROTO_TCP,
			      .dport = 80, .tcp_flags = PKT_SYN };
	struct tc_lb_bpf *skel;
	int i, hits[2] = { 0, 0 };

	need_root();
	skel = tc_lb_bpf__open_and_load();
	ck_assert_ptr_nonnull(skel);
	add_service(skel, VIP_TWO, 80, IPPROTO_TCP, 9, two, 8080, 2);
	for (i = 0; i < 64; i++) {
		__be32 first, again;

		s.sport = 20000 + i;
		s.tcp_flags = PKT_SYN;
		first = backend_of(FROM_POD(skel), &s);
		s.tcp_flags = PKT_ACK;
		again = backend_of(FROM_POD(skel), &s);
		ck_assert_msg(first == again, "flow %d changed backend", i);
		ck_assert_msg(first == BACKEND || first == BACKEND_B, "flow %d: not a backend", i);
		hits[first == BACKEND_B]++;
	}
	ck_assert_msg(hits[0] && hits[1], "64 flows all went to one backend (%d/%d)",
		      hits[0], hits[1]);
	tc_lb_bpf__destroy(skel);
}
END_TEST

/*
 * The flow's reverse entry is lost: its next packet puts it back, and the
 * reply is translated.  Then a flow from the same client port to another
 * VIP with the same backend would need that reply tuple: it is live, so
 * the newcomer is dropped (no SNAT to move it) and replies keep VIP:80.
 */
START_TEST(test_reverse_restored_never_overwritten)
{
	static const __be32 one[] = { BACKEND };
	struct dplab_tuple key = { .saddr = BACKEND, .daddr = CLIENT, .sport = htons(8080),
				   .dport = htons(40100), .proto = IPPROTO_TCP };
	struct pkt_spec syn = { .saddr = CLIENT, .daddr = VIP, .proto = IPPROTO_TCP,
				.sport = 40100, .dport = 80, .tcp_flags = PKT_SYN, .seq = 1 };
	struct pkt_spec ack = syn, other = syn, reply, syn_out, ack_out, reply_out;
	struct tc_lb_bpf *skel;

	ack.tcp_flags = PKT_ACK;
	other.daddr = VIP_TWO;
	syn_out = syn;
	syn_out.daddr = BACKEND;
	syn_out.dport = 8080;
	ack_out = ack;
	ack_out.daddr = BACKEND;
	ack_out.dport = 8080;
	reply = (struct pkt_spec){ .saddr = BACKEND, .daddr = CLIENT, .proto = IPPROTO_TCP,
				   .sport = 8080, .dport = 40100, .tcp_flags = PKT_ACK,
				   .seq = 9, .ack = 2 };
	reply_out = reply;
	reply_out.saddr = VIP;
	reply_out.sport = 80;

	struct fixture open = { .desc = "tc_lb: a flow to VIP:80", .in_spec = &syn,
				.expect_verdict = TC_ACT_UNSPEC, .out_spec = &syn_out };
	struct fixture fwd[] = {
		{ .desc = "tc_lb: reverse entry lost, the next packet puts it back",
		  .in_spec = &ack, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &ack_out,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_REPAIRED) },
		{ .desc = "tc_lb: same client port, another VIP, same backend: its reply tuple "
			  "is a live flow's, dropped",
		  .in_spec = &other, .expect_verdict = TC_ACT_SHOT,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_NAT_NO_PORT) },
	};
	struct fixture rev = {
		.desc = "tc_lb: the backend's reply still comes back from VIP:80",
		.in_spec = &reply, .expect_verdict = TC_ACT_UNSPEC, .out_spec = &reply_out,
		.expect_counter = FX_CNT(DPLAB_CNT_REV_NAT),
	};

	need_root();
	skel = lb_open();
	add_service(skel, VIP_TWO, 80, IPPROTO_TCP, 9, one, 8080, 1);
	fixture_run(FROM_POD(skel), &open);
	ck_assert_int_eq(bpf_map_delete_elem(bpf_map__fd(skel->maps.lb_rev), &key), 0);
	fixture_run_n(FROM_POD(skel), fwd, FX_N(fwd));
	fixture_run(TO_POD(skel), &rev);
	tc_lb_bpf__destroy(skel);
}
END_TEST

static Suite *tc_lb_suite(void)
{
	Suite *s = suite_create("tc_lb");
	TCase *tc = tcase_create("fixtures");

	tcase_add_test(tc, test_tcp_flow_dnat_and_reverse);
	tcase_add_test(tc, test_udp_and_zero_checksum);
	tcase_add_test(tc, test_icmp_echo);
	tcase_add_test(tc, test_no_match_and_empty_service);
	tcase_add_test(tc, test_nodeport_instance_only_node_address);
	tcase_add_test(tc, test_malformed_untouched_or_dropped);
	tcase_add_test(tc, test_closed_flow_is_forgotten_on_new_syn);
	tcase_add_test(tc, test_options_and_fragments_translated);
	tcase_add_test(tc, test_icmp_errors_translated);
	tcase_add_test(tc, test_backend_stable_per_flow_and_spread);
	tcase_add_test(tc, test_reverse_restored_never_overwritten);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(tc_lb_suite)
