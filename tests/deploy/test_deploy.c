// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * deploy/: the manifests parse as Kubernetes objects with Debian's kubectl
 * 1.20 (-f and -k give the same objects), and the fields that matter hold
 * in kubectl's -o json: read-only by default and trials only on labelled
 * nodes (every node probed exactly once), the capability lists the README
 * documents, never privileged, bpffs and BTF mounted from the host, host
 * network, tolerations of every taint, NODE_NAME from the downward API.
 * No cluster and no root: kubectl runs offline (deploy_kube.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "lib/testlib.h"
#include "deploy/deploy_kube.h"

#define OUT_LEN (64 * 1024)
#define TRIALS_LABEL "dplab.io/probe-trials"
#define MAX_CAPS 4

/* What each DaemonSet must be; the capability lists are the README's. */
static const struct ds_expect {
	const char *name;
	const char *mode_flag;		/* on the probe's command line */
	const char *forbidden_flag;	/* never on it */
	const char *caps_add[MAX_CAPS];	/* exactly these, NULL-terminated */
	int bpffs_read_only;
} ds_expect[] = {
	{ "dplab-probe", "--read-only", "--trials", { NULL }, 1 },
	{ "dplab-probe-trials", "--trials", "--read-only", { "NET_ADMIN", "SYS_ADMIN", NULL }, 0 },
};

static json_t *objects(const char *flag)
{
	static char out[OUT_LEN];
	json_t *objs;
	int rc;

	objs = deploy_objects(flag, &rc, out, sizeof(out));
	ck_assert_msg(objs, "kubectl create --dry-run=client %s %s: exit %d: %.1500s",
		      flag, deploy_dir(), rc, out);
	return objs;
}

static json_t *daemonset(json_t *objs, const char *name)
{
	json_t *ds = deploy_find(objs, "DaemonSet", name);

	ck_assert_msg(ds, "no DaemonSet %s in %s", name, deploy_dir());
	return ds;
}

/* The pod template's only container. */
static json_t *container(json_t *ds)
{
	json_t *cs = jpath(ds, "spec.template.spec.containers");

	ck_assert_msg(json_array_size(cs) == 1, "%s: expected one container",
		      jpath_str(ds, "metadata.name"));
	return json_array_get(cs, 0);
}

/* command + args joined with spaces. */
static void command_line(json_t *c, char *buf, size_t len)
{
	const char *keys[] = { "command", "args" };
	size_t i, k, used = 0;
	json_t *w;

	buf[0] = '\0';
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(c, keys[k]), i, w)
			used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", json_string_value(w) ?: "");
	ck_assert_msg(used < len, "command line too long");
}

START_TEST(test_kubectl_is_1_20)
{
	char why[512];

	/* Unlike the other tests, this one fails outside CI too when it is wrong. */
	if (deploy_kubectl_missing(why, sizeof(why)) && !deploy_in_ci() &&
	    !strncmp(why, "no kubectl", 10))
		test_skip("%s", why);
	ck_assert_msg(!deploy_kubectl_missing(why, sizeof(why)), "%s", why);
}
END_TEST

/* -f reads the files, -k goes through kustomize: the same objects either way. */
START_TEST(test_manifests_parse_f_and_k)
{
	static const char *const want[][2] = {
		{ "Namespace", "dplab" }, { "ServiceAccount", "dplab-probe" },
		{ "DaemonSet", "dplab-probe" }, { "DaemonSet", "dplab-probe-trials" },
	};
	json_t *f, *k, *of, *ok;
	size_t i;

	need_kubectl();
	f = objects("-f");
	k = objects("-k");
	ck_assert_uint_eq(json_array_size(f), sizeof(want) / sizeof(want[0]));
	ck_assert_uint_eq(json_array_size(k), json_array_size(f));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		of = deploy_find(f, want[i][0], want[i][1]);
		ok = deploy_find(k, want[i][0], want[i][1]);
		ck_assert_msg(of && ok, "%s %s missing (-f: %s, -k: %s)", want[i][0],
			      want[i][1], of ? "found" : "missing", ok ? "found" : "missing");
		ck_assert_msg(json_equal(of, ok), "%s %s differs between -f and -k",
			      want[i][0], want[i][1]);
		if (strcmp(want[i][0], "Namespace"))
			ck_assert_str_eq(jpath_str(of, "metadata.namespace") ?: "", "dplab");
	}
	json_decref(f);
	json_decref(k);
}
END_TEST

/* The probe's mode, once per node, then idle; the image and NODE_NAME. */
START_TEST(test_command_and_env)
{
	const struct ds_expect *e = &ds_expect[_i];
	json_t *objs, *c, *env, *v;
	char cmd[1024];
	int node_name = 0;
	size_t i;

	need_kubectl();
	objs = objects("-f");
	c = container(daemonset(objs, e->name));
	command_line(c, cmd, sizeof(cmd));
	ck_assert_msg(strstr(cmd, "dplab probe --all --json "), "%s: %s", e->name, cmd);
	ck_assert_msg(strstr(cmd, e->mode_flag), "%s: no %s in: %s", e->name, e->mode_flag, cmd);
	ck_assert_msg(!strstr(cmd, e->forbidden_flag), "%s: %s in: %s", e->name,
		      e->forbidden_flag, cmd);
	/* A DaemonSet pod that exits is restarted: it must stay, idle, after the probe. */
	ck_assert_msg(strstr(cmd, "; exec sleep infinity"), "%s: does not idle: %s", e->name, cmd);
	ck_assert_str_eq(jpath_str(c, "image") ?: "", "dplab:latest");
	env = json_object_get(c, "env");
	json_array_foreach(env, i, v)
		if (!strcmp(jpath_str(v, "name") ?: "", "NODE_NAME")) {
			ck_assert_str_eq(jpath_str(v, "valueFrom.fieldRef.fieldPath") ?: "",
					 "spec.nodeName");
			node_name++;
		}
	ck_assert_msg(node_name == 1, "%s: NODE_NAME from spec.nodeName set %d times",
		      e->name, node_name);
	json_decref(objs);
}
END_TEST

/* Capabilities drop ALL and add exactly the documented list; never privileged. */
START_TEST(test_security_context)
{
	const struct ds_expect *e = &ds_expect[_i];
	json_t *objs, *sc, *add, *drop, *v;
	size_t i, n_want = 0, j;

	need_kubectl();
	objs = objects("-f");
	sc = json_object_get(container(daemonset(objs, e->name)), "securityContext");
	ck_assert_msg(json_is_false(json_object_get(sc, "privileged")),
		      "%s: privileged must be false", e->name);
	ck_assert_msg(json_is_false(json_object_get(sc, "allowPrivilegeEscalation")),
		      "%s: allowPrivilegeEscalation must be false", e->name);
	ck_assert_msg(json_is_true(json_object_get(sc, "readOnlyRootFilesystem")),
		      "%s: readOnlyRootFilesystem must be true", e->name);
	drop = jpath(sc, "capabilities.drop");
	ck_assert_msg(json_array_size(drop) == 1 &&
		      !strcmp(json_string_value(json_array_get(drop, 0)) ?: "", "ALL"),
		      "%s: capabilities.drop must be [ALL]", e->name);
	add = jpath(sc, "capabilities.add");
	while (n_want < MAX_CAPS && e->caps_add[n_want])
		n_want++;
	ck_assert_msg(json_array_size(add) == n_want, "%s: %zu capabilities added, %zu documented",
		      e->name, json_array_size(add), n_want);
	json_array_foreach(add, i, v) {
		const char *cap = json_string_value(v) ?: "";

		if (!strncmp(cap, "CAP_", 4))
			cap += 4;
		for (j = 0; j < n_want && strcmp(cap, e->caps_add[j]); j++)
			;
		ck_assert_msg(j < n_want, "%s: capability %s is not in the documented list",
			      e->name, cap);
	}
	/* The pod talks to no API server: no token in it. */
	ck_assert(json_is_false(jpath(daemonset(objs, e->name),
				      "spec.template.spec.automountServiceAccountToken")));
	json_decref(objs);
}
END_TEST

/* The volume behind a mount: its hostPath, or NULL. */
static const char *host_path_of(json_t *pod, const char *volume)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(pod, "volumes"), i, v)
		if (!strcmp(jpath_str(v, "name") ?: "", volume))
			return jpath_str(v, "hostPath.path");
	return NULL;
}

static void assert_host_mount(const char *ds, json_t *pod, json_t *c, const char *path,
			      int must_be_ro)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(c, "volumeMounts"), i, m) {
		if (strcmp(jpath_str(m, "mountPath") ?: "", path))
			continue;
		ck_assert_str_eq(host_path_of(pod, jpath_str(m, "name") ?: "") ?: "(none)", path);
		if (must_be_ro)
			ck_assert_msg(json_is_true(json_object_get(m, "readOnly")),
				      "%s: %s must be mounted read-only", ds, path);
		return;
	}
	ck_abort_msg("%s: %s is not mounted", ds, path);
}

START_TEST(test_host_network_and_mounts)
{
	const struct ds_expect *e = &ds_expect[_i];
	json_t *objs, *ds, *pod, *c;

	need_kubectl();
	objs = objects("-f");
	ds = daemonset(objs, e->name);
	pod = jpath(ds, "spec.template.spec");
	c = container(ds);
	ck_assert_msg(json_is_true(json_object_get(pod, "hostNetwork")),
		      "%s: hostNetwork must be true (the node's interfaces)", e->name);
	ck_assert_msg(!json_is_true(json_object_get(pod, "hostPID")), "%s: hostPID", e->name);
	assert_host_mount(e->name, pod, c, "/sys/fs/bpf", e->bpffs_read_only);
	assert_host_mount(e->name, pod, c, "/sys/kernel/btf", 1);
	json_decref(objs);
}
END_TEST

static Suite *deploy_suite(void)
{
	Suite *s = suite_create("deploy");
	TCase *tc = tcase_create("manifests");
	int n = sizeof(ds_expect) / sizeof(ds_expect[0]);

	/* kubectl 1.20 runs once or twice per test, under a second each here. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kubectl_is_1_20);
	tcase_add_test(tc, test_manifests_parse_f_and_k);
	tcase_add_loop_test(tc, test_command_and_env, 0, n);
	tcase_add_loop_test(tc, test_security_context, 0, n);
	tcase_add_loop_test(tc, test_host_network_and_mounts, 0, n);
	suite_add_tcase(s, tc);
	deploy_add_sched_tests(s);
	deploy_add_image_tests(s);
	return s;
}

TEST_SUITE(deploy_suite)
