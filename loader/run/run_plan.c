// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Plan files of `dplab run` (format: docs/run-plan.md): the directives and
 * parameters, read completely before run_plan_expand.c expands them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "run/run_plan_int.h"
#include "dplab/fmt.h"

#define MAX_WORDS 32

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
	P(trial_secs, 0.05, 60), P(final_secs, 0.1, 600), P(search_hi, 1000, 1e8),
	I(search_iter, 1, 32),
	P(stream_rate, 1, 1e8), P(stream_secs, 0.1, 600), P(rtt_rate, 1, 1e7),
	P(rtt_secs, 0.1, 600), P(tcp_secs, 0.1, 600), P(conn_rate, 1, 1e6),
	P(conn_secs, 0.1, 600), P(req_rate, 1, 1e6), P(req_secs, 0.1, 600),
#undef P
#undef I
};


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

/* "KNOB" or "KNOB=V1,V2": the knob, and its values into the spec's list. */
static int isolate_word(char *word, bool on, struct plan_spec *s, char *why, size_t len)
{
	char *eq = strchr(word, '='), *v, *save, probe[64], err[256];
	struct knobs k;
	int id;

	if (eq)
		*eq++ = 0;
	id = run_plan_knob_id(word);
	if (id < 0) {
		snprintf(why, len, "isolate: '%s' is not a knob", word);
		return -EINVAL;
	}
	s->iso_knobs[!on] |= 1u << id;
	for (v = eq ? strtok_r(eq, ",", &save) : NULL; v; v = strtok_r(NULL, ",", &save)) {
		knobs_default(&k);
		fmt_fit(probe, sizeof(probe), "%s=%s", word, v);
		if (knobs_assign(&k, probe, NULL, err, sizeof(err))) {
			snprintf(why, len, "isolate: %s", err);
			return -EINVAL;
		}
		if (s->n_iso_vals[!on] == ISO_VALUES) {
			snprintf(why, len, "isolate: more than %d explicit values", ISO_VALUES);
			return -EINVAL;
		}
		s->iso_vals[!on][s->n_iso_vals[!on]].knob = id;
		snprintf(s->iso_vals[!on][s->n_iso_vals[!on]++].value, 32, "%s", v);
	}
	return 0;
}

DIRECTIVE(d_isolate)
{
	bool on = n >= 2 && !strcmp(w[1], "on");
	int i;

	if (n < 2 || (!on && strcmp(w[1], "off"))) {
		snprintf(why, len, "isolate: want 'on' or 'off', then knobs (default all)");
		return -EINVAL;
	}
	s->iso[!on] = true;
	for (i = 2; i < n; i++)
		if (isolate_word(w[i], on, s, why, len))
			return -EINVAL;
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
				    .trial_secs = 0.3, .final_secs = 1, .search_iter = 12,
				    .search_hi = 1e6,
				    .stream_rate = 50000, .stream_secs = 1, .rtt_rate = 5000,
				    .rtt_secs = 1, .tcp_secs = 1, .conn_rate = 2000,
				    .conn_secs = 1, .req_rate = 1000, .req_secs = 1 };
	s.workloads = (1u << W_COUNT) - 1;
	s.sweep_workloads = 1u << W_CONN;
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
	if (run_plan_expand(p, &s, why, sizeof(why)))
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
