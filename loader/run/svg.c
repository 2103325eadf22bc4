// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SVG charts (svg.h): a frame (title, legend, note), a value axis with
 * ticks at nice numbers, and three plots over it.  Sizes are in pixels of
 * a 12 px sans-serif font, text widths estimated at 7 px per character.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/svg.h"

#define CHAR_W 7
#define TITLE_Y 24
#define LEGEND_Y 44
#define TICKS 6
#define SMALL "font-size=\"10\""
#define MISSING_STYLE "fill=\"#888\" font-size=\"10\""
#define LINE_END "\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"/>\n"

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
};
#define PALETTE_N (sizeof(palette) / sizeof(palette[0]))

/* The plot area and the value axis's mapping. */
struct frame {
	int w, h;
	double x0, x1, y0, y1;		/* plot area: left, right, top, bottom */
	struct svg_ticks t;
};

static void svg_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* Control characters are not allowed in XML 1.0. */
			fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
		}
	}
}

/* Width of a text in pixels (UTF-8 code points, not bytes). */
static int text_w(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n * CHAR_W;
}

static double nicenum(double x, int round_it)
{
	double e = floor(log10(x)), f = x / pow(10, e), nf;

	if (round_it)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

void svg_nice_ticks(double lo, double hi, int target, struct svg_ticks *t)
{
	double range;

	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (hi <= lo) {
		double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1;

		lo -= lo == 0 ? 0 : pad;
		hi += pad;
	}
	if (target < 2)
		target = 2;
	range = nicenum(hi - lo, 0);
	t->step = nicenum(range / (target - 1), 1);
	t->lo = floor(lo / t->step) * t->step;
	t->hi = ceil(hi / t->step) * t->step;
	t->n = (int)lround((t->hi - t->lo) / t->step) + 1;
}

void svg_tick_label(double v, double step, char *buf, size_t len)
{
	const char *suffix = "";
	double scale = 1;
	int dec;

	if (fabs(v) < step * 1e-9) {
		snprintf(buf, len, "0");
		return;
	}
	if (step >= 1e6) {
		scale = 1e6;
		suffix = "M";
	} else if (step >= 1e3) {
		scale = 1e3;
		suffix = "k";
	}
	dec = (int)ceil(-log10(step / scale) - 1e-9);
	if (dec < 0)
		dec = 0;
	if (dec > 6)
		dec = 6;
	snprintf(buf, len, "%.*f%s", dec, v / scale, suffix);
}

static double map_y(const struct frame *fr, double v)
{
	return fr->y1 - (v - fr->t.lo) / (fr->t.hi - fr->t.lo) * (fr->y1 - fr->y0);
}

static double map_x(const struct frame *fr, double v)
{
	return fr->x0 + (v - fr->t.lo) / (fr->t.hi - fr->t.lo) * (fr->x1 - fr->x0);
}

/* Range of every value and whisker end, with zero when include_zero. */
static void value_range(const struct svg_chart *c, int include_zero, double *lo, double *hi)
{
	int s, i;

	*lo = include_zero ? 0 : INFINITY;
	*hi = include_zero ? 0 : -INFINITY;
	for (s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];

		for (i = 0; i < c->n_categories; i++) {
			double v[3] = { se->value[i], se->lo ? se->lo[i] : NAN,
					se->hi ? se->hi[i] : NAN };
			int k;

			for (k = 0; k < 3; k++) {
				if (isnan(v[k]))
					continue;
				*lo = fmin(*lo, v[k]);
				*hi = fmax(*hi, v[k]);
			}
		}
	}
	if (!isfinite(*lo) || !isfinite(*hi)) {
		*lo = 0;
		*hi = 1;
	}
}

static const char *color_of(const struct svg_series *se, int s, int i)
{
	if (se->color && se->color[i])
		return se->color[i];
	return palette[s % PALETTE_N];
}

static void line(FILE *f, double x1, double y1, double x2, double y2, const char *color)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		x1, y1, x2, y2, color);
}

static void text(FILE *f, double x, double y, const char *anchor, const char *extra, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>", x, y, anchor,
		extra ? " " : "", extra ? extra : "");
	svg_escape(f, s);
	fputs("</text>\n", f);
}

/* Document start: size, background, title, legend (for more than one
 * series; the note explains a single one). */
static void frame_begin(FILE *f, const struct frame *fr, const struct svg_chart *c)
{
	double x;
	int s;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n<title>",
		fr->w, fr->h, fr->w, fr->h);
	svg_escape(f, c->title);
	fprintf(f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", fr->w, fr->h);
	text(f, fr->w / 2.0, TITLE_Y, "middle", "font-size=\"15\" font-weight=\"bold\"", c->title);
	x = fr->x0;
	for (s = 0; c->n_series > 1 && s < c->n_series; s++) {
		const char *name = c->series[s].name ? c->series[s].name : "";

		fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
			x, LEGEND_Y - 10, palette[s % PALETTE_N]);
		text(f, x + 16, LEGEND_Y, "start", NULL, name);
		x += 16 + text_w(name) + 18;
	}
	if (c->note)
		text(f, fr->x0, fr->h - 8, "start", "fill=\"#555\" font-size=\"11\"", c->note);
}

static int frame_end(FILE *f)
{
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}

/* Vertical value axis on the left, grid lines across the plot. */
static void value_axis_y(FILE *f, const struct frame *fr, const char *label)
{
	char buf[32];
	int i;

	for (i = 0; i < fr->t.n; i++) {
		double v = fr->t.lo + i * fr->t.step, y = map_y(fr, v);

		line(f, fr->x0, y, fr->x1, y, "#ddd");
		line(f, fr->x0 - 5, y, fr->x0, y, "#333");
		svg_tick_label(v, fr->t.step, buf, sizeof(buf));
		text(f, fr->x0 - 8, y + 4, "end", NULL, buf);
	}
	line(f, fr->x0, fr->y0, fr->x0, fr->y1, "#333");
	if (label) {
		char rot[64];
		double x = 16, y = (fr->y0 + fr->y1) / 2;

		snprintf(rot, sizeof(rot), "transform=\"rotate(-90 %.1f %.1f)\"", x, y);
		text(f, x, y, "middle", rot, label);
	}
}

/* Category labels under the plot, one per slot of width gw. */
static void category_axis_x(FILE *f, const struct frame *fr, const struct svg_chart *c, double gw)
{
	int i;

	line(f, fr->x0, fr->y1, fr->x1, fr->y1, "#333");
	for (i = 0; i < c->n_categories; i++) {
		double x = fr->x0 + (i + 0.5) * gw;

		line(f, x, fr->y1, x, fr->y1 + 5, "#333");
		text(f, x, fr->y1 + 18, "middle", NULL, c->categories[i]);
	}
	if (c->category_label)
		text(f, (fr->x0 + fr->x1) / 2, fr->y1 + 38, "middle", NULL, c->category_label);
}

static void whisker_v(FILE *f, double x, double ylo, double yhi, double cap)
{
	fprintf(f, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"#222\" "
		"fill=\"none\"/>\n", x, ylo, yhi, x - cap, ylo, x + cap, x - cap, yhi, x + cap);
}

static void whisker_h(FILE *f, double y, double xlo, double xhi, double cap)
{
	fprintf(f, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" stroke=\"#222\" "
		"fill=\"none\"/>\n", xlo, y, xhi, xlo, y - cap, y + cap, xhi, y - cap, y + cap);
}

static void frame_vertical(struct frame *fr, const struct svg_chart *c, int min_w)
{
	double lo, hi;

	fr->w = min_w;
	fr->h = 420;
	fr->x0 = 80;
	fr->x1 = fr->w - 20;
	fr->y0 = 64;
	fr->y1 = fr->h - (c->category_label ? 72 : 52);
	value_range(c, 1, &lo, &hi);
	svg_nice_ticks(lo, hi, TICKS, &fr->t);
}

int svg_bar_chart(FILE *f, const struct svg_chart *c)
{
	int ns = c->n_series > 0 ? c->n_series : 1, s, i;
	struct frame fr;
	double gw, bw, base;

	frame_vertical(&fr, c, 120 + c->n_categories * (28 * ns + 40) > 640 ?
			       120 + c->n_categories * (28 * ns + 40) : 640);
	frame_begin(f, &fr, c);
	value_axis_y(f, &fr, c->value_label);
	gw = (fr.x1 - fr.x0) / (c->n_categories ? c->n_categories : 1);
	bw = gw * 0.7 / ns;
	base = map_y(&fr, fmax(fr.t.lo, fmin(0, fr.t.hi)));
	for (s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];

		for (i = 0; i < c->n_categories; i++) {
			double x = fr.x0 + i * gw + gw * 0.15 + s * bw, v = se->value[i], y;

			if (isnan(v)) {
				text(f, x + bw / 2, base - 4, "middle", MISSING_STYLE,
				     se->text && se->text[i] ? se->text[i] : "n/a");
				continue;
			}
			y = map_y(&fr, v);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"/>\n", x, fmin(y, base), bw, fabs(base - y),
				color_of(se, s, i));
			if (se->lo && se->hi && !isnan(se->lo[i]) && !isnan(se->hi[i]))
				whisker_v(f, x + bw / 2, map_y(&fr, se->lo[i]),
					  map_y(&fr, se->hi[i]), bw / 5);
			if (se->text && se->text[i])
				text(f, x + bw / 2, fmin(y, se->hi && !isnan(se->hi[i]) ?
							 map_y(&fr, se->hi[i]) : y) - 4,
				     "middle", SMALL, se->text[i]);
		}
	}
	category_axis_x(f, &fr, c, gw);
	return frame_end(f);
}

int svg_line_chart(FILE *f, const struct svg_chart *c)
{
	struct frame fr;
	double gw;
	int s, i;

	frame_vertical(&fr, c, 120 + c->n_categories * 90 > 640 ? 120 + c->n_categories * 90 : 640);
	frame_begin(f, &fr, c);
	value_axis_y(f, &fr, c->value_label);
	gw = (fr.x1 - fr.x0) / (c->n_categories ? c->n_categories : 1);
	for (s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];
		const char *col = palette[s % PALETTE_N];
		int open = 0;

		/* The line, broken where a value is missing. */
		for (i = 0; i < c->n_categories; i++) {
			if (isnan(se->value[i])) {
				if (open)
					fprintf(f, LINE_END, col);
				open = 0;
				continue;
			}
			fprintf(f, "%s%.1f %.1f", open ? " L" : "<path d=\"M",
				fr.x0 + (i + 0.5) * gw, map_y(&fr, se->value[i]));
			open = 1;
		}
		if (open)
			fprintf(f, LINE_END, col);
		for (i = 0; i < c->n_categories; i++) {
			double x = fr.x0 + (i + 0.5) * gw;

			if (isnan(se->value[i]))
				continue;
			if (se->lo && se->hi && !isnan(se->lo[i]) && !isnan(se->hi[i]))
				whisker_v(f, x, map_y(&fr, se->lo[i]), map_y(&fr, se->hi[i]), 4);
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", x,
				map_y(&fr, se->value[i]), color_of(se, s, i));
		}
	}
	category_axis_x(f, &fr, c, gw);
	return frame_end(f);
}

/* Horizontal bars: categories are rows (labels on the left), values run
 * left (negative) and right (positive) of a zero line. */
int svg_hbar_chart(FILE *f, const struct svg_chart *c)
{
	int ns = c->n_series > 0 ? c->n_series : 1, label_w = 0, s, i;
	double rh, bh, zero, lo, hi;
	struct frame fr;
	char buf[32];

	for (i = 0; i < c->n_categories; i++)
		if (text_w(c->categories[i]) > label_w)
			label_w = text_w(c->categories[i]);
	if (label_w > 320)
		label_w = 320;
	rh = 10 + 16 * ns;
	fr.w = 760;
	fr.x0 = label_w + 24;
	fr.x1 = fr.w - 100;
	fr.y0 = 64;
	fr.y1 = fr.y0 + rh * (c->n_categories ? c->n_categories : 1);
	fr.h = (int)fr.y1 + (c->value_label ? 64 : 44);
	value_range(c, 1, &lo, &hi);
	svg_nice_ticks(lo, hi, TICKS, &fr.t);
	frame_begin(f, &fr, c);
	for (i = 0; i < fr.t.n; i++) {
		double v = fr.t.lo + i * fr.t.step, x = map_x(&fr, v);

		line(f, x, fr.y0, x, fr.y1, "#ddd");
		line(f, x, fr.y1, x, fr.y1 + 5, "#333");
		svg_tick_label(v, fr.t.step, buf, sizeof(buf));
		text(f, x, fr.y1 + 18, "middle", NULL, buf);
	}
	line(f, fr.x0, fr.y1, fr.x1, fr.y1, "#333");
	if (c->value_label)
		text(f, (fr.x0 + fr.x1) / 2, fr.y1 + 38, "middle", NULL, c->value_label);
	zero = map_x(&fr, 0);
	bh = (rh - 8) / ns;
	for (i = 0; i < c->n_categories; i++)
		text(f, fr.x0 - 8, fr.y0 + i * rh + rh / 2 + 4, "end", NULL, c->categories[i]);
	for (s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];

		for (i = 0; i < c->n_categories; i++) {
			double y = fr.y0 + i * rh + 4 + s * bh, v = se->value[i], x, end;
			const char *label = se->text ? se->text[i] : NULL;

			if (isnan(v)) {
				text(f, zero + 4, y + bh / 2 + 4, "start", MISSING_STYLE,
				     label ? label : "n/a");
				continue;
			}
			x = map_x(&fr, v);
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"/>\n", fmin(x, zero), y, fabs(x - zero), bh,
				color_of(se, s, i));
			end = x;
			if (se->lo && se->hi && !isnan(se->lo[i]) && !isnan(se->hi[i])) {
				whisker_h(f, y + bh / 2, map_x(&fr, se->lo[i]),
					  map_x(&fr, se->hi[i]), bh / 4);
				end = v < 0 ? fmin(x, map_x(&fr, se->lo[i])) :
					      fmax(x, map_x(&fr, se->hi[i]));
			}
			if (label && v < 0)
				text(f, end - 4, y + bh / 2 + 4, "end", SMALL, label);
			else if (label)
				text(f, end + 4, y + bh / 2 + 4, "start", SMALL, label);
		}
	}
	line(f, zero, fr.y0, zero, fr.y1, "#333");
	return frame_end(f);
}
