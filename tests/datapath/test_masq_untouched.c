// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF masquerade: what it must leave alone.  Traffic that is not a pod
 * (or the node, from a port of the range) leaving the cluster, replies of
 * flows opened from outside, replies without a flow, and frames that are
 * not IPv4 pass untouched (or, when truncated, are dropped), counted by
 * reason, on both programs.  Part of the "masq" suite (test_masq.c).
 */
#include <bpf/libbpf.h>

#include "lib/fixture.h"
#include "lib/masq_env.h"
#include "lib/testlib.h"

#define NO_MATCH(what, spec)                                                  \
	{ .desc = what, .in_spec = spec, .expect_verdict = TC_ACT_UNSPEC,         \
	  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NO_MATCH) }

START_TEST(test_not_masqueraded)
{
	struct pkt_spec to_cluster = spec_tcp(POD, 40000, IP4(10, 0, 2, 9), 80, PKT_SYN);
	struct pkt_spec to_pod = spec_udp(POD, 40000, IP4(10, 0, 1, 9), 53);
	struct pkt_spec from_cluster = spec_tcp(IP4(10, 0, 5, 1), 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec from_node = spec_tcp(NODE, 30080, REMOTE, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec to_node = spec_udp(POD, 40000, NODE, 53);
	struct pkt_spec stray = spec_tcp(REMOTE, 80, NODE, 40000, PKT_SYN | PKT_ACK);
	struct pkt_spec elsewhere = spec_udp(REMOTE, 53, IP4(203, 0, 113, 9), 40000);
	struct pkt_spec ping0 = spec_echo(POD, REMOTE, 8, 0), pong0 = spec_echo(REMOTE, POD, 0, 0);
	struct pkt_spec ping_node = spec_echo(REMOTE, NODE, 8, 0);
	const struct fixture out[] = {
		NO_MATCH("destination in the cluster CIDR", &to_cluster),
		NO_MATCH("destination in the pod CIDR", &to_pod),
		NO_MATCH("source in the cluster, not a pod", &from_cluster),
		NO_MATCH("source is the node, port outside the range", &from_node),
		NO_MATCH("destination is the node address", &to_node),
	};
	const struct fixture in[] = {
		NO_MATCH("reply to the node without flow", &stray),
		NO_MATCH("to another address", &elsewhere),
		NO_MATCH("echo request to the node with id 0", &ping_node),
	};

	need_root();
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	/* A flow with echo id 0: its reply tuple is also an id 0 request's. */
	expect_flow("ping with id 0", &ping0, &pong0, 0, DPLAB_CNT_CT_NEW);
	masq_fixtures(snat_fd, out, FX_N(out));
	masq_fixtures(rev_fd, in, FX_N(in));
	ck_assert_int_eq(nat_entries(), 2);
	masq_down();
}
END_TEST

START_TEST(test_malformed)
{
	struct pkt_spec syn = spec_tcp(POD, 40000, REMOTE, 80, PKT_SYN);
	struct pkt_spec trunc_tcp = syn;
	struct pkt_spec trunc_udp = spec_udp(POD, 40000, REMOTE, 53);
	struct pkt_spec v6 = { .ethertype = 0x86dd, .payload_len = 60 };
	uint8_t short_ihl[PKT_MAX];
	size_t short_len = pkt_build(short_ihl, sizeof(short_ihl), &syn);
	const struct fixture fx[] = {
		{ "truncated TCP header", .in_spec = &trunc_tcp, .expect_verdict = TC_ACT_SHOT,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
		{ "truncated UDP header", .in_spec = &trunc_udp, .expect_verdict = TC_ACT_SHOT,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
		{ "IPv4 header length under 20 (ihl 4)", .in = short_ihl, .in_len = short_len,
		  .expect_verdict = TC_ACT_SHOT, .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
		{ "IPv6", .in_spec = &v6, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_NOT_IPV4) },
	};

	need_root();
	/* A cut IPv4 header cannot be tested: the kernel's tc test run
	 * refuses IPv4 frames shorter than Ethernet + 20 bytes. */
	short_ihl[14] = 0x44;	/* version 4, ihl 4 */
	trunc_tcp.truncate_to = 14 + 20 + 10;
	trunc_udp.truncate_to = 14 + 20 + 4;
	masq_up(DPLAB_SNAT_PORT_MIN_DEFAULT, DPLAB_SNAT_PORT_MAX_DEFAULT);
	masq_fixtures(snat_fd, fx, FX_N(fx));
	masq_fixtures(rev_fd, fx, FX_N(fx));
	ck_assert_int_eq(nat_entries(), 0);
	masq_down();
}
END_TEST

TCase *masq_untouched_tcase(void)
{
	TCase *tc = tcase_create("untouched");

	tcase_add_test(tc, test_not_masqueraded);
	tcase_add_test(tc, test_malformed);
	return tc;
}
