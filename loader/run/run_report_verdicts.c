// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The effect tables' rows (which configs, what they are called) and the
 * verdicts that differ between two results documents (run_report_fmt.h),
 * shared by the report, its charts and `dplab compare`.
 */
#include <string.h>

#include "run/run_report_fmt.h"

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool by_knob(const char *group)
{
	return str_eq(group, "isolate_on") || str_eq(group, "isolate_off");
}

int rr_baseline_configs(const struct rr_doc *d, const char *group, const char *base,
			json_t **out, int n, int max)
{
	json_t *c;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if (n < max && str_eq(rr_str(c, "group"), group) && rr_str(c, "baseline") &&
		    (!base || str_eq(rr_str(c, "baseline"), base)))
			out[n++] = c;
	return n;
}

int rr_table_configs(const struct rr_doc *d, const char *group, const char *base,
		     json_t **out, int max)
{
	int k, n = 0;

	if (by_knob(group))
		for (k = 0; k < d->n_knobs; k++)
			n += rr_knob_configs(d, group, d->knobs[k], out + n, max - n);
	else
		n = rr_baseline_configs(d, group, base, out, 0, max);
	return base ? rr_baseline_configs(d, "placebo", base, out, n, max) : n;
}

void rr_row_label(json_t *cfg, char *buf, size_t len)
{
	const char *group = rr_str(cfg, "group"), *base = rr_str(cfg, "baseline");

	if (str_eq(group, "placebo") && base)
		snprintf(buf, len, "%s (%s against %s)", rr_str(cfg, "name") ?: "?", base, base);
	else if ((str_eq(group, "scenario") || str_eq(group, "sweep")) && base)
		snprintf(buf, len, "%s against %s", rr_str(cfg, "name") ?: "?", base);
	else
		rr_knob_label(cfg, buf, len);
}

static bool flip(const char *a, const char *b)
{
	return (str_eq(a, "effect better") && str_eq(b, "effect worse")) ||
	       (str_eq(a, "effect worse") && str_eq(b, "effect better"));
}

void rr_verdict_diff(const struct rr_doc *a, const struct rr_doc *b,
		     struct rr_verdict_diff *out)
{
	const char *metric, *wa, *wb;
	json_t *ca, *cb, *ea;
	size_t i;

	memset(out, 0, sizeof(*out));
	json_array_foreach(a->configs, i, ca) {
		cb = rr_config_named(b, rr_str(ca, "name"));
		json_object_foreach(json_object_get(ca, "effect"), metric, ea) {
			wa = rr_verdict_word(ea);
			wb = rr_verdict_word(rr_effect(cb, metric));
			if (!wa || !wb)
				continue;
			out->compared++;
			if (strcmp(wa, wb))
				out->changed++;
			if (!flip(wa, wb))
				continue;
			if (out->flipped < RR_MAX_FLIPS) {
				out->flip[out->flipped].config = rr_str(ca, "name");
				out->flip[out->flipped].metric = metric;
			}
			out->flipped++;
		}
	}
}
