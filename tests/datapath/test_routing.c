// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF host routing (datapath/host_routing.bpf.c) packet by packet through
 * BPF_PROG_TEST_RUN, in the fixture node of routing.h, and the routing
 * suite: these, the overlay fixtures (test_routing_overlay.c) and the
 * end-to-end tests (test_routing_e2e.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "host_routing.skel.h"
#include "overlay.skel.h"
#include "lib/routing.h"
#include "lib/testlib.h"

static struct host_routing_bpf *hr_load(void)
{
	struct host_routing_bpf *skel = host_routing_bpf__open_and_load();

	ck_assert_msg(skel, "host_routing.bpf.o: open and load: %s", strerror(errno));
	endpoint_add(skel->maps.endpoints, POD2, "lxc2", node_mac.pod2, node_mac.lxc2);
	return skel;
}

START_TEST(test_from_pod_to_local_pod_redirect_peer)
{
	struct pkt_spec in[3], out[3];
	struct fixture fx[] = {
		FX("pod to local pod, TCP SYN: routed, redirect_peer", TC_ACT_REDIRECT,
		   &in[0], &out[0], DPLAB_CNT_REDIRECT),
		FX("pod to local pod, UDP: routed, redirect_peer", TC_ACT_REDIRECT,
		   &in[1], &out[1], DPLAB_CNT_REDIRECT),
		FX("pod to local pod, ICMP echo: routed, redirect_peer", TC_ACT_REDIRECT,
		   &in[2], &out[2], DPLAB_CNT_REDIRECT),
	};
	struct host_routing_bpf *skel;
	int i;

	need_node();
	skel = hr_load();
	in[0] = from_pod1(POD2, IPPROTO_TCP);
	in[1] = from_pod1(POD2, IPPROTO_UDP);
	in[2] = from_pod1(POD2, IPPROTO_ICMP);
	for (i = 0; i < 3; i++)
		out[i] = routed(&in[i], node_mac.pod2, node_mac.lxc2);
	run_on(bpf_program__fd(skel->progs.route_from_pod), ifindex_of("lxc1"), fx, FX_N(fx));
	host_routing_bpf__destroy(skel);
}
END_TEST

START_TEST(test_from_pod_fib_hit_redirect)
{
	struct pkt_spec in[5], out[5];
	struct fixture fx[] = {
		FX("pod to remote, FIB hit, TCP: TTL-1, neighbour MACs, redirect",
		   TC_ACT_REDIRECT, &in[0], &out[0], DPLAB_CNT_REDIRECT),
		FX("pod to remote, FIB hit, UDP without checksum: stays without",
		   TC_ACT_REDIRECT, &in[1], &out[1], DPLAB_CNT_REDIRECT),
		FX("pod to remote, FIB hit, ICMP echo: redirect",
		   TC_ACT_REDIRECT, &in[2], &out[2], DPLAB_CNT_REDIRECT),
		FX("pod to remote, FIB hit, later fragment: routed like the rest",
		   TC_ACT_REDIRECT, &in[3], &out[3], DPLAB_CNT_REDIRECT),
		FX("pod to remote, FIB hit, GRE: routed like the rest",
		   TC_ACT_REDIRECT, &in[4], &out[4], DPLAB_CNT_REDIRECT),
	};
	struct host_routing_bpf *skel;
	int i;

	need_node();
	skel = hr_load();
	in[0] = from_pod1(REMOTE_HIT, IPPROTO_TCP);
	in[1] = from_pod1(REMOTE_HIT, IPPROTO_UDP);
	in[1].udp_no_csum = true;
	in[2] = from_pod1(REMOTE_HIT, IPPROTO_ICMP);
	in[3] = from_pod1(REMOTE_HIT, IPPROTO_UDP);
	in[3].frag_off = 1480;		/* a later fragment: no L4 header */
	in[4] = from_pod1(REMOTE_HIT, 47);
	for (i = 0; i < 5; i++)
		out[i] = routed(&in[i], node_mac.gw, node_mac.ul);
	run_on(bpf_program__fd(skel->progs.route_from_pod), ifindex_of("lxc1"), fx, FX_N(fx));
	host_routing_bpf__destroy(skel);
}
END_TEST

START_TEST(test_from_pod_no_neigh_redirect_neigh)
{
	struct pkt_spec in, out;
	struct fixture fx[] = {
		FX("pod to remote, next hop unresolved: TTL-1, redirect_neigh",
		   TC_ACT_REDIRECT, &in, &out, DPLAB_CNT_REDIRECT),
	};
	struct host_routing_bpf *skel;

	need_node();
	skel = hr_load();
	in = from_pod1(REMOTE_NO_NEIGH, IPPROTO_TCP);
	out = routed(&in, NULL, NULL);	/* bpf_redirect_neigh fills the MACs in */
	run_on(bpf_program__fd(skel->progs.route_from_pod), ifindex_of("lxc1"), fx, FX_N(fx));
	host_routing_bpf__destroy(skel);
}
END_TEST

START_TEST(test_from_pod_fib_miss_or_ttl_to_stack)
{
	struct pkt_spec in[5];
	struct fixture fx[] = {
		FX("pod to a blackhole route: FIB miss, to the stack untouched",
		   TC_ACT_UNSPEC, &in[0], NULL, DPLAB_CNT_FIB_MISS),
		FX("pod to an address without a route: FIB miss, to the stack",
		   TC_ACT_UNSPEC, &in[1], NULL, DPLAB_CNT_FIB_MISS),
		FX("pod to the node's own address: not forwarded, to the stack",
		   TC_ACT_UNSPEC, &in[2], NULL, DPLAB_CNT_FIB_MISS),
		FX("pod to remote with TTL 1: to the stack (time exceeded)",
		   TC_ACT_UNSPEC, &in[3], NULL, DPLAB_CNT_PASS_TTL_EXPIRED),
		FX("pod to local pod with TTL 1: to the stack (time exceeded)",
		   TC_ACT_UNSPEC, &in[4], NULL, DPLAB_CNT_PASS_TTL_EXPIRED),
	};
	struct host_routing_bpf *skel;

	need_node();
	skel = hr_load();
	in[0] = from_pod1("10.244.9.1", IPPROTO_TCP);
	in[1] = from_pod1("8.8.8.8", IPPROTO_UDP);
	in[2] = from_pod1("192.168.100.1", IPPROTO_ICMP);
	in[3] = from_pod1(REMOTE_HIT, IPPROTO_TCP);
	in[3].ttl = 1;
	in[4] = from_pod1(POD2, IPPROTO_ICMP);
	in[4].ttl = 1;
	run_on(bpf_program__fd(skel->progs.route_from_pod), ifindex_of("lxc1"), fx, FX_N(fx));
	host_routing_bpf__destroy(skel);
}
END_TEST

/*
 * The malformed and unexpected frames every program must leave alone.  A
 * frame cut inside the IPv4 header cannot be tried: tc test runs refuse
 * it; a header length under 20 takes the same way out (dropped).
 */
static void run_malformed(const struct bpf_program *prog, int ifindex, const char *daddr)
{
	struct pkt_spec arp, v6, opts, good;
	uint8_t bad_ihl[PKT_MAX], bad_version[PKT_MAX];
	struct fixture fx[] = {
		FX("ARP: not IPv4, untouched", TC_ACT_UNSPEC, &arp, NULL, DPLAB_CNT_PASS_NOT_IPV4),
		FX("IPv6 ethertype: untouched", TC_ACT_UNSPEC, &v6, NULL, DPLAB_CNT_PASS_NOT_IPV4),
		{ .desc = "IP version 6 under ethertype IPv4: untouched", .in = bad_version,
		  .expect_verdict = TC_ACT_UNSPEC, .expect_counter = FX_CNT(DPLAB_CNT_PASS_NOT_IPV4) },
		FX("IP options: to the stack untouched", TC_ACT_UNSPEC, &opts, NULL,
		   DPLAB_CNT_PASS_IP_OPTIONS),
		{ .desc = "IP header length under 20: dropped", .in = bad_ihl,
		  .expect_verdict = TC_ACT_SHOT, .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
	};
	char desc[FX_N(fx)][96];
	size_t len, i;

	arp = from_pod1(daddr, IPPROTO_UDP);
	arp.ethertype = 0x0806;
	arp.payload_len = 28;
	v6 = arp;
	v6.ethertype = 0x86dd;
	v6.payload_len = 60;		/* test runs want a whole IPv6 header */
	opts = from_pod1(daddr, IPPROTO_TCP);
	opts.ip_opt_len = 4;
	good = opts;
	good.ip_opt_len = 0;
	len = pkt_build(bad_ihl, sizeof(bad_ihl), &good);
	ck_assert_uint_gt(len, 0);
	memcpy(bad_version, bad_ihl, len);
	bad_ihl[14] = 0x44;		/* a header length of 16 bytes */
	bad_version[14] = 0x65;		/* IPv6 under an IPv4 ethertype */
	fx[2].in_len = fx[4].in_len = len;
	for (i = 0; i < FX_N(fx); i++) {	/* "program: case", one pcap each */
		snprintf(desc[i], sizeof(desc[i]), "%s: %s", bpf_program__name(prog), fx[i].desc);
		fx[i].desc = desc[i];
	}
	run_on(bpf_program__fd(prog), ifindex, fx, FX_N(fx));
}

START_TEST(test_malformed_untouched)
{
	struct host_routing_bpf *hr;
	struct overlay_bpf *ovl;

	need_node();
	hr = hr_load();
	ovl = overlay_bpf__open_and_load();
	ck_assert_msg(ovl, "overlay.bpf.o: open and load: %s", strerror(errno));
	run_malformed(hr->progs.route_from_pod, ifindex_of("lxc1"), REMOTE_HIT);
	run_malformed(hr->progs.route_from_uplink, ifindex_of("ul"), POD2);
	run_malformed(ovl->progs.overlay_encap, ifindex_of("lxc1"), REMOTE_HIT);
	run_malformed(ovl->progs.overlay_decap, ifindex_of("vx0"), POD2);
	overlay_bpf__destroy(ovl);
	host_routing_bpf__destroy(hr);
}
END_TEST

START_TEST(test_from_uplink_to_local_pod)
{
	struct pkt_spec in[3], out;
	struct fixture fx[] = {
		FX("uplink to local pod: routed, redirect_peer", TC_ACT_REDIRECT,
		   &in[0], &out, DPLAB_CNT_REDIRECT),
		FX("uplink to a pod elsewhere: to the stack untouched", TC_ACT_UNSPEC,
		   &in[1], NULL, DPLAB_CNT_PASS_NO_MATCH),
		FX("uplink to the node: to the stack untouched", TC_ACT_UNSPEC,
		   &in[2], NULL, DPLAB_CNT_PASS_NO_MATCH),
	};
	struct host_routing_bpf *skel;
	int i;

	need_node();
	skel = hr_load();
	in[0] = from_pod1(POD2, IPPROTO_TCP);
	in[1] = from_pod1(REMOTE_HIT, IPPROTO_TCP);
	in[2] = from_pod1("192.168.100.1", IPPROTO_ICMP);
	for (i = 0; i < 3; i++) {
		in[i].saddr = ip4(REMOTE_HIT);	/* a pod of another node */
		memcpy(in[i].eth_src, node_mac.gw, 6);
		memcpy(in[i].eth_dst, node_mac.ul, 6);
	}
	out = routed(&in[0], node_mac.pod2, node_mac.lxc2);
	run_on(bpf_program__fd(skel->progs.route_from_uplink), ifindex_of("ul"), fx, FX_N(fx));
	host_routing_bpf__destroy(skel);
}
END_TEST

static Suite *routing_suite(void)
{
	Suite *s = suite_create("routing");
	TCase *tc = tcase_create("fixtures");

	tcase_add_unchecked_fixture(tc, node_up, node_down);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_from_pod_to_local_pod_redirect_peer);
	tcase_add_test(tc, test_from_pod_fib_hit_redirect);
	tcase_add_test(tc, test_from_pod_no_neigh_redirect_neigh);
	tcase_add_test(tc, test_from_pod_fib_miss_or_ttl_to_stack);
	tcase_add_test(tc, test_from_uplink_to_local_pod);
	tcase_add_test(tc, test_malformed_untouched);
	routing_overlay_add(tc);
	suite_add_tcase(s, tc);
	routing_e2e_add(s);
	return s;
}

TEST_SUITE(routing_suite)
