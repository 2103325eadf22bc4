/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Katran-style packet fixtures for tc and XDP programs: an input frame, the
 * expected verdict and the expected output frame, run once through
 * BPF_PROG_TEST_RUN.  Frames are given as bytes or as pkt_spec (pkt.h):
 *
 *	struct pkt_spec out = syn;
 *	out.daddr = IP4(10, 1, 0, 7);
 *	out.dport = 8080;
 *	struct fixture fx[] = {
 *		{ .desc = "SYN to the VIP is DNATed to backend 1",
 *		  .in_spec = &syn, .expect_verdict = TC_ACT_OK, .out_spec = &out,
 *		  .expect_counter = FX_CNT(DPLAB_CNT_CT_NEW) },
 *		{ .desc = "second SYN of the flow reuses the CT entry", ... },
 *	};
 *	fixture_run_n(bpf_program__fd(skel->progs.lb), fx, FX_N(fx));
 *
 * Every check failure names the fixture, shows verdicts by name (XDP_TX,
 * TC_ACT_SHOT), the first differing byte and the header field it is in,
 * a one-line summary and a hex dump of both frames, and the program's
 * counters that changed during the run.
 *
 * Kernel limits (6.18): frames under 14 bytes are refused; a tc test run
 * refuses an IPv4 ethertype with less than 20 bytes of IP header (IPv6: 40)
 * with EINVAL, so a cut-IP-header case runs on XDP (or cuts the L4 header
 * instead); XDP takes up to about 3.5 KB.  The failure message says so.
 *
 * With DPLAB_PCAP_DIR set (tests/dplab-tests --pcap-dir DIR), each run
 * writes DIR/<desc with [^A-Za-z0-9._-] as _>.pcap holding the input then
 * the output frame.
 */
#ifndef DPLAB_TESTS_FIXTURE_H
#define DPLAB_TESTS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "lib/pkt.h"

struct fixture {
	const char *desc;		/* one line: what the case is */
	const uint8_t *in;		/* the input frame, or NULL: in_spec */
	size_t in_len;
	int expect_verdict;		/* XDP_* or TC_ACT_* */
	const uint8_t *out;		/* the expected output, or NULL: out_spec, */
	size_t out_len;			/* and both NULL: the input, untouched */
	const struct pkt_spec *in_spec;
	const struct pkt_spec *out_spec;
	/* FX_CNT(DPLAB_CNT_...): that counter of the program's "counters"
	 * map must grow by exactly 1 in this run.  0: not checked. */
	unsigned int expect_counter;
	/* The device the frame arrives on (tc: skb->dev and ingress_ifindex;
	 * XDP: ingress_ifindex).  0: none (tc: loopback). */
	int ifindex;
};

#define FX_CNT(c) ((unsigned int)(c) + 1)
#define FX_N(arr) (sizeof(arr) / sizeof((arr)[0]))

/*
 * Run the program once on the fixture's input (repeat = 1; maps persist
 * from run to run) and check, with ck_assert: the verdict, the output
 * frame byte for byte, the output's checksums (pkt_csum_verify) whenever
 * the input's were right, and expect_counter.
 */
void fixture_run(int prog_fd, const struct fixture *fx);
/* fixture_run on each of n fixtures in order, on the same program. */
void fixture_run_n(int prog_fd, const struct fixture *fx, size_t n);

/* The same checks without Check: false with the failure text in err. */
bool fixture_try(int prog_fd, const struct fixture *fx, char *err, size_t err_len);

/* Sum over all possible CPUs of entry idx of a per-CPU array of __u64. */
__u64 counter_sum(int map_fd, __u32 idx);

/* "XDP_TX", "TC_ACT_SHOT", or the number, for a program of this type. */
const char *fixture_verdict_name(enum bpf_prog_type type, int verdict, char *buf, size_t len);

/* The pcap file a fixture writes: DIR/<sanitized desc>.pcap. */
void fixture_pcap_path(const char *dir, const char *desc, char *buf, size_t len);
/* Write in then out as a two-frame Ethernet pcap; 0, or -1 with err set. */
int fixture_pcap_write(const char *path, const uint8_t *in, size_t in_len,
		       const uint8_t *out, size_t out_len, char *err, size_t err_len);

#endif /* DPLAB_TESTS_FIXTURE_H */
