// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * run_report_write(): report.md, results.csv and charts/ from a results
 * document.  The tables shared with `dplab compare` are in
 * run_report_tables.c; this file has what only the report shows: the run's
 * header, the attach mechanisms used, map fill, chart links, notes and the
 * plan file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"
#include "run/run_report.h"
#include "run/run_report_int.h"
#include "dplab/fmt.h"

#define MAX_ATTACH 128

static void write_header(FILE *f, const struct rr_doc *d)
{
	json_t *plan = json_object_get(d->root, "plan"), *c;
	const char *started = rr_str(d->root, "started"), *finished = rr_str(d->root, "finished");
	const char *why = rr_str(d->root, "stop_reason");
	double secs = 0, s;
	size_t i;

	json_array_foreach(d->configs, i, c)
		if (rr_num(c, "seconds", &s))
			secs += s;
	fprintf(f, "# dplab run: plan %s\n\n", rr_str(plan, "name") ?: "(unnamed)");
	if (rr_str(plan, "topology"))
		fprintf(f, "Topology %s. ", rr_str(plan, "topology"));
	fprintf(f, "Started %s, %s%s. %zu configs in %.0f s of wall time", started ?: "(unknown)",
		finished ? "finished " : "not finished", finished ?: "",
		json_array_size(d->configs), secs);
	fprintf(f, ", %zu visits, %lld pairs per comparison first",
		json_array_size(json_object_get(d->root, "visits")),
		(long long)json_integer_value(json_object_get(plan, "pairs")));
	fprintf(f, "%s.\n\n", json_is_true(json_object_get(plan, "quick")) ? " (quick plan)" : "");
	if (json_is_true(json_object_get(d->root, "complete")))
		fprintf(f, "**Complete**: every config of the plan ran.\n\n");
	else if (!why && !finished)
		fprintf(f, "**Running**: the tables show the configs measured so far.\n\n");
	else
		fprintf(f, "**Not complete** (%s): the tables show what was measured before the "
			"run stopped.\n\n", why ?: "stopped");
}

/* Distinct (hook, program, mechanism, fallback) over every config's
 * attachments, with the number of configs using each. */
static void write_attach(FILE *f, const struct rr_doc *d)
{
	static struct {
		const char *hook, *prog, *mech, *fb;
		int configs;
		size_t last;		/* config index that counted last */
	} t[MAX_ATTACH];
	char count[16];
	json_t *c, *a;
	size_t i, j;
	int n = 0, k;

	json_array_foreach(d->configs, i, c) {
		json_array_foreach(json_object_get(c, "attach"), j, a) {
			const char *hook = rr_str(a, "hook") ?: "?";
			const char *prog = rr_str(a, "program") ?: "?";
			const char *mech = rr_str(a, "mechanism") ?: "?";
			const char *fb = rr_str(a, "fallback") ?: "";

			for (k = 0; k < n; k++)
				if (!strcmp(t[k].hook, hook) && !strcmp(t[k].prog, prog) &&
				    !strcmp(t[k].mech, mech) && !strcmp(t[k].fb, fb))
					break;
			if (k == n) {
				if (n == MAX_ATTACH)
					continue;
				t[n].hook = hook;
				t[n].prog = prog;
				t[n].mech = mech;
				t[n].fb = fb;
				t[n].configs = 0;
				t[n].last = (size_t)-1;
				n++;
			}
			if (t[k].last != i) {
				t[k].configs++;
				t[k].last = i;
			}
		}
	}
	fprintf(f, "### Attach mechanisms actually used\n\n");
	if (!n) {
		fprintf(f, "No config recorded an attachment.\n\n");
		return;
	}
	rr_md_row(f, (const char *[]){ "Hook", "Program", "Mechanism", "Fallback (why not the "
				      "preferred one)", "Configs" }, 5);
	rr_md_rule(f, 5);
	for (k = 0; k < n; k++) {
		snprintf(count, sizeof(count), "%d", t[k].configs);
		rr_md_row(f, (const char *[]){ t[k].hook, t[k].prog, t[k].mech,
					       t[k].fb[0] ? t[k].fb : "—", count }, 5);
	}
	fprintf(f, "\n");
}

static void write_maps(FILE *f, const struct rr_doc *d)
{
	json_t *c, *m;
	size_t i, j;
	int lines = 0;

	fprintf(f, "## Map fill\n\nBPF hash/LRU maps holding entries after the workloads "
		"(node feature/map entries/max).\n\n");
	json_array_foreach(d->configs, i, c) {
		int n = 0;

		json_array_foreach(json_object_get(c, "maps"), j, m) {
			long long entries = json_integer_value(json_object_get(m, "entries"));

			if (entries <= 0)
				continue;
			if (!n++)
				fprintf(f, "- **%s**:", rr_str(c, "name") ?: "?");
			fprintf(f, "%s %s %s/%s %lld/%lld", n > 1 ? "," : "",
				rr_str(m, "node") ?: "?", rr_str(m, "feature") ?: "?",
				rr_str(m, "map") ?: "?", entries,
				(long long)json_integer_value(json_object_get(m, "max")));
		}
		if (n) {
			fprintf(f, "\n");
			lines++;
		}
	}
	if (!lines)
		fprintf(f, "No map held entries.\n");
	fprintf(f, "\n");
}

static void write_chart_links(FILE *f, const struct rr_charts *charts)
{
	int i;

	fprintf(f, "## Charts\n\n");
	for (i = 0; i < charts->n; i++)
		fprintf(f, "- [%s](charts/%s)\n", charts->c[i].label, charts->c[i].file);
	if (!charts->n)
		fprintf(f, "No chart: no metric has data yet.\n");
	fprintf(f, "\n");
}

/* Every config's notes, then the errors of failed visits (the same error
 * of consecutive visits once, with a count). */
static void write_notes(FILE *f, const struct rr_doc *d)
{
	const char *metric, *text, *next;
	json_t *c, *n, *res, *errs;
	size_t i, j, k;
	int lines = 0;

	fprintf(f, "## Notes\n\n");
	json_array_foreach(d->configs, i, c) {
		json_array_foreach(json_object_get(c, "notes"), j, n) {
			fprintf(f, "- **%s**: %s\n", rr_str(c, "name") ?: "?",
				json_string_value(n) ?: "?");
			lines++;
		}
	}
	json_array_foreach(d->configs, i, c) {
		json_object_foreach(json_object_get(c, "results"), metric, res) {
			errs = json_object_get(res, "errors");
			for (j = 0; j < json_array_size(errs); j = k) {
				text = json_string_value(json_array_get(errs, j)) ?: "?";
				for (k = j + 1; k < json_array_size(errs); k++) {
					next = json_string_value(json_array_get(errs, k));
					if (!next || strcmp(next, text))
						break;
				}
				if (k - j > 1)
					fprintf(f, "- **%s** %s: %zu visits failed: %s\n",
						rr_str(c, "name") ?: "?", metric, k - j, text);
				else
					fprintf(f, "- **%s** %s: a visit failed: %s\n",
						rr_str(c, "name") ?: "?", metric, text);
				lines++;
			}
		}
	}
	if (!lines)
		fprintf(f, "None.\n");
	fprintf(f, "\n");
}

static void write_plan(FILE *f, const struct rr_doc *d)
{
	const char *text = rr_str(json_object_get(d->root, "plan"), "text");

	if (!text || !text[0])
		return;
	fprintf(f, "## Plan file\n\n~~~~\n%s%s~~~~\n", text,
		text[strlen(text) - 1] == '\n' ? "" : "\n");
}

static int write_md(const struct rr_doc *d, const struct rr_charts *charts, const char *path,
		    char *err, size_t err_len)
{
	struct rr_view v = { { d, NULL }, 1, charts };
	FILE *f;
	int ret;

	ret = rr_create(path, &f, err, err_len);
	if (ret)
		return ret;
	write_header(f, d);
	rr_write_machine(f, &v);
	write_attach(f, d);
	rr_write_scenarios(f, &v);
	rr_write_impact(f, &v);
	rr_write_sweep(f, &v);
	rr_write_other(f, &v);
	write_maps(f, d);
	write_chart_links(f, charts);
	write_notes(f, d);
	write_plan(f, d);
	return rr_commit(f, path, err, err_len);
}

int run_report_write(json_t *results, const char *dir, char *err, size_t err_len)
{
	struct rr_charts *charts = NULL;
	char path[4096];
	struct rr_doc d;
	int ret;

	ret = rr_doc_init(&d, results, "results document", err, err_len);
	if (ret)
		goto out;
	charts = calloc(1, sizeof(*charts));
	if (!charts) {
		ret = -ENOMEM;
		snprintf(err, err_len, "report for %s: out of memory", dir);
		goto out;
	}
	ret = fmt_fit(path, sizeof(path), "%s/charts", dir);
	if (ret) {
		snprintf(err, err_len, "%s: the output directory's name is too long", dir);
		goto out;
	}
	ret = mkdir_p(path, 0755);
	if (ret) {
		snprintf(err, err_len, "%s: cannot create directory: %s", path, strerror(-ret));
		goto out;
	}
	ret = rr_charts_write(&d, dir, charts, err, err_len);
	if (ret)
		goto out;
	ret = fmt_fit(path, sizeof(path), "%s/results.csv", dir) ?:
	      rr_csv_write(&d, path, err, err_len);
	if (ret)
		goto out;
	ret = fmt_fit(path, sizeof(path), "%s/report.md", dir) ?:
	      write_md(&d, charts, path, err, err_len);
out:
	free(charts);
	return ret;
}
