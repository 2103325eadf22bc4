// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * results.csv: config,group,knob,knob_value,metric,unit,repeat,sample -
 * one row per sample (repeat counts the samples from 1); a config that was
 * not measured adds one row with an empty metric and its status as sample.
 */
#include <stdio.h>
#include <string.h>

#include "run/run_report_int.h"

/* One field, quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s, bool last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static void csv_row(FILE *f, json_t *cfg, const char *metric, const char *unit,
		    const char *repeat, const char *sample)
{
	csv_field(f, rr_str(cfg, "name"), false);
	csv_field(f, rr_str(cfg, "group"), false);
	csv_field(f, rr_str(cfg, "knob"), false);
	csv_field(f, rr_str(cfg, "value"), false);
	csv_field(f, metric, false);
	csv_field(f, unit, false);
	csv_field(f, repeat, false);
	csv_field(f, sample, true);
}

static const char *metric_unit(const struct rr_doc *d, const char *id, json_t *res)
{
	int i;

	if (rr_str(res, "unit"))
		return rr_str(res, "unit");
	for (i = 0; i < d->n_metrics; i++)
		if (!strcmp(d->metrics[i].id, id))
			return d->metrics[i].unit;
	return "";
}

int rr_csv_write(const struct rr_doc *d, const char *path, char *err, size_t err_len)
{
	char repeat[24], sample[64];
	const char *metric, *st;
	json_t *cfg, *res, *s;
	size_t i, k;
	FILE *f;
	int ret;

	ret = rr_create(path, &f, err, err_len);
	if (ret)
		return ret;
	fputs("config,group,knob,knob_value,metric,unit,repeat,sample\n", f);
	json_array_foreach(d->configs, i, cfg) {
		json_object_foreach(json_object_get(cfg, "results"), metric, res) {
			json_array_foreach(json_object_get(res, "samples"), k, s) {
				if (json_is_integer(s))
					snprintf(sample, sizeof(sample), "%lld",
						 (long long)json_integer_value(s));
				else if (json_is_real(s))
					snprintf(sample, sizeof(sample), "%.15g",
						 json_real_value(s));
				else
					continue;
				snprintf(repeat, sizeof(repeat), "%zu", k + 1);
				csv_row(f, cfg, metric, metric_unit(d, metric, res), repeat,
					sample);
			}
		}
		st = rr_str(cfg, "status");
		if (!st || strcmp(st, "measured"))
			csv_row(f, cfg, "", "", "", st ?: "unknown");
	}
	return rr_commit(f, path, err, err_len);
}
