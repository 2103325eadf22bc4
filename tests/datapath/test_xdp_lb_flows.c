// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP NodePort LB (datapath/xdp_lb.bpf.c), a flow's two halves and where a
 * frame may go: SNAT moves a client to another port when its reply tuple
 * is taken and never hands a live flow's tuple to another; a lost reverse
 * entry is put back by the flow's next packet; a frame the node cannot send
 * back out of the uplink to a resolved neighbour goes to the stack
 * untranslated.  Fixtures in the node of lib/xdp_lb_env.h.
 */
#include <errno.h>
#include <unistd.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/xdp_lb.h"
#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/xdp_lb_env.h"

/* SNAT's range in these tests (lb_load): a client's own port, and the one
 * more a second client is moved to. */
#define ONE_PORT 45000
#define MOVED_PORT (ONE_PORT + 1)

/* The lb_rev key of a reply be:port -> dst:dport. */
static struct dplab_tuple reply_key(__be32 be, __u16 port, __be32 dst, __u16 dport)
{
	struct dplab_tuple t = { .saddr = be, .daddr = dst, .sport = htons(port),
				 .dport = htons(dport), .proto = IPPROTO_TCP };

	return t;
}

static void rev_delete(struct xdp_lb_bpf *skel, struct dplab_tuple key)
{
	ck_assert_msg(!bpf_map_delete_elem(bpf_map__fd(skel->maps.lb_rev), &key),
		      "the flow's reverse entry should be there to delete: %s", strerror(errno));
}

START_TEST(test_snat_port_collision)
{
	struct pkt_spec a = to_nodeport(CLIENT, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec b = to_nodeport(CLIENT2, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec c = to_nodeport(CLIENT3, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec a_ack = to_nodeport(CLIENT, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_ACK);
	struct pkt_spec b_ack = to_nodeport(CLIENT2, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_ACK);
	struct pkt_spec to_a = from_backend(REMOTE_BE, 8080, NODE_IP, ONE_PORT, IPPROTO_TCP,
					    PKT_SYN | PKT_ACK);
	struct pkt_spec to_b = from_backend(REMOTE_BE, 8080, NODE_IP, MOVED_PORT, IPPROTO_TCP,
					    PKT_SYN | PKT_ACK);
	struct pkt_spec a_out = dnat(a, REMOTE_BE, 8080, true);
	struct pkt_spec b_out = dnat_port(b, REMOTE_BE, 8080, MOVED_PORT);
	struct pkt_spec a_ack_out = dnat(a_ack, REMOTE_BE, 8080, true);
	struct pkt_spec b_ack_out = dnat_port(b_ack, REMOTE_BE, 8080, MOVED_PORT);
	struct pkt_spec to_a_out = rev_nat_to(to_a, CLIENT, ONE_PORT, NP_REMOTE);
	struct pkt_spec to_b_out = rev_nat_to(to_b, CLIENT2, ONE_PORT, NP_REMOTE);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: client A's flow, its source port kept by SNAT",
		  .in_spec = &a, .out_spec = &a_out, .expect_verdict = XDP_TX },
		{ .desc = "xdp_lb: client B with the same port to the same backend gets another port",
		  .in_spec = &b, .out_spec = &b_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_NAT_PORT_REMAPPED) },
		{ .desc = "xdp_lb: the backend's reply on A's port goes to client A",
		  .in_spec = &to_a, .out_spec = &to_a_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: the backend's reply on B's port goes to client B, its own port",
		  .in_spec = &to_b, .out_spec = &to_b_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: client A's next packet keeps A's port",
		  .in_spec = &a_ack, .out_spec = &a_ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
		{ .desc = "xdp_lb: client B's next packet keeps B's port",
		  .in_spec = &b_ack, .out_spec = &b_ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
		{ .desc = "xdp_lb: client C, the same port and no port left in the range, is dropped",
		  .in_spec = &c, .expect_verdict = XDP_DROP,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_NAT_NO_PORT) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, ONE_PORT);
	lb_run(skel, fx, FX_N(fx));
	ck_assert_int_eq(lb_entries(skel->maps.lb_ct), 2);	/* nothing of C's */
	ck_assert_int_eq(lb_entries(skel->maps.lb_rev), 2);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_rev_lost_restored)
{
	struct pkt_spec syn = to_nodeport(CLIENT, 40030, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec ack = to_nodeport(CLIENT, 40030, IPPROTO_TCP, NP_REMOTE, PKT_ACK);
	struct pkt_spec reply = from_backend(REMOTE_BE, 8080, NODE_IP, 40030, IPPROTO_TCP,
					     PKT_ACK);
	struct pkt_spec l_syn = to_nodeport(CLIENT, 40031, IPPROTO_TCP, NP_LOCAL, PKT_SYN);
	struct pkt_spec l_ack = to_nodeport(CLIENT, 40031, IPPROTO_TCP, NP_LOCAL, PKT_ACK);
	struct pkt_spec l_reply = from_backend(LOCAL_BE, 8080, CLIENT, 40031, IPPROTO_TCP,
					       PKT_ACK);
	struct pkt_spec syn_out = dnat(syn, REMOTE_BE, 8080, true);
	struct pkt_spec ack_out = dnat(ack, REMOTE_BE, 8080, true);
	struct pkt_spec reply_out = rev_nat(reply, CLIENT, NP_REMOTE, true);
	struct pkt_spec l_syn_out = dnat(l_syn, LOCAL_BE, 8080, false);
	struct pkt_spec l_ack_out = dnat(l_ack, LOCAL_BE, 8080, false);
	struct pkt_spec l_reply_out = rev_nat(l_reply, CLIENT, NP_LOCAL, false);
	struct fixture open[] = {
		{ .desc = "xdp_lb: a flow to a remote backend", .in_spec = &syn,
		  .out_spec = &syn_out, .expect_verdict = XDP_TX },
		{ .desc = "xdp_lb: a flow to a local backend", .in_spec = &l_syn,
		  .out_spec = &l_syn_out, .expect_verdict = XDP_PASS },
	};
	struct fixture after[] = {
		{ .desc = "xdp_lb: reverse entry lost, the next forward packet puts it back",
		  .in_spec = &ack, .out_spec = &ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_REPAIRED) },
		{ .desc = "xdp_lb: the remote backend's reply is then translated to the client",
		  .in_spec = &reply, .out_spec = &reply_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: local backend's reverse entry lost, put back by the next packet",
		  .in_spec = &l_ack, .out_spec = &l_ack_out, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_REPAIRED) },
	};
	struct fixture tc[] = {
		{ .desc = "xdp_lb: the local backend's reply then leaves from node_ip:NodePort",
		  .in_spec = &l_reply, .out_spec = &l_reply_out, .expect_verdict = TC_ACT_UNSPEC,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, open, FX_N(open));
	rev_delete(skel, reply_key(REMOTE_BE, 8080, NODE_IP, 40030));
	rev_delete(skel, reply_key(LOCAL_BE, 8080, CLIENT, 40031));
	lb_run(skel, after, FX_N(after));
	fixture_run_n(bpf_program__fd(skel->progs.tc_nodeport_rev), tc, FX_N(tc));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

/*
 * A's reverse entry is lost; B, same port, takes the free tuple; A's next
 * packet finds it B's: B keeps it, A moves to another port.
 */
START_TEST(test_rev_never_overwritten)
{
	struct dplab_tuple key = reply_key(REMOTE_BE, 8080, NODE_IP, ONE_PORT);
	struct pkt_spec a = to_nodeport(CLIENT, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec b = to_nodeport(CLIENT2, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec a_ack = to_nodeport(CLIENT, ONE_PORT, IPPROTO_TCP, NP_REMOTE, PKT_ACK);
	struct pkt_spec to_b = from_backend(REMOTE_BE, 8080, NODE_IP, ONE_PORT, IPPROTO_TCP,
					    PKT_ACK);
	struct pkt_spec to_a = from_backend(REMOTE_BE, 8080, NODE_IP, MOVED_PORT, IPPROTO_TCP,
					    PKT_ACK);
	struct pkt_spec a_out = dnat(a, REMOTE_BE, 8080, true);
	struct pkt_spec b_out = dnat(b, REMOTE_BE, 8080, true);
	struct pkt_spec a_ack_out = dnat_port(a_ack, REMOTE_BE, 8080, MOVED_PORT);
	struct pkt_spec to_b_out = rev_nat_to(to_b, CLIENT2, ONE_PORT, NP_REMOTE);
	struct pkt_spec to_a_out = rev_nat_to(to_a, CLIENT, ONE_PORT, NP_REMOTE);
	struct fixture first = { .desc = "xdp_lb: client A's flow on its own port", .in_spec = &a,
				 .out_spec = &a_out, .expect_verdict = XDP_TX };
	struct fixture then[] = {
		{ .desc = "xdp_lb: B, same port, takes the tuple A's lost reverse entry freed",
		  .in_spec = &b, .out_spec = &b_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: A's next packet finds its tuple B's: A moves to another port",
		  .in_spec = &a_ack, .out_spec = &a_ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_NAT_PORT_REMAPPED) },
		{ .desc = "xdp_lb: the reply on the shared port still goes to B",
		  .in_spec = &to_b, .out_spec = &to_b_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
		{ .desc = "xdp_lb: the reply on A's new port goes to A, its own port",
		  .in_spec = &to_a, .out_spec = &to_a_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	struct dplab_lb_ct e;
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, ONE_PORT);
	lb_run(skel, &first, 1);
	rev_delete(skel, key);
	lb_run(skel, then, FX_N(then));
	ck_assert_int_eq(bpf_map_lookup_elem(bpf_map__fd(skel->maps.lb_rev), &key, &e), 0);
	ck_assert_msg(e.addr == CLIENT2, "the shared tuple's reverse entry should still be B's");
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_snat_idle_tuple_reused)
{
	struct dplab_tuple a_key = { .saddr = CLIENT, .daddr = NODE_IP, .sport = htons(40020),
				     .dport = htons(NP_REMOTE), .proto = IPPROTO_TCP };
	struct pkt_spec a = to_nodeport(CLIENT, 40020, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec b = to_nodeport(CLIENT2, 40020, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec reply = from_backend(REMOTE_BE, 8080, NODE_IP, 40020, IPPROTO_TCP,
					     PKT_SYN | PKT_ACK);
	struct pkt_spec a_out = dnat(a, REMOTE_BE, 8080, true);
	struct pkt_spec b_out = dnat(b, REMOTE_BE, 8080, true);
	struct pkt_spec reply_out = rev_nat(reply, CLIENT2, NP_REMOTE, true);
	struct fixture first = { .desc = "xdp_lb: client A's flow on its own port",
				 .in_spec = &a, .out_spec = &a_out, .expect_verdict = XDP_TX };
	struct fixture fx[] = {
		{ .desc = "xdp_lb: an expired flow's SNAT tuple is taken over by a new client",
		  .in_spec = &b, .out_spec = &b_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_TX) },
		{ .desc = "xdp_lb: the reply then goes to the new client",
		  .in_spec = &reply, .out_spec = &reply_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_REV_NAT) },
	};
	struct dplab_lb_ct e;
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(200 * 1000 * 1000, 0);	/* every lifetime 200 ms */
	lb_run(skel, &first, 1);
	usleep(300 * 1000);			/* A's flow expires */
	lb_run(skel, fx, FX_N(fx));
	ck_assert_msg(bpf_map_lookup_elem(bpf_map__fd(skel->maps.lb_ct), &a_key, &e) &&
		      errno == ENOENT, "the old client's forward entry should be gone");
	xdp_lb_bpf__destroy(skel);
}
END_TEST

START_TEST(test_new_flow_cannot_forward)
{
	struct pkt_spec tun = to_nodeport(CLIENT, 40070, IPPROTO_TCP, NP_TUNNEL, PKT_SYN);
	struct pkt_spec nn = to_nodeport(CLIENT, 40071, IPPROTO_TCP, NP_NO_NEIGH, PKT_SYN);
	struct pkt_spec nr = to_nodeport(CLIENT, 40072, IPPROTO_TCP, NP_NO_ROUTE, PKT_SYN);
	struct pkt_spec in_vx = to_nodeport(CLIENT, 40073, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec gw = to_nodeport(CLIENT, 40074, IPPROTO_TCP, NP_GW, PKT_SYN);
	struct pkt_spec gw_out = hairpinned(dnat(gw, GW_BE, 8080, true), lb_gateway_mac);
	struct fixture fx[] = {
		{ .desc = "xdp_lb: backend behind the VXLAN device: to the stack, untranslated",
		  .in_spec = &tun, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_XDP_CANNOT_FORWARD) },
		{ .desc = "xdp_lb: backend's next hop not resolved: to the stack, untranslated",
		  .in_spec = &nn, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_XDP_CANNOT_FORWARD) },
		{ .desc = "xdp_lb: no route to the backend: to the stack, untranslated",
		  .in_spec = &nr, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_XDP_CANNOT_FORWARD) },
	};
	struct fixture other_in = {
		.desc = "xdp_lb: in on vx0, the backend out of ul: to the stack, untranslated",
		.in_spec = &in_vx, .expect_verdict = XDP_PASS,
		.expect_counter = FX_CNT(DPLAB_CNT_PASS_XDP_CANNOT_FORWARD),
	};
	struct fixture via_gw = {
		.desc = "xdp_lb: out of ul to the FIB's next hop for the backend (not the sender)",
		.in_spec = &gw, .out_spec = &gw_out, .expect_verdict = XDP_TX,
		.expect_counter = FX_CNT(DPLAB_CNT_TX),
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, fx, FX_N(fx));
	other_in.ifindex = if_nametoindex("vx0");
	ck_assert(other_in.ifindex);
	fixture_run(bpf_program__fd(skel->progs.xdp_nodeport_lb), &other_in);
	ck_assert_int_eq(lb_entries(skel->maps.lb_ct), 0);
	ck_assert_int_eq(lb_entries(skel->maps.lb_rev), 0);
	lb_run(skel, &via_gw, 1);
	xdp_lb_bpf__destroy(skel);
}
END_TEST

/*
 * A translated flow whose backend moves behind the tunnel is passed, its
 * entries kept, and translated again once the route is back; a reply to a
 * client the node reaches only through the tunnel is passed too.
 */
START_TEST(test_established_cannot_forward)
{
	struct pkt_spec syn = to_nodeport(CLIENT, 40050, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec ack = to_nodeport(CLIENT, 40050, IPPROTO_TCP, NP_REMOTE, PKT_ACK);
	struct pkt_spec t_syn = to_nodeport(CLIENT_TUNNEL, 40060, IPPROTO_TCP, NP_REMOTE, PKT_SYN);
	struct pkt_spec t_reply = from_backend(REMOTE_BE, 8080, NODE_IP, 40060, IPPROTO_TCP,
					       PKT_SYN | PKT_ACK);
	struct pkt_spec syn_out = dnat(syn, REMOTE_BE, 8080, true);
	struct pkt_spec ack_out = dnat(ack, REMOTE_BE, 8080, true);
	struct pkt_spec t_syn_out = dnat(t_syn, REMOTE_BE, 8080, true);
	struct fixture first = { .desc = "xdp_lb: a flow to a remote backend", .in_spec = &syn,
				 .out_spec = &syn_out, .expect_verdict = XDP_TX };
	struct fixture moved = {
		.desc = "xdp_lb: its backend now behind the tunnel: passed untranslated",
		.in_spec = &ack, .expect_verdict = XDP_PASS,
		.expect_counter = FX_CNT(DPLAB_CNT_PASS_XDP_CANNOT_FORWARD),
	};
	struct fixture back[] = {
		{ .desc = "xdp_lb: route back: the flow goes on with its entry",
		  .in_spec = &ack, .out_spec = &ack_out, .expect_verdict = XDP_TX,
		  .expect_counter = FX_CNT(DPLAB_CNT_CT_HIT) },
		{ .desc = "xdp_lb: a client reached through the tunnel opens a flow",
		  .in_spec = &t_syn, .out_spec = &t_syn_out, .expect_verdict = XDP_TX },
		{ .desc = "xdp_lb: its reply cannot go out of ul: to the stack, untranslated",
		  .in_spec = &t_reply, .expect_verdict = XDP_PASS,
		  .expect_counter = FX_CNT(DPLAB_CNT_PASS_XDP_CANNOT_FORWARD) },
	};
	struct xdp_lb_bpf *skel;

	lb_node_enter();
	skel = lb_load(0, 0);
	lb_run(skel, &first, 1);
	ck_assert_int_eq(sh("ip -n %s route add 10.0.2.7/32 dev vx0", lb_node_ns()), 0);
	lb_run(skel, &moved, 1);
	ck_assert_int_eq(sh("ip -n %s route del 10.0.2.7/32 dev vx0", lb_node_ns()), 0);
	ck_assert_int_eq(lb_entries(skel->maps.lb_ct), 1);
	lb_run(skel, back, FX_N(back));
	xdp_lb_bpf__destroy(skel);
}
END_TEST

void xdp_lb_flows_add(TCase *tc)
{
	tcase_add_test(tc, test_snat_port_collision);
	tcase_add_test(tc, test_rev_lost_restored);
	tcase_add_test(tc, test_rev_never_overwritten);
	tcase_add_test(tc, test_snat_idle_tuple_reused);
	tcase_add_test(tc, test_new_flow_cannot_forward);
	tcase_add_test(tc, test_established_cannot_forward);
}
