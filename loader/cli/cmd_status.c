// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab status [--json] [--topology NAME]: the topology, the knobs in
 * force, every program attached (where, by which mechanism, and why the
 * preferred one was not used), map fill levels and counters per feature,
 * and kube-proxy's rule count.  Schema: docs/status-json.md.
 */
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cluster/cluster.h"
#include "cluster/hook_steps.h"
#include "cluster/kubeproxy.h"

static json_t *nodes_json(const struct cluster *c, const struct hook_plan *p)
{
	json_t *nodes = json_object();
	int n, f;

	for (n = 0; n < c->t.n_nodes; n++) {
		json_t *feats = json_object();

		for (f = 0; f < FEAT_COUNT; f++) {
			json_t *s;

			if (!p->load[n][f])
				continue;
			s = feature_stats(&c->t, n, f);
			json_object_set_new(feats, feature_name(f), s ? s : json_null());
		}
		json_object_set_new(nodes, c->t.nodes[n].name, json_pack("{s:o,s:i}",
			"features", feats, "kube_proxy_rules", kubeproxy_rule_count(&c->t, n)));
	}
	return nodes;
}

/* The plan's entries on the hook of p's entry first, as the steps they are. */
static json_t *steps_json(const struct cluster *c, const struct hook_plan *p, int first)
{
	json_t *steps = json_array();
	int i;

	for (i = first; i < p->n; i++)
		if (hook_plan_same_hook(&c->t, &p->e[i], &p->e[first]))
			json_array_append_new(steps, json_pack("{s:s,s:s}", "program", p->e[i].prog,
							       "feature", feature_name(p->e[i].feature)));
	return steps;
}

/* Every tc hook that carries one program of its own, and its steps. */
static json_t *hooks_json(const struct cluster *c, const struct hook_plan *p)
{
	json_t *hooks = json_array();
	unsigned int mask;
	const char *prog;
	int i;

	for (i = 0; i < p->n; i++) {
		const struct hook_plan_entry *e = &p->e[i];

		if (hook_plan_first_on(&c->t, p, e) != i ||
		    hook_steps_of(&c->t, p, i, &mask, &prog))
			continue;
		json_array_append_new(hooks, json_pack("{s:s,s:s,s:s,s:s,s:o}",
			"namespace", hook_plan_entry_ns(&c->t, e), "device", e->ifname,
			"hook", attach_hook_name(e->hook), "program", prog,
			"steps", steps_json(c, p, i)));
	}
	return hooks;
}

static json_t *status_json(const struct cluster *c)
{
	struct hook_plan *p = calloc(1, sizeof(*p));
	json_t *j;

	if (!p)
		return NULL;
	/*
	 * The features loaded are those of the knobs in force (applied, so
	 * their plan was built once already); none before any knob is.
	 */
	if (c->applied)
		hook_plan_build(&c->t, &c->k, p);
	j = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "schema", "dplab.status/1",
		      "topology", c->t.name, "iptables_backend", iptables_backend(),
		      "knobs", c->applied ? knobs_to_json(&c->k) : json_null(),
		      "attachments", cluster_attachments_json(c, false),
		      "hooks", hooks_json(c, p), "nodes", nodes_json(c, p));
	free(p);
	return j;
}

static void print_counters(json_t *counters)
{
	const char *name;
	json_t *v;

	json_object_foreach(counters, name, v)
		if (json_integer_value(v))
			printf(" %s=%lld", name, (long long)json_integer_value(v));
}

/* "ns dev hook: program: step (feature), ..." per tc hook with its own program. */
static void print_hooks(json_t *hooks)
{
	size_t i, j;
	json_t *h, *step;

	if (!json_array_size(hooks))
		return;
	printf("\ntc hooks, one program each running its steps in order:\n");
	json_array_foreach(hooks, i, h) {
		const char *dev = json_string_value(json_object_get(h, "device"));

		printf("%-22s %-10s %-10s %s:", json_string_value(json_object_get(h, "namespace")),
		       dev, json_string_value(json_object_get(h, "hook")),
		       json_string_value(json_object_get(h, "program")));
		json_array_foreach(json_object_get(h, "steps"), j, step)
			printf("%s %s (%s)", j ? "," : "",
			       json_string_value(json_object_get(step, "program")),
			       json_string_value(json_object_get(step, "feature")));
		printf("\n");
	}
}

static void print_table(const struct cluster *c, json_t *st)
{
	const char *node, *feat, *map;
	json_t *n, *f, *m;
	int i;

	printf("topology %s (%s), iptables %s\n", c->t.name, c->t.file,
	       json_string_value(json_object_get(st, "iptables_backend")));
	if (c->applied) {
		printf("knobs:\n");
		knobs_print(&c->k, stdout);
	}
	printf("\n%-22s %-10s %-19s %-22s %-10s %s\n", "namespace", "device", "hook", "program",
	       "mechanism", "fallback");
	for (i = 0; i < c->n_att; i++) {
		const struct attachment *a = &c->att[i];
		const char *dev = strrchr(a->ifname, '/');

		printf("%-22s %-10s %-19s %-22s %-10s %s\n", a->ns, dev ? dev + 1 : a->ifname,
		       attach_hook_name(a->hook), a->prog_name, attach_mech_name(a->mech),
		       a->fallback[0] ? a->fallback : "-");
	}
	print_hooks(json_object_get(st, "hooks"));
	json_object_foreach(json_object_get(st, "nodes"), node, n) {
		printf("\n%s: kube-proxy rules %lld\n", node,
		       (long long)json_integer_value(json_object_get(n, "kube_proxy_rules")));
		json_object_foreach(json_object_get(n, "features"), feat, f) {
			printf("  %-13s maps:", feat);
			json_object_foreach(json_object_get(f, "maps"), map, m)
				printf(" %s %lld/%lld", map,
				       (long long)json_integer_value(json_object_get(m, "entries")),
				       (long long)json_integer_value(json_object_get(m, "max")));
			printf("\n  %-13s counters:", "");
			print_counters(json_object_get(f, "counters"));
			printf("\n");
		}
	}
}

/* Open the cluster NAME and print its status; the exit status. */
static int show(struct cluster *c, const char *name, bool json)
{
	char err[1024];
	json_t *st;

	if (cluster_open(name, c, err, sizeof(err))) {
		fprintf(stderr, "dplab status: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	st = status_json(c);
	if (!st) {
		fprintf(stderr, "dplab status: out of memory\n");
		return EXIT_FAILURE;
	}
	if (json) {
		json_dumpf(st, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
	} else {
		print_table(c, st);
	}
	json_decref(st);
	return EXIT_SUCCESS;
}

struct status_opts {
	const char *topology;
	bool json;
};

static const struct opt status_table[] = {
	OPT_STR_ENTRY("topology", 't', "NAME", "the topology that is up (default: the one)",
		      struct status_opts, topology),
	OPT_FLAG_ENTRY("json", 'j', "one JSON document (schema: docs/status-json.md)",
		       struct status_opts, json),
	OPT_END,
};

static const struct opt_cmd status_cmd = {
	.name = "dplab status",
	.usage = "dplab status [--json] [--topology NAME]",
	.description =
		"The topology, the knobs in force, every program attached (where, by which\n"
		"mechanism, and why the preferred one was not used), map fill levels and\n"
		"counters per feature, and kube-proxy's rule count. Needs root.\n",
	.opts = status_table,
};

int cmd_status(int argc, char **argv)
{
	struct status_opts o = { 0 };
	struct cluster *c;
	int first, ret;

	first = opts_parse(&status_cmd, argc, argv, &o, NULL);
	if (first < 0)
		return opts_exit_code(first);
	if (geteuid() != 0) {
		fprintf(stderr, "dplab status: must run as root (BPF maps, iptables)\n");
		return EXIT_BAD_INPUT;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "dplab status: %s\n", strerror(ENOMEM));
		return EXIT_FAILURE;
	}
	ret = show(c, o.topology, o.json);
	free(c);
	return ret;
}
