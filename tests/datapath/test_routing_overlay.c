// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The VXLAN overlay (datapath/overlay.bpf.c) packet by packet through
 * BPF_PROG_TEST_RUN, in the fixture node of routing.h.  The tunnel key
 * the encapsulating program sets is not part of a test run's output: the
 * verdict, the inner frame and the counters are checked here, the key
 * (remote node, VNI) on the wire by test_routing_e2e.c.
 */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "dplab/routing.h"
#include "overlay.skel.h"
#include "lib/routing.h"
#include "lib/testlib.h"

#define VNI 42

static struct overlay_bpf *ovl_load(bool decap_to_stack)
{
	struct overlay_bpf *skel = overlay_bpf__open();
	struct dplab_tunnel_key key = { .prefixlen = 24, .addr = ip4("10.244.2.0") };
	struct dplab_tunnel tun = { .node_ip = ip4("192.168.100.2"), .vni = VNI };
	int err;

	ck_assert_msg(skel, "overlay.bpf.o: open: %s", strerror(errno));
	skel->rodata->vxlan_ifindex = ifindex_of("vx0");
	skel->rodata->decap_to_stack = decap_to_stack;
	err = overlay_bpf__load(skel);
	ck_assert_msg(!err, "overlay.bpf.o: load: %s", strerror(-err));
	ck_assert_msg(!bpf_map__update_elem(skel->maps.tunnels, &key, sizeof(key), &tun,
					    sizeof(tun), 0), "tunnel: %s", strerror(errno));
	endpoint_add(skel->maps.endpoints, POD2, "lxc2", node_mac.pod2, node_mac.lxc2);
	return skel;
}

START_TEST(test_overlay_encap)
{
	struct pkt_spec in[4], out[2];
	struct fixture fx[] = {
		FX("pod to a remote pod CIDR, TCP: TTL-1, redirect to vx0 (its tunnel key: e2e)",
		   TC_ACT_REDIRECT, &in[0], &out[0], DPLAB_CNT_ENCAP),
		FX("pod to a remote pod CIDR, ICMP echo: encapsulated",
		   TC_ACT_REDIRECT, &in[1], &out[1], DPLAB_CNT_ENCAP),
		FX("pod to a local pod: not for the tunnel, next program",
		   TC_ACT_UNSPEC, &in[2], NULL, DPLAB_CNT_PASS_NO_MATCH),
		FX("pod to a remote pod CIDR with TTL 1: to the stack",
		   TC_ACT_UNSPEC, &in[3], NULL, DPLAB_CNT_PASS_TTL_EXPIRED),
	};
	struct dplab_tunnel_key key = { .prefixlen = 32, .addr = ip4(REMOTE_HIT) };
	struct overlay_bpf *skel;
	struct dplab_tunnel tun;

	need_node();
	skel = ovl_load(false);
	/* The key layout as the kernel's LPM trie reads it: a /32 finds the /24. */
	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.tunnels, &key, sizeof(key), &tun,
					      sizeof(tun), 0), 0);
	ck_assert_uint_eq(tun.vni, VNI);
	in[0] = from_pod1(REMOTE_HIT, IPPROTO_TCP);
	in[1] = from_pod1(REMOTE_HIT, IPPROTO_ICMP);
	in[2] = from_pod1(POD2, IPPROTO_TCP);
	in[3] = from_pod1(REMOTE_HIT, IPPROTO_UDP);
	in[3].ttl = 1;
	out[0] = routed(&in[0], NULL, NULL);	/* the VXLAN device adds the rest */
	out[1] = routed(&in[1], NULL, NULL);
	run_on(bpf_program__fd(skel->progs.overlay_encap), ifindex_of("lxc1"), fx, FX_N(fx));
	ck_assert_uint_eq(counter_of(skel->maps.counters, DPLAB_CNT_REDIRECT), 2);
	overlay_bpf__destroy(skel);
}
END_TEST

START_TEST(test_overlay_decap)
{
	struct pkt_spec in[2], out;
	struct fixture fx[] = {
		FX("from the tunnel to a local pod: routed, redirect_peer",
		   TC_ACT_REDIRECT, &in[0], &out, DPLAB_CNT_DECAP),
		FX("from the tunnel to an unknown local address: to the stack",
		   TC_ACT_UNSPEC, &in[1], NULL, DPLAB_CNT_PASS_NO_MATCH),
	};
	struct overlay_bpf *skel;
	int i;

	need_node();
	skel = ovl_load(false);
	in[0] = from_pod1(POD2, IPPROTO_UDP);
	in[1] = from_pod1("10.244.1.99", IPPROTO_UDP);
	for (i = 0; i < 2; i++) {
		in[i].saddr = ip4(REMOTE_HIT);	/* as the other node's pod sent it */
		memcpy(in[i].eth_src, node_mac.far, 6);
	}
	out = routed(&in[0], node_mac.pod2, node_mac.lxc2);
	run_on(bpf_program__fd(skel->progs.overlay_decap), ifindex_of("vx0"), fx, FX_N(fx));
	ck_assert_uint_eq(counter_of(skel->maps.counters, DPLAB_CNT_DECAP), 2);
	ck_assert_uint_eq(counter_of(skel->maps.counters, DPLAB_CNT_REDIRECT), 1);
	overlay_bpf__destroy(skel);
}
END_TEST

START_TEST(test_overlay_decap_to_stack)
{
	struct pkt_spec in;
	struct fixture fx[] = {
		FX("from the tunnel, decap_to_stack: to the stack untouched",
		   TC_ACT_UNSPEC, &in, NULL, DPLAB_CNT_PASS),
	};
	struct overlay_bpf *skel;

	need_node();
	skel = ovl_load(true);
	in = from_pod1(POD2, IPPROTO_TCP);
	in.saddr = ip4(REMOTE_HIT);
	run_on(bpf_program__fd(skel->progs.overlay_decap), ifindex_of("vx0"), fx, FX_N(fx));
	ck_assert_uint_eq(counter_of(skel->maps.counters, DPLAB_CNT_DECAP), 1);
	overlay_bpf__destroy(skel);
}
END_TEST

void routing_overlay_add(TCase *tc)
{
	tcase_add_test(tc, test_overlay_encap);
	tcase_add_test(tc, test_overlay_decap);
	tcase_add_test(tc, test_overlay_decap_to_stack);
}
