// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Helpers of the BPF masquerade tests (see masq_env.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/csum_check.h"
#include "lib/fixture.h"
#include "lib/masq_env.h"
#include "lib/testlib.h"

struct masq_bpf *masq_skel;
int snat_fd, rev_fd;
__u64 masq_timeout_udp_ns, masq_timeout_close_ns;

/* bpf_ktime_get_ns()'s clock, for entries a test writes. */
static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void masq_up(__u16 port_min, __u16 port_max)
{
	masq_up_retries(port_min, port_max, DPLAB_SNAT_RETRIES_DEFAULT);
}

void masq_up_retries(__u16 port_min, __u16 port_max, __u32 retries)
{
	int err;

	masq_skel = masq_bpf__open();
	ck_assert_msg(masq_skel, "masq.bpf.o: open: %s", strerror(errno));
	masq_skel->rodata->pod_cidr_addr = IP4(10, 0, 1, 0);
	masq_skel->rodata->pod_cidr_prefix = 24;
	masq_skel->rodata->cluster_cidr_addr = IP4(10, 0, 0, 0);
	masq_skel->rodata->cluster_cidr_prefix = 16;
	masq_skel->rodata->node_ip = NODE;
	masq_skel->rodata->port_min = port_min;
	masq_skel->rodata->port_max = port_max;
	masq_skel->rodata->max_retries = retries;
	if (masq_timeout_udp_ns)
		masq_skel->rodata->ct_timeout_udp_ns = masq_timeout_udp_ns;
	if (masq_timeout_close_ns)
		masq_skel->rodata->ct_timeout_close_ns = masq_timeout_close_ns;
	err = masq_bpf__load(masq_skel);
	ck_assert_msg(!err, "masq.bpf.o: load (verifier): %s", strerror(-err));
	snat_fd = bpf_program__fd(masq_skel->progs.masq_snat);
	rev_fd = bpf_program__fd(masq_skel->progs.masq_rev_snat);
}

void masq_down(void)
{
	masq_bpf__destroy(masq_skel);
	masq_skel = NULL;
	masq_timeout_udp_ns = masq_timeout_close_ns = 0;
}

__u64 masq_counter(enum dplab_counter c)
{
	return counter_sum(bpf_map__fd(masq_skel->maps.counters), c);
}

struct pkt_spec spec_tcp(__be32 s, __u16 sport, __be32 d, __u16 dport, __u8 flags)
{
	return (struct pkt_spec){ .saddr = s, .daddr = d, .proto = IPPROTO_TCP,
				  .sport = sport, .dport = dport, .tcp_flags = flags,
				  .seq = 1000, .ack = flags & PKT_ACK ? 2000 : 0 };
}

struct pkt_spec spec_udp(__be32 s, __u16 sport, __be32 d, __u16 dport)
{
	return (struct pkt_spec){ .saddr = s, .daddr = d, .proto = IPPROTO_UDP,
				  .sport = sport, .dport = dport, .payload_len = 33 };
}

struct pkt_spec spec_echo(__be32 s, __be32 d, __u8 type, __u16 id)
{
	return (struct pkt_spec){ .saddr = s, .daddr = d, .proto = IPPROTO_ICMP,
				  .icmp_type = type, .icmp_id = id, .icmp_seq = 1,
				  .payload_len = 56 };
}

struct pkt_spec spec_moved(const struct pkt_spec *in, bool dst, __be32 addr, __u16 port)
{
	struct pkt_spec out = *in;

	if (dst)
		out.daddr = addr;
	else
		out.saddr = addr;
	if (in->proto == IPPROTO_ICMP)
		out.icmp_id = port;
	else if (dst)
		out.dport = port;
	else
		out.sport = port;
	return out;
}

void masq_fixtures(int prog_fd, const struct fixture *fx, size_t n)
{
	struct fixture named;
	char desc[200];
	size_t i;

	for (i = 0; i < n; i++) {
		named = fx[i];
		snprintf(desc, sizeof(desc), "masq %s: %s",
			 prog_fd == snat_fd ? "egress" : "ingress", fx[i].desc);
		named.desc = desc;
		fixture_run(prog_fd, &named);
	}
}

void expect(int prog_fd, const char *desc, const struct pkt_spec *in,
	    const struct pkt_spec *out, int verdict, enum dplab_counter c)
{
	struct fixture fx = { .desc = desc, .in_spec = in, .out_spec = out,
			      .expect_verdict = verdict, .expect_counter = FX_CNT(c) };

	masq_fixtures(prog_fd, &fx, 1);
}

void expect_flow(const char *desc, const struct pkt_spec *in, const struct pkt_spec *reply,
		 __u16 port, enum dplab_counter c)
{
	struct pkt_spec out = spec_moved(in, false, NODE, port);
	struct pkt_spec reply_in = spec_moved(reply, true, NODE, port);
	struct pkt_spec reply_out = *reply;
	char d[160];

	expect(snat_fd, desc, in, &out, TC_ACT_UNSPEC, c);
	snprintf(d, sizeof(d), "%s: reply", desc);
	expect(rev_fd, d, &reply_in, &reply_out, TC_ACT_UNSPEC, DPLAB_CNT_REV_NAT);
}

struct dplab_tuple nat_tuple(__u8 proto, __be32 s, __u16 sport, __be32 d, __u16 dport)
{
	return (struct dplab_tuple){ .saddr = s, .daddr = d, .sport = htons(sport),
				     .dport = htons(dport), .proto = proto };
}

bool nat_get(const struct dplab_tuple *key, struct dplab_lb_ct *v)
{
	return !bpf_map_lookup_elem(bpf_map__fd(masq_skel->maps.snat), key, v);
}

void nat_take_port(__u8 proto, __be32 remote, __u16 rport, __u16 port)
{
	struct dplab_tuple key = nat_tuple(proto, remote, rport, NODE, port);
	struct dplab_lb_ct v = { .addr = POD2, .port = htons(port), .last_seen_ns = monotonic_ns(),
				 .state = DPLAB_CT_ESTABLISHED };

	v.peer = nat_tuple(proto, POD2, port, remote, rport);

	ck_assert_int_eq(bpf_map_update_elem(bpf_map__fd(masq_skel->maps.snat), &key, &v, BPF_ANY), 0);
}

__u32 nat_entries(void)
{
	int fd = bpf_map__fd(masq_skel->maps.snat);
	struct dplab_tuple key, next;
	__u32 n = 0;
	int err;

	for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		n++;
	}
	return n;
}

__u16 snat_random_port(const struct pkt_spec *in)
{
	uint8_t frame[PKT_MAX], got[PKT_MAX], want[PKT_MAX];
	size_t len = pkt_build(frame, sizeof(frame), in), want_len;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = got, .data_size_out = sizeof(got), .repeat = 1);
	struct dplab_tuple key = nat_tuple(in->proto, in->saddr, in->sport, in->daddr, in->dport);
	struct pkt_spec out;
	struct dplab_lb_ct v;
	char why[256];
	__u16 port;

	if (in->proto == IPPROTO_ICMP)
		key = nat_tuple(in->proto, in->saddr, in->icmp_id, in->daddr, 0);
	ck_assert_msg(!bpf_prog_test_run_opts(snat_fd, &opts), "test run: %s", strerror(errno));
	ck_assert_int_eq((int)opts.retval, TC_ACT_UNSPEC);
	ck_assert_msg(nat_get(&key, &v), "no forward entry for the flow");
	ck_assert_int_eq(v.addr, NODE);
	port = ntohs(v.port);
	out = spec_moved(in, false, NODE, port);
	want_len = pkt_build(want, sizeof(want), &out);
	ck_assert_msg(opts.data_size_out == want_len && !memcmp(got, want, want_len),
		      "output is not the input moved to port %u", port);
	ck_assert_msg(pkt_csum_verify(got, opts.data_size_out, why, sizeof(why)), "%s", why);
	return port;
}
