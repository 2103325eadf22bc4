// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The judge of the property tests, tested on tiny XDP programs that break
 * one invariant each on purpose (a checksum left stale, a pod address let
 * out, replies sent to another client, frames cut): each must be caught,
 * and only by its own invariant.  Then the suite datapath_props.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "lib/harness_progs.h"
#include "lib/testlib.h"
#include "props/props.h"

#define INSN(c, d, s, o, i)						\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define SELF_FRAMES 3000

/* Bound, XDP_PASS: the frames of the broken programs below. */
#define RET_PASS							\
	INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, XDP_PASS),	\
	INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int load(const char *name, const struct bpf_insn *insns, size_t n)
{
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns, n, NULL);

	ck_assert_msg(fd >= 0, "%s: load: %s", name, strerror(errno));
	return fd;
}

/* Every frame passes untouched: a masquerade that translates nothing. */
static int prog_pass(void)
{
	const struct bpf_insn insns[] = { RET_PASS };

	return load("props_pass", insns, 2);
}

/* The IPv4 destination becomes PR_POD3, checksums left: replies to a wrong client. */
static int prog_dst_pod3(void)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0),	/* data */
		INSN(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 4, 0),	/* data_end */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_2, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, 34),
		INSN(BPF_JMP | BPF_JGT | BPF_X, BPF_REG_4, BPF_REG_3, 1, 0),	/* short */
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_2, 0, 30, (__s32)PR_POD3),
		RET_PASS,
	};

	return load("props_dst_pod3", insns, sizeof(insns) / sizeof(insns[0]));
}

/* Four bytes off the end of every frame. */
static int prog_cut(void)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, -4),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_tail),
		RET_PASS,
	};

	return load("props_cut", insns, sizeof(insns) / sizeof(insns[0]));
}

static const __be32 pods[] = { PR_POD1, PR_POD2 };
static const __be32 remotes[] = { PR_REMOTE1, PR_REMOTE2 };
static const __be32 to_node[] = { PR_NODE };
static const struct props_traffic egress = { .src = pods, .n_src = 2, .dst = remotes, .n_dst = 2 };
static const struct props_traffic replies = { .src = remotes, .n_src = 2, .dst = to_node,
					      .n_dst = 1, .replies = true };

/* SELF_FRAMES generated frames through one program; its counts in *out. */
static void judge_prog(int fd, const struct props_traffic *tr, enum props_role role,
		       bool masq, struct props_prog *out)
{
	struct props_prog prog = { .name = "broken", .xdp = true, .role = role,
				   .masq_egress = masq, .traffic = tr, .fd = fd };
	struct props_tuple o = { PR_POD1, PR_REMOTE1, 40000, 80, IPPROTO_TCP };
	struct props_tuple t = { PR_NODE, PR_REMOTE1, 40000, 80, IPPROTO_TCP };
	struct props_model model;
	struct props_env env = { .prog = &prog, .n_prog = 1, .model = &model, .seed = 1 };
	struct props_rng r;
	char err[256];
	int i;

	ck_assert_int_eq(props_model_init(&model), 0);
	ck_assert_int_eq(props_model_init(&env.inbound), 0);
	props_model_open(&model, &o, &t);	/* a flow POD1 opened, for the replies */
	props_rng_seed(&r, 1);
	for (i = 0; i < SELF_FRAMES; i++)
		ck_assert_msg(props_step(&env, 0, &r, err, sizeof(err)), "%s", err);
	props_model_free(&model);
	props_model_free(&env.inbound);
	*out = prog;
	close(fd);
}

START_TEST(test_judge_catches_stale_checksum)
{
	struct props_prog p;

	need_root();
	judge_prog(harness_prog_ttl_no_csum(), &egress, ROLE_PLAIN, false, &p);
	ck_assert_msg(p.viol[INV_CSUM] > p.passed / 2, "(a) caught %llu of %llu",
		      (unsigned long long)p.viol[INV_CSUM], (unsigned long long)p.passed);
	ck_assert_uint_eq(p.viol[INV_SHAPE], 0);
}
END_TEST

START_TEST(test_judge_catches_pod_address)
{
	struct props_prog p;

	need_root();
	judge_prog(prog_pass(), &egress, ROLE_FWD, true, &p);
	ck_assert_msg(p.viol[INV_MASQ] > p.passed / 2, "(b) caught %llu of %llu",
		      (unsigned long long)p.viol[INV_MASQ], (unsigned long long)p.passed);
	ck_assert_uint_eq(p.viol[INV_CSUM] + p.viol[INV_CLIENT] + p.viol[INV_SHAPE], 0);
}
END_TEST

START_TEST(test_judge_catches_wrong_client)
{
	struct props_prog p;

	need_root();
	judge_prog(prog_dst_pod3(), &replies, ROLE_REV, false, &p);
	/* every reply translated: to POD3, never the client (POD1) that opened it */
	ck_assert_msg(p.viol[INV_CLIENT] > p.translated / 2,
		      "(c) caught %llu of %llu translated", (unsigned long long)p.viol[INV_CLIENT],
		      (unsigned long long)p.translated);
	ck_assert_uint_eq(p.viol[INV_MASQ] + p.viol[INV_SHAPE], 0);
}
END_TEST

START_TEST(test_judge_catches_cut_frames)
{
	struct props_prog p;

	need_root();
	judge_prog(prog_cut(), &egress, ROLE_PLAIN, false, &p);
	ck_assert_msg(p.viol[INV_SHAPE] > p.passed / 2, "(d) caught %llu of %llu",
		      (unsigned long long)p.viol[INV_SHAPE], (unsigned long long)p.passed);
}
END_TEST

/* test_props.c */
void props_add_generated(TCase *tc);

static Suite *datapath_props_suite(void)
{
	Suite *s = suite_create("datapath_props");
	TCase *judge = tcase_create("judge");
	TCase *gen = tcase_create("generated");

	tcase_add_test(judge, test_judge_catches_stale_checksum);
	tcase_add_test(judge, test_judge_catches_pod_address);
	tcase_add_test(judge, test_judge_catches_wrong_client);
	tcase_add_test(judge, test_judge_catches_cut_frames);
	suite_add_tcase(s, judge);
	tcase_set_timeout(gen, 60);
	props_add_generated(gen);
	suite_add_tcase(s, gen);
	return s;
}
TEST_SUITE(datapath_props_suite)
