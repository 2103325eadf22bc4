// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Plan files of `dplab run` (format: docs/run-plan.md) and their expansion
 * into configurations: scenarios first (the baselines), then every knob
 * switched on from A and off from E, then the service sweep, then plain
 * configs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "run/run_plan.h"
#include "dplab/fmt.h"

#define DEFAULT_TOPOLOGY "topologies/two-node.topo"
#define MAX_WORDS 32

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
	[KNOB_CT_MAX] = "524288",
	[KNOB_CONGESTION] = "bbr",
	[KNOB_SERVICES] = "1000",
	[KNOB_XDP_ATTACH] = "netlink",
	[KNOB_TC_ATTACH] = "legacy",
	[KNOB_BANDWIDTH_MANAGER] = "on",
};

static const struct {
	const char *key;
	size_t offset;
	bool integer;
	double min, max;
} params[] = {
#define P(k, lo, hi) { #k, offsetof(struct run_params, k), false, lo, hi }
#define I(k, lo, hi) { #k, offsetof(struct run_params, k), true, lo, hi }
	I(pairs, 2, 50), I(max_pairs, 2, 200), P(budget_secs, 10, 86400),
	I(seed, 0, 2147483647), P(steal_max, 0.1, 100), P(warmup_secs, 0, 60),
	P(trial_secs, 0.05, 60), P(search_hi, 1000, 1e8), I(search_iter, 1, 32),
	P(stream_rate, 1, 1e8), P(stream_secs, 0.1, 600), P(rtt_rate, 1, 1e7),
	P(rtt_secs, 0.1, 600), P(tcp_secs, 0.1, 600), P(conn_rate, 1, 1e6),
	P(conn_secs, 0.1, 600), P(req_rate, 1, 1e6), P(req_secs, 0.1, 600),
#undef P
#undef I
};

/* What the expansion needs from the directives. */
struct plan_spec {
	char scenarios[8];
	int n_scenarios;
	unsigned int workloads, sweep_workloads;
	bool iso[2];			/* on, off */
	unsigned int iso_knobs[2];	/* bit per knob; 0: all */
	char sweep_lbs[4][16];
	int n_lbs;
	unsigned int sweep_n[RUN_MAX_SWEEP];
	int n_counts;
	struct {
		char name[RUN_NAME_LEN];
		struct knobs k;
	} extra[16];
	int n_extra;
};

/* Parse error: the whole message is FILE:LINE: reason. */
#define FAIL(...) do { snprintf(why, sizeof(why), __VA_ARGS__); goto bad; } while (0)

static int split(char *line, char **w)
{
	int n = 0;
	char *save, *tok;

	for (tok = strtok_r(line, " \t\r", &save); tok && n < MAX_WORDS;
	     tok = strtok_r(NULL, " \t\r", &save))
		w[n++] = tok;
	return n;
}

static int workloads(char **w, int n, unsigned int *out, char *why, size_t len)
{
	int i, id;

	*out = 0;
	for (i = 0; i < n; i++) {
		id = run_workload_find(w[i]);
		if (id < 0) {
			snprintf(why, len, "'%s' is not a workload (ndr pdr stream rtt tcp conn req "
				 "nodeport)", w[i]);
			return -EINVAL;
		}
		*out |= 1u << id;
	}
	if (!*out) {
		snprintf(why, len, "needs at least one workload");
		return -EINVAL;
	}
	return 0;
}

static int knob_id_of(const char *name)
{
	int i;

	for (i = 0; i < KNOB_COUNT; i++)
		if (!strcmp(knob_name(i), name))
			return i;
	return -1;
}

/* "service_lb=iptables,tc" or "services=10,100": the list after '='. */
static int sweep_arg(char *arg, struct plan_spec *s, char *why, size_t len)
{
	char *eq = strchr(arg, '='), *save, *v, probe[64], err[256];
	struct knobs k;

	if (!eq) {
		snprintf(why, len, "'%s': want service_lb=A,B or services=N,M", arg);
		return -EINVAL;
	}
	*eq++ = 0;
	for (v = strtok_r(eq, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
		knobs_default(&k);
		fmt_fit(probe, sizeof(probe), "%s=%s", arg, v);
		if (strcmp(arg, "service_lb") && strcmp(arg, "services")) {
			snprintf(why, len, "sweep over '%s': only service_lb and services", arg);
			return -EINVAL;
		}
		if (knobs_assign(&k, probe, NULL, err, sizeof(err))) {
			snprintf(why, len, "%s", err);
			return -EINVAL;
		}
		if (!strcmp(arg, "service_lb") && s->n_lbs < 4)
			snprintf(s->sweep_lbs[s->n_lbs++], sizeof(s->sweep_lbs[0]), "%s", v);
		else if (!strcmp(arg, "services") && s->n_counts < RUN_MAX_SWEEP)
			s->sweep_n[s->n_counts++] = k.services;
		else {
			snprintf(why, len, "too many sweep values");
			return -EINVAL;
		}
	}
	return 0;
}

static int param(char **w, int n, struct run_plan *p, char *why, size_t len)
{
	unsigned int i;
	char *end;
	double v;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (strcmp(params[i].key, w[0]))
			continue;
		v = n == 2 ? strtod(w[1], &end) : 0;
		if (n != 2 || *end || v < params[i].min || v > params[i].max ||
		    (params[i].integer && v != (int)v)) {
			snprintf(why, len, "%s: want one number in %g..%g", w[0], params[i].min,
				 params[i].max);
			return -EINVAL;
		}
		if (params[i].integer)
			*(int *)((char *)&p->p + params[i].offset) = (int)v;
		else
			*(double *)((char *)&p->p + params[i].offset) = v;
		return 0;
	}
	if (!strcmp(w[0], "repeats"))
		snprintf(why, len, "repeats: replaced by 'pairs N' (visits of each "
			 "configuration, each between two visits of its baseline)");
	else
		snprintf(why, len, "unknown directive '%s'", w[0]);
	return -EINVAL;
}

/*
 * The directives of a plan file (docs/run-plan.md), one handler each; a
 * word not in this table is a parameter (params[]).  Each gets the line's
 * words w[0..n-1] and returns 0 or -EINVAL with why.
 */
#define DIRECTIVE(name)							\
	static int name(char **w, int n, struct run_plan *p, struct plan_spec *s, \
			char *why, size_t len)

DIRECTIVE(d_word)
{
	if (n != 2) {
		snprintf(why, len, "%s: want one word", w[0]);
		return -EINVAL;
	}
	if (!strcmp(w[0], "name") ? fmt_fit(p->name, sizeof(p->name), "%s", w[1]) :
	    fmt_fit(p->topology, sizeof(p->topology), "%s", w[1])) {
		snprintf(why, len, "%s: longer than %zu characters", w[0],
			 (!strcmp(w[0], "name") ? sizeof(p->name) : sizeof(p->topology)) - 1);
		return -EINVAL;
	}
	return 0;
}

DIRECTIVE(d_metrics)
{
	return workloads(w + 1, n - 1, !strcmp(w[0], "metrics") ? &s->workloads :
			 &s->sweep_workloads, why, len);
}

DIRECTIVE(d_scenarios)
{
	int i;

	for (i = 1; i < n; i++) {
		if (strlen(w[i]) != 1 || w[i][0] < 'A' || w[i][0] > 'E' ||
		    strchr(s->scenarios, w[i][0])) {
			snprintf(why, len, "scenarios: '%s' is not a new one of A B C D E", w[i]);
			return -EINVAL;
		}
		s->scenarios[s->n_scenarios++] = w[i][0];
	}
	return 0;
}

DIRECTIVE(d_isolate)
{
	bool on = n >= 2 && !strcmp(w[1], "on");
	int i, id;

	if (n < 2 || (!on && strcmp(w[1], "off"))) {
		snprintf(why, len, "isolate: want 'on' or 'off', then knobs (default all)");
		return -EINVAL;
	}
	s->iso[!on] = true;
	for (i = 2; i < n; i++) {
		id = knob_id_of(w[i]);
		if (id < 0) {
			snprintf(why, len, "isolate: '%s' is not a knob", w[i]);
			return -EINVAL;
		}
		s->iso_knobs[!on] |= 1u << id;
	}
	return 0;
}

DIRECTIVE(d_sweep)
{
	int i;

	for (i = 1; i < n; i++)
		if (sweep_arg(w[i], s, why, len))
			return -EINVAL;
	return 0;
}

/* "preset=X" or KNOB=VALUE of `config NAME ...` into k. */
static int config_word(const char *name, const char *word, struct knobs *k, char *why,
		       size_t len)
{
	char err[256];

	if (!strncmp(word, "preset=", 7)) {
		if (knobs_profile(word + 7, k, err, sizeof(err)) || strlen(word + 7) != 1) {
			snprintf(why, len, "config %s: '%s' is not a preset A-E", name, word + 7);
			return -EINVAL;
		}
		return 0;
	}
	if (knobs_assign(k, word, NULL, err, sizeof(err))) {
		snprintf(why, len, "config %s: %s", name, err);
		return -EINVAL;
	}
	return 0;
}

DIRECTIVE(d_config)
{
	int i;

	if (n < 3 || s->n_extra == (int)(sizeof(s->extra) / sizeof(s->extra[0]))) {
		snprintf(why, len, "config: want NAME [preset=X] KNOB=VALUE...");
		return -EINVAL;
	}
	if (fmt_fit(s->extra[s->n_extra].name, RUN_NAME_LEN, "%s", w[1])) {
		snprintf(why, len, "config: a name longer than %d characters", RUN_NAME_LEN - 1);
		return -EINVAL;
	}
	knobs_default(&s->extra[s->n_extra].k);
	for (i = 2; i < n; i++)
		if (config_word(w[1], w[i], &s->extra[s->n_extra].k, why, len))
			return -EINVAL;
	s->n_extra++;
	return 0;
}

static const struct {
	const char *word;
	int (*fn)(char **w, int n, struct run_plan *p, struct plan_spec *s, char *why,
		  size_t len);
} directives[] = {
	{ "name", d_word }, { "topology", d_word },
	{ "metrics", d_metrics }, { "sweep_metrics", d_metrics },
	{ "scenarios", d_scenarios }, { "isolate", d_isolate }, { "sweep", d_sweep },
	{ "config", d_config },
};

/* One line; -EINVAL with why. */
static int directive(char **w, int n, struct run_plan *p, struct plan_spec *s, char *why,
		     size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		if (!strcmp(w[0], directives[i].word))
			return directives[i].fn(w, n, p, s, why, len);
	return param(w, n, p, why, len);
}

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

/* Every (chosen) knob switched from the preset `from` towards `to`. */
static int add_isolation(struct run_plan *p, bool on, unsigned int knobs_mask,
			 unsigned int workloads)
{
	char from = on ? 'A' : 'E', other[2] = { on ? 'E' : 'A', 0 }, err[256];
	char name[RUN_NAME_LEN + 16], value[32], assignment[48];
	struct knobs base, target, k;
	struct run_config *c;
	int i, b = add_scenario(p, from, workloads);

	if (b < 0)
		return b;
	base = p->configs[b].k;
	knobs_profile(other, &target, err, sizeof(err));
	for (i = 0; i < KNOB_COUNT; i++) {
		if (knobs_mask && !(knobs_mask & (1u << i)))
			continue;
		if (!knobs_equal(&base, &target, i))
			knob_value(&target, i, value, sizeof(value));
		else
			snprintf(value, sizeof(value), "%s", alternative[i]);
		k = base;
		if (fmt_fit(assignment, sizeof(assignment), "%s=%s", knob_name(i), value) ||
		    knobs_assign(&k, assignment, NULL, err, sizeof(err)) ||
		    fmt_fit(name, sizeof(name), "%c+%s", from, assignment))
			return -EINVAL;	/* the alternative table is wrong */
		c = add(p, name, on ? G_ISOLATE_ON : G_ISOLATE_OFF, &k, workloads);
		if (!c)
			return -E2BIG;
		c->scenario = from;
		c->baseline = b;
		c->knob = i;
		snprintf(c->value, sizeof(c->value), "%s", value);
	}
	return 0;
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

static int expand(struct run_plan *p, const struct plan_spec *s, char *why, size_t len)
{
	struct run_config *c;
	int i, err = 0;

	for (i = 0; i < s->n_scenarios && err >= 0; i++)
		err = add_scenario(p, s->scenarios[i], s->workloads);
	if (err >= 0 && s->iso[0])
		err = add_isolation(p, true, s->iso_knobs[0], s->workloads);
	if (err >= 0 && s->iso[1])
		err = add_isolation(p, false, s->iso_knobs[1], s->workloads);
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

int run_plan_parse(const char *text, const char *file, struct run_plan *p, char *err,
		   size_t err_len)
{
	static struct plan_spec s;
	char *copy, *line, *save, *w[MAX_WORDS], why[320];
	int n, lineno = 0;

	memset(p, 0, sizeof(*p));
	memset(&s, 0, sizeof(s));
	snprintf(p->name, sizeof(p->name), "unnamed");
	snprintf(p->topology, sizeof(p->topology), "%s", DEFAULT_TOPOLOGY);
	p->p = (struct run_params){ .pairs = 3, .max_pairs = 8, .budget_secs = 1200,
				    .steal_max = 5, .warmup_secs = 0.3,
				    .trial_secs = 0.3, .search_iter = 7, .search_hi = 1e6,
				    .stream_rate = 50000, .stream_secs = 1, .rtt_rate = 5000,
				    .rtt_secs = 1, .tcp_secs = 1, .conn_rate = 2000,
				    .conn_secs = 1, .req_rate = 1000, .req_secs = 1 };
	s.workloads = (1u << W_COUNT) - 1;
	s.sweep_workloads = 1u << W_CONN | 1u << W_REQ;
	copy = strdup(text);
	p->text = strdup(text);
	if (!copy || !p->text) {
		free(copy);
		snprintf(err, err_len, "%s: out of memory", file);
		return -ENOMEM;
	}
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (strchr(line, '#'))
			*strchr(line, '#') = 0;
		n = split(line, w);
		if (n && directive(w, n, p, &s, why, sizeof(why)))
			goto bad;
	}
	lineno = 0;
	if (expand(p, &s, why, sizeof(why)))
		goto bad;
	free(copy);
	return 0;
bad:
	if (lineno)
		snprintf(err, err_len, "%s:%d: %s", file, lineno, why);
	else
		snprintf(err, err_len, "%s: %s", file, why);
	free(copy);
	run_plan_free(p);
	return -EINVAL;
}

int run_plan_load(const char *path, struct run_plan *p, char *err, size_t err_len)
{
	char *text = NULL;
	int ret = read_file(path, &text);

	if (ret < 0) {
		snprintf(err, err_len, "plan %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = run_plan_parse(text, path, p, err, err_len);
	free(text);
	return ret;
}

void run_plan_free(struct run_plan *p)
{
	free(p->text);
	p->text = NULL;
}
