/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The report of `dplab run`: from a results document (docs/run-json.md)
 * write DIR/report.md, DIR/results.csv and DIR/charts/ (SVG).  results.json
 * itself is the runner's to write.  Each file is written to FILE.tmp and
 * renamed, so a reader never sees half a report while the runner rewrites
 * it after every config.
 */
#ifndef DPLAB_LOADER_RUN_REPORT_H
#define DPLAB_LOADER_RUN_REPORT_H

#include <stddef.h>
#include <jansson.h>

/* 0 or -errno with err naming the file (or the document) and the reason. */
int run_report_write(json_t *results, const char *dir, char *err, size_t err_len);

#endif /* DPLAB_LOADER_RUN_REPORT_H */
