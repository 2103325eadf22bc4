/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* CSV as RFC 4180 has it, for the reports of `dplab run` and fleet-report. */
#ifndef DPLAB_LOADER_UTIL_CSV_H
#define DPLAB_LOADER_UTIL_CSV_H

#include <stdbool.h>
#include <stdio.h>

/* One field (NULL: empty), quoted when it holds a comma, quote or line
 * break; then ',' or, for the last of a row, '\n'. */
void csv_field(FILE *f, const char *s, bool last);

#endif /* DPLAB_LOADER_UTIL_CSV_H */
