// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tables of the report, written for one results document (cells
 * "median (n visits)") or two (`dplab compare`: cells "a → b (Δ%)"); the
 * effect tables are in run_report_impact.c.  In
 * compare a config of A is paired with B's config of the same name; one
 * only B has shows as "— → b".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "run/run_report_int.h"
#include "dplab/fmt.h"

static const struct {
	const char *letter, *what;	/* short column heads, as in the published report */
} scenario_heads[] = {
	{ "A", "VPC CNI-like" }, { "B", "overlay + kube-proxy" }, { "C", "overlay, kp-less" },
	{ "D", "native, kp-less" }, { "E", "D + tuning" },
};
#define N_SCENARIOS 5

char *rr_row_next(struct rr_row *r)
{
	r->ptr[r->n] = r->cell[r->n];
	r->cell[r->n][0] = '\0';
	return r->cell[r->n++];
}

void rr_row_put(struct rr_row *r, const char *s)
{
	snprintf(rr_row_next(r), RR_CELL, "%s", s);
}

void rr_row_emit(FILE *f, struct rr_row *r)
{
	rr_md_row(f, r->ptr, r->n);
	r->n = 0;
}

/* B's config for A's c0 (same name), or B's own by_key when A has none. */
json_t *rr_partner(const struct rr_view *v, json_t *c0, json_t *by_key)
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
void rr_status_cell(const struct rr_view *v, json_t *c0, json_t *c1, char *buf, size_t len)
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

void rr_metric_head(const struct rr_metric *m, char *buf, size_t len)
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

bool rr_any_doc_group(const struct rr_view *v, const char *group)
{
	return rr_group_any(v->doc[0], group) || (v->n > 1 && rr_group_any(v->doc[1], group));
}

void rr_embed(FILE *f, const struct rr_view *v, const char *file)
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

/* "generator and clients on CPU 0, datapath softirq (RPS) on CPU 1". */
static void machine_placement(json_t *mach, char *buf, size_t len)
{
	json_t *pl = json_object_get(mach, "placement");
	json_t *gen = json_object_get(pl, "generator_cpu"), *dp = json_object_get(pl, "datapath_cpu");

	if (!json_is_integer(gen) || !json_is_integer(dp))
		snprintf(buf, len, "—");
	else if (json_is_true(json_object_get(pl, "split")))
		snprintf(buf, len, "generator and clients on CPU %lld, datapath softirq (RPS) on "
			 "CPU %lld", (long long)json_integer_value(gen),
			 (long long)json_integer_value(dp));
	else
		snprintf(buf, len, "generator, clients and datapath share CPU %lld (not split)",
			 (long long)json_integer_value(gen));
}

static void machine_item(json_t *mach, const char *item, char *buf, size_t len)
{
	json_t *val = json_object_get(mach, item);

	if (!strcmp(item, "ports"))
		machine_ports(mach, buf, len);
	else if (!strcmp(item, "placement"))
		machine_placement(mach, buf, len);
	else if (!strcmp(item, "hypervisor"))
		snprintf(buf, len, json_is_string(val) ? "%s (hypervisor)" : "bare metal",
			 json_string_value(val));
	else if (json_is_integer(val))
		snprintf(buf, len, "%lld", (long long)json_integer_value(val));
	else
		snprintf(buf, len, "%s", json_string_value(val) ?: "—");
}

void rr_write_machine(FILE *f, const struct rr_view *v)
{
	static const char *const items[] = { "hostname", "kernel", "cpu_model", "cpus", "topology",
					     "ports", "iptables", "hypervisor", "placement",
					     "bpf_stats" };
	static const char *const heads[] = { "Hostname", "Kernel", "CPU model", "CPUs", "Topology",
					     "Ports (where iface: driver)", "iptables",
					     "Virtualization", "CPU placement", "BPF stats" };
	struct rr_row r = { .n = 0 };
	size_t i;
	int k;

	fprintf(f, "## Machine\n\n");
	rr_row_put(&r, "Item");
	for (k = 0; k < v->n; k++)
		rr_row_put(&r, v->n < 2 ? "Value" : v->doc[k]->label);
	rr_row_emit(f, &r);
	rr_md_rule(f, v->n + 1);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		rr_row_put(&r, heads[i]);
		for (k = 0; k < v->n; k++)
			machine_item(json_object_get(v->doc[k]->root, "machine"), items[i],
				     rr_row_next(&r), RR_CELL);
		rr_row_emit(f, &r);
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
	struct rr_row r = { .n = 0 };
	int idx[RR_MAX_METRICS], nm, i, s;
	char file[96], why[RR_CELL];

	fprintf(f, "## Scenarios A–E\n\n");
	if (!rr_any_doc_group(v, "scenario")) {
		fprintf(f, "No scenario configs in this plan.\n\n");
		return;
	}
	rr_row_put(&r, "Metric");
	for (s = 0; s < N_SCENARIOS; s++) {
		c0[s] = rr_scenario_config(v->doc[0], scenario_heads[s].letter);
		c1[s] = rr_partner(v, c0[s], v->n > 1 ?
				rr_scenario_config(v->doc[1], scenario_heads[s].letter) : NULL);
		snprintf(rr_row_next(&r), RR_CELL, "%s: %s", scenario_heads[s].letter,
			 scenario_heads[s].what);
	}
	rr_row_emit(f, &r);
	rr_md_rule(f, N_SCENARIOS + 1);
	nm = metrics_in(v, "scenario", idx);
	for (i = 0; i < nm; i++) {
		const struct rr_metric *m = &v->doc[0]->metrics[idx[i]];

		rr_metric_head(m, rr_row_next(&r), RR_CELL);
		for (s = 0; s < N_SCENARIOS; s++)
			result_cell(v, c0[s], c1[s], m, rr_row_next(&r), RR_CELL);
		rr_row_emit(f, &r);
	}
	if (!nm)
		fprintf(f, "\nNo scenario produced a result.\n");
	for (s = 0; s < N_SCENARIOS; s++) {
		rr_status_cell(v, c0[s], c1[s], why, sizeof(why));
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

void rr_write_sweep(FILE *f, const struct rr_view *v)
{
	int idx[RR_MAX_METRICS], nm, n_modes = 0, n_counts = 0, i, j, k;
	const char *modes[RR_MAX_AXIS];
	long long counts[RR_MAX_AXIS];
	struct rr_row r = { .n = 0 };
	char file[96];

	fprintf(f, "## Service sweep\n\n");
	if (!rr_any_doc_group(v, "sweep")) {
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
		rr_row_put(&r, "Services");
		for (j = 0; j < n_modes; j++)
			snprintf(rr_row_next(&r), RR_CELL, "service_lb=%s", modes[j]);
		rr_row_emit(f, &r);
		rr_md_rule(f, n_modes + 1);
		for (k = 0; k < n_counts; k++) {
			snprintf(rr_row_next(&r), RR_CELL, "%lld", counts[k]);
			for (j = 0; j < n_modes; j++) {
				json_t *c0 = rr_sweep_config(v->doc[0], modes[j], counts[k]);
				json_t *c1 = rr_partner(v, c0, v->n > 1 ?
					rr_sweep_config(v->doc[1], modes[j], counts[k]) : NULL);

				result_cell(v, c0, c1, m, rr_row_next(&r), RR_CELL);
			}
			rr_row_emit(f, &r);
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
	struct rr_row r = { .n = 0 };
	json_t *c;
	size_t j;

	if (!rr_any_doc_group(v, "config"))
		return;
	fprintf(f, "## Other configs\n\n");
	nm = metrics_in(v, "config", idx);
	rr_row_put(&r, "Config");
	for (i = 0; i < nm; i++)
		rr_metric_head(&v->doc[0]->metrics[idx[i]], rr_row_next(&r), RR_CELL);
	rr_row_put(&r, "Note");
	rr_row_emit(f, &r);
	rr_md_rule(f, nm + 2);
	for (k = 0; k < v->n; k++) {
		json_array_foreach(v->doc[k]->configs, j, c) {
			const char *g = rr_str(c, "group"), *name = rr_str(c, "name");
			json_t *c0 = k ? NULL : c, *c1 = k ? c : rr_partner(v, c, NULL);

			if (!g || strcmp(g, "config") || (k && rr_config_named(v->doc[0], name)))
				continue;
			rr_row_put(&r, name ?: "?");
			for (i = 0; i < nm; i++)
				result_cell(v, c0, c1, &v->doc[0]->metrics[idx[i]], rr_row_next(&r),
					    RR_CELL);
			rr_status_cell(v, c0, c1, rr_row_next(&r), RR_CELL);
			rr_row_emit(f, &r);
		}
	}
	fprintf(f, "\n");
}
