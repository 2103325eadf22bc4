// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A results.json document opened for reading, config lookups, number
 * formatting and Markdown rows, shared by the report and `dplab compare`
 * (run_report_fmt.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cluster/knobs.h"
#include "run/run_metrics.h"
#include "run/run_report_fmt.h"
#include "dplab/fmt.h"

const char *rr_str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

bool rr_num(json_t *obj, const char *key, double *v)
{
	json_t *j = json_object_get(obj, key);

	if (!json_is_number(j))
		return false;
	*v = json_number_value(j);
	return true;
}

static bool str_is(json_t *obj, const char *key, const char *want)
{
	const char *s = rr_str(obj, key);

	return s && !strcmp(s, want);
}

static const char *role_name(enum run_role r)
{
	return r == ROLE_SCORED ? "scored" : r == ROLE_ATTRIBUTION ? "attribution" :
	       "descriptive";
}

static void index_metrics(struct rr_doc *d)
{
	json_t *arr = json_object_get(d->root, "metrics"), *m;
	size_t i;
	int k;

	d->n_metrics = 0;
	json_array_foreach(arr, i, m) {
		struct rr_metric *r;
		const char *id = rr_str(m, "id");

		if (!id || d->n_metrics == RR_MAX_METRICS)
			continue;
		k = run_metric_find(id);
		r = &d->metrics[d->n_metrics++];
		r->id = id;
		r->label = rr_str(m, "label") ?: (k >= 0 ? run_metrics[k].label : id);
		r->unit = rr_str(m, "unit") ?: (k >= 0 ? run_metrics[k].unit : "");
		r->higher_better = json_is_boolean(json_object_get(m, "higher_better")) ?
			json_is_true(json_object_get(m, "higher_better")) :
			(k >= 0 && run_metrics[k].higher_better);
		r->role = rr_str(m, "role") ?: (k >= 0 ? role_name(run_metrics[k].role) :
						"descriptive");
	}
	if (d->n_metrics)
		return;
	for (k = 0; k < M_COUNT; k++)
		d->metrics[d->n_metrics++] = (struct rr_metric){ run_metrics[k].id,
			run_metrics[k].label, run_metrics[k].unit, run_metrics[k].higher_better,
			role_name(run_metrics[k].role) };
}

static void index_knobs(struct rr_doc *d)
{
	json_t *arr = json_object_get(d->root, "knobs"), *k;
	size_t i;
	int id;

	d->n_knobs = 0;
	json_array_foreach(arr, i, k)
		if (json_is_string(k) && d->n_knobs < RR_MAX_KNOBS)
			d->knobs[d->n_knobs++] = json_string_value(k);
	if (d->n_knobs)
		return;
	for (id = 0; id < KNOB_COUNT; id++)
		d->knobs[d->n_knobs++] = knob_name(id);
}

int rr_doc_init(struct rr_doc *d, json_t *root, const char *label, char *err, size_t err_len)
{
	json_t *schema = json_object_get(root, "schema");

	memset(d, 0, sizeof(*d));
	d->label = label;
	if (!json_is_object(root)) {
		snprintf(err, err_len, "%s: not a JSON object", label);
		return -EINVAL;
	}
	if (json_is_integer(schema) && json_integer_value(schema) == 1) {
		snprintf(err, err_len, "%s: made before the paired-visit protocol (schema 1): "
			 "run it again", label);
		return -EINVAL;
	}
	if (!json_is_integer(schema) || json_integer_value(schema) != 2) {
		snprintf(err, err_len, "%s: not a dplab run results document of schema 2 "
			 "(\"schema\" is %s)", label, json_is_integer(schema) ? "another number" :
			 schema ? "not a number" : "missing");
		return -EINVAL;
	}
	d->configs = json_object_get(root, "configs");
	if (!json_is_array(d->configs)) {
		snprintf(err, err_len, "%s: \"configs\" is %s, expected an array", label,
			 d->configs ? "not an array" : "missing");
		return -EINVAL;
	}
	d->root = root;
	index_metrics(d);
	index_knobs(d);
	return 0;
}

json_t *rr_config_named(const struct rr_doc *d, const char *name)
{
	json_t *c;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if (name && str_is(c, "name", name))
			return c;
	return NULL;
}

json_t *rr_scenario_config(const struct rr_doc *d, const char *letter)
{
	json_t *c;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if (str_is(c, "group", "scenario") && str_is(c, "scenario", letter))
			return c;
	return NULL;
}

int rr_knob_configs(const struct rr_doc *d, const char *group, const char *knob,
		    json_t **out, int max)
{
	json_t *c;
	size_t i;
	int n = 0;

	json_array_foreach(d->configs, i, c)
		if (n < max && str_is(c, "group", group) && str_is(c, "knob", knob))
			out[n++] = c;
	return n;
}

static bool sweep_of(json_t *c, const char **mode, long long *services)
{
	json_t *sw = json_object_get(c, "sweep");

	if (!str_is(c, "group", "sweep") || !json_is_object(sw))
		return false;
	*mode = rr_str(sw, "service_lb");
	*services = json_integer_value(json_object_get(sw, "services"));
	return *mode && json_is_integer(json_object_get(sw, "services"));
}

json_t *rr_sweep_config(const struct rr_doc *d, const char *mode, long long services)
{
	const char *m;
	long long s;
	json_t *c;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if (sweep_of(c, &m, &s) && !strcmp(m, mode) && s == services)
			return c;
	return NULL;
}

static int mode_rank(const char *m)
{
	static const char *const order[] = { "iptables", "tc", "socket" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(m, order[i]))
			return i;
	return 3;
}

void rr_sweep_modes(const struct rr_doc *d, const char **modes, int *n)
{
	const char *m;
	long long s;
	json_t *c;
	size_t i;
	int k, j;

	json_array_foreach(d->configs, i, c) {
		if (!sweep_of(c, &m, &s))
			continue;
		for (k = 0; k < *n && strcmp(modes[k], m); k++)
			;
		if (k < *n || *n == RR_MAX_AXIS)
			continue;
		/* Insert after every mode of lower or equal rank. */
		for (k = *n; k > 0 && mode_rank(modes[k - 1]) > mode_rank(m); k--)
			;
		for (j = *n; j > k; j--)
			modes[j] = modes[j - 1];
		modes[k] = m;
		(*n)++;
	}
}

void rr_sweep_counts(const struct rr_doc *d, long long *counts, int *n)
{
	const char *m;
	long long s;
	json_t *c;
	size_t i;
	int k, j;

	json_array_foreach(d->configs, i, c) {
		if (!sweep_of(c, &m, &s))
			continue;
		for (k = 0; k < *n && counts[k] < s; k++)
			;
		if ((k < *n && counts[k] == s) || *n == RR_MAX_AXIS)
			continue;
		for (j = *n; j > k; j--)
			counts[j] = counts[j - 1];
		counts[k] = s;
		(*n)++;
	}
}

json_t *rr_result(json_t *cfg, const char *metric)
{
	json_t *r = json_object_get(json_object_get(cfg, "results"), metric);

	return json_is_object(r) ? r : NULL;
}

json_t *rr_effect(json_t *cfg, const char *metric)
{
	json_t *e = json_object_get(json_object_get(cfg, "effect"), metric);

	return json_is_object(e) ? e : NULL;
}

bool rr_median(json_t *result, double *v)
{
	return result && rr_num(result, "median", v);
}

bool rr_group_has_metric(const struct rr_doc *d, const char *group, const char *metric)
{
	json_t *c;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if ((!group || str_is(c, "group", group)) && rr_result(c, metric))
			return true;
	return false;
}

bool rr_group_any(const struct rr_doc *d, const char *group)
{
	json_t *c;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if (str_is(c, "group", group))
			return true;
	return false;
}

/* An integer with thousands separators: "1,234,567". */
static void fmt_thousands(double v, char *buf, size_t len)
{
	char digits[32], out[48];
	long long n = llround(fabs(v));
	int nd, i, o = 0;

	nd = snprintf(digits, sizeof(digits), "%lld", n);
	if (v < 0 && n)
		out[o++] = '-';
	for (i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}

void rr_fmt_value(double v, const char *unit, char *buf, size_t len)
{
	if (!unit)
		unit = "";
	if (!strcmp(unit, "pps") || !strcmp(unit, "conn/s"))
		fmt_thousands(v, buf, len);
	else if (!strcmp(unit, "µs") || !strcmp(unit, "ns"))
		snprintf(buf, len, "%.1f", v);
	else if (!strcmp(unit, "Gbit/s"))
		snprintf(buf, len, "%.2f", v);
	else if (!strcmp(unit, "%"))
		snprintf(buf, len, "%.3f", v);
	else
		snprintf(buf, len, "%g", v);
}

void rr_fmt_result(json_t *result, const char *unit, char *buf, size_t len)
{
	size_t failed = json_array_size(json_object_get(result, "errors"));
	size_t n = json_array_size(json_object_get(result, "samples"));
	char med[48];
	double m;
	int used;

	if (!rr_median(result, &m)) {
		if (failed)
			snprintf(buf, len, "— (%zu failed)", failed);
		else
			snprintf(buf, len, "—");
		return;
	}
	rr_fmt_value(m, unit, med, sizeof(med));
	used = snprintf(buf, len, "%s (%zu visit%s)", med, n, n == 1 ? "" : "s");
	if (failed && used >= 0 && (size_t)used < len)
		snprintf(buf + used, len - used, " (%zu failed)", failed);
}

void rr_fmt_signed(double pct, char *buf, size_t len)
{
	char num[32];

	snprintf(num, sizeof(num), "%.1f", fabs(pct));
	if (!strcmp(num, "0.0") || !(pct < 0))
		snprintf(buf, len, "+%s", num);
	else
		snprintf(buf, len, "−%s", num);
}

void rr_fmt_percent(double pct, char *buf, size_t len)
{
	size_t used;

	rr_fmt_signed(pct, buf, len);
	used = strlen(buf);
	snprintf(buf + used, len - used, "%%");
}

void rr_fmt_interval(json_t *effect, char *buf, size_t len)
{
	char pct[32], lo[32], hi[32];
	double p, a, b;

	if (!rr_num(effect, "percent", &p)) {
		snprintf(buf, len, "—");
		return;
	}
	rr_fmt_percent(p, pct, sizeof(pct));
	if (!rr_num(effect, "ci_low_pct", &a) || !rr_num(effect, "ci_high_pct", &b)) {
		snprintf(buf, len, "%s", pct);
		return;
	}
	rr_fmt_signed(a, lo, sizeof(lo));
	rr_fmt_signed(b, hi, sizeof(hi));
	snprintf(buf, len, "%s [%s, %s]", pct, lo, hi);
}

/* The verdicts results.json gives a scored cell, and the mark a cell shows before it. */
static const struct {
	const char *word, *mark;
} verdicts[] = {
	{ "equivalent", "≈ " }, { "undecided", "? " }, { "too noisy", "~ " },
	{ "too few pairs", NULL },
};

const char *rr_verdict_word(json_t *effect)
{
	const char *v = rr_str(effect, "verdict");
	json_t *better = json_object_get(effect, "better");
	size_t i;

	if (v && !strcmp(v, "effect"))
		return json_is_true(better) ? "effect better" :
		       json_is_false(better) ? "effect worse" : "effect";
	for (i = 0; v && i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(v, verdicts[i].word))
			return verdicts[i].word;
	return NULL;
}

void rr_fmt_effect(json_t *effect, char *buf, size_t len)
{
	const char *v = rr_verdict_word(effect);
	json_t *pairs = json_object_get(effect, "pairs");
	char num[RR_CELL / 2];
	size_t i;

	if (v && !strcmp(v, "too few pairs")) {
		snprintf(buf, len, "— (%lld pair%s)", (long long)json_integer_value(pairs),
			 json_integer_value(pairs) == 1 ? "" : "s");
		return;
	}
	rr_fmt_interval(effect, num, sizeof(num));
	if (!v || !strcmp(num, "—")) {
		snprintf(buf, len, "%s", num);
		return;
	}
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		if (!strcmp(v, verdicts[i].word)) {
			snprintf(buf, len, "%s%s", verdicts[i].mark, num);
			return;
		}
	/* an effect: "+5.2% [+3.1, +7.4] worse" */
	snprintf(buf, len, "%s %s", num, !strncmp(v, "effect ", 7) ? v + 7 : v);
}

const char *rr_status_word(json_t *cfg)
{
	const char *st = rr_str(cfg, "status");

	if (!st)
		return "?";
	return !strcmp(st, "no_change") ? "no change" : st;
}

void rr_fmt_status(json_t *cfg, char *buf, size_t len)
{
	const char *st = rr_str(cfg, "status"), *why = rr_str(cfg, "reason");

	if (!st || !strcmp(st, "measured"))
		snprintf(buf, len, "%s", "");
	else if (why && why[0])
		snprintf(buf, len, "%s: %s", rr_status_word(cfg), why);
	else
		snprintf(buf, len, "%s", rr_status_word(cfg));
}

void rr_knob_label(json_t *cfg, char *buf, size_t len)
{
	const char *knob = rr_str(cfg, "knob"), *val = rr_str(cfg, "value");
	const char *also = rr_str(cfg, "also");

	/* A change the knob implies is part of what the row measures: say so. */
	if (knob && val)
		snprintf(buf, len, "%s → %s%s%s%s", knob, val, also ? " (with " : "", also ?: "",
			 also ? ")" : "");
	else
		snprintf(buf, len, "%s", knob ?: rr_str(cfg, "name") ?: "?");
}

void rr_md_row(FILE *f, const char *const *cells, int n)
{
	const char *s;
	int i;

	fputc('|', f);
	for (i = 0; i < n; i++) {
		fputc(' ', f);
		for (s = cells[i] ? cells[i] : ""; *s; s++) {
			if (*s == '|')
				fputs("\\|", f);
			else
				fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
		}
		fputs(" |", f);
	}
	fputc('\n', f);
}

void rr_md_rule(FILE *f, int n)
{
	int i;

	fputc('|', f);
	for (i = 0; i < n; i++)
		fputs("---|", f);
	fputc('\n', f);
}

/*
 * A path that exists and is no regular file (/dev/null, /dev/stdout, a
 * FIFO) is written in place: renaming a temporary file over it would
 * replace the device node itself.
 */
static bool write_in_place(const char *path)
{
	struct stat st;

	return !stat(path, &st) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int rr_create(const char *path, FILE **f, char *err, size_t err_len)
{
	char tmp[4096];

	if (write_in_place(path)) {
		*f = fopen(path, "w");
		if (!*f) {
			int ret = -errno;

			snprintf(err, err_len, "%s: cannot open: %s", path, strerror(-ret));
			return ret;
		}
		return 0;
	}
	if (fmt_fit(tmp, sizeof(tmp), "%s.tmp", path)) {
		snprintf(err, err_len, "%s: name too long", path);
		return -ENAMETOOLONG;
	}
	*f = fopen(tmp, "w");
	if (!*f) {
		int ret = -errno;

		snprintf(err, err_len, "%s: cannot create: %s", tmp, strerror(-ret));
		return ret;
	}
	return 0;
}

int rr_commit(FILE *f, const char *path, char *err, size_t err_len)
{
	int bad = ferror(f), ret = 0;
	char tmp[4096];

	if (write_in_place(path)) {
		if (fclose(f) || bad) {
			ret = bad ? -EIO : -errno;
			snprintf(err, err_len, "%s: writing failed: %s", path, strerror(-ret));
		}
		return ret;
	}
	fmt_fit(tmp, sizeof(tmp), "%s.tmp", path);
	if (fclose(f) || bad) {
		ret = bad ? -EIO : -errno;
		snprintf(err, err_len, "%s: writing failed: %s", tmp, strerror(-ret));
		goto out;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot rename to %s: %s", tmp, path, strerror(-ret));
	}
out:
	if (ret)
		unlink(tmp);
	return ret;
}
