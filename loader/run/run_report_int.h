/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Parts of the report (run_report.c) that live in their own files. */
#ifndef DPLAB_LOADER_RUN_REPORT_INT_H
#define DPLAB_LOADER_RUN_REPORT_INT_H

#include "run/run_report_fmt.h"

/* The SVG files under DIR/charts/ (the directory exists), each listed in *out.
 * 0 or -errno with err naming the file. */
int rr_charts_write(const struct rr_doc *d, const char *dir, struct rr_charts *out,
		    char *err, size_t err_len);

/* PATH: one row per sample (docs/run-json.md, "results.csv"). */
int rr_csv_write(const struct rr_doc *d, const char *path, char *err, size_t err_len);

#endif /* DPLAB_LOADER_RUN_REPORT_INT_H */
