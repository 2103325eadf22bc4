/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the report (run_report.c) and `dplab compare` (cmd_compare.c) share:
 * a results.json document opened for reading (struct rr_doc), lookups of
 * its configs the way the tables need them, number formatting, Markdown
 * table rows, and the tables themselves (run_report_tables.c,
 * run_report_impact.c), written for one document ("median (n visits)",
 * "+5.2% [+3.1, +7.4] worse") or two ("a → b (Δ%)", verdict → verdict).
 * Schema: docs/run-json.md.
 */
#ifndef DPLAB_LOADER_RUN_REPORT_FMT_H
#define DPLAB_LOADER_RUN_REPORT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define RR_MAX_METRICS 32
#define RR_MAX_KNOBS 32
#define RR_MAX_AXIS 16		/* sweep: service counts, modes */
#define RR_MAX_CHARTS 96
#define RR_CELL 512

struct rr_metric {
	const char *id, *label, *unit;
	bool higher_better;
	const char *role;		/* "scored", "descriptive", "attribution" */
};

struct rr_doc {
	json_t *root;
	json_t *configs;		/* the "configs" array */
	const char *label;		/* names the side in compare, and errors */
	struct rr_metric metrics[RR_MAX_METRICS];
	int n_metrics;
	const char *knobs[RR_MAX_KNOBS];
	int n_knobs;
};

/* Charts written by the report, embedded near their tables. */
struct rr_charts {
	int n;
	struct {
		char file[96];		/* "scenarios_udp_ndr_pps.svg" */
		char label[160];
	} c[RR_MAX_CHARTS];
};

/* One document (the report) or two (compare: A, then B). */
struct rr_view {
	const struct rr_doc *doc[2];
	int n;
	const struct rr_charts *charts;	/* NULL: no embeds */
};

/*
 * Check root is a schema-2 results document (schema 1, before the
 * paired-visit protocol, is refused) and index its metrics (the
 * document's "metrics", else run_metrics.h's table) and knobs (its "knobs",
 * else knobs.h's).  The document must outlive d.  0 or -EINVAL with err.
 */
int rr_doc_init(struct rr_doc *d, json_t *root, const char *label, char *err, size_t err_len);

/* JSON access: NULL / false when absent or of another type. */
const char *rr_str(json_t *obj, const char *key);
bool rr_num(json_t *obj, const char *key, double *v);

/* Configs. */
json_t *rr_config_named(const struct rr_doc *d, const char *name);
json_t *rr_scenario_config(const struct rr_doc *d, const char *letter);
/* The configs of group ("isolate_on") changing knob, in document order. */
int rr_knob_configs(const struct rr_doc *d, const char *group, const char *knob,
		    json_t **out, int max);
json_t *rr_sweep_config(const struct rr_doc *d, const char *mode, long long services);
/* Distinct sweep modes (iptables, tc, socket first) and service counts
 * (ascending) of the sweep configs, merged into *n entries already there. */
void rr_sweep_modes(const struct rr_doc *d, const char **modes, int *n);
void rr_sweep_counts(const struct rr_doc *d, long long *counts, int *n);
/* A config's result/effect for a metric (NULL when none); its median. */
json_t *rr_result(json_t *cfg, const char *metric);
json_t *rr_effect(json_t *cfg, const char *metric);
bool rr_median(json_t *result, double *v);
/* Whether any config of group (NULL: any group) has a result for metric. */
bool rr_group_has_metric(const struct rr_doc *d, const char *group, const char *metric);
bool rr_group_any(const struct rr_doc *d, const char *group);

/* Formatting. */
void rr_fmt_value(double v, const char *unit, char *buf, size_t len);
/* "405,000 (8 visits)"; "—" when there is no sample. */
void rr_fmt_result(json_t *result, const char *unit, char *buf, size_t len);
/* "+6.6%" / "−12.0%" (U+2212), "+0.0%" for zero. */
void rr_fmt_percent(double pct, char *buf, size_t len);
/* "+6.6" / "−1.2": a percentage without its sign of percent. */
void rr_fmt_signed(double pct, char *buf, size_t len);
/* "+5.2% [+3.1, +7.4]": the mean effect and its 95% interval; "—" without. */
void rr_fmt_interval(json_t *effect, char *buf, size_t len);
/* The effect with its verdict: "+5.2% [+3.1, +7.4] worse", "≈ +0.4% [−1.2,
 * +2.0]", "? +2.0% [−4.1, +8.5]", "— (1 pair)"; descriptive and attribution
 * metrics without a verdict word; "—" without an effect. */
void rr_fmt_effect(json_t *effect, char *buf, size_t len);
/* The verdict in words: "effect better", "effect worse", "equivalent",
 * "undecided", "too few pairs"; NULL when the metric is not scored. */
const char *rr_verdict_word(json_t *effect);
/* A config's status for people: "unsupported", "no change", "failed". */
const char *rr_status_word(json_t *cfg);
/* "unsupported: <reason>" / "failed: <reason>"; "" when measured. */
void rr_fmt_status(json_t *cfg, char *buf, size_t len);
/* "host_routing → bpf"; "xdp_lb → native (with veth_napi=on)" for a row whose
 * knob implies another change (its "also"). */
void rr_knob_label(json_t *cfg, char *buf, size_t len);

/* Markdown: one table row of n cells ('|' escaped, newlines flattened),
 * and the header rule under the first row. */
void rr_md_row(FILE *f, const char *const *cells, int n);
void rr_md_rule(FILE *f, int n);

/* Write path through path.tmp renamed over it; the report is rewritten
 * after every config while someone may be reading it.  A path that is no
 * regular file (/dev/null, a FIFO) is written in place.  0 or -errno. */
int rr_create(const char *path, FILE **f, char *err, size_t err_len);
int rr_commit(FILE *f, const char *path, char *err, size_t err_len);

/* The configs of group compared against base (NULL: any baseline), in document order, appended
 * to the n in out already; the new count. */
int rr_baseline_configs(const struct rr_doc *d, const char *group, const char *base,
			json_t **out, int n, int max);
/* The configs of an effect table, in the order of its rows: group's configs
 * compared against base (by knob for isolate_on/off, in document order
 * otherwise), then base's placebo. */
int rr_table_configs(const struct rr_doc *d, const char *group, const char *base,
		     json_t **out, int max);
/* "A placebo (A against A)", "B: against A", "host_routing → bpf". */
void rr_row_label(json_t *cfg, char *buf, size_t len);

/* Verdicts that differ between two documents (configs paired by name). */
#define RR_MAX_FLIPS 16
struct rr_verdict_diff {
	int compared, changed, flipped;
	struct {
		const char *config, *metric;
	} flip[RR_MAX_FLIPS];
};
void rr_verdict_diff(const struct rr_doc *a, const struct rr_doc *b,
		     struct rr_verdict_diff *out);

/* Tables (run_report_tables.c, run_report_impact.c), for v->n documents. */
void rr_write_machine(FILE *f, const struct rr_view *v);
void rr_write_scenarios(FILE *f, const struct rr_view *v);
void rr_write_impact(FILE *f, const struct rr_view *v);
void rr_write_how_to_read(FILE *f, const struct rr_view *v);
void rr_write_sweep(FILE *f, const struct rr_view *v);
void rr_write_other(FILE *f, const struct rr_view *v);	/* group "config" */

#endif /* DPLAB_LOADER_RUN_REPORT_FMT_H */
