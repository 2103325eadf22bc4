/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dplab fleet-report: many `dplab probe --json` documents (dplab.probe/1)
 * grouped by instance type, kernel and driver + firmware; the report is a
 * JSON document (docs/fleet-report-json.md) the Markdown and CSV views are
 * written from.
 *
 *   fleet_read.c     files, directories, stdin; kubectl's [pod/...] prefixes;
 *                    several documents one after another; what is skipped
 *   fleet_group.c    node x interface rows, groups, mechanism counts
 *   fleet_verdict.c  verdicts, distinct failures, flagged nodes
 *   fleet_md.c       Markdown
 *   fleet_csv.c      CSV, one row per group
 *   cli/cmd_fleet.c  the `dplab fleet-report` subcommand
 */
#ifndef DPLAB_LOADER_FLEET_H
#define DPLAB_LOADER_FLEET_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#define FLEET_PROBE_SCHEMA "dplab.probe/1"
#define FLEET_REPORT_SCHEMA "dplab.fleet-report/1"

/* The documents read so far, and what was skipped. */
struct fleet_input {
	json_t *docs;		/* array of { "node", "source", "doc" }, node names unique */
	json_t *skipped;	/* array of { "source", "reason" } */
	int n_read;		/* dplab.probe/1 documents read, duplicates included */
	int n_duplicates;	/* documents replaced by a later one of the same node */
	int n_stdin;		/* how many times "-" was read (once is enough) */
};

int fleet_input_init(struct fleet_input *in);
void fleet_input_free(struct fleet_input *in);

/*
 * Read PATH: "-" is stdin, a directory gives every *.json in it in name
 * order, else a file.  Malformed or foreign documents are warned about on
 * stderr and recorded in in->skipped.  0, or -errno when PATH (or a file
 * in it) cannot be read: err names it and says why.
 */
int fleet_read_path(struct fleet_input *in, const char *path, char *err, size_t err_len);

/*
 * Every document in BUF (LEN bytes, need not be NUL-terminated) named
 * SOURCE in messages ("stdin", a path).  Exposed for the tests.
 */
void fleet_read_buffer(struct fleet_input *in, const char *source, char *buf, size_t len);

/* The dplab.fleet-report/1 document of what was read (NULL on ENOMEM). */
json_t *fleet_report(const struct fleet_input *in);

/* fleet_md.c, fleet_csv.c: write the report document to f. */
void fleet_write_md(FILE *f, json_t *report);
void fleet_write_csv(FILE *f, json_t *report);

/* Shared by the writers and the grouping. */
const char *fleet_str(json_t *obj, const char *key);
long long fleet_int(json_t *obj, const char *key);

#endif /* DPLAB_LOADER_FLEET_H */
