// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tables of the report, written for one results document (cells
 * "median (min–max)") or two (`dplab compare`: cells "a → b (Δ%)").  In
 * compare a config of A is paired with B's config of the same name; one
 * only B has shows as "— → b".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run_report_fmt.h"
#include "dplab/fmt.h"

#define MAX_COLS (RR_MAX_METRICS + 2)

static const struct {
	const char *letter, *what;	/* short column heads, as in the published report */
} scenario_heads[] = {
	{ "A", "VPC CNI-like" }, { "B", "overlay + kube-proxy" }, { "C", "overlay, kp-less" },
	{ "D", "native, kp-less" }, { "E", "D + tuning" },
};
#define N_SCENARIOS 5

/* Cells are formatted into one buffer per column. */
struct row {
	char cell[MAX_COLS][RR_CELL];
	const char *ptr[MAX_COLS];
	int n;
};

static char *row_next(struct row *r)
{
	r->ptr[r->n] = r->cell[r->n];
	r->cell[r->n][0] = '\0';
	return r->cell[r->n++];
}

static void row_put(struct row *r, const char *s)
{
	snprintf(row_next(r), RR_CELL, "%s", s);
}

static void row_emit(FILE *f, struct row *r)
{
	rr_md_row(f, r->ptr, r->n);
	r->n = 0;
}

/* B's config for A's c0 (same name), or B's own by_key when A has none. */
static json_t *partner(const struct rr_view *v, json_t *c0, json_t *by_key)
{
	if (v->n < 2)
		return NULL;
	if (c0)
		return rr_config_named(v->doc[1], rr_str(c0, "name"));
	return by_key;
}

static bool measured(json_t *cfg)
{
	const char *st = rr_str(cfg, "status");

	return cfg && st && !strcmp(st, "measured");
}

/* The median of one side as text, "—" without one. */
static void side_value(json_t *cfg, const struct rr_metric *m, char *buf, size_t len, double *v)
{
	if (!rr_median(rr_result(cfg, m->id), v)) {
		*v = NAN;
		snprintf(buf, len, "—");
		return;
	}
	rr_fmt_value(*v, m->unit, buf, len);
}

/* A result cell: one document, or A → B with the change. */
static void result_cell(const struct rr_view *v, json_t *c0, json_t *c1,
			const struct rr_metric *m, char *buf, size_t len)
{
	char a[64], b[64], pct[32];
	double va, vb, lo0, hi0, lo1, hi1;
	bool noise;

	if (v->n < 2) {
		if (!c0)
			snprintf(buf, len, "not in this plan");
		else if (!measured(c0))
			snprintf(buf, len, "— (%s)", rr_status_word(c0));
		else if (!rr_result(c0, m->id))
			snprintf(buf, len, "—");
		else
			rr_fmt_result(rr_result(c0, m->id), m->unit, buf, len);
		return;
	}
	side_value(c0, m, a, sizeof(a), &va);
	side_value(c1, m, b, sizeof(b), &vb);
	if (isnan(va) || isnan(vb) || (va == 0 && vb != 0)) {
		snprintf(buf, len, "%s → %s", a, b);
		return;
	}
	rr_fmt_percent(va == 0 ? 0 : 100 * (vb - va) / fabs(va), pct, sizeof(pct));
	noise = rr_num(rr_result(c0, m->id), "min", &lo0) &&
		rr_num(rr_result(c0, m->id), "max", &hi0) &&
		rr_num(rr_result(c1, m->id), "min", &lo1) &&
		rr_num(rr_result(c1, m->id), "max", &hi1) && lo0 <= hi1 && lo1 <= hi0;
	snprintf(buf, len, "%s → %s (%s%s)", a, b, pct, noise ? ", noise" : "");
}

/* Status of a config that was not measured, per side in compare. */
static void status_cell(const struct rr_view *v, json_t *c0, json_t *c1, char *buf, size_t len)
{
	char a[RR_CELL / 2 - 16], b[RR_CELL / 2 - 16];

	rr_fmt_status(c0, a, sizeof(a));
	if (v->n < 2) {
		snprintf(buf, len, "%s", c0 ? a : "not in this plan");
		return;
	}
	rr_fmt_status(c1, b, sizeof(b));
	if (!c0 || !c1)
		snprintf(buf, len, "only in %s", c0 ? "A" : "B");
	else if (!strcmp(a, b))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "A: %s; B: %s", a[0] ? a : "measured", b[0] ? b : "measured");
}

static void metric_head(const struct rr_metric *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", m->label, m->unit);
}

/* Indexes of the metrics any document has in group (NULL: any group). */
static int metrics_in(const struct rr_view *v, const char *group, int *idx)
{
	const struct rr_doc *d0 = v->doc[0];
	int n = 0, i, k;

	for (i = 0; i < d0->n_metrics; i++)
		for (k = 0; k < v->n; k++)
			if (rr_group_has_metric(v->doc[k], group, d0->metrics[i].id)) {
				idx[n++] = i;
				break;
			}
	return n;
}

static bool any_doc_group(const struct rr_view *v, const char *group)
{
	return rr_group_any(v->doc[0], group) || (v->n > 1 && rr_group_any(v->doc[1], group));
}

static void rr_embed(FILE *f, const struct rr_view *v, const char *file)
{
	int i;

	if (!v->charts)
		return;
	for (i = 0; i < v->charts->n; i++)
		if (!strcmp(v->charts->c[i].file, file))
			fprintf(f, "\n![%s](charts/%s)\n", v->charts->c[i].label, file);
}

static void machine_ports(json_t *mach, char *buf, size_t len)
{
	size_t i, used = 0;
	json_t *p;

	buf[0] = '\0';
	json_array_foreach(json_object_get(mach, "ports"), i, p)
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s %s: %s",
				 i ? ", " : "", rr_str(p, "where") ?: "?",
				 rr_str(p, "iface") ?: "?", rr_str(p, "driver") ?: "?");
	if (!buf[0])
		snprintf(buf, len, "—");
}

void rr_write_machine(FILE *f, const struct rr_view *v)
{
	static const char *const items[] = { "hostname", "kernel", "cpu_model", "cpus", "topology",
					     "ports", "iptables", "bpf_stats" };
	static const char *const heads[] = { "Hostname", "Kernel", "CPU model", "CPUs", "Topology",
					     "Ports (where iface: driver)", "iptables",
					     "bpf_stats" };
	struct row r = { .n = 0 };
	size_t i;
	int k;

	fprintf(f, "## Machine\n\n");
	row_put(&r, "Item");
	for (k = 0; k < v->n; k++)
		row_put(&r, v->n < 2 ? "Value" : v->doc[k]->label);
	row_emit(f, &r);
	rr_md_rule(f, v->n + 1);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		row_put(&r, heads[i]);
		for (k = 0; k < v->n; k++) {
			json_t *mach = json_object_get(v->doc[k]->root, "machine");
			json_t *val = json_object_get(mach, items[i]);
			char *c = row_next(&r);

			if (!strcmp(items[i], "ports"))
				machine_ports(mach, c, RR_CELL);
			else if (!strcmp(items[i], "bpf_stats"))
				snprintf(c, RR_CELL, "%s", !json_is_boolean(val) ? "—" :
					 json_is_true(val) ? "on (kernel.bpf_stats_enabled)" :
					 "off: bpf_ns_per_pkt not measured");
			else if (json_is_integer(val))
				snprintf(c, RR_CELL, "%lld", (long long)json_integer_value(val));
			else
				snprintf(c, RR_CELL, "%s", json_string_value(val) ?: "—");
		}
		row_emit(f, &r);
	}
	fprintf(f, "\n");
}

/* "B: routing=vxlan" — each preset's knobs that differ from A's. */
static void scenario_knobs(FILE *f, const struct rr_doc *d)
{
	json_t *sc = json_object_get(d->root, "scenarios"), *a = json_object_get(sc, "A");
	const char *letter, *knob;
	json_t *p, *val;

	if (!json_is_object(sc))
		return;
	fprintf(f, "\nScenario knobs (changes from A):");
	json_object_foreach(sc, letter, p) {
		int n = 0;

		fprintf(f, " **%s**:", letter);
		json_object_foreach(p, knob, val) {
			const char *s = json_string_value(val), *base = rr_str(a, knob);

			if (s && base && !strcmp(s, base))
				continue;
			fprintf(f, " %s=%s", knob, s ?: "?");
			n++;
		}
		fprintf(f, "%s;", n ? "" : " defaults");
	}
	fprintf(f, "\n");
}

void rr_write_scenarios(FILE *f, const struct rr_view *v)
{
	json_t *c0[N_SCENARIOS], *c1[N_SCENARIOS];
	struct row r = { .n = 0 };
	int idx[RR_MAX_METRICS], nm, i, s;
	char file[96], why[RR_CELL];

	fprintf(f, "## Scenarios A–E\n\n");
	if (!any_doc_group(v, "scenario")) {
		fprintf(f, "No scenario configs in this plan.\n\n");
		return;
	}
	row_put(&r, "Metric");
	for (s = 0; s < N_SCENARIOS; s++) {
		c0[s] = rr_scenario_config(v->doc[0], scenario_heads[s].letter);
		c1[s] = partner(v, c0[s], v->n > 1 ?
				rr_scenario_config(v->doc[1], scenario_heads[s].letter) : NULL);
		snprintf(row_next(&r), RR_CELL, "%s: %s", scenario_heads[s].letter,
			 scenario_heads[s].what);
	}
	row_emit(f, &r);
	rr_md_rule(f, N_SCENARIOS + 1);
	nm = metrics_in(v, "scenario", idx);
	for (i = 0; i < nm; i++) {
		const struct rr_metric *m = &v->doc[0]->metrics[idx[i]];

		metric_head(m, row_next(&r), RR_CELL);
		for (s = 0; s < N_SCENARIOS; s++)
			result_cell(v, c0[s], c1[s], m, row_next(&r), RR_CELL);
		row_emit(f, &r);
	}
	if (!nm)
		fprintf(f, "\nNo scenario produced a result.\n");
	for (s = 0; s < N_SCENARIOS; s++) {
		status_cell(v, c0[s], c1[s], why, sizeof(why));
		if (why[0])
			fprintf(f, "%s- %s: %s\n", s ? "" : "\n", scenario_heads[s].letter, why);
	}
	scenario_knobs(f, v->doc[0]);
	for (i = 0; i < nm; i++) {
		fmt_fit(file, sizeof(file), "scenarios_%s.svg", v->doc[0]->metrics[idx[i]].id);
		rr_embed(f, v, file);
	}
	fprintf(f, "\n");
}

/* One side of an impact cell in compare: "+6.6%", "+0.2% (noise)". */
static void effect_short(json_t *e, const struct rr_metric *m, char *buf, size_t len, double *pct)
{
	char p[32];

	if (!rr_num(e, "percent", pct)) {
		*pct = NAN;
		rr_fmt_effect(e, m, buf, len);
		return;
	}
	rr_fmt_percent(*pct, p, sizeof(p));
	snprintf(buf, len, "%s%s", p,
		 json_is_true(json_object_get(e, "within_noise")) ? " (noise)" : "");
}

/* An impact cell: the effect, or A's → B's effect with the difference in
 * percentage points. */
static void effect_cell(const struct rr_view *v, json_t *c0, json_t *c1,
			const struct rr_metric *m, char *buf, size_t len)
{
	char a[RR_CELL / 4], b[RR_CELL / 4], d[32];
	double pa, pb;

	if (v->n < 2) {
		rr_fmt_effect(rr_effect(c0, m->id), m, buf, len);
		return;
	}
	effect_short(rr_effect(c0, m->id), m, a, sizeof(a), &pa);
	effect_short(rr_effect(c1, m->id), m, b, sizeof(b), &pb);
	if (!isnan(pa) && !isnan(pb)) {
		rr_fmt_percent(pb - pa, d, sizeof(d));
		d[strlen(d) - 1] = '\0';	/* percentage points, not % */
		snprintf(buf, len, "%s → %s (%s pp)", a, b, d);
	} else {
		snprintf(buf, len, "%s → %s", a, b);
	}
}

static void impact_row(FILE *f, const struct rr_view *v, json_t *c0, json_t *c1,
		       const int *idx, int nm)
{
	struct row r = { .n = 0 };
	int i;

	rr_knob_label(c0 ?: c1, row_next(&r), RR_CELL);
	for (i = 0; i < nm; i++)
		effect_cell(v, c0, c1, &v->doc[0]->metrics[idx[i]], row_next(&r), RR_CELL);
	status_cell(v, c0, c1, row_next(&r), RR_CELL);
	row_emit(f, &r);
}

/*
 * The baseline measured once more at the end of the group (no knob): its
 * "effect" is the drift of the machine over the group, the yardstick for
 * every other row.
 */
static void drift_rows(FILE *f, const struct rr_view *v, const char *group, const int *idx,
		       int nm)
{
	json_t *c;
	size_t j;

	json_array_foreach(v->doc[0]->configs, j, c)
		if (rr_str(c, "group") && !strcmp(rr_str(c, "group"), group) && !rr_str(c, "knob"))
			impact_row(f, v, c, partner(v, c, NULL), idx, nm);
}

static void impact_table(FILE *f, const struct rr_view *v, const char *group, const char *title,
			 const char *chart_prefix)
{
	int idx[RR_MAX_METRICS], nm, i, k, n0, n1;
	json_t *cs0[8], *cs1[8];
	struct row r = { .n = 0 };
	char file[128];

	fprintf(f, "### %s\n\n", title);
	nm = metrics_in(v, group, idx);
	if (!nm)
		nm = metrics_in(v, NULL, idx);
	row_put(&r, "Knob → value");
	for (i = 0; i < nm; i++)
		metric_head(&v->doc[0]->metrics[idx[i]], row_next(&r), RR_CELL);
	row_put(&r, "Note");
	row_emit(f, &r);
	rr_md_rule(f, nm + 2);
	for (k = 0; k < v->doc[0]->n_knobs; k++) {
		const char *knob = v->doc[0]->knobs[k];
		int shown = 0;

		n0 = rr_knob_configs(v->doc[0], group, knob, cs0, 8);
		n1 = v->n > 1 ? rr_knob_configs(v->doc[1], group, knob, cs1, 8) : 0;
		for (i = 0; i < n0; i++, shown++)
			impact_row(f, v, cs0[i], partner(v, cs0[i], NULL), idx, nm);
		for (i = 0; i < n1; i++)
			if (!rr_config_named(v->doc[0], rr_str(cs1[i], "name"))) {
				impact_row(f, v, NULL, cs1[i], idx, nm);
				shown++;
			}
		if (shown)
			continue;
		row_put(&r, knob);
		for (i = 0; i < nm; i++)
			row_put(&r, "—");
		row_put(&r, "not in this plan");
		row_emit(f, &r);
	}
	drift_rows(f, v, group, idx, nm);
	for (i = 0; i < nm; i++) {
		fmt_fit(file, sizeof(file), "%s_%s.svg", chart_prefix,
			 v->doc[0]->metrics[idx[i]].id);
		rr_embed(f, v, file);
	}
	fprintf(f, "\n");
}

void rr_write_impact(FILE *f, const struct rr_view *v)
{
	fprintf(f, "## Per-tuning-point impact\n\n"
		"Each tuning point measured alone: scenario A with one knob switched to its "
		"value in E (or its alternative), and scenario E with one knob switched back to "
		"A's.\n\n");
	impact_table(f, v, "isolate_on", "Switched on from A", "impact_on");
	impact_table(f, v, "isolate_off", "Switched off from E", "impact_off");
	fprintf(f, "**How to read.** Effect = change of the median vs the baseline (A for "
		"\"switched on\", E for \"switched off\"), in percent of the baseline's median; "
		"\"better\"/\"worse\" follow the metric's direction (higher is better for rates, "
		"lower for latency, loss and BPF time). \"(noise)\" = within noise: the min–max "
		"ranges of the repetitions of the two overlap, so the change cannot be told apart "
		"from their spread. A row named after the baseline (\"A again\", \"E again\") is "
		"the baseline measured once more after the other rows: its change is the drift of "
		"the machine over that time, and an effect no larger than it is not the knob's.%s\n\n",
		v->n > 1 ?
		" In a comparison, each cell is A's effect → B's, and the difference in "
		"percentage points (pp)." : "");
}

void rr_write_sweep(FILE *f, const struct rr_view *v)
{
	int idx[RR_MAX_METRICS], nm, n_modes = 0, n_counts = 0, i, j, k;
	const char *modes[RR_MAX_AXIS];
	long long counts[RR_MAX_AXIS];
	struct row r = { .n = 0 };
	char file[96];

	fprintf(f, "## Service sweep\n\n");
	if (!any_doc_group(v, "sweep")) {
		fprintf(f, "No sweep configs in this plan.\n\n");
		return;
	}
	for (k = 0; k < v->n; k++) {
		rr_sweep_modes(v->doc[k], modes, &n_modes);
		rr_sweep_counts(v->doc[k], counts, &n_counts);
	}
	fprintf(f, "Connections and requests through a service VIP as the number of services "
		"grows, per service_lb mode. The VIP measured is the last service in kube-proxy's "
		"chain: the runner's filler services come first, so with service_lb=iptables every "
		"new connection walks past all of them.\n\n");
	nm = metrics_in(v, "sweep", idx);
	for (i = 0; i < nm; i++) {
		const struct rr_metric *m = &v->doc[0]->metrics[idx[i]];

		fprintf(f, "### %s (%s)\n\n", m->label, m->unit);
		row_put(&r, "Services");
		for (j = 0; j < n_modes; j++)
			snprintf(row_next(&r), RR_CELL, "service_lb=%s", modes[j]);
		row_emit(f, &r);
		rr_md_rule(f, n_modes + 1);
		for (k = 0; k < n_counts; k++) {
			snprintf(row_next(&r), RR_CELL, "%lld", counts[k]);
			for (j = 0; j < n_modes; j++) {
				json_t *c0 = rr_sweep_config(v->doc[0], modes[j], counts[k]);
				json_t *c1 = partner(v, c0, v->n > 1 ?
					rr_sweep_config(v->doc[1], modes[j], counts[k]) : NULL);

				result_cell(v, c0, c1, m, row_next(&r), RR_CELL);
			}
			row_emit(f, &r);
		}
		fmt_fit(file, sizeof(file), "sweep_%s.svg", m->id);
		rr_embed(f, v, file);
		fprintf(f, "\n");
	}
	if (!nm)
		fprintf(f, "No sweep config produced a result.\n\n");
}

void rr_write_other(FILE *f, const struct rr_view *v)
{
	int idx[RR_MAX_METRICS], nm, i, k;
	struct row r = { .n = 0 };
	json_t *c;
	size_t j;

	if (!any_doc_group(v, "config"))
		return;
	fprintf(f, "## Other configs\n\n");
	nm = metrics_in(v, "config", idx);
	row_put(&r, "Config");
	for (i = 0; i < nm; i++)
		metric_head(&v->doc[0]->metrics[idx[i]], row_next(&r), RR_CELL);
	row_put(&r, "Note");
	row_emit(f, &r);
	rr_md_rule(f, nm + 2);
	for (k = 0; k < v->n; k++) {
		json_array_foreach(v->doc[k]->configs, j, c) {
			const char *g = rr_str(c, "group"), *name = rr_str(c, "name");
			json_t *c0 = k ? NULL : c, *c1 = k ? c : partner(v, c, NULL);

			if (!g || strcmp(g, "config") || (k && rr_config_named(v->doc[0], name)))
				continue;
			row_put(&r, name ?: "?");
			for (i = 0; i < nm; i++)
				result_cell(v, c0, c1, &v->doc[0]->metrics[idx[i]], row_next(&r),
					    RR_CELL);
			status_cell(v, c0, c1, row_next(&r), RR_CELL);
			row_emit(f, &r);
		}
	}
	fprintf(f, "\n");
}
