// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fixtures through BPF_PROG_TEST_RUN (part of the "harness" suite): the
 * probe's pass programs for XDP and tc, and tiny raw programs that count,
 * rewrite without fixing the checksum, and XDP_TX.  Needs root (CAP_BPF).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/pkt.h"
#include "lib/fixture.h"
#include "lib/harness_progs.h"
#include "lib/pcap_file.h"
#include "dplab/counters.h"
#include "probe.skel.h"

static const struct pkt_spec syn = {
	.saddr = IP4(10, 0, 0, 1), .daddr = IP4(10, 96, 0, 10),
	.sport = 1234, .dport = 80, .tcp_flags = PKT_SYN, .seq = 1,
};

static struct probe_bpf *load_probe(void)
{
	struct probe_bpf *skel = probe_bpf__open();
	int err;

	ck_assert_msg(skel, "opening probe.bpf.o failed");
	/* Only the pass programs are needed; the tp_btf one needs more. */
	bpf_program__set_autoload(skel->progs.probe_xdp_link_attach_failed, false);
	err = probe_bpf__load(skel);
	ck_assert_msg(!err, "loading probe.bpf.o: %s", strerror(-err));
	return skel;
}

static int count_packets(const char *path)
{
	static uint8_t frames[4][PKT_MAX];
	size_t lens[4];
	char err[256];
	int n = pcap_file_read(path, &frames[0][0], PKT_MAX, lens, 4, err, sizeof(err));

	ck_assert_msg(n >= 0, "%s", err);
	return n;
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_msg(d, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_fixture_xdp_pass)
{
	const struct pkt_spec trunc = { .proto = IPPROTO_UDP, .payload_len = 8, .truncate_to = 38 };
	const struct pkt_spec v6 = { .ethertype = 0x86dd, .payload_len = 40 };
	const struct pkt_spec vx = { .inner = &syn, .vni = 42 };
	char dir[] = "/tmp/dplab-harness-XXXXXX", path[4096];
	const char *user_dir = getenv("DPLAB_PCAP_DIR");
	struct probe_bpf *skel;
	uint8_t bytes[PKT_MAX];
	size_t len = pkt_build(bytes, sizeof(bytes), &syn);
	const struct fixture fx[] = {
		{ .desc = "TCP SYN passes untouched", .in_spec = &syn,
		  .expect_verdict = XDP_PASS },
		{ .desc = "the same frame given as bytes", .in = bytes, .in_len = len,
		  .expect_verdict = XDP_PASS, .out = bytes, .out_len = len },
		{ .desc = "truncated UDP (no checksum check)", .in_spec = &trunc,
		  .expect_verdict = XDP_PASS },
		{ .desc = "IPv6 ethertype", .in_spec = &v6, .expect_verdict = XDP_PASS },
		{ .desc = "VXLAN frame", .in_spec = &vx, .expect_verdict = XDP_PASS,
		  .out_spec = &vx },
		{ .desc = "arriving on lo", .in_spec = &syn, .expect_verdict = XDP_PASS,
		  .ifindex = 1 },
	};

	need_root();
	/* The runner's --pcap-dir if given, else a directory of our own. */
	if (!user_dir || !user_dir[0]) {
		ck_assert_ptr_nonnull(mkdtemp(dir));
		setenv("DPLAB_PCAP_DIR", dir, 1);
	}
	skel = load_probe();
	fixture_run_n(bpf_program__fd(skel->progs.xdp_pass), fx, FX_N(fx));
	fixture_pcap_path(getenv("DPLAB_PCAP_DIR"), "VXLAN frame", path, sizeof(path));
	ck_assert_int_eq(count_packets(path), 2);
	if (!user_dir || !user_dir[0]) {
		ck_assert_int_eq(count_files(dir), (int)FX_N(fx));
		unsetenv("DPLAB_PCAP_DIR");
		sh("rm -rf %s", dir);
	}
	probe_bpf__destroy(skel);
}
END_TEST

START_TEST(test_fixture_tc_pass)
{
	const struct pkt_spec udp = { .proto = IPPROTO_UDP, .udp_no_csum = true, .sport = 9 };
	const struct fixture fx[] = {
		{ .desc = "tc: SYN goes on untouched", .in_spec = &syn,
		  .expect_verdict = TC_ACT_UNSPEC },
		{ .desc = "tc: UDP without checksum, on lo", .in_spec = &udp,
		  .expect_verdict = TC_ACT_UNSPEC, .ifindex = 1 },
	};
	struct probe_bpf *skel;

	need_root();
	skel = load_probe();
	fixture_run_n(bpf_program__fd(skel->progs.tc_pass), fx, FX_N(fx));
	probe_bpf__destroy(skel);
}
END_TEST

/* fixture_try must fail, and its message contain every one of want[]. */
static void assert_fails(int fd, const struct fixture *fx, const char *const *want)
{
	static char err[8192];

	ck_assert_msg(!fixture_try(fd, fx, err, sizeof(err)), "fixture \"%s\" passed", fx->desc);
	for (; *want; want++)
		ck_assert_msg(strstr(err, *want), "'%s' missing from:\n%s", *want, err);
}

START_TEST(test_fixture_reports_failures)
{
	struct pkt_spec moved = syn, big = syn, big_out, short_ip = syn;
	static char err[8192];
	struct probe_bpf *skel;
	int xdp, tc;

	need_root();
	skel = load_probe();
	xdp = bpf_program__fd(skel->progs.xdp_pass);
	tc = bpf_program__fd(skel->progs.tc_pass);
	moved.daddr = IP4(10, 1, 0, 7);
	assert_fails(xdp, &(struct fixture){ .desc = "wrong verdict", .in_spec = &syn,
		     .expect_verdict = XDP_DROP },
		     (const char *const[]){ "fixture \"wrong verdict\": verdict XDP_PASS, "
		     "expected XDP_DROP", "input:    10.0.0.1:1234 -> 10.96.0.10:80 TCP SYN",
		     "counters: (no \"counters\" map)", NULL });
	assert_fails(tc, &(struct fixture){ .desc = "tc verdict", .in_spec = &syn,
		     .expect_verdict = TC_ACT_SHOT },
		     (const char *const[]){ "verdict TC_ACT_UNSPEC, expected TC_ACT_SHOT", NULL });
	assert_fails(xdp, &(struct fixture){ .desc = "not DNATed", .in_spec = &syn,
		     .expect_verdict = XDP_PASS, .out_spec = &moved },
		     (const char *const[]){ "at offset 25 (IPv4 checksum)",
		     "fields that differ: IPv4 checksum, IPv4 daddr, TCP checksum",
		     "expected: 10.0.0.1:1234 -> 10.1.0.7:80 TCP SYN",
		     "got:      10.0.0.1:1234 -> 10.96.0.10:80 TCP SYN",
		     "* 0010 ", "expected (54 bytes, '*' marks", NULL });
	/* This kernel's tc test run refuses a cut IPv4 header; XDP takes it. */
	short_ip.truncate_to = 14 + 12;
	fixture_run(xdp, &(struct fixture){ .desc = "cut IPv4 header", .in_spec = &short_ip,
		    .expect_verdict = XDP_PASS });
	if (fixture_try(tc, &(struct fixture){ .desc = "cut IPv4 header", .in_spec = &short_ip,
			.expect_verdict = TC_ACT_UNSPEC }, err, sizeof(err)))
		printf("note: this kernel's tc test run takes a cut IPv4 header\n");
	else
		ck_assert_msg(strstr(err, "run a truncated-IP case on XDP"), "%s", err);
	assert_fails(xdp, &(struct fixture){ .desc = "no counters", .in_spec = &syn,
		     .expect_verdict = XDP_PASS, .expect_counter = FX_CNT(DPLAB_CNT_PASS) },
		     (const char *const[]){ "no per-CPU array \"counters\"", NULL });
	/* Big frames: the dump shows the part around the first difference. */
	big.payload_len = 1400;
	big_out = big;
	big_out.payload = (const uint8_t[1400]){ [1300] = 1 };
	assert_fails(xdp, &(struct fixture){ .desc = "big", .in_spec = &big,
		     .expect_verdict = XDP_PASS, .out_spec = &big_out },
		     (const char *const[]){ "at offset 50 (TCP checksum)",
		     "fields that differ: TCP checksum, payload", "1454 bytes, part", NULL });
	probe_bpf__destroy(skel);
}
END_TEST

START_TEST(test_fixture_counters)
{
	const struct fixture fx[] = {
		{ .desc = "counted drop", .in_spec = &syn, .expect_verdict = XDP_DROP,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
		{ .desc = "counted drop again", .in_spec = &syn, .expect_verdict = XDP_DROP,
		  .expect_counter = FX_CNT(DPLAB_CNT_DROP_TRUNCATED) },
	};
	int map, prog;

	need_root();
	map = harness_counters_map(DPLAB_CNT_MAX);
	ck_assert_msg(map >= 0, "per-CPU array: %s", strerror(-map));
	prog = harness_prog_count_drop(map, DPLAB_CNT_DROP_TRUNCATED);
	ck_assert_msg(prog >= 0, "counting program: %s", strerror(-prog));
	fixture_run_n(prog, fx, FX_N(fx));
	ck_assert_uint_eq(counter_sum(map, DPLAB_CNT_DROP_TRUNCATED), 2);
	ck_assert_uint_eq(counter_sum(map, DPLAB_CNT_PASS), 0);
	assert_fails(prog, &(struct fixture){ .desc = "wrong counter", .in_spec = &syn,
		     .expect_verdict = XDP_DROP, .expect_counter = FX_CNT(DPLAB_CNT_PASS) },
		     (const char *const[]){ "counter pass should have grown by 1",
		     "counters: drop_truncated +1", NULL });
	ck_assert_uint_eq(counter_sum(map, DPLAB_CNT_DROP_TRUNCATED), 3);
	close(prog);
	close(map);
}
END_TEST

START_TEST(test_fixture_output_checksum)
{
	struct pkt_spec want = syn;
	uint8_t got[PKT_MAX];
	size_t len;
	int prog;

	need_root();
	prog = harness_prog_ttl_no_csum();
	ck_assert_msg(prog >= 0, "TTL program: %s", strerror(-prog));
	/* The expected frame has the right checksum: the bytes differ. */
	want.ttl = 63;
	assert_fails(prog, &(struct fixture){ .desc = "ttl", .in_spec = &syn,
		     .expect_verdict = XDP_TX, .out_spec = &want },
		     (const char *const[]){ "at offset 24 (IPv4 checksum)", NULL });
	/* Expected bytes that match a wrong output: the checker catches it. */
	len = pkt_build(got, sizeof(got), &syn);
	got[22]--;
	assert_fails(prog, &(struct fixture){ .desc = "ttl", .in_spec = &syn,
		     .expect_verdict = XDP_TX, .out = got, .out_len = len },
		     (const char *const[]){ "output checksum wrong: IPv4 header checksum: "
		     "expected 0x", NULL });
	close(prog);
}
END_TEST

void harness_add_run_tests(TCase *tc)
{
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_fixture_xdp_pass);
	tcase_add_test(tc, test_fixture_tc_pass);
	tcase_add_test(tc, test_fixture_reports_failures);
	tcase_add_test(tc, test_fixture_counters);
	tcase_add_test(tc, test_fixture_output_checksum);
}
