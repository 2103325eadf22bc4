// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `dplab topo up|down|show` and `dplab exec` as a user runs them, on
 * copies of the default topology under names of this runner's own
 * ("t<runner pid>", "t<runner pid>-b"), so they never meet a user's
 * topology.  The TCase's unchecked fixture, run by the runner itself,
 * writes the copies before the tests and takes both topologies down
 * after them, also when a test failed.  "Clean" is checked against a
 * snapshot taken before `up`: namespaces, bpffs, the cgroup v2 root and
 * /run/dplab.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/testlib.h"
#include "lib/testns.h"
#include "topo/topo.h"
#include "lib/topo_test.h"

#define SNAP_LEN (16 * 1024)
#define OUT_LEN (64 * 1024)
#define FILE_LEN 128

static struct {
	char name[TOPO_NAME], name_b[TOPO_NAME];
	char file[FILE_LEN], file_b[FILE_LEN], file_bad[FILE_LEN];
	char file_small[FILE_LEN], file_clash[FILE_LEN];
	int bad_line;			/* the line file_bad adds */
} fx;

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

/*
 * Topology NAME with one node NODE and a pod p on it: named "b-…", its
 * namespaces start like those of topology NAME-b.
 */
static int write_small(const char *path, const char *name, const char *node)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "topology name=%s cluster_cidr=10.244.0.0/16 service_cidr=10.96.0.0/16\n"
		"node name=%s underlay=192.168.100.1/24 pod_cidr=10.244.1.0/24\n"
		"pod name=p node=%s ip=10.244.1.2\n", name, node, node);
	return fclose(f) ? -1 : 0;
}

static void fixture_up(void)
{
	snprintf(fx.name, sizeof(fx.name), "t%d", getpid());
	snprintf(fx.name_b, sizeof(fx.name_b), "t%d-b", getpid());
	snprintf(fx.file, sizeof(fx.file), "/tmp/dplab-topo-%d.topo", getpid());
	snprintf(fx.file_b, sizeof(fx.file_b), "/tmp/dplab-topo-%d-b.topo", getpid());
	snprintf(fx.file_bad, sizeof(fx.file_bad), "/tmp/dplab-topo-%d-bad.topo", getpid());
	snprintf(fx.file_small, sizeof(fx.file_small), "/tmp/dplab-topo-%d-small.topo", getpid());
	snprintf(fx.file_clash, sizeof(fx.file_clash), "/tmp/dplab-topo-%d-clash.topo", getpid());
	if (topo_test_copy(fx.file, fx.name, NULL) || topo_test_copy(fx.file_b, fx.name_b, NULL) ||
	    topo_test_copy(fx.file_bad, fx.name, "pod name=pod9 node=node9 ip=10.244.9.9\n") ||
	    write_small(fx.file_small, fx.name, "b-x") ||
	    write_small(fx.file_clash, fx.name, "b-node1"))
		fx.name[0] = '\0';
	fx.bad_line = count_lines(topo_test_default_file()) + 1;
}

static void fixture_down(void)
{
	if (!geteuid()) {
		sh("%s topo down %s >/dev/null 2>&1", test_dplab_path(), fx.name_b);
		sh("%s topo down %s >/dev/null 2>&1", test_dplab_path(), fx.name);
	}
	unlink(fx.file);
	unlink(fx.file_b);
	unlink(fx.file_bad);
	unlink(fx.file_small);
	unlink(fx.file_clash);
}

#define need_root_and_files()                                                 \
	do {                                                                  \
		const char *why_ = test_needs_root();                        \
		if (why_)                                                     \
			test_skip("%s", why_);                                \
		ck_assert_msg(fx.name[0], "copying %s to /tmp failed",       \
			      topo_test_default_file());                      \
	} while (0)

/*
 * What a topology could leave behind.  Entries of other runs are left
 * out: other topologies' namespaces and the "dplabt-*" pins and cgroups
 * test runners make (they may come and go while this runs).  /run/netns
 * is listed rather than `ip netns list`, which asks the kernel about each
 * name and complains about one being deleted at that moment.
 */
static void snapshot(char *buf, size_t len)
{
	char cg_root[PATH_MAX];
	int rc;

	snprintf(cg_root, sizeof(cg_root), "%s", topo_cgroup_root());
	*strrchr(cg_root, '/') = '\0';
	rc = sh_out(buf, len, 1,
		    "ls /run/netns 2>/dev/null | grep -F 'dplab-%1$s'; "
		    "ls /sys/fs/bpf | grep -v '^dplabt'; "
		    "ls /sys/fs/bpf/dplab 2>/dev/null | grep -F '%1$s'; "
		    "ls %2$s | grep -v '^dplabt'; "
		    "ls %2$s/dplab 2>/dev/null | grep -F '%1$s'; ls /run/dplab 2>/dev/null; true",
		    fx.name, cg_root);
	ck_assert_msg(rc == 0, "snapshot failed: %s", buf);
}

static void assert_same(const char *before, const char *after, const char *when)
{
	ck_assert_msg(!strcmp(before, after), "%s left something behind:\nbefore:\n%s\nafter:\n%s",
		      when, before, after);
}

/* Run `dplab ARGS` (a format); its exit status, stdout and stderr in out. */
static int dplab(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int dplab(char *out, size_t len, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return sh_out(out, len, 1, "%s %s", test_dplab_path(), args);
}

/* `dplab exec NAME TARGET -- ping -c1 -W1 ADDR` succeeded. */
static bool pings(const char *target, const char *addr)
{
	return !sh("%s exec %s %s -- ping -c1 -W1 %s >/dev/null 2>&1", test_dplab_path(), fx.name,
		   target, addr);
}

static void assert_built(const struct topo *t)
{
	static char out[OUT_LEN];
	const char *ns[TOPO_MAX_NS];
	char path[PATH_MAX];
	int i, n = topo_namespaces(t, ns);

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s", ns[i]);
		ck_assert_msg(!access(path, F_OK), "namespace %s missing", ns[i]);
	}
	for (i = 0; i < t->n_nodes; i++) {
		topo_cgroup_path(t->name, t->nodes[i].name, path, sizeof(path));
		strcat(path, "/cgroup.procs");
		ck_assert_msg(!access(path, F_OK), "cgroup %s missing", path);
		ck_assert_int_eq(sh_out(out, sizeof(out), 1, "ip -n %s -d link show vx0",
					t->nodes[i].ns), 0);
		ck_assert_msg(strstr(out, "vxlan external") && strstr(out, "dstport 4789"),
			      "vx0 of %s: %s", t->nodes[i].name, out);
	}
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "ip -n %s -br link show master br0",
				t->fabric_ns), 0);
	ck_assert_msg(strstr(out, "node1@") && strstr(out, "node2@") && strstr(out, "ext1@"),
		      "ports of br0: %s", out);
	ck_assert_int_eq(sh_out(out, sizeof(out), 1, "ip -n %s link show eth0", t->pods[0].ns), 0);
	ck_assert_msg(strstr(out, "mtu 1500"), "pod eth0: %s", out);
}

START_TEST(test_up_twice_connect_down_clean)
{
	static char before[SNAP_LEN], after[SNAP_LEN], out[OUT_LEN];
	char err[1024];
	static struct topo t;
	json_t *doc;

	need_root_and_files();
	ck_assert_msg(!topo_parse(fx.file, &t, err, sizeof(err)), "%s", err);
	snapshot(before, sizeof(before));
	ck_assert_msg(!dplab(out, sizeof(out), "topo up %s", fx.file), "up: %s", out);
	assert_built(&t);
	ck_assert_msg(pings("node1/pod1", "10.244.1.1"), "pod1 on node1 -> its gateway");
	ck_assert_msg(pings("node2/pod2", "10.244.2.1"), "pod2 on node2 -> its gateway");
	ck_assert_msg(pings("node1", "192.168.100.2"), "node1 -> node2 on the underlay");
	ck_assert_msg(pings("node2", "192.168.100.1"), "node2 -> node1 on the underlay");
	ck_assert_msg(pings("ext1", "192.168.100.1"), "external -> node1");
	ck_assert_msg(pings("node2", "192.168.100.100"), "node2 -> external");
	ck_assert_msg(!pings("node1/pod1", "10.244.2.2"),
		      "node1's pod reached node2's pod without routes between the nodes");

	ck_assert_msg(!dplab(out, sizeof(out), "topo up %s", fx.file), "up again: %s", out);
	ck_assert_msg(pings("node1/pod1", "10.244.1.1"), "after the second up");
	ck_assert_int_eq(dplab(out, sizeof(out), "topo show --json %s", fx.name), 0);
	doc = json_loads(out, 0, NULL);
	ck_assert_msg(doc, "show --json is not JSON: %s", out);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "state")), "up");
	json_decref(doc);

	/* exec: pods run in their node's cgroup; CMD's exit status comes back. */
	ck_assert_int_eq(dplab(out, sizeof(out), "exec %s node1/pod2 -- cat /proc/self/cgroup",
			       fx.name), 0);
	snprintf(err, sizeof(err), "0::/dplab/%s/node1\n", fx.name);
	ck_assert_msg(strstr(out, err), "pod's cgroup: %s", out);
	ck_assert_int_eq(dplab(out, sizeof(out), "exec %s ext1 -- sh -c 'exit 7'", fx.name), 7);
	ck_assert_int_eq(dplab(out, sizeof(out), "exec %s node1/pod9 -- true", fx.name), 2);
	ck_assert_msg(strstr(out, "node1/pod9"), "unknown pod not named: %s", out);

	ck_assert_msg(!dplab(out, sizeof(out), "topo down %s", fx.name), "down: %s", out);
	ck_assert_msg(!out[0], "down should be quiet: %s", out);
	snapshot(after, sizeof(after));
	assert_same(before, after, "up, up, down");
	ck_assert_msg(!dplab(out, sizeof(out), "topo down %s", fx.name), "down again: %s", out);
	ck_assert_msg(!out[0], "down of nothing should be quiet: %s", out);
}
END_TEST

START_TEST(test_sigkill_during_up_then_down_clean)
{
	static char before[SNAP_LEN], after[SNAP_LEN], out[OUT_LEN];
	static const char *const delays[] = { "0.03", "0.1" };
	size_t i;

	need_root_and_files();
	snapshot(before, sizeof(before));
	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		sh("(%s topo up %s >/dev/null 2>&1 & p=$!; sleep %s; kill -9 $p; wait $p) "
		   "2>/dev/null", test_dplab_path(), fx.file, delays[i]);
		ck_assert_msg(!dplab(out, sizeof(out), "topo down %s", fx.name),
			      "down after SIGKILL at %s s: %s", delays[i], out);
		snapshot(after, sizeof(after));
		assert_same(before, after, "SIGKILL during up, then down");
	}
}
END_TEST

/* A termination signal during up: it removes what it built by itself. */
START_TEST(test_sigterm_during_up_cleans_up)
{
	static char before[SNAP_LEN], after[SNAP_LEN], out[OUT_LEN];
	int rc;

	need_root_and_files();
	snapshot(before, sizeof(before));
	rc = sh_out(out, sizeof(out), 1,
		    "%s topo up %s 2>&1 & p=$!; sleep 0.03; kill -TERM $p; wait $p",
		    test_dplab_path(), fx.file);
	ck_assert_msg(rc != 0, "up should have been interrupted (exit %d): %s", rc, out);
	ck_assert_msg(!strstr(out, "is up"), "up finished before the signal came: %s", out);
	snapshot(after, sizeof(after));
	assert_same(before, after, "SIGTERM during up");
}
END_TEST

START_TEST(test_malformed_file_builds_nothing)
{
	static char before[SNAP_LEN], after[SNAP_LEN], out[OUT_LEN];
	char want[PATH_MAX + 32];

	need_root_and_files();
	snapshot(before, sizeof(before));
	ck_assert_int_eq(dplab(out, sizeof(out), "topo up %s", fx.file_bad), 2);
	snprintf(want, sizeof(want), "%s:%d: node: no node 'node9'", fx.file_bad, fx.bad_line);
	ck_assert_msg(strstr(out, want), "expected '%s' in: %s", want, out);
	snapshot(after, sizeof(after));
	assert_same(before, after, "up of a malformed file");
}
END_TEST

/* Namespaces of topology NAME ("dplab-NAME-*", any other's included). */
static int count_ns(const char *name)
{
	char out[64];

	sh_out(out, sizeof(out), 1, "ls /run/netns | grep -c '^dplab-%s-'", name);
	return atoi(out);
}

static void assert_state(const char *name, const char *want)
{
	static char out[OUT_LEN];
	char line[64];

	ck_assert_int_eq(dplab(out, sizeof(out), "topo show %s", name), 0);
	snprintf(line, sizeof(line), "state: %s", want);
	ck_assert_msg(strstr(out, line), "%s should be %s: %s", name, want, out);
}

/*
 * "t<pid>-b" (the default, 8 namespaces) and "t<pid>" with node "b-x"
 * (3: fabric, dplab-t<pid>-b-x, dplab-t<pid>-b-x-p) share namespace name
 * prefixes both ways: down of either keeps the other's.  A topology that
 * would take a namespace of another that is up is refused, and its
 * clean-up leaves the other alone.
 */
START_TEST(test_overlapping_names_kept_apart)
{
	static char before[SNAP_LEN], after[SNAP_LEN], out[OUT_LEN];
	char want[128];

	need_root_and_files();
	snapshot(before, sizeof(before));
	ck_assert_msg(!dplab(out, sizeof(out), "topo up %s", fx.file_b), "up b: %s", out);
	ck_assert_int_eq(dplab(out, sizeof(out), "topo up %s", fx.file_clash), 1);
	snprintf(want, sizeof(want), "namespace dplab-%s-node1 is one of topology %s", fx.name_b,
		 fx.name_b);
	ck_assert_msg(strstr(out, want), "expected '%s' in: %s", want, out);
	assert_state(fx.name_b, "up");

	ck_assert_msg(!dplab(out, sizeof(out), "topo up %s", fx.file_small), "up: %s", out);
	ck_assert_int_eq(count_ns(fx.name_b), 8 + 2);
	ck_assert_msg(!dplab(out, sizeof(out), "topo down %s", fx.name_b), "down b: %s", out);
	assert_state(fx.name, "up");
	ck_assert_int_eq(count_ns(fx.name_b), 2);

	ck_assert_msg(!dplab(out, sizeof(out), "topo up %s", fx.file_b), "up b: %s", out);
	ck_assert_msg(!dplab(out, sizeof(out), "topo down %s", fx.file_small), "down: %s", out);
	assert_state(fx.name_b, "up");
	ck_assert_int_eq(count_ns(fx.name), 8);
	ck_assert_msg(!dplab(out, sizeof(out), "topo down %s", fx.name_b), "down b: %s", out);
	snapshot(after, sizeof(after));
	assert_same(before, after, "overlapping topologies up and down");
}
END_TEST

/*
 * `down --topology NAME` turns NAME into paths under /run/dplab (and used
 * to restore a host sysctl from a state file there before validating it):
 * "../x" and a name longer than a topology name are refused first, exit 2.
 */
START_TEST(test_down_refuses_bad_names)
{
	static const char *const bad[] = { "../x", "a/b", "abcdefghijklmnopqrstuvwxyz0123", "" };
	char out[1024];
	size_t i;
	int rc;

	need_root();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = dplab(out, sizeof(out), "down --topology '%s'", bad[i]);
		ck_assert_msg(rc == 2 && strstr(out, "not a topology name"),
			      "down --topology '%s': exit %d: %s", bad[i], rc, out);
	}
}
END_TEST

/*
 * uplink_dev= moves a host interface into a node: refused without
 * --allow-physical, and for the default route's interface even with it.
 * Nothing is built either way (no state, no namespace).
 */
START_TEST(test_uplink_dev_guarded)
{
	char out[2048], file[64], dev[32] = "";
	int rc;

	need_root();
	sh_out(dev, sizeof(dev), 0, "awk '$2==\"00000000\"{print $1; exit}' /proc/net/route");
	dev[strcspn(dev, "\n")] = '\0';
	snprintf(file, sizeof(file), "/tmp/dplabt-ug%d.topo", getpid());
	ck_assert_int_eq(sh("sed 's/^topology name=two-node/topology name=ug%d/; s/^\\(node "
			    "name=node1 .*\\)$/\\1 uplink_dev=dplabnone0/' topologies/two-node.topo "
			    "> %s", getpid(), file), 0);
	rc = dplab(out, sizeof(out), "topo up %s", file);
	ck_assert_msg(rc == 2 && strstr(out, "refusing without --allow-physical"),
		      "uplink_dev without --allow-physical: exit %d: %s", rc, out);
	if (dev[0]) {
		ck_assert_int_eq(sh("sed -i 's/uplink_dev=dplabnone0/uplink_dev=%s/' %s", dev,
				    file), 0);
		rc = dplab(out, sizeof(out), "topo up --allow-physical %s", file);
		ck_assert_msg(rc == 2 && strstr(out, "default route"),
			      "uplink_dev=%s (default route): exit %d: %s", dev, rc, out);
		rc = dplab(out, sizeof(out), "up --allow-physical --topology %s", file);
		ck_assert_msg(rc == 1 && strstr(out, "default route"),
			      "up, uplink_dev=%s: exit %d: %s", dev, rc, out);
	}
	ck_assert_msg(sh("ls -d /run/dplab/ug%d >/dev/null 2>&1", getpid()) &&
		      sh("ip netns | grep -q 'dplab-ug%d-'", getpid()), "something was built");
	unlink(file);
	if (!dev[0])
		test_skip("no default route here: its refusal was not tried");
}
END_TEST

void topo_up_add(Suite *s)
{
	TCase *tc = tcase_create("up_down");

	tcase_add_unchecked_fixture(tc, fixture_up, fixture_down);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_up_twice_connect_down_clean);
	tcase_add_test(tc, test_sigkill_during_up_then_down_clean);
	tcase_add_test(tc, test_sigterm_during_up_cleans_up);
	tcase_add_test(tc, test_malformed_file_builds_nothing);
	tcase_add_test(tc, test_overlapping_names_kept_apart);
	tcase_add_test(tc, test_down_refuses_bad_names);
	tcase_add_test(tc, test_uplink_dev_guarded);
	suite_add_tcase(s, tc);
}
