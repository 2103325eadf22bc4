/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hand-written SVG charts: grouped vertical bars, horizontal bars around
 * zero, lines over categories.  Generic (a title, categories, series); the
 * report decides what to draw (run_report_charts.c).  Output is
 * well-formed XML: every text is escaped.
 */
#ifndef DPLAB_LOADER_SVG_H
#define DPLAB_LOADER_SVG_H

#include <stddef.h>
#include <stdio.h>

/* One series: a value per category; NAN where there is none. */
struct svg_series {
	const char *name;		/* legend text */
	const double *value;
	const double *lo, *hi;		/* whisker ends (min-max), or NULL; NAN: none */
	const char *const *color;	/* per-point fill overriding the series', or NULL */
	const char *const *text;	/* per-point label at the bar's end, or NULL */
};

struct svg_chart {
	const char *title;
	const char *value_label;	/* the value axis: "pps", "change of the median, %" */
	const char *category_label;	/* the category axis: "services", or NULL */
	const char *const *categories;
	int n_categories;
	const struct svg_series *series;
	int n_series;
	const char *note;		/* one line under the chart, or NULL */
};

/* Each draws a complete SVG document; 0 or -EIO when writing failed. */
int svg_bar_chart(FILE *f, const struct svg_chart *c);	/* vertical, grouped, whiskers */
int svg_hbar_chart(FILE *f, const struct svg_chart *c);	/* horizontal, around zero */
int svg_line_chart(FILE *f, const struct svg_chart *c);	/* one line per series, whiskers */

/* Axis ticks at "nice numbers" (1, 2, 5 x 10^n) covering [lo, hi]. */
struct svg_ticks {
	double lo, hi, step;
	int n;				/* ticks lo, lo + step, ..., hi */
};
void svg_nice_ticks(double lo, double hi, int target, struct svg_ticks *t);
/* A tick's label: "400k", "2M", "0.25", "-10". */
void svg_tick_label(double v, double step, char *buf, size_t len);

#endif /* DPLAB_LOADER_SVG_H */
