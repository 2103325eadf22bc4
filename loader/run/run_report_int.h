/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Parts of the report (run_report.c) that live in their own files, and the
 * table helpers run_report_tables.c shares with run_report_impact.c. */
#ifndef DPLAB_LOADER_RUN_REPORT_INT_H
#define DPLAB_LOADER_RUN_REPORT_INT_H

#include "run/run_report_fmt.h"

/* The SVG files under DIR/charts/ (the directory exists), each listed in *out.
 * 0 or -errno with err naming the file. */
int rr_charts_write(const struct rr_doc *d, const char *dir, struct rr_charts *out,
		    char *err, size_t err_len);

/* PATH: one row per visit value (docs/run-json.md, "results.csv"). */
int rr_csv_write(const struct rr_doc *d, const char *path, char *err, size_t err_len);

/* A table row: cells formatted into one buffer per column. */
#define RR_MAX_COLS (RR_MAX_METRICS + 2)
struct rr_row {
	char cell[RR_MAX_COLS][RR_CELL];
	const char *ptr[RR_MAX_COLS];
	int n;
};
char *rr_row_next(struct rr_row *r);		/* the next cell, empty */
void rr_row_put(struct rr_row *r, const char *s);
void rr_row_emit(FILE *f, struct rr_row *r);	/* write the row, start a new one */

/* B's config for A's c0 (same name), or B's own by_key when A has none;
 * NULL with one document. */
json_t *rr_partner(const struct rr_view *v, json_t *c0, json_t *by_key);
/* Status of a config that was not measured, per side in compare. */
void rr_status_cell(const struct rr_view *v, json_t *c0, json_t *c1, char *buf, size_t len);
/* "UDP NDR (pps)" */
void rr_metric_head(const struct rr_metric *m, char *buf, size_t len);
bool rr_any_doc_group(const struct rr_view *v, const char *group);
/* The chart file's embed, when the report drew it. */
void rr_embed(FILE *f, const struct rr_view *v, const char *file);

#endif /* DPLAB_LOADER_RUN_REPORT_INT_H */
