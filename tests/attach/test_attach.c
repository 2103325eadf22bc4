// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/attach/attach.c, XDP part, and the "attach" suite (tc, cgroup and the
 * state file are in test_attach_tc.c and test_attach_state.c).  Each test
 * attaches xdp_pass to veth "a" in a namespace of its own, checks
 * that the kernel shows it where expected, that it stays after every fd
 * of the program is closed (pins and netlink hold it), and that detaching
 * removes it completely.
 *
 * AUTO's fallback: on this kernel the XDP bpf_link and netlink paths meet
 * the same driver checks (dev_xdp_attach), so a device that refuses one
 * refuses the other.  The case where a link fails and netlink works is a
 * link that cannot be kept: the pin path is not on a bpffs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/attach_env.h"
#include "probe.skel.h"
#include "lib/testlib.h"

#define PEER_MTU_MSG "veth: Peer MTU is too large to set XDP"
#define GONE_WAIT_STEPS 100
#define GONE_WAIT_US 10000

static struct attach_env env;

static void assert_contains(const char *s, const char *part)
{
	ck_assert_msg(strstr(s, part), "expected \"%s\" in: %s", part, s);
}

static void assert_xdp(__u32 prog_id, __u8 mode)
{
	__u8 got_mode;
	__u32 got = xdp_attached_prog(env.ifindex, &got_mode);

	ck_assert_msg(got == prog_id, "XDP on a: program %u, expected %u", got, prog_id);
	if (prog_id)
		ck_assert_msg(got_mode == mode, "XDP on a: mode %u, expected %u", got_mode, mode);
}

/* Attach by mech; it must hold alone, then go completely, twice. */
static void attach_hold_detach(enum xdp_attach_knob mode, bool generic,
			       enum attach_mechanism expect_mech)
{
	struct attach_request req;
	struct attachment a;
	__u8 xdp_mode = generic ? XDP_ATTACHED_SKB : XDP_ATTACHED_DRV;
	int held_link;

	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	req.prog_name = "xdp_pass";
	req.xdp_mechanism = mode;
	req.xdp_generic = generic;
	attach_ok(&req, &a);
	ck_assert_str_eq(attach_mech_name(a.mech), attach_mech_name(expect_mech));
	ck_assert_str_eq(a.prog_name, "xdp_pass");
	ck_assert_str_eq(a.ns, env.ns);
	ck_assert_str_eq(a.ifname, "a");
	ck_assert_uint_ne(a.prog_id, 0);
	if (expect_mech == MECH_XDP_LINK) {
		ck_assert_str_eq(a.pin, req.pin_path);
		ck_assert_msg(path_exists(a.pin), "link pin %s missing", a.pin);
	} else {
		ck_assert_str_eq(a.pin, "");
	}
	if (expect_mech != MECH_XDP_LIBXDP)
		ck_assert_str_eq(a.fallback, "");
	assert_xdp(a.prog_id, xdp_mode);

	attach_env_close_progs(&env);
	assert_xdp(a.prog_id, xdp_mode);

	/* Someone else holding the link does not keep it attached. */
	held_link = a.pin[0] ? bpf_obj_get(a.pin) : -1;
	if (a.pin[0])
		ck_assert_msg(held_link >= 0, "bpf_obj_get %s: %s", a.pin, strerror(errno));
	detach_ok(&a);
	assert_xdp(0, 0);
	if (a.pin[0])
		ck_assert_msg(!path_exists(a.pin), "pin %s left behind", a.pin);
	if (held_link >= 0)
		close(held_link);
	detach_ok(&a);
}

START_TEST(test_xdp_auto_uses_link)
{
	need_attach_env();
	attach_env_up(&env, NULL);
	attach_hold_detach(XDP_ATTACH_AUTO, false, MECH_XDP_LINK);
	attach_env_down(&env);
}
END_TEST

START_TEST(test_xdp_link_generic)
{
	need_attach_env();
	attach_env_up(&env, NULL);
	attach_hold_detach(XDP_ATTACH_LINK, true, MECH_XDP_LINK);
	attach_env_down(&env);
}
END_TEST

START_TEST(test_xdp_netlink)
{
	need_attach_env();
	attach_env_up(&env, NULL);
	attach_hold_detach(XDP_ATTACH_NETLINK, false, MECH_XDP_NETLINK);
	attach_env_down(&env);
}
END_TEST

START_TEST(test_xdp_libxdp)
{
	char left[256];

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_hold_detach(XDP_ATTACH_LIBXDP, false, MECH_XDP_LIBXDP);
	ck_assert_int_eq(sh_out(left, sizeof(left), 1, "ls /sys/fs/bpf/xdp 2>/dev/null | "
				"grep '^dispatch-%d-' || true", env.ifindex), 0);
	ck_assert_msg(!left[0], "libxdp left pins behind: %s", left);
	attach_env_down(&env);
}
END_TEST

/* libxdp says how it loaded: by its dispatcher, or why not. */
START_TEST(test_xdp_libxdp_says_how)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	struct attach_request req;
	struct attachment a;

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	req.xdp_mechanism = XDP_ATTACH_LIBXDP;
	attach_ok(&req, &a);
	/* libxdp worked on a duplicate: the caller's fd is still its program. */
	ck_assert_int_eq(bpf_prog_get_info_by_fd(req.prog_fd, &info, &info_len), 0);
	ck_assert_uint_eq(info.id, a.prog_id);
	if (xdp_attached_prog(env.ifindex, NULL) == a.prog_id)
		assert_contains(a.fallback, "dispatcher unavailable: ");
	else
		ck_assert_str_eq(a.fallback, "");
	detach_ok(&a);
	assert_xdp(0, 0);
	attach_env_down(&env);
}
END_TEST

/* The veth refuses XDP by both mechanisms: the kernel's reason for each. */
START_TEST(test_xdp_auto_both_fail_peer_mtu)
{
	struct attach_request req;
	struct attachment a;
	char err[1024], where[64];
	int rc;

	need_attach_env();
	attach_env_up(&env, "mtu 9000");
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	req.prog_name = "xdp_pass";
	rc = attach_prog(&req, &a, err, sizeof(err));
	ck_assert_int_eq(rc, -ERANGE);
	snprintf(where, sizeof(where), "a in %s: ", env.ns);
	assert_contains(err, where);
	assert_contains(err, "attaching xdp_pass (XDP native)");
	assert_contains(err, "by bpf_link failed: ERANGE (" PEER_MTU_MSG ")");
	assert_contains(err, "; by netlink: ERANGE (" PEER_MTU_MSG ")");
	assert_xdp(0, 0);
	ck_assert_msg(!path_exists(req.pin_path), "pin %s made for a failed link", req.pin_path);
	attach_env_down(&env);
}
END_TEST

/* A link that cannot be pinned would die with this process: netlink instead. */
START_TEST(test_xdp_auto_falls_back_without_bpffs)
{
	struct attach_request req;
	struct attachment a;
	char pin[PATH_MAX];

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	snprintf(pin, sizeof(pin), "%s/links/xdp", env.plain_dir);
	req.pin_path = pin;
	attach_ok(&req, &a);
	ck_assert_int_eq(a.mech, MECH_XDP_NETLINK);
	assert_contains(a.fallback, "bpf_link failed: ");
	assert_contains(a.fallback, "is not on a bpffs");
	ck_assert_str_eq(a.pin, "");
	attach_env_close_progs(&env);
	assert_xdp(a.prog_id, XDP_ATTACHED_DRV);
	detach_ok(&a);
	assert_xdp(0, 0);
	attach_env_down(&env);
}
END_TEST

/* A leftover pin stops AUTO: it is not a reason to attach by netlink instead. */
START_TEST(test_xdp_auto_stops_at_leftover_pin)
{
	struct attach_request req;
	struct attachment a;
	char err[1024];

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	ck_assert_int_eq(sh("mkdir -p %s", env.pin_dir), 0);
	ck_assert_int_eq(bpf_obj_pin(bpf_program__fd(env.skel->progs.tc_pass), req.pin_path),
			 0);
	ck_assert_int_eq(attach_prog(&req, &a, err, sizeof(err)), -EEXIST);
	assert_contains(err, "exists already");
	ck_assert_msg(!strstr(err, "netlink"), "netlink tried after a leftover pin: %s", err);
	assert_xdp(0, 0);
	attach_env_down(&env);
}
END_TEST

/* A program someone else attached is never replaced, nor removed by our detach. */
START_TEST(test_xdp_never_replaces_others)
{
	struct attach_request req;
	struct probe_bpf *other;
	struct attachment a;
	char err[1024];
	__u32 other_id;
	int other_fd;

	need_attach_env();
	attach_env_up(&env, NULL);
	other = attach_env_load_probe();
	other_fd = bpf_program__fd(other->progs.xdp_pass);
	ck_assert_int_eq(bpf_xdp_attach(env.ifindex, other_fd, XDP_FLAGS_DRV_MODE, NULL), 0);
	other_id = xdp_attached_prog(env.ifindex, NULL);

	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	ck_assert_int_eq(attach_prog(&req, &a, err, sizeof(err)), -EBUSY);
	assert_contains(err, "by bpf_link failed: EBUSY");
	assert_contains(err, "by netlink: EBUSY");
	assert_xdp(other_id, XDP_ATTACHED_DRV);

	/* Ours by netlink, then replaced by the other: detach leaves the other. */
	ck_assert_int_eq(bpf_xdp_detach(env.ifindex, XDP_FLAGS_DRV_MODE, NULL), 0);
	req.xdp_mechanism = XDP_ATTACH_NETLINK;
	attach_ok(&req, &a);
	ck_assert_int_eq(bpf_xdp_attach(env.ifindex, other_fd, XDP_FLAGS_DRV_MODE, NULL), 0);
	detach_ok(&a);
	assert_xdp(other_id, XDP_ATTACHED_DRV);
	ck_assert_int_eq(bpf_xdp_detach(env.ifindex, XDP_FLAGS_DRV_MODE, NULL), 0);
	probe_bpf__destroy(other);
	attach_env_down(&env);
}
END_TEST

/* Detaching what is gone already is fine: pin removed, device deleted. */
START_TEST(test_xdp_detach_gone)
{
	struct attach_request req;
	struct attachment by_link, by_netlink;
	int i;

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	attach_ok(&req, &by_link);
	ck_assert_int_eq(unlink(by_link.pin), 0);
	attach_env_close_progs(&env);
	/* The kernel frees an unpinned link after an RCU grace period. */
	for (i = 0; i < GONE_WAIT_STEPS && xdp_attached_prog(env.ifindex, NULL); i++)
		usleep(GONE_WAIT_US);
	assert_xdp(0, 0);
	detach_ok(&by_link);

	env.skel = attach_env_load_probe();
	req.prog_fd = bpf_program__fd(env.skel->progs.xdp_pass);
	req.xdp_mechanism = XDP_ATTACH_NETLINK;
	attach_ok(&req, &by_netlink);
	ck_assert_int_eq(sh("ip -n %s link del dev a", env.ns), 0);
	detach_ok(&by_netlink);
	attach_env_down(&env);
}
END_TEST

/* Device hooks act only in the namespace named: never on a namesake elsewhere. */
START_TEST(test_namespace_must_be_current)
{
	struct attach_request req;
	struct attachment a, moved;
	char other[TESTNS_NAME], err[1024];

	need_attach_env();
	attach_env_up(&env, NULL);
	ck_assert_int_eq(testns_create(other), 0);
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	req.xdp_mechanism = XDP_ATTACH_NETLINK;
	req.ns = other;
	ck_assert_int_eq(attach_prog(&req, &a, err, sizeof(err)), -EXDEV);
	assert_contains(err, "not in namespace");
	req.ns = "dplabt-no-such-ns";
	ck_assert_int_eq(attach_prog(&req, &a, err, sizeof(err)), -ENOENT);
	assert_contains(err, "namespace dplabt-no-such-ns does not exist");
	assert_xdp(0, 0);

	req.ns = env.ns;
	attach_ok(&req, &a);
	moved = a;
	snprintf(moved.ns, sizeof(moved.ns), "%s", other);
	ck_assert_int_eq(attach_detach(&moved, err, sizeof(err)), -EXDEV);
	assert_contains(err, "not in namespace");
	snprintf(moved.ns, sizeof(moved.ns), "dplabt-no-such-ns");
	detach_ok(&moved);	/* its namespace is gone: so is it */
	assert_xdp(a.prog_id, XDP_ATTACHED_DRV);
	detach_ok(&a);
	assert_xdp(0, 0);
	testns_delete(other);
	attach_env_down(&env);
}
END_TEST

START_TEST(test_unknown_device)
{
	struct attach_request req;
	struct attachment a;
	char err[1024], where[64];

	need_attach_env();
	attach_env_up(&env, NULL);
	attach_env_request(&env, &req, HOOK_XDP, bpf_program__fd(env.skel->progs.xdp_pass),
			   "xdp");
	req.ifname = "nosuchdev";
	ck_assert_int_eq(attach_prog(&req, &a, err, sizeof(err)), -ENODEV);
	snprintf(where, sizeof(where), "nosuchdev in %s: ", env.ns);
	assert_contains(err, where);
	assert_contains(err, "no such device");
	attach_env_down(&env);
}
END_TEST

static Suite *attach_suite(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("xdp");

	tcase_add_unchecked_fixture(tc, NULL, attach_env_remove_leftovers);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_xdp_auto_uses_link);
	tcase_add_test(tc, test_xdp_link_generic);
	tcase_add_test(tc, test_xdp_netlink);
	tcase_add_test(tc, test_xdp_libxdp);
	tcase_add_test(tc, test_xdp_libxdp_says_how);
	tcase_add_test(tc, test_xdp_auto_both_fail_peer_mtu);
	tcase_add_test(tc, test_xdp_auto_falls_back_without_bpffs);
	tcase_add_test(tc, test_xdp_auto_stops_at_leftover_pin);
	tcase_add_test(tc, test_xdp_never_replaces_others);
	tcase_add_test(tc, test_xdp_detach_gone);
	tcase_add_test(tc, test_namespace_must_be_current);
	tcase_add_test(tc, test_unknown_device);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, attach_tc_tcase());
	suite_add_tcase(s, attach_state_tcase());
	return s;
}

TEST_SUITE(attach_suite)
