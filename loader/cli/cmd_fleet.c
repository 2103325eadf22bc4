// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab fleet-report [PATH...] [--format md|json|csv] [--out FILE]: the
 * probe documents of a fleet (files, directories, or stdin such as
 * `kubectl logs -l app=dplab-probe --tail=-1`) grouped by instance type,
 * kernel, driver and firmware (loader/fleet/).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "fleet/fleet.h"
#include "run/run_report_fmt.h"

enum fleet_format { FMT_MD, FMT_JSON, FMT_CSV };

struct fleet_opts {
	const char *format, *out;
};

static const struct opt fleet_table[] = {
	OPT_STR_ENTRY("format", 'f', "md|json|csv",
		      "Markdown (default), JSON (schema: docs/fleet-report-json.md)\n"
		      "or CSV (one row per group)", struct fleet_opts, format),
	OPT_STR_ENTRY("out", 'o', "FILE", "write there instead of stdout", struct fleet_opts, out),
	OPT_END,
};

static const struct opt_cmd fleet_cmd = {
	.name = "dplab fleet-report",
	.usage = "dplab fleet-report [PATH...] [--format md|json|csv] [--out FILE]",
	.description =
		"Reads `dplab probe --json` documents (schema dplab.probe/1) and reports, per\n"
		"instance type (DMI product), kernel, and driver + firmware: how many nodes,\n"
		"on how many XDP native works by bpf_link and by netlink, generic XDP, tcx and\n"
		"legacy tc, the verdict, every distinct failure with the kernel's message, how\n"
		"many nodes show it and the fix, and the nodes that disagree with their group.\n"
		"A row is one interface of one node.\n\n"
		"PATH is a file, a directory (its *.json, in name order) or - for stdin (also\n"
		"when no PATH is given). A stream may hold several documents one after another\n"
		"with log lines between them and kubectl's \"[pod/NAME/CONTAINER] \" prefixes:\n"
		"  kubectl logs -l app=dplab-probe --tail=-1 --prefix | dplab fleet-report\n",
	.opts = fleet_table,
	.epilogue =
		"Malformed JSON and documents of another schema are named on stderr and\n"
		"skipped; of two documents of one node the later counts.\n"
		"Exit status: 0 report written (at least one probe document read), 1 no probe\n"
		"document in the input or the report could not be written, 2 bad input (an\n"
		"unknown option or format, a path that cannot be read).\n",
};

static int parse_format(const char *s, enum fleet_format *fmt)
{
	if (!s || !strcmp(s, "md"))
		*fmt = FMT_MD;
	else if (!strcmp(s, "json"))
		*fmt = FMT_JSON;
	else if (!strcmp(s, "csv"))
		*fmt = FMT_CSV;
	else
		return -EINVAL;
	return 0;
}

/* Every PATH (stdin when none); -1 after naming the one that cannot be read. */
static int read_inputs(struct fleet_input *in, int n, char **paths)
{
	static char *const dash[] = { "-" };
	char err[4400];
	int i;

	if (!n) {
		n = 1;
		paths = (char **)dash;
	}
	for (i = 0; i < n; i++) {
		if (fleet_read_path(in, paths[i], err, sizeof(err))) {
			fprintf(stderr, "dplab fleet-report: %s\n", err);
			return -1;
		}
	}
	return 0;
}

static int write_report(FILE *f, json_t *report, enum fleet_format fmt)
{
	if (fmt == FMT_JSON) {
		if (json_dumpf(report, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
			return -EIO;
		fputc('\n', f);
	} else if (fmt == FMT_CSV) {
		fleet_write_csv(f, report);
	} else {
		fleet_write_md(f, report);
	}
	return 0;
}

/* The report to --out (through a temporary file) or stdout. */
static int emit(const struct fleet_opts *o, json_t *report, enum fleet_format fmt)
{
	char err[4400];
	FILE *f = stdout;

	if (o->out && rr_create(o->out, &f, err, sizeof(err))) {
		fprintf(stderr, "dplab fleet-report: %s\n", err);
		return EXIT_FAILURE;
	}
	if (write_report(f, report, fmt) && !o->out) {
		fprintf(stderr, "dplab fleet-report: writing to stdout failed\n");
		return EXIT_FAILURE;
	}
	if (o->out && rr_commit(f, o->out, err, sizeof(err))) {
		fprintf(stderr, "dplab fleet-report: %s\n", err);
		return EXIT_FAILURE;
	}
	if (!o->out && (fflush(stdout) || ferror(stdout))) {
		fprintf(stderr, "dplab fleet-report: writing to stdout failed\n");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

int cmd_fleet(int argc, char **argv)
{
	struct fleet_opts o = { 0 };
	struct fleet_input in;
	enum fleet_format fmt;
	json_t *report = NULL;
	int first, ret = EXIT_BAD_INPUT;

	first = opts_parse(&fleet_cmd, argc, argv, &o, NULL);
	if (first < 0)
		return opts_exit_code(first);
	if (parse_format(o.format, &fmt)) {
		fprintf(stderr, "dplab fleet-report: --format '%s': not one of md, json, csv\n",
			o.format);
		opts_usage(&fleet_cmd, stderr);
		return EXIT_BAD_INPUT;
	}
	if (fleet_input_init(&in)) {
		fprintf(stderr, "dplab fleet-report: out of memory\n");
		fleet_input_free(&in);
		return EXIT_FAILURE;
	}
	if (read_inputs(&in, argc - first, argv + first))
		goto out;
	ret = EXIT_FAILURE;
	if (!json_array_size(in.docs)) {
		fprintf(stderr, "dplab fleet-report: no %s document in the input (%zu skipped)\n",
			FLEET_PROBE_SCHEMA, json_array_size(in.skipped));
		goto out;
	}
	report = fleet_report(&in);
	if (!report) {
		fprintf(stderr, "dplab fleet-report: out of memory\n");
		goto out;
	}
	ret = emit(&o, report, fmt);
out:
	json_decref(report);
	fleet_input_free(&in);
	return ret;
}
