// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The expansion of a parsed plan into configurations (run_plan_int.h):
 * scenarios first (the baselines), then every knob switched on from A and
 * off from E, then the service sweep, then plain configs, then the
 * placebos of the baselines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cluster/hook_plan.h"
#include "run/run_plan_int.h"
#include "dplab/fmt.h"

/*
 * The value a knob is switched to when A and E agree on it, so that every
 * knob is measured alone even where the presets do not differ.
 */
static const char *const alternative[KNOB_COUNT] = {
	[KNOB_ROUTING] = "vxlan",
	[KNOB_HOST_ROUTING] = "bpf",
	[KNOB_SERVICE_LB] = "tc",
	[KNOB_MASQUERADE] = "bpf",
	[KNOB_XDP_LB] = "generic",
	[KNOB_VETH_NAPI] = "on",
	[KNOB_CT_MAX] = "524288",
	[KNOB_CONGESTION] = "bbr",
	[KNOB_SERVICES] = "1000",
	[KNOB_XDP_ATTACH] = "netlink",
	[KNOB_TC_ATTACH] = "legacy",
	[KNOB_BANDWIDTH_MANAGER] = "on",
};


int run_plan_knob_id(const char *name)
{
	int i;

	for (i = 0; i < KNOB_COUNT; i++)
		if (!strcmp(knob_name(i), name))
			return i;
	return -1;
}

/* "service_lb=iptables,tc" or "services=10,100": the list after '='. */

static struct run_config *add(struct run_plan *p, const char *name, enum run_group g,
			      const struct knobs *k, unsigned int workloads)
{
	struct run_config *c;

	if (p->n_configs == RUN_MAX_CONFIGS)
		return NULL;
	c = &p->configs[p->n_configs++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->group = g;
	c->k = *k;
	c->baseline = c->knob = -1;
	c->workloads = workloads;
	return c;
}

int run_plan_find(const struct run_plan *p, const char *name)
{
	int i;

	for (i = 0; i < p->n_configs; i++)
		if (!strcmp(p->configs[i].name, name))
			return i;
	return -1;
}

static int add_scenario(struct run_plan *p, char preset, unsigned int workloads)
{
	char name[2] = { preset, 0 }, err[128];
	struct run_config *c;
	struct knobs k;

	if (run_plan_find(p, name) >= 0)
		return run_plan_find(p, name);
	knobs_profile(name, &k, err, sizeof(err));
	c = add(p, name, G_SCENARIO, &k, workloads);
	if (!c)
		return -E2BIG;
	c->scenario = preset;
	return p->n_configs - 1;
}

/* An implied change: after the row's name and in its `also`. */
static void imply(char *name, size_t len, char *also, size_t also_len, const char *assignment)
{
	size_t n = strlen(name), a = strlen(also);

	snprintf(name + n, len - n, "+%s", assignment);
	snprintf(also + a, also_len - a, "%s%s", a ? " " : "", assignment);
}

/*
 * BPF host routing needs BPF services and masquerade (as in Cilium): a row
 * that takes one of them away from E also ends host routing.  xdp_lb=native
 * needs the fabric side of each uplink in veth NAPI mode: a row that
 * switches it on from a baseline without that also sets veth_napi=on.
 * Such a row is the named pair, said in its name, knobs and `also`, not a
 * hidden second change; the veth_napi row alone shows the second's part.
 */
static void implied_changes(const struct knobs *base, struct knobs *k, int knob, char *name,
			    size_t len, char *also, size_t also_len)
{
	if (knob != KNOB_HOST_ROUTING && hook_plan_bpf_host_routing(base) &&
	    !hook_plan_bpf_host_routing(k)) {
		k->host_routing = HOST_ROUTING_LEGACY;
		imply(name, len, also, also_len, "host_routing=legacy");
	}
	if (knob != KNOB_VETH_NAPI && !hook_plan_veth_napi(base) && hook_plan_veth_napi(k) &&
	    k->veth_napi == VETH_NAPI_OFF) {
		k->veth_napi = VETH_NAPI_ON;
		imply(name, len, also, also_len, "veth_napi=on");
	}
}

/* The row of knob i switched to value from the baseline b. */
static int add_knob_row(struct run_plan *p, bool on, int b, int i, const char *value)
{
	char name[RUN_NAME_LEN + 32], assignment[48], err[256], also[sizeof(p->configs[0].also)];
	struct knobs base = p->configs[b].k, k = base;
	char from = p->configs[b].scenario;
	struct run_config *c;

	also[0] = '\0';
	if (fmt_fit(assignment, sizeof(assignment), "%s=%s", knob_name(i), value) ||
	    knobs_assign(&k, assignment, NULL, err, sizeof(err)) ||
	    fmt_fit(name, sizeof(name), "%c+%s", from, assignment))
		return -EINVAL;	/* the alternative table is wrong */
	implied_changes(&base, &k, i, name, sizeof(name), also, sizeof(also));
	c = add(p, name, on ? G_ISOLATE_ON : G_ISOLATE_OFF, &k, p->configs[b].workloads);
	if (!c)
		return -E2BIG;
	c->scenario = from;
	c->baseline = b;
	c->knob = i;
	snprintf(c->value, sizeof(c->value), "%s", value);
	snprintf(c->also, sizeof(c->also), "%s", also);
	return 0;
}

/*
 * Every (chosen) knob switched from the preset `from` towards the other:
 * to the values the plan names, else to the other preset's value, or
 * where the two agree to the alternative.
 */
static int add_isolation(struct run_plan *p, const struct plan_spec *s, bool on,
			 unsigned int workloads)
{
	char from = on ? 'A' : 'E', other[2] = { on ? 'E' : 'A', 0 }, err[256], value[32];
	int i, j, explicit, ret = 0, b = add_scenario(p, from, workloads);
	struct knobs target;

	if (b < 0)
		return b;
	knobs_profile(other, &target, err, sizeof(err));
	for (i = 0; i < KNOB_COUNT && !ret; i++) {
		if (s->iso_knobs[!on] && !(s->iso_knobs[!on] & (1u << i)))
			continue;
		for (j = 0, explicit = 0; j < s->n_iso_vals[!on] && !ret; j++)
			if (s->iso_vals[!on][j].knob == i) {
				explicit++;
				ret = add_knob_row(p, on, b, i, s->iso_vals[!on][j].value);
			}
		if (explicit || ret)
			continue;
		if (!knobs_equal(&p->configs[b].k, &target, i))
			knob_value(&target, i, value, sizeof(value));
		else
			snprintf(value, sizeof(value), "%s", alternative[i]);
		ret = add_knob_row(p, on, b, i, value);
	}
	return ret;
}

static int add_sweep(struct run_plan *p, const struct plan_spec *s)
{
	char name[RUN_NAME_LEN], assignment[64], err[256];
	struct run_config *c;
	int i, j, first;
	struct knobs k;

	for (i = 0; i < s->n_lbs; i++) {
		first = -1;
		for (j = 0; j < s->n_counts; j++) {
			knobs_default(&k);
			if (fmt_fit(assignment, sizeof(assignment), "service_lb=%s",
				    s->sweep_lbs[i]) ||
			    knobs_assign(&k, assignment, NULL, err, sizeof(err)) ||
			    fmt_fit(name, sizeof(name), "%s services=%u", s->sweep_lbs[i],
				    s->sweep_n[j]))
				return -EINVAL;	/* checked when parsed */
			k.services = s->sweep_n[j];
			c = add(p, name, G_SWEEP, &k, s->sweep_workloads);
			if (!c)
				return -E2BIG;
			c->scenario = 'A';
			c->baseline = first;
			c->knob = first < 0 ? -1 : KNOB_SERVICES;
			snprintf(c->value, sizeof(c->value), "%u", s->sweep_n[j]);
			snprintf(c->sweep_lb, sizeof(c->sweep_lb), "%s", s->sweep_lbs[i]);
			c->sweep_services = s->sweep_n[j];
			if (first < 0)
				first = p->n_configs - 1;
		}
	}
	return 0;
}

/*
 * Scenarios compare against A; A and E, where they are baselines, get a
 * placebo: the baseline visited again and compared exactly like a knob.
 */
static int add_placebos(struct run_plan *p)
{
	int a = run_plan_find(p, "A"), i, b, n = p->n_configs;
	char name[RUN_NAME_LEN];
	struct run_config *c;
	bool used;

	for (i = 0; i < n && a >= 0; i++)
		if (p->configs[i].group == G_SCENARIO && i != a)
			p->configs[i].baseline = a;
	for (b = 0; b < n; b++) {
		if (p->configs[b].group != G_SCENARIO)
			continue;
		for (i = 0, used = false; i < n; i++)
			used |= p->configs[i].baseline == b;
		if (!used)
			continue;
		snprintf(name, sizeof(name), "%s placebo", p->configs[b].name);
		c = add(p, name, G_PLACEBO, &p->configs[b].k, p->configs[b].workloads);
		if (!c)
			return -E2BIG;
		c->scenario = p->configs[b].scenario;
		c->baseline = b;
		c->placebo = true;
	}
	return 0;
}

int run_plan_expand(struct run_plan *p, const struct plan_spec *s, char *why, size_t len)
{
	struct run_config *c;
	int i, err = 0;

	for (i = 0; i < s->n_scenarios && err >= 0; i++)
		err = add_scenario(p, s->scenarios[i], s->workloads);
	if (err >= 0 && s->iso[0])
		err = add_isolation(p, s, true, s->workloads);
	if (err >= 0 && s->iso[1])
		err = add_isolation(p, s, false, s->workloads);
	if (err >= 0 && s->n_lbs && s->n_counts)
		err = add_sweep(p, s);
	for (i = 0; i < s->n_extra && err >= 0; i++) {
		c = add(p, s->extra[i].name, G_CONFIG, &s->extra[i].k, s->workloads);
		err = c ? 0 : -E2BIG;
	}
	if (err >= 0)
		err = add_placebos(p);
	if (err == -E2BIG)
		snprintf(why, len, "more than %d configurations", RUN_MAX_CONFIGS);
	else if (err < 0)
		snprintf(why, len, "cannot expand the plan: %s", strerror(-err));
	else if ((s->n_lbs != 0) != (s->n_counts != 0))
		snprintf(why, len, "sweep: needs both service_lb=... and services=...");
	else if (!p->n_configs)
		snprintf(why, len, "nothing to measure: no scenarios, isolate, sweep or config");
	else if (p->p.max_pairs < p->p.pairs)
		snprintf(why, len, "max_pairs %d is below pairs %d", p->p.max_pairs, p->p.pairs);
	else
		return 0;
	return -EINVAL;
}

