// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/attach/attach.c, tc and cgroup parts (suite "attach", TCase "tc"): tcx
 * links in attach order, legacy cls_bpf filters by priority, AUTO's
 * fallback to legacy, and sock_lb's seven programs as pinned cgroup links.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/attach_env.h"
#include "probe.skel.h"
#include "sock_lb.skel.h"
#include "lib/testcg.h"
#include "lib/testlib.h"

#define MAX_PROGS 8

static struct attach_env env;

static int tc_fd(struct probe_bpf *skel)
{
	return bpf_program__fd(skel->progs.tc_pass);
}

static void attach_tc(enum attach_hook hook, enum tc_attach_mode mode, int prog_fd,
		      const char *pin_name, __u32 priority, struct attachment *a)
{
	struct attach_request req;

	attach_env_request(&env, &req, hook, prog_fd, pin_name);
	req.tc_mechanism = mode;
	req.tc_priority = priority;
	attach_ok(&req, a);
}

static void assert_tcx(bool ingress, int n, const __u32 *expect)
{
	__u32 ids[MAX_PROGS];
	int got = tcx_progs(env.ifindex, ingress, ids, MAX_PROGS), i;

	ck_assert_msg(got == n, "tcx %s: %d programs, expected %d", ingress ? "ingress" : "egress",
		      got, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(ids[i] == expect[i], "tcx position %d: program %u, expected %u", i,
			      ids[i], expect[i]);
}

START_TEST(test_tc_auto_uses_tcx)
{
	struct attachment in, out;

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_tc(HOOK_TC_INGRESS, TC_ATTACH_AUTO, tc_fd(env.skel), "in", 1, &in);
	attach_tc(HOOK_TC_EGRESS, TC_ATTACH_AUTO, tc_fd(env.skel), "out", 1, &out);
	ck_assert_int_eq(in.mech, MECH_TCX);
	ck_assert_int_eq(out.mech, MECH_TCX);
	ck_assert_str_eq(in.fallback, "");
	ck_assert_msg(path_exists(in.pin) && path_exists(out.pin), "tcx pins missing");
	attach_env_close_progs(&env);
	assert_tcx(true, 1, &in.prog_id);
	assert_tcx(false, 1, &out.prog_id);
	detach_ok(&in);
	detach_ok(&out);
	assert_tcx(true, 0, NULL);
	assert_tcx(false, 0, NULL);
	ck_assert_msg(!path_exists(in.pin) && !path_exists(out.pin), "tcx pins left behind");
	detach_ok(&in);
	attach_env_down(&env);
}
END_TEST

/* The caller orders a hook by attaching in order: tcx appends. */
START_TEST(test_tcx_keeps_attach_order)
{
	struct probe_bpf *second, *third;
	struct attachment a[3];
	__u32 ids[3];

	need_attach_env();
	attach_env_up(&env, NULL);
	second = attach_env_load_probe();
	third = attach_env_load_probe();
	attach_tc(HOOK_TC_INGRESS, TC_ATTACH_TCX, tc_fd(env.skel), "first", 0, &a[0]);
	attach_tc(HOOK_TC_INGRESS, TC_ATTACH_TCX, tc_fd(second), "second", 0, &a[1]);
	attach_tc(HOOK_TC_INGRESS, TC_ATTACH_TCX, tc_fd(third), "third", 0, &a[2]);
	probe_bpf__destroy(second);
	probe_bpf__destroy(third);
	attach_env_close_progs(&env);
	ids[0] = a[0].prog_id;
	ids[1] = a[1].prog_id;
	ids[2] = a[2].prog_id;
	assert_tcx(true, 3, ids);
	detach_ok(&a[1]);
	ids[1] = a[2].prog_id;
	assert_tcx(true, 2, ids);
	detach_ok(&a[0]);
	detach_ok(&a[2]);
	assert_tcx(true, 0, NULL);
	attach_env_down(&env);
}
END_TEST

/* Legacy filters run by priority, whatever order they were added in. */
START_TEST(test_tc_legacy_orders_by_priority)
{
	struct probe_bpf *second;
	struct attachment late, early;
	char out[2048];
	char *pref1, *pref2;

	need_attach_env();
	attach_env_up(&env, NULL);
	second = attach_env_load_probe();
	attach_tc(HOOK_TC_INGRESS, TC_ATTACH_LEGACY, tc_fd(env.skel), "late", 2, &late);
	attach_tc(HOOK_TC_INGRESS, TC_ATTACH_LEGACY, tc_fd(second), "early", 1, &early);
	probe_bpf__destroy(second);
	attach_env_close_progs(&env);
	ck_assert_int_eq(late.mech, MECH_TC_LEGACY);
	ck_assert_uint_eq(late.tc_priority, 2);
	ck_assert_uint_eq(early.tc_priority, 1);
	ck_assert_uint_ne(late.tc_handle, 0);
	ck_assert_str_eq(late.pin, "");
	ck_assert_uint_eq(tc_filter_prog(env.ifindex, true, late.tc_handle, 2), late.prog_id);
	ck_assert_uint_eq(tc_filter_prog(env.ifindex, true, early.tc_handle, 1), early.prog_id);

	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "tc -n %s filter show dev a ingress", env.ns),
			 0);
	pref1 = strstr(out, "pref 1 ");
	pref2 = strstr(out, "pref 2 ");
	ck_assert_msg(pref1 && pref2 && pref1 < pref2, "pref 1 should come first:\n%s", out);
	assert_tcx(true, 0, NULL);

	detach_ok(&late);
	detach_ok(&early);
	ck_assert_uint_eq(tc_filter_prog(env.ifindex, true, late.tc_handle, 2), 0);
	ck_assert_uint_eq(tc_filter_prog(env.ifindex, true, early.tc_handle, 1), 0);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "tc -n %s qdisc show dev a", env.ns), 0);
	ck_assert_msg(strstr(out, "clsact"), "the clsact qdisc stays:\n%s", out);
	detach_ok(&late);
	ck_assert_int_eq(sh("ip -n %s link del dev a", env.ns), 0);
	detach_ok(&early);
	attach_env_down(&env);
}
END_TEST

START_TEST(test_tc_auto_falls_back_to_legacy)
{
	struct attach_request req;
	struct attachment a;
	char pin[PATH_MAX];

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_env_request(&env, &req, HOOK_TC_EGRESS, tc_fd(env.skel), "egress");
	snprintf(pin, sizeof(pin), "%s/egress", env.plain_dir);
	req.pin_path = pin;
	req.tc_priority = 3;
	attach_ok(&req, &a);
	ck_assert_int_eq(a.mech, MECH_TC_LEGACY);
	ck_assert_msg(strstr(a.fallback, "tcx link failed: ") &&
		      strstr(a.fallback, "is not on a bpffs"), "fallback: %s", a.fallback);
	attach_env_close_progs(&env);
	ck_assert_uint_eq(tc_filter_prog(env.ifindex, false, a.tc_handle, 3), a.prog_id);
	detach_ok(&a);
	ck_assert_uint_eq(tc_filter_prog(env.ifindex, false, a.tc_handle, 3), 0);
	attach_env_down(&env);
}
END_TEST

/* A filter that fails leaves no clsact qdisc behind it. */
START_TEST(test_tc_legacy_failure_leaves_nothing)
{
	struct attach_request req;
	struct attachment a;
	char err[1024], out[1024];
	int rc;

	need_attach_env();
	attach_env_up(&env, NULL);
	/* An XDP program is no classifier. */
	attach_env_request(&env, &req, HOOK_TC_INGRESS,
			   bpf_program__fd(env.skel->progs.xdp_pass), "in");
	req.tc_mechanism = TC_ATTACH_LEGACY;
	rc = attach_prog(&req, &a, err, sizeof(err));
	ck_assert_msg(rc < 0, "an XDP program attached as a tc filter");
	ck_assert_msg(strstr(err, "a in ") &&
		      strstr(err, "(tc ingress) by legacy tc (clsact) failed: "), "error: %s", err);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "tc -n %s qdisc show dev a", env.ns), 0);
	ck_assert_msg(!strstr(out, "clsact"), "clsact left behind:\n%s", out);
	attach_env_down(&env);
}
END_TEST

static __u32 cgroup_prog(int cg_fd, enum bpf_attach_type type)
{
	LIBBPF_OPTS(bpf_prog_query_opts, q);
	__u32 ids[MAX_PROGS];
	int err;

	q.prog_ids = ids;
	q.count = MAX_PROGS;
	err = bpf_prog_query_opts(cg_fd, type, &q);
	ck_assert_msg(!err, "cgroup query: %s", strerror(-err));
	ck_assert_uint_le(q.count, 1);
	return q.count ? ids[0] : 0;
}

START_TEST(test_cgroup_links)
{
	static const struct {
		enum attach_hook hook;
		enum bpf_attach_type type;
		const char *pin;
	} hooks[] = {
		{ HOOK_CGROUP_CONNECT4, BPF_CGROUP_INET4_CONNECT, "connect4" },
		{ HOOK_CGROUP_SENDMSG4, BPF_CGROUP_UDP4_SENDMSG, "sendmsg4" },
		{ HOOK_CGROUP_RECVMSG4, BPF_CGROUP_UDP4_RECVMSG, "recvmsg4" },
		{ HOOK_CGROUP_GETPEERNAME4, BPF_CGROUP_INET4_GETPEERNAME, "getpeername4" },
		{ HOOK_CGROUP_CONNECT6, BPF_CGROUP_INET6_CONNECT, "connect6" },
		{ HOOK_CGROUP_RECVMSG6, BPF_CGROUP_UDP6_RECVMSG, "recvmsg6" },
		{ HOOK_CGROUP_GETPEERNAME6, BPF_CGROUP_INET6_GETPEERNAME, "getpeername6" },
	};
	enum { N = sizeof(hooks) / sizeof(hooks[0]) };
	struct sock_lb_bpf *skel;
	struct attach_request req;
	struct attachment a[N];
	struct testcg cg;
	int prog_fd[N], i, err;

	need_attach_env();
	if (!testcg_root())
		test_skip("no cgroup v2 hierarchy mounted");
	attach_env_up(&env, NULL);
	err = testcg_create(&cg);
	ck_assert_msg(!err, "test cgroup: %s", strerror(-err));
	skel = sock_lb_bpf__open_and_load();
	ck_assert_msg(skel, "sock_lb.bpf.o: %s", strerror(errno));
	prog_fd[0] = bpf_program__fd(skel->progs.sock_lb_connect4);
	prog_fd[1] = bpf_program__fd(skel->progs.sock_lb_sendmsg4);
	prog_fd[2] = bpf_program__fd(skel->progs.sock_lb_recvmsg4);
	prog_fd[3] = bpf_program__fd(skel->progs.sock_lb_getpeername4);
	prog_fd[4] = bpf_program__fd(skel->progs.sock_lb_connect6);
	prog_fd[5] = bpf_program__fd(skel->progs.sock_lb_recvmsg6);
	prog_fd[6] = bpf_program__fd(skel->progs.sock_lb_getpeername6);
	for (i = 0; i < N; i++) {
		attach_env_request(&env, &req, hooks[i].hook, prog_fd[i], hooks[i].pin);
		req.ifname = cg.path;
		attach_ok(&req, &a[i]);
		ck_assert_int_eq(a[i].mech, MECH_CGROUP_LINK);
		ck_assert_str_eq(a[i].ifname, cg.path);
		ck_assert_msg(path_exists(a[i].pin), "pin %s missing", a[i].pin);
	}
	sock_lb_bpf__destroy(skel);
	for (i = 0; i < N; i++)
		ck_assert_uint_eq(cgroup_prog(cg.fd, hooks[i].type), a[i].prog_id);
	for (i = 0; i < N; i++) {
		detach_ok(&a[i]);
		ck_assert_uint_eq(cgroup_prog(cg.fd, hooks[i].type), 0);
		ck_assert_msg(!path_exists(a[i].pin), "pin %s left behind", a[i].pin);
		detach_ok(&a[i]);
	}
	ck_assert_int_eq(testcg_remove(&cg), 0);
	attach_env_down(&env);
}
END_TEST

TCase *attach_tc_tcase(void)
{
	TCase *tc = tcase_create("tc");

	tcase_add_unchecked_fixture(tc, NULL, attach_env_remove_leftovers);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_tc_auto_uses_tcx);
	tcase_add_test(tc, test_tcx_keeps_attach_order);
	tcase_add_test(tc, test_tc_legacy_orders_by_priority);
	tcase_add_test(tc, test_tc_auto_falls_back_to_legacy);
	tcase_add_test(tc, test_tc_legacy_failure_leaves_nothing);
	tcase_add_test(tc, test_cgroup_links);
	return tc;
}
