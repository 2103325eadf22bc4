// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The effect tables of the report: each knob switched on from A, switched
 * off from E, and the scenarios against A, each ending with its baseline's
 * placebo row; cells are the mean paired effect with its 95% interval and
 * verdict (one document) or A's verdict → B's, marked when it changed
 * (`dplab compare`).  Then how to read them: the protocol, δ per metric,
 * the plan's pairs and budget, the run's notes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run_report_int.h"
#include "dplab/fmt.h"

#define MAX_ROWS 64

struct effect_table {
	const char *title, *group, *base, *chart_prefix;
	bool by_knob;			/* a row per knob, "not in this plan" when absent */
};

static const struct effect_table effect_tables[] = {
	{ "Switched on from A", "isolate_on", "A", "impact_on", true },
	{ "Switched off from E", "isolate_off", "E", "impact_off", true },
	{ "Scenarios against A", "scenario", "A", "scenarios_vs_a", false },
	{ "The sweep: each count against the first of its mode", "sweep", NULL, "sweep_vs_first",
	  false },
};

/* Scored verdicts of the cells of a table, per document. */
struct tally {
	int better, worse, equivalent, undecided, few, noisy;
};

static void tally_add(struct tally *t, const char *word)
{
	if (!word)
		return;
	t->better += !strcmp(word, "effect better");
	t->worse += !strcmp(word, "effect worse");
	t->equivalent += !strcmp(word, "equivalent");
	t->undecided += !strcmp(word, "undecided");
	t->few += !strcmp(word, "too few pairs");
	t->noisy += !strcmp(word, "too noisy");
}

static bool table_has_effect(const struct rr_doc *d, const struct effect_table *t,
			     const char *metric)
{
	json_t *cs[MAX_ROWS];
	int i, n = rr_table_configs(d, t->group, t->base, cs, MAX_ROWS);

	for (i = 0; i < n; i++)
		if (rr_effect(cs[i], metric))
			return true;
	return false;
}

/* Columns: scored metrics with an effect in the table, then descriptive ones. */
static int effect_columns(const struct rr_view *v, const struct effect_table *t, int *idx)
{
	static const char *const roles[] = { "scored", "descriptive" };
	const struct rr_doc *d0 = v->doc[0];
	int n = 0, r, i, k;

	for (r = 0; r < 2; r++)
		for (i = 0; i < d0->n_metrics; i++) {
			if (strcmp(d0->metrics[i].role, roles[r]))
				continue;
			for (k = 0; k < v->n; k++)
				if (table_has_effect(v->doc[k], t, d0->metrics[i].id)) {
					idx[n++] = i;
					break;
				}
		}
	return n;
}

/* One side in compare: "effect worse +5.2%", "too few pairs", "+1.0%", "—". */
static void effect_side(json_t *e, char *buf, size_t len)
{
	const char *word = rr_verdict_word(e);
	char pct[32];
	double p;

	if (word && !strcmp(word, "too few pairs")) {
		snprintf(buf, len, "%s", word);
		return;
	}
	if (!rr_num(e, "percent", &p)) {
		snprintf(buf, len, "—");
		return;
	}
	rr_fmt_percent(p, pct, sizeof(pct));
	snprintf(buf, len, "%s%s%s", word ?: "", word ? " " : "", pct);
}

/* A's effect, or A's verdict → B's, marked when it changed or flipped. */
static void effect_cell(const struct rr_view *v, json_t *c0, json_t *c1, const char *metric,
			struct tally *tl, char *buf, size_t len)
{
	json_t *e0 = rr_effect(c0, metric), *e1 = rr_effect(c1, metric);
	const char *w0 = rr_verdict_word(e0), *w1 = rr_verdict_word(e1);
	char a[RR_CELL / 4], b[RR_CELL / 4];

	tally_add(&tl[0], w0);
	if (v->n < 2) {
		rr_fmt_effect(e0, buf, len);
		return;
	}
	tally_add(&tl[1], w1);
	effect_side(e0, a, sizeof(a));
	effect_side(e1, b, sizeof(b));
	snprintf(buf, len, "%s → %s%s", a, b, !w0 || !w1 || !strcmp(w0, w1) ? "" :
		 strstr(w0, "effect ") && strstr(w1, "effect ") ? " **FLIP**" : " **changed**");
}

static void effect_row(FILE *f, const struct rr_view *v, json_t *c0, json_t *c1,
		       const int *idx, int nm, struct tally *tl)
{
	struct rr_row r = { .n = 0 };
	int i;

	rr_row_label(c0 ?: c1, rr_row_next(&r), RR_CELL);
	for (i = 0; i < nm; i++)
		effect_cell(v, c0, c1, v->doc[0]->metrics[idx[i]].id, tl, rr_row_next(&r),
			    RR_CELL);
	rr_status_cell(v, c0, c1, rr_row_next(&r), RR_CELL);
	rr_row_emit(f, &r);
}

/* Rows of A's configs cs0 (paired by name with B's), then of those only B has. */
static int effect_rows(FILE *f, const struct rr_view *v, json_t **cs0, int n0, json_t **cs1,
		       int n1, const int *idx, int nm, struct tally *tl)
{
	int i, shown = n0;

	for (i = 0; i < n0; i++)
		effect_row(f, v, cs0[i], rr_partner(v, cs0[i], NULL), idx, nm, tl);
	for (i = 0; i < n1; i++)
		if (!rr_config_named(v->doc[0], rr_str(cs1[i], "name"))) {
			effect_row(f, v, NULL, cs1[i], idx, nm, tl);
			shown++;
		}
	return shown;
}

/* The knob rows of a by-knob table, or the configs compared against base. */
static void body_rows(FILE *f, const struct rr_view *v, const struct effect_table *t,
		      const int *idx, int nm, struct tally *tl)
{
	json_t *cs0[MAX_ROWS], *cs1[MAX_ROWS];
	struct rr_row r = { .n = 0 };
	int k, i, n0, n1;

	if (!t->by_knob) {
		n0 = rr_baseline_configs(v->doc[0], t->group, t->base, cs0, 0, MAX_ROWS);
		n1 = v->n > 1 ? rr_baseline_configs(v->doc[1], t->group, t->base, cs1, 0,
						    MAX_ROWS) : 0;
		effect_rows(f, v, cs0, n0, cs1, n1, idx, nm, tl);
		return;
	}
	for (k = 0; k < v->doc[0]->n_knobs; k++) {
		const char *knob = v->doc[0]->knobs[k];

		n0 = rr_knob_configs(v->doc[0], t->group, knob, cs0, MAX_ROWS);
		n1 = v->n > 1 ? rr_knob_configs(v->doc[1], t->group, knob, cs1, MAX_ROWS) : 0;
		if (effect_rows(f, v, cs0, n0, cs1, n1, idx, nm, tl))
			continue;
		rr_row_put(&r, knob);
		for (i = 0; i < nm; i++)
			rr_row_put(&r, "—");
		rr_row_put(&r, "not in this plan");
		rr_row_emit(f, &r);
	}
}

static void tally_write(FILE *f, const struct tally *t)
{
	fprintf(f, "%d effect better, %d effect worse, %d equivalent, %d undecided", t->better,
		t->worse, t->equivalent, t->undecided);
	if (t->few)
		fprintf(f, " (%d with too few pairs)", t->few);
	if (t->noisy)
		fprintf(f, "; %d too noisy for an equivalence", t->noisy);
}

static void summary_write(FILE *f, const struct rr_view *v, const struct tally *tl)
{
	int k;

	fprintf(f, "\nVerdict summary: ");
	for (k = 0; k < v->n; k++) {
		if (v->n > 1)
			fprintf(f, "%s%c: ", k ? "; " : "", 'A' + k);
		tally_write(f, &tl[k]);
	}
	fprintf(f, ".\n");
}

/* The row of group against base that changes exactly "KNOB=VALUE", or NULL. */
static json_t *row_of_assignment(const struct rr_doc *d, const char *group, const char *base,
				 const char *assignment)
{
	json_t *cs[MAX_ROWS];
	const char *knob, *val;
	int i, n = rr_baseline_configs(d, group, base, cs, 0, MAX_ROWS);

	for (i = 0; i < n; i++) {
		knob = rr_str(cs[i], "knob");
		val = rr_str(cs[i], "value");
		if (knob && val && !rr_str(cs[i], "also") &&
		    !strncmp(assignment, knob, strlen(knob)) && assignment[strlen(knob)] == '=' &&
		    !strcmp(assignment + strlen(knob) + 1, val))
			return cs[i];
	}
	return NULL;
}

/*
 * A row measured with a change its knob implies (xdp_lb=native with
 * veth_napi=on) holds both changes' effects; where the implied change has
 * a row of its own against the same baseline, the difference of the two
 * rows is the knob's own effect.  The report gives that difference no
 * interval of its own, so it says how to read the two rows instead.
 */
static void implied_notes(FILE *f, const struct rr_view *v, const struct effect_table *t)
{
	json_t *cs[MAX_ROWS], *alone;
	char label[RR_CELL], alone_label[RR_CELL];
	const char *also;
	int k, i, n;

	for (k = 0; k < v->n && t->by_knob; k++) {
		n = rr_baseline_configs(v->doc[k], t->group, t->base, cs, 0, MAX_ROWS);
		for (i = 0; i < n; i++) {
			also = rr_str(cs[i], "also");
			if (!also || (k && rr_config_named(v->doc[0], rr_str(cs[i], "name"))))
				continue;
			rr_knob_label(cs[i], label, sizeof(label));
			alone = row_of_assignment(v->doc[k], t->group, t->base, also);
			if (alone) {
				rr_knob_label(alone, alone_label, sizeof(alone_label));
				fprintf(f, "\n**%s** holds both changes; **%s** is %s alone against "
					"the same baseline, so the difference of the two rows is "
					"%s's own effect (read from the two rows: no interval of "
					"its own is computed).\n", label, alone_label, also,
					rr_str(cs[i], "knob"));
			} else {
				fprintf(f, "\n**%s** holds both changes, and no row here measures "
					"%s alone.\n", label, also);
			}
		}
	}
}

static void effect_table_write(FILE *f, const struct rr_view *v, const struct effect_table *t)
{
	json_t *cs0[MAX_ROWS], *cs1[MAX_ROWS];
	struct tally tl[2] = { { 0 }, { 0 } };
	struct rr_row r = { .n = 0 };
	int idx[RR_MAX_METRICS], nm, i, n0, n1;
	char file[128];

	fprintf(f, "### %s\n\n", t->title);
	nm = effect_columns(v, t, idx);
	rr_row_put(&r, "Compared");
	for (i = 0; i < nm; i++)
		rr_metric_head(&v->doc[0]->metrics[idx[i]], rr_row_next(&r), RR_CELL);
	rr_row_put(&r, "Note");
	rr_row_emit(f, &r);
	rr_md_rule(f, nm + 2);
	body_rows(f, v, t, idx, nm, tl);
	if (t->base) {
		n0 = rr_baseline_configs(v->doc[0], "placebo", t->base, cs0, 0, MAX_ROWS);
		n1 = v->n > 1 ? rr_baseline_configs(v->doc[1], "placebo", t->base, cs1, 0,
						    MAX_ROWS) : 0;
		effect_rows(f, v, cs0, n0, cs1, n1, idx, nm, tl);
	}
	summary_write(f, v, tl);
	implied_notes(f, v, t);
	for (i = 0; i < nm; i++) {
		fmt_fit(file, sizeof(file), "%s_%s.svg", t->chart_prefix,
			 v->doc[0]->metrics[idx[i]].id);
		rr_embed(f, v, file);
	}
	fprintf(f, "\n");
}

void rr_write_impact(FILE *f, const struct rr_view *v)
{
	size_t i;

	fprintf(f, "## Per-tuning-point impact\n\n"
		"Each tuning point measured alone: scenario A with one knob switched to its "
		"value in E (or its alternative), and scenario E with one knob switched back to "
		"A's; then each scenario against A. The last row of each table is the placebo: "
		"the baseline compared with itself exactly like a knob.\n\n");
	for (i = 0; i < sizeof(effect_tables) / sizeof(effect_tables[0]); i++)
		if (effect_tables[i].by_knob || rr_any_doc_group(v, effect_tables[i].group))
			effect_table_write(f, v, &effect_tables[i]);
	rr_write_how_to_read(f, v);
}

/* δ of every metric with data: "| Metric | δ |". */
static void margins_write(FILE *f, const struct rr_doc *d)
{
	json_t *margins = json_object_get(d->root, "equivalence_margin_pct");
	struct rr_row r = { .n = 0 };
	double delta;
	int i, n = 0;

	for (i = 0; i < d->n_metrics; i++) {
		if (!rr_num(margins, d->metrics[i].id, &delta) ||
		    !rr_group_has_metric(d, NULL, d->metrics[i].id))
			continue;
		if (!n++) {
			rr_row_put(&r, "Metric");
			rr_row_put(&r, "δ (equivalence margin)");
			rr_row_emit(f, &r);
			rr_md_rule(f, 2);
		}
		rr_metric_head(&d->metrics[i], rr_row_next(&r), RR_CELL);
		snprintf(rr_row_next(&r), RR_CELL, "±%.1f%%", delta);
		rr_row_emit(f, &r);
	}
	fprintf(f, "%s", n ? "\n" : "No margin yet: no placebo has pairs.\n\n");
}

static void plan_write(FILE *f, const struct rr_doc *d, const char *side)
{
	json_t *plan = json_object_get(d->root, "plan"), *note;
	double budget = NAN;
	size_t i;

	rr_num(plan, "budget_secs", &budget);
	fprintf(f, "%sPairs: %lld first, up to %lld for an undecided headline row within a "
		"budget of %.0f s; visit order seed %lld.\n", side,
		(long long)json_integer_value(json_object_get(plan, "pairs")),
		(long long)json_integer_value(json_object_get(plan, "max_pairs")), budget,
		(long long)json_integer_value(json_object_get(plan, "seed")));
	json_array_foreach(json_object_get(d->root, "notes"), i, note)
		fprintf(f, "%s- Run note: %s\n", i ? "" : "\n", json_string_value(note) ?: "?");
	fprintf(f, "\n");
	margins_write(f, d);
}

void rr_write_how_to_read(FILE *f, const struct rr_view *v)
{
	char side[16] = "";
	int k;

	fprintf(f, "**How to read.** The runner visits configurations interleaved, a baseline "
		"visit on either side of every knob visit (B k B k' B …), in an order drawn "
		"from the plan's seed. Effect = the mean over pairs of the log-ratio of a knob "
		"visit to the mean of its two neighbouring baseline visits, shown in percent "
		"with its 95%% t interval [low, high]. Verdicts: **effect** (\"better\"/"
		"\"worse\" by the metric's direction) when the p of the paired t test, "
		"Benjamini-Hochberg adjusted across every scored cell of the run, is ≤ 0.05; "
		"**≈ equivalent** when two one-sided tests (TOST, BH-adjusted) place it "
		"within ±δ; **? undecided** otherwise; \"— (n "
		"pairs)\" with too few pairs for a test. δ = max(3%%, the widest placebo 95%% "
		"half-width) of the metric: an effect smaller than what comparing the baseline "
		"with itself shows is not the knob's. **~ too noisy**: not an effect, on a "
		"metric whose δ is over 25%%: no equivalence is claimed there (an equivalence "
		"within ±200%% would say nothing); an effect on such a metric still stands. Descriptive and attribution metrics show "
		"the numbers without a verdict.%s\n\n",
		v->n > 1 ? " In a comparison, each cell is A's verdict and effect → B's; "
		"**changed** marks a different verdict, **FLIP** an effect better in one and "
		"worse in the other." : "");
	for (k = 0; k < v->n; k++) {
		if (v->n > 1)
			snprintf(side, sizeof(side), "**%c**: ", 'A' + k);
		plan_write(f, v->doc[k], side);
	}
}
