// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab compare A.json B.json [--out FILE]: two results documents of
 * `dplab run` side by side in Markdown - how many effect verdicts changed
 * and which flipped, the machines, and the report's tables with each
 * result cell "a → b (Δ%)" and each effect cell "verdict a → verdict b"
 * for the configs both have by name; configs only one side has are listed
 * at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "run/run_report_fmt.h"

#define LABEL_LEN 256

struct compare_opts {
	const char *out;
};

static const struct opt compare_table[] = {
	OPT_STR_ENTRY("out", 'o', "FILE", "write there instead of stdout",
		      struct compare_opts, out),
	OPT_END,
};

static const struct opt_cmd compare_cmd = {
	.name = "dplab compare",
	.usage = "dplab compare A.json B.json [--out FILE]",
	.description =
		"Markdown with the machines, scenarios A-E, the impact of each knob and the\n"
		"service sweep of two `dplab run` results; each cell is \"a → b (change)\",\n"
		"effect cells \"verdict a → verdict b\"; the verdicts that changed come first.\n",
	.opts = compare_table,
};

static int load(const char *path, json_t **root, struct rr_doc *d, char *err, size_t err_len)
{
	json_error_t jerr;

	*root = json_load_file(path, 0, &jerr);
	if (!*root) {
		if (jerr.line > 0)
			snprintf(err, err_len, "%s:%d: not valid JSON: %s", path, jerr.line,
				 jerr.text);
		else
			snprintf(err, err_len, "%s: %s", path, jerr.text);
		return -1;
	}
	return rr_doc_init(d, *root, path, err, err_len);
}

/* "A: hostname, kernel 6.18.44", or the file name when the machines do
 * not tell the sides apart. */
static void side_labels(const struct rr_doc *d, char labels[2][LABEL_LEN])
{
	const char *host[2], *kernel[2];
	int k;

	for (k = 0; k < 2; k++) {
		json_t *m = json_object_get(d[k].root, "machine");

		host[k] = rr_str(m, "hostname") ?: "?";
		kernel[k] = rr_str(m, "kernel") ?: "?";
	}
	for (k = 0; k < 2; k++) {
		if (strcmp(host[0], host[1]) || strcmp(kernel[0], kernel[1]))
			snprintf(labels[k], LABEL_LEN, "%c: %s, kernel %s", 'A' + k, host[k],
				 kernel[k]);
		else
			snprintf(labels[k], LABEL_LEN, "%c: %s", 'A' + k, d[k].label);
	}
}

static void write_sides(FILE *f, const struct rr_doc *d, const char *const *files)
{
	int k;

	fprintf(f, "# dplab compare\n\n");
	for (k = 0; k < 2; k++) {
		json_t *plan = json_object_get(d[k].root, "plan");
		json_t *m = json_object_get(d[k].root, "machine");

		fprintf(f, "- **%c** = `%s`: %s, kernel %s, plan %s, started %s%s\n", 'A' + k,
			files[k], rr_str(m, "hostname") ?: "?", rr_str(m, "kernel") ?: "?",
			rr_str(plan, "name") ?: "?", rr_str(d[k].root, "started") ?: "?",
			json_is_true(json_object_get(d[k].root, "complete")) ? "" :
			" (not complete)");
	}
	fprintf(f, "\nEach result cell is A → B with the change of B's median vs A's; \"noise\": "
		"the min–max ranges of the two overlap. Each effect cell is A's verdict → B's.\n\n");
}

/* How many effect cells changed verdict between A and B, and which flipped. */
static void write_verdict_changes(FILE *f, const struct rr_doc *d)
{
	struct rr_verdict_diff diff;
	int i;

	rr_verdict_diff(&d[0], &d[1], &diff);
	fprintf(f, "## Verdict changes\n\n%d of %d effect cells in both changed verdict; %d "
		"flipped (effect better in one, effect worse in the other).\n", diff.changed,
		diff.compared, diff.flipped);
	for (i = 0; i < diff.flipped && i < RR_MAX_FLIPS; i++)
		fprintf(f, "%s- **FLIP** %s: %s\n", i ? "" : "\n", diff.flip[i].config,
			diff.flip[i].metric);
	if (diff.flipped > RR_MAX_FLIPS)
		fprintf(f, "- and %d more\n", diff.flipped - RR_MAX_FLIPS);
	fprintf(f, "\n");
}

static int only_in(FILE *f, const struct rr_doc *in, const struct rr_doc *other, char side)
{
	json_t *c;
	size_t i;
	int n = 0;

	json_array_foreach(in->configs, i, c) {
		char status[RR_CELL];

		if (rr_config_named(other, rr_str(c, "name")))
			continue;
		if (!n++)
			fprintf(f, "### Only in %c\n\n", side);
		rr_fmt_status(c, status, sizeof(status));
		fprintf(f, "- %s (%s%s%s)\n", rr_str(c, "name") ?: "?", rr_str(c, "group") ?: "?",
			status[0] ? ", " : "", status);
	}
	if (n)
		fprintf(f, "\n");
	return n;
}

static void write_compare(FILE *f, const struct rr_doc *d, const char *const *files)
{
	struct rr_view v = { { &d[0], &d[1] }, 2, NULL };
	int n;

	write_sides(f, d, files);
	write_verdict_changes(f, d);
	rr_write_machine(f, &v);
	rr_write_scenarios(f, &v);
	rr_write_impact(f, &v);
	rr_write_sweep(f, &v);
	rr_write_other(f, &v);
	fprintf(f, "## Configs in only one side\n\n");
	n = only_in(f, &d[0], &d[1], 'A');
	n += only_in(f, &d[1], &d[0], 'B');
	if (!n)
		fprintf(f, "None: every config is in both.\n");
}

int cmd_compare(int argc, char **argv)
{
	char err[1024], labels[2][LABEL_LEN];
	json_t *root[2] = { NULL, NULL };
	struct compare_opts o = { 0 };
	int first, k, ret = EXIT_SUCCESS;
	const char *out;
	struct rr_doc d[2];
	FILE *f = stdout;

	first = opts_parse(&compare_cmd, argc, argv, &o, NULL);
	if (first < 0)
		return opts_exit_code(first);
	out = o.out;
	if (argc - first != 2) {
		fprintf(stderr, "dplab compare: expected two results files, got %d\n",
			argc - first);
		opts_usage(&compare_cmd, stderr);
		return EXIT_BAD_INPUT;
	}
	for (k = 0; k < 2; k++) {
		if (load(argv[first + k], &root[k], &d[k], err, sizeof(err))) {
			fprintf(stderr, "dplab compare: %s\n", err);
			ret = EXIT_BAD_INPUT;
			goto out;
		}
	}
	side_labels(d, labels);
	d[0].label = labels[0];
	d[1].label = labels[1];
	if (out && rr_create(out, &f, err, sizeof(err))) {
		fprintf(stderr, "dplab compare: %s\n", err);
		ret = EXIT_FAILURE;
		goto out;
	}
	write_compare(f, d, (const char *const *)&argv[first]);
	if (out && rr_commit(f, out, err, sizeof(err))) {
		fprintf(stderr, "dplab compare: %s\n", err);
		ret = EXIT_FAILURE;
	} else if (!out && (fflush(stdout) || ferror(stdout))) {
		fprintf(stderr, "dplab compare: writing to stdout failed\n");
		ret = EXIT_FAILURE;
	}
out:
	json_decref(root[0]);
	json_decref(root[1]);
	return ret;
}
