// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The report's charts (svg.h): per metric, scenarios A-E as bars (median,
 * whiskers the min-max of visits), the effect of each knob switched on from
 * A / off from E and of each scenario against A as horizontal bars around
 * zero (mean, whiskers the 95% interval, coloured by verdict), and the
 * service sweep as one line per service_lb mode.  A chart is only drawn for a metric with data.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run_report_int.h"
#include "run/svg.h"
#include "dplab/fmt.h"

#define MAX_ROWS 64
#define LABEL 96

static const char *const letters[] = { "A", "B", "C", "D", "E" };

/* Per-point arrays of one series. */
struct points {
	double value[MAX_ROWS], lo[MAX_ROWS], hi[MAX_ROWS];
	char text[MAX_ROWS][LABEL];
	const char *text_ptr[MAX_ROWS], *color[MAX_ROWS];
};

/* The config's status when it was not measured, else what. */
static const char *status_or(json_t *cfg, const char *what)
{
	const char *st = rr_str(cfg, "status");

	return st && !strcmp(st, "measured") ? what : rr_status_word(cfg);
}

static void points_from_result(struct points *p, int i, json_t *cfg, const struct rr_metric *m)
{
	json_t *res = rr_result(cfg, m->id);

	p->text_ptr[i] = p->text[i];
	p->color[i] = NULL;
	if (!rr_median(res, &p->value[i])) {
		p->value[i] = p->lo[i] = p->hi[i] = NAN;
		snprintf(p->text[i], LABEL, "%s", cfg ? status_or(cfg, "no sample") : "not in plan");
		return;
	}
	if (!rr_num(res, "min", &p->lo[i]) || !rr_num(res, "max", &p->hi[i]))
		p->lo[i] = p->hi[i] = NAN;
	rr_fmt_value(p->value[i], m->unit, p->text[i], LABEL);
}

static int chart(const char *dir, const char *file, const char *label,
		 int (*draw)(FILE *, const struct svg_chart *), const struct svg_chart *c,
		 struct rr_charts *out, char *err, size_t err_len)
{
	char path[4096];
	FILE *f;
	int ret;

	ret = fmt_fit(path, sizeof(path), "%s/charts/%s", dir, file);
	if (ret) {
		snprintf(err, err_len, "%s/charts/%s: name too long", dir, file);
		return ret;
	}
	ret = rr_create(path, &f, err, err_len);
	if (ret)
		return ret;
	ret = draw(f, c);
	if (ret) {
		fclose(f);
		snprintf(err, err_len, "%s.tmp: writing failed", path);
		return ret;
	}
	ret = rr_commit(f, path, err, err_len);
	if (ret || out->n == RR_MAX_CHARTS)
		return ret;
	snprintf(out->c[out->n].file, sizeof(out->c[0].file), "%s", file);
	snprintf(out->c[out->n].label, sizeof(out->c[0].label), "%s", label);
	out->n++;
	return 0;
}

static int scenario_charts(const struct rr_doc *d, const char *dir, struct rr_charts *out,
			   char *err, size_t err_len)
{
	static struct points p;
	char title[160], file[96];
	int i, s, ret;

	for (i = 0; i < d->n_metrics; i++) {
		const struct rr_metric *m = &d->metrics[i];
		struct svg_series se = { "median", p.value, p.lo, p.hi, NULL, p.text_ptr };
		struct svg_chart c = { title, m->unit, "scenario", letters, 5, &se, 1,
				       "bar: median of the visits; whisker: min–max of visits" };

		if (!rr_group_has_metric(d, "scenario", m->id))
			continue;
		for (s = 0; s < 5; s++)
			points_from_result(&p, s, rr_scenario_config(d, letters[s]), m);
		snprintf(title, sizeof(title), "%s (%s), scenarios A–E", m->label, m->unit);
		fmt_fit(file, sizeof(file), "scenarios_%s.svg", m->id);
		ret = chart(dir, file, title, svg_bar_chart, &c, out, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

/* Bar colour by verdict: green better, red worse, grey equivalent, pale
 * blue undecided or not scored. */
static const char *verdict_color(json_t *e)
{
	const char *w = rr_verdict_word(e);

	if (!w)
		return "#c6d7ea";
	return !strcmp(w, "effect better") ? "#59a14f" : !strcmp(w, "effect worse") ? "#e15759" :
	       !strcmp(w, "equivalent") ? "#bab0ac" : "#c6d7ea";
}

/* Effects of an effect table's configs (its rows, placebo last) on metric
 * m: bar the mean, whiskers the 95% interval; the number of rows with one. */
static int impact_points(const struct rr_doc *d, const char *group, const char *base,
			 const struct rr_metric *m, struct points *p, char (*rows)[LABEL],
			 const char **row_ptr, int *n)
{
	json_t *cs[MAX_ROWS], *e;
	int r, with_data = 0;

	*n = rr_table_configs(d, group, base, cs, MAX_ROWS);
	for (r = 0; r < *n; r++) {
		e = rr_effect(cs[r], m->id);
		rr_row_label(cs[r], rows[r], LABEL);
		row_ptr[r] = rows[r];
		p->text_ptr[r] = p->text[r];
		p->color[r] = NULL;
		if (!rr_num(e, "percent", &p->value[r])) {
			p->value[r] = p->lo[r] = p->hi[r] = NAN;
			snprintf(p->text[r], LABEL, "%s", status_or(cs[r], "no effect measured"));
			continue;
		}
		if (!rr_num(e, "ci_low_pct", &p->lo[r]) || !rr_num(e, "ci_high_pct", &p->hi[r]))
			p->lo[r] = p->hi[r] = NAN;
		with_data++;
		rr_fmt_effect(e, p->text[r], LABEL);
		p->color[r] = verdict_color(e);
	}
	return with_data;
}

static int impact_charts(const struct rr_doc *d, const char *dir, const char *group,
			 const char *prefix, const char *base, struct rr_charts *out,
			 char *err, size_t err_len)
{
	static char rows[MAX_ROWS][LABEL];
	static const char *row_ptr[MAX_ROWS];
	static struct points p;
	char title[160], file[128], axis[96];
	int i, n, ret;

	for (i = 0; i < d->n_metrics; i++) {
		const struct rr_metric *m = &d->metrics[i];
		struct svg_series se = { "mean paired effect", p.value, p.lo, p.hi, p.color,
					 p.text_ptr };
		struct svg_chart c = { title, axis, NULL, row_ptr, 0, &se, 1,
				       "bar: mean effect; whisker: 95% interval; green: effect "
				       "better, red: effect worse, grey: equivalent, pale: "
				       "undecided or not scored" };

		if (!strcmp(m->role, "attribution") ||
		    !impact_points(d, group, base, m, &p, rows, row_ptr, &n))
			continue;
		c.n_categories = n;
		if (!strcmp(group, "scenario"))
			snprintf(title, sizeof(title), "%s: each scenario against %s", m->label,
				 base);
		else
			snprintf(title, sizeof(title), "%s: each knob switched %s %s", m->label,
				 !strcmp(base, "A") ? "on from" : "off from", base);
		snprintf(axis, sizeof(axis), "effect vs %s (paired visits), %%", base);
		fmt_fit(file, sizeof(file), "%s_%s.svg", prefix, m->id);
		ret = chart(dir, file, title, svg_hbar_chart, &c, out, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

static int sweep_charts(const struct rr_doc *d, const char *dir, struct rr_charts *out,
			char *err, size_t err_len)
{
	static struct points p[RR_MAX_AXIS];
	static char cats[RR_MAX_AXIS][24], names[RR_MAX_AXIS][48];
	const char *modes[RR_MAX_AXIS], *cat_ptr[RR_MAX_AXIS];
	struct svg_series se[RR_MAX_AXIS];
	long long counts[RR_MAX_AXIS];
	int n_modes = 0, n_counts = 0, i, j, k, ret;
	char title[160], file[96];

	rr_sweep_modes(d, modes, &n_modes);
	rr_sweep_counts(d, counts, &n_counts);
	for (k = 0; k < n_counts; k++) {
		snprintf(cats[k], sizeof(cats[k]), "%lld", counts[k]);
		cat_ptr[k] = cats[k];
	}
	for (j = 0; j < n_modes; j++) {
		snprintf(names[j], sizeof(names[j]), "service_lb=%s", modes[j]);
		se[j] = (struct svg_series){ names[j], p[j].value, p[j].lo, p[j].hi, NULL, NULL };
	}
	for (i = 0; i < d->n_metrics; i++) {
		const struct rr_metric *m = &d->metrics[i];
		struct svg_chart c = { title, m->unit, "services programmed (the VIP is the last)",
				       cat_ptr, n_counts, se, n_modes,
				       "point: median of the visits; whisker: min–max of visits" };

		if (!rr_group_has_metric(d, "sweep", m->id))
			continue;
		for (j = 0; j < n_modes; j++)
			for (k = 0; k < n_counts; k++)
				points_from_result(&p[j], k,
						   rr_sweep_config(d, modes[j], counts[k]), m);
		snprintf(title, sizeof(title), "%s (%s) vs number of services", m->label, m->unit);
		fmt_fit(file, sizeof(file), "sweep_%s.svg", m->id);
		ret = chart(dir, file, title, svg_line_chart, &c, out, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

int rr_charts_write(const struct rr_doc *d, const char *dir, struct rr_charts *out,
		    char *err, size_t err_len)
{
	int ret;

	out->n = 0;
	ret = scenario_charts(d, dir, out, err, err_len);
	if (!ret)
		ret = impact_charts(d, dir, "isolate_on", "impact_on", "A", out, err, err_len);
	if (!ret)
		ret = impact_charts(d, dir, "isolate_off", "impact_off", "E", out, err, err_len);
	if (!ret)
		ret = impact_charts(d, dir, "scenario", "scenarios_vs_a", "A", out, err, err_len);
	if (!ret)
		ret = sweep_charts(d, dir, out, err, err_len);
	return ret;
}
