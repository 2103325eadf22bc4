// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * results.csv: config,group,knob,knob_value,round,baseline_visit,metric,
 * unit,value - one row per value of every visit, in visit order
 * (baseline_visit "true" for a baseline's visit flanking a knob visit); a
 * config that was not measured adds one row with an empty metric and its
 * status as value.
 */
#include <stdio.h>
#include <string.h>

#include "run/run_report_int.h"
#include "util/csv.h"

/* The config's columns, the visit's, then metric, unit and value. */
static void csv_row(FILE *f, json_t *cfg, const char *round, const char *baseline,
		    const char *metric, const char *unit, const char *value)
{
	csv_field(f, rr_str(cfg, "name"), false);
	csv_field(f, rr_str(cfg, "group"), false);
	csv_field(f, rr_str(cfg, "knob"), false);
	csv_field(f, rr_str(cfg, "value"), false);
	csv_field(f, round, false);
	csv_field(f, baseline, false);
	csv_field(f, metric, false);
	csv_field(f, unit, false);
	csv_field(f, value, true);
}

static const char *metric_unit(const struct rr_doc *d, const char *id)
{
	int i;

	for (i = 0; i < d->n_metrics; i++)
		if (!strcmp(d->metrics[i].id, id))
			return d->metrics[i].unit;
	return "";
}

static void visit_rows(FILE *f, const struct rr_doc *d, json_t *visit)
{
	json_t *cfg = rr_config_named(d, rr_str(visit, "config")), *v;
	char round[24], value[64];
	const char *metric;

	snprintf(round, sizeof(round), "%lld",
		 (long long)json_integer_value(json_object_get(visit, "round")));
	json_object_foreach(json_object_get(visit, "values"), metric, v) {
		if (!json_is_number(v))
			continue;
		snprintf(value, sizeof(value), "%.15g", json_number_value(v));
		csv_row(f, cfg, round, json_is_true(json_object_get(visit, "baseline")) ?
			"true" : "false", metric, metric_unit(d, metric), value);
	}
}

int rr_csv_write(const struct rr_doc *d, const char *path, char *err, size_t err_len)
{
	json_t *cfg, *visit;
	const char *st;
	size_t i;
	FILE *f;
	int ret;

	ret = rr_create(path, &f, err, err_len);
	if (ret)
		return ret;
	fputs("config,group,knob,knob_value,round,baseline_visit,metric,unit,value\n", f);
	json_array_foreach(json_object_get(d->root, "visits"), i, visit)
		visit_rows(f, d, visit);
	json_array_foreach(d->configs, i, cfg) {
		st = rr_str(cfg, "status");
		if (!st || strcmp(st, "measured"))
			csv_row(f, cfg, "", "", "", "", st ?: "unknown");
	}
	return rr_commit(f, path, err, err_len);
}
