// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The attachments state file (loader/attach/attach_state.c; suite "attach",
 * TCase "state"): what is saved loads back the same, whatever bytes the
 * names and messages hold; a garbled line is refused with -EINVAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "lib/attach_env.h"
#include "lib/testlib.h"

static char path[128];

static void state_file(void)
{
	attach_env_temp_file(path, sizeof(path), "state");
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void assert_same(const struct attachment *got, const struct attachment *want)
{
	ck_assert_str_eq(got->ns, want->ns);
	ck_assert_str_eq(got->ifname, want->ifname);
	ck_assert_str_eq(got->prog_name, want->prog_name);
	ck_assert_str_eq(got->pin, want->pin);
	ck_assert_str_eq(got->fallback, want->fallback);
	ck_assert_int_eq(got->hook, want->hook);
	ck_assert_int_eq(got->mech, want->mech);
	ck_assert_uint_eq(got->prog_id, want->prog_id);
	ck_assert_uint_eq(got->xdp_flags, want->xdp_flags);
	ck_assert_uint_eq(got->tc_handle, want->tc_handle);
	ck_assert_uint_eq(got->tc_priority, want->tc_priority);
}

START_TEST(test_save_load_round_trip)
{
	static struct attachment in[5], out[6];
	int i;

	in[0] = (struct attachment){ .hook = HOOK_XDP, .mech = MECH_XDP_LINK, .prog_id = 42,
				     .xdp_flags = XDP_FLAGS_DRV_MODE };
	strcpy(in[0].ns, "dplab-x-node1");
	strcpy(in[0].ifname, "eth0");
	strcpy(in[0].prog_name, "xdp_nodeport_lb");
	strcpy(in[0].pin, "/sys/fs/bpf/dplab/x/links/a=b.xdp");
	in[1] = (struct attachment){ .hook = HOOK_XDP, .mech = MECH_XDP_NETLINK, .prog_id = 7,
				     .xdp_flags = XDP_FLAGS_SKB_MODE };
	strcpy(in[1].ifname, "eth0");
	strcpy(in[1].fallback, "bpf_link failed: ERANGE (veth: a\tb\nc \\t back\\slash = x)");
	in[2] = (struct attachment){ .hook = HOOK_TC_EGRESS, .mech = MECH_TC_LEGACY,
				     .prog_id = 4294967295u, .tc_handle = 0x80000001,
				     .tc_priority = 65535 };
	strcpy(in[2].ifname, "lxc0");
	strcpy(in[2].prog_name, "tc_lb_rev_nat");
	in[3] = (struct attachment){ .hook = HOOK_CGROUP_GETPEERNAME4, .mech = MECH_CGROUP_LINK,
				     .prog_id = 1 };
	strcpy(in[3].ifname, "/sys/fs/cgroup/unified/dplab/x y\tz");
	strcpy(in[3].pin, "/sys/fs/bpf/p");
	in[4] = (struct attachment){ .hook = HOOK_XDP, .mech = MECH_XDP_LIBXDP, .prog_id = 9,
				     .xdp_flags = XDP_FLAGS_DRV_MODE };
	strcpy(in[4].ifname, "b");
	strcpy(in[4].fallback, "dispatcher unavailable: x; loaded without dispatcher");

	state_file();
	ck_assert_int_eq(attach_save(path, in, 5), 0);
	ck_assert_int_eq(attach_load(path, out, 6), 5);
	for (i = 0; i < 5; i++)
		assert_same(&out[i], &in[i]);
	ck_assert_int_eq(attach_load(path, out, 4), -E2BIG);
	ck_assert_int_eq(attach_save(path, in, 0), 0);
	ck_assert_int_eq(attach_load(path, out, 6), 0);
	unlink(path);
	ck_assert_int_eq(attach_load(path, out, 6), -ENOENT);
}
END_TEST

/* Names at their bounds load back; one byte over is refused, never cut. */
START_TEST(test_bounds)
{
	static struct attachment in, out[1];
	char line[2 * ATTACH_PIN_LEN + 128];

	in = (struct attachment){ .hook = HOOK_TC_INGRESS, .mech = MECH_TCX, .prog_id = 3 };
	memset(in.ifname, 'c', ATTACH_TARGET_LEN - 1);
	in.ifname[0] = '/';
	memset(in.pin, 'p', ATTACH_PIN_LEN - 1);
	in.pin[0] = '/';
	strcpy(in.prog_name, "tc_lb_dnat");
	state_file();
	ck_assert_int_eq(attach_save(path, &in, 1), 0);
	ck_assert_int_eq(attach_load(path, out, 1), 1);
	assert_same(&out[0], &in);

	snprintf(line, sizeof(line), "hook=tc-ingress\tmech=tcx\tif=%sX\tprog=p\tprog_id=3\t"
		 "pin=/p\n", in.ifname);
	write_file(line);
	ck_assert_int_eq(attach_load(path, out, 1), -EINVAL);
	snprintf(line, sizeof(line), "hook=tc-ingress\tmech=tcx\tif=lxc0\tprog=p\tprog_id=3\t"
		 "pin=%sX\n", in.pin);
	write_file(line);
	ck_assert_int_eq(attach_load(path, out, 1), -EINVAL);
	unlink(path);
}
END_TEST

START_TEST(test_load_refuses_garbled_lines)
{
	/* Each is a good line but for one thing. */
#define NL "hook=xdp\tmech=netlink\tif=a\txdp_mode=native"
	static const char *const bad[] = {
		NL "\tprog_id=1\tcolour=blue\n",				/* unknown key */
		NL "\tprog_id=1\tjunk\n",					/* no '=' */
		NL "\n",							/* no prog_id */
		NL "\tprog_id=x1\n",						/* not a number */
		NL "\tprog_id=-1\n",
		NL "\tprog_id=4294967296\n",
		NL "\tprog_id=1\tif=b\n",					/* twice */
		NL "\tprog_id=1\tprog=a\\q\n",					/* bad escape */
		NL "\t\tprog_id=1\n",						/* empty field */
		NL "\tprog_id=1\t\n",
		"hook=xdp\tmech=netlink\tif=a\tprog_id=1\n",			/* no xdp_mode */
		"hook=xdp\tmech=netlink\tif=a\tprog_id=1\txdp_mode=turbo\n",
		"hook=xdp\tmech=tcx\tif=a\tprog_id=1\tpin=/p\n",		/* wrong mech */
		"hook=bogus\tmech=tcx\tif=a\tprog_id=1\tpin=/p\n",
		"hook=xdp\tmech=link\tif=a\tprog_id=1\txdp_mode=native\n",	/* no pin */
		"hook=tc-ingress\tmech=legacy\tif=a\tprog_id=1\ttc_handle=0xzz\n",
	};
#undef NL
	struct attachment out[2];
	size_t i;

	state_file();
	write_file("# comment\n\nhook=xdp\tmech=netlink\tif=a\tprog_id=1\txdp_mode=generic\n");
	ck_assert_int_eq(attach_load(path, out, 2), 1);
	ck_assert_uint_eq(out[0].xdp_flags, XDP_FLAGS_SKB_MODE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(bad[i]);
		ck_assert_msg(attach_load(path, out, 2) == -EINVAL, "accepted: %s", bad[i]);
	}
	unlink(path);
}
END_TEST

TCase *attach_state_tcase(void)
{
	TCase *tc = tcase_create("state");

	tcase_add_unchecked_fixture(tc, NULL, attach_env_remove_leftovers);
	tcase_add_test(tc, test_save_load_round_trip);
	tcase_add_test(tc, test_load_refuses_garbled_lines);
	tcase_add_test(tc, test_bounds);
	return tc;
}
