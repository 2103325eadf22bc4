// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where deploy/'s DaemonSets land, decided as the scheduler would from
 * kubectl's -o json: nodeSelector and required nodeAffinity against a
 * table of node labels (every node probed exactly once, trials only where
 * dplab.io/probe-trials=true), tolerations against a table of taints (every
 * node reached), and the selectors and labels `kubectl logs -l
 * app=dplab-probe` relies on.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "lib/testlib.h"
#include "deploy/deploy_kube.h"

#define OUT_LEN (64 * 1024)
#define TRIALS_LABEL "dplab.io/probe-trials"

static const struct node_case {
	const char *desc;
	const char *trials_label;	/* its value on the node, NULL: none */
	const char *probed_by;		/* the one DaemonSet that runs there */
} node_cases[] = {
	{ "an unlabelled node is probed read-only", NULL, "dplab-probe" },
	{ "a node labelled true runs the trials", "true", "dplab-probe-trials" },
	{ "a node labelled false is probed read-only", "false", "dplab-probe" },
	{ "a node labelled yes is probed read-only (only \"true\" opts in)", "yes", "dplab-probe" },
};

static const char *const daemonsets[] = { "dplab-probe", "dplab-probe-trials" };

/* Taints the probe must tolerate: a DaemonSet for the whole fleet. */
static const struct taint {
	const char *key, *value, *effect;
} taints[] = {
	{ "node-role.kubernetes.io/control-plane", "", "NoSchedule" },
	{ "node-role.kubernetes.io/master", "", "NoSchedule" },
	{ "dedicated", "gpu", "NoSchedule" },
	{ "node.kubernetes.io/not-ready", "", "NoExecute" },
	{ "node.kubernetes.io/unreachable", "", "NoExecute" },
	{ "example.com/maintenance", "true", "NoExecute" },
};

static json_t *objects(void)
{
	static char out[OUT_LEN];
	json_t *objs;
	int rc;

	objs = deploy_objects("-f", &rc, out, sizeof(out));
	ck_assert_msg(objs, "kubectl create --dry-run=client -f %s: exit %d: %.1500s",
		      deploy_dir(), rc, out);
	return objs;
}

static json_t *pod_spec(json_t *objs, const char *ds)
{
	json_t *d = deploy_find(objs, "DaemonSet", ds);

	ck_assert_msg(d, "no DaemonSet %s", ds);
	return jpath(d, "spec.template.spec");
}

/* One matchExpression against the node's labels (only the trials label set). */
static int expr_matches(json_t *e, const char *label_value)
{
	const char *key = jpath_str(e, "key") ?: "", *op = jpath_str(e, "operator") ?: "";
	const char *value = strcmp(key, TRIALS_LABEL) ? NULL : label_value;
	json_t *v;
	size_t i;
	int in = 0;

	json_array_foreach(json_object_get(e, "values"), i, v)
		in |= value && !strcmp(json_string_value(v) ?: "", value);
	if (!strcmp(op, "In"))
		return in;
	if (!strcmp(op, "NotIn"))
		return !in;
	if (!strcmp(op, "Exists"))
		return value != NULL;
	if (!strcmp(op, "DoesNotExist"))
		return value == NULL;
	ck_abort_msg("node affinity operator %s: not modelled by this test", op);
	return 0;
}

/* nodeSelector and required nodeAffinity (terms ORed, expressions ANDed). */
static int schedules_on(json_t *pod, const char *label_value)
{
	json_t *terms, *t, *e, *v;
	const char *key;
	size_t i, j;
	int ok;

	json_object_foreach(json_object_get(pod, "nodeSelector"), key, v)
		if (strcmp(key, TRIALS_LABEL) || !label_value ||
		    strcmp(json_string_value(v) ?: "", label_value))
			return 0;
	terms = jpath(pod, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
			   "nodeSelectorTerms");
	if (!terms)
		return 1;
	json_array_foreach(terms, i, t) {
		ck_assert_msg(!json_object_get(t, "matchFields"), "matchFields: not modelled");
		ok = 1;
		json_array_foreach(json_object_get(t, "matchExpressions"), j, e)
			ok &= expr_matches(e, label_value);
		if (ok)
			return 1;
	}
	return 0;
}

START_TEST(test_each_node_probed_once)
{
	const struct node_case *n = &node_cases[_i];
	json_t *objs;
	size_t d;
	int on;

	need_kubectl();
	objs = objects();
	for (d = 0; d < sizeof(daemonsets) / sizeof(daemonsets[0]); d++) {
		on = schedules_on(pod_spec(objs, daemonsets[d]), n->trials_label);
		ck_assert_msg(on == !strcmp(daemonsets[d], n->probed_by), "%s: %s %s there",
			      n->desc, daemonsets[d], on ? "runs" : "does not run");
	}
	json_decref(objs);
}
END_TEST

/* The kubelet's rule: empty key with Exists matches every key; effect empty: all. */
static int tolerated(json_t *tolerations, const struct taint *t)
{
	const char *key, *op, *effect;
	json_t *tol;
	size_t i;

	json_array_foreach(tolerations, i, tol) {
		key = jpath_str(tol, "key") ?: "";
		op = jpath_str(tol, "operator") ?: "Equal";
		effect = jpath_str(tol, "effect") ?: "";
		if (effect[0] && strcmp(effect, t->effect))
			continue;
		if (!strcmp(op, "Exists") && (!key[0] || !strcmp(key, t->key)))
			return 1;
		if (!strcmp(op, "Equal") && !strcmp(key, t->key) &&
		    !strcmp(jpath_str(tol, "value") ?: "", t->value))
			return 1;
	}
	return 0;
}

START_TEST(test_tolerates_every_taint)
{
	json_t *objs, *tols;
	size_t d, t;

	need_kubectl();
	objs = objects();
	for (d = 0; d < sizeof(daemonsets) / sizeof(daemonsets[0]); d++) {
		tols = json_object_get(pod_spec(objs, daemonsets[d]), "tolerations");
		for (t = 0; t < sizeof(taints) / sizeof(taints[0]); t++)
			ck_assert_msg(tolerated(tols, &taints[t]), "%s does not tolerate %s=%s:%s",
				      daemonsets[d], taints[t].key, taints[t].value,
				      taints[t].effect);
	}
	json_decref(objs);
}
END_TEST

/* Every label of selector is on labels with the same value. */
static int selects(json_t *selector, json_t *labels)
{
	const char *key;
	json_t *v;

	json_object_foreach(selector, key, v)
		if (!json_equal(v, json_object_get(labels, key)))
			return 0;
	return 1;
}

/*
 * Both pods are found by `kubectl logs -l app=dplab-probe`; each DaemonSet
 * selects its own pods and not the other's (they would fight over them).
 */
START_TEST(test_labels_and_selectors)
{
	json_t *objs, *ds[2], *labels[2], *sel[2];
	size_t d;

	need_kubectl();
	objs = objects();
	for (d = 0; d < 2; d++) {
		ds[d] = deploy_find(objs, "DaemonSet", daemonsets[d]);
		ck_assert_msg(ds[d], "no DaemonSet %s", daemonsets[d]);
		labels[d] = jpath(ds[d], "spec.template.metadata.labels");
		sel[d] = jpath(ds[d], "spec.selector.matchLabels");
		ck_assert_str_eq(jpath_str(labels[d], "app") ?: "", "dplab-probe");
		ck_assert_str_eq(jpath_str(ds[d], "metadata.labels.app") ?: "", "dplab-probe");
		ck_assert_msg(!jpath(ds[d], "spec.selector.matchExpressions"),
			      "matchExpressions: not modelled");
		ck_assert_msg(selects(sel[d], labels[d]), "%s does not select its own pods",
			      daemonsets[d]);
	}
	ck_assert_msg(!selects(sel[0], labels[1]) && !selects(sel[1], labels[0]),
		      "the two DaemonSets' selectors overlap");
	json_decref(objs);
}
END_TEST

void deploy_add_sched_tests(Suite *s)
{
	TCase *tc = tcase_create("sched");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_each_node_probed_once, 0,
			    sizeof(node_cases) / sizeof(node_cases[0]));
	tcase_add_test(tc, test_tolerates_every_taint);
	tcase_add_test(tc, test_labels_and_selectors);
	suite_add_tcase(s, tc);
}
