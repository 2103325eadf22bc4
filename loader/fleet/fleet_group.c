// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet report's rows and groups.  A row is one interface of one node
 * (a probe document may carry several); rows are grouped by instance type
 * (the DMI product, which on EC2 Nitro is the instance type), kernel
 * release, driver and firmware.  Per group: how many rows each attach
 * mechanism worked on, and for rows probed --read-only (no trials) what
 * the facts suggest, kept apart and labelled inferred.
 */
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet_int.h"

static int row_cmp(const void *pa, const void *pb)
{
	const struct fleet_row *a = pa, *b = pb;
	int c = fleet_key_cmp(a, b);

	if (!c)
		c = strcmp(a->node, b->node);
	if (!c)
		c = fleet_cmp_opt(a->ifname, b->ifname);
	return c;
}

static void fill_row(struct fleet_row *r, json_t *entry, json_t *iface)
{
	json_t *doc = json_object_get(entry, "doc");
	json_t *platform = json_object_get(doc, "platform");
	json_t *driver = json_object_get(iface, "driver");

	r->node = fleet_str(entry, "node");
	r->source = fleet_str(entry, "source");
	r->iface = iface;
	r->ifname = fleet_str(iface, "ifname");
	r->instance_type = fleet_str(json_object_get(platform, "dmi"), "product");
	r->kernel = fleet_str(json_object_get(platform, "kernel"), "release") ?:
		    fleet_str(json_object_get(iface, "kernel"), "release");
	r->driver = fleet_str(driver, "name");
	r->firmware = fleet_str(driver, "firmware");
	r->trials = json_object_get(iface, "trials");
	if (!json_is_object(r->trials))
		r->trials = NULL;
	r->verdict = fleet_str(iface, "verdict") ?: "unknown";
}

/* Every interface of every document, sorted by group key; NULL on ENOMEM. */
static struct fleet_row *make_rows(json_t *docs, size_t *n)
{
	struct fleet_row *rows;
	json_t *entry, *iface;
	size_t i, j, total = 0;

	json_array_foreach(docs, i, entry)
		total += json_array_size(json_object_get(json_object_get(entry, "doc"),
							 "interfaces"));
	rows = calloc(total ? total : 1, sizeof(*rows));
	if (!rows)
		return NULL;
	*n = 0;
	json_array_foreach(docs, i, entry)
		json_array_foreach(json_object_get(json_object_get(entry, "doc"), "interfaces"),
				   j, iface)
			if (json_is_object(iface))
				fill_row(&rows[(*n)++], entry, iface);
	qsort(rows, *n, sizeof(*rows), row_cmp);
	return rows;
}

/* ------------------------------------------------------------ mechanisms */

/* Generic XDP works when either of its mechanisms does. */
static enum mstate generic_state(const struct fleet_row *r)
{
	enum mstate a = fleet_trial_state(r, "xdp_generic_link");
	enum mstate b = fleet_trial_state(r, "xdp_generic_netlink");

	return a < b ? a : b;	/* the order of enum mstate: ok, failed, skipped, not tried */
}

static const char *const mech_keys[] = {
	"xdp_native_link", "xdp_native_netlink", "xdp_generic", "tc_tcx", "tc_legacy",
};
#define N_MECH (sizeof(mech_keys) / sizeof(mech_keys[0]))

static json_t *mechanisms_json(const struct fleet_row *rows, size_t n)
{
	static const char *const names[] = { "ok", "failed", "skipped", "not_tried" };
	json_t *obj = json_object();
	size_t m, i;

	for (m = 0; m < N_MECH; m++) {
		int count[4] = { 0 };
		json_t *c = json_object();
		int k;

		for (i = 0; i < n; i++)
			count[m == 2 ? generic_state(&rows[i]) :
			      fleet_trial_state(&rows[i], mech_keys[m])]++;
		for (k = 0; k < 4; k++)
			json_object_set_new(c, names[k], json_integer(count[k]));
		json_object_set_new(obj, mech_keys[m], c);
	}
	return obj;
}

/* ------------------------------------------------------------ inferred */

enum likely { L_YES, L_NO, L_UNKNOWN };

static bool has_block_finding(json_t *iface)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(iface, "findings"), i, f) {
		const char *sev = fleet_str(f, "severity");

		if (sev && !strcmp(sev, "block"))
			return true;
	}
	return false;
}

/* Native XDP: the driver advertises BASIC and no finding blocks it. */
static enum likely likely_native(json_t *iface)
{
	json_t *feat = json_object_get(iface, "xdp_features"), *v;
	size_t i;

	if (has_block_finding(iface))
		return L_NO;
	if (!json_is_array(feat))
		return L_UNKNOWN;	/* kernel < 6.3, or an older probe */
	json_array_foreach(feat, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), "BASIC"))
			return L_YES;
	return L_NO;
}

static enum likely likely_kernel(json_t *iface, const char *key)
{
	json_t *v = json_object_get(json_object_get(iface, "kernel"), key);

	if (!json_is_boolean(v))
		return L_UNKNOWN;
	return json_is_true(v) ? L_YES : L_NO;
}

static json_t *likely_json(const struct fleet_row *rows, size_t n)
{
	int c[3][3] = { { 0 } }, untried = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].trials)
			continue;
		untried++;
		c[0][likely_native(rows[i].iface)]++;
		c[1][likely_kernel(rows[i].iface, "xdp_link")]++;
		c[2][likely_kernel(rows[i].iface, "tcx")]++;
	}
	return json_pack("{s:i,s:{s:i,s:i,s:i},s:{s:i,s:i,s:i},s:{s:i,s:i,s:i}}",
			 "nodes", untried,
			 "xdp_native", "yes", c[0][L_YES], "no", c[0][L_NO], "unknown", c[0][L_UNKNOWN],
			 "xdp_link", "yes", c[1][L_YES], "no", c[1][L_NO], "unknown", c[1][L_UNKNOWN],
			 "tcx", "yes", c[2][L_YES], "no", c[2][L_NO], "unknown", c[2][L_UNKNOWN]);
}

/* ------------------------------------------------------------ groups */

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *group_json(const struct fleet_row *rows, size_t n)
{
	const struct fleet_row *r = &rows[0];
	size_t i, read_only = 0;
	json_t *g;

	for (i = 0; i < n; i++)
		read_only += !rows[i].trials;
	g = json_pack("{s:o,s:o,s:o,s:o,s:i,s:i,s:o,s:o}",
		      "instance_type", str_or_null(r->instance_type),
		      "kernel", str_or_null(r->kernel), "driver", str_or_null(r->driver),
		      "firmware", str_or_null(r->firmware), "nodes", (int)n,
		      "read_only_nodes", (int)read_only,
		      "mechanisms", mechanisms_json(rows, n), "likely", likely_json(rows, n));
	if (g && fleet_verdicts(g, rows, n)) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *groups_json(struct fleet_row *rows, size_t n)
{
	json_t *groups = json_array();
	size_t start, end;

	for (start = 0; groups && start < n; start = end) {
		json_t *g;

		for (end = start + 1; end < n && !fleet_key_cmp(&rows[start], &rows[end]); end++)
			;
		g = group_json(rows + start, end - start);
		if (!g || json_array_append_new(groups, g)) {
			json_decref(groups);
			return NULL;
		}
	}
	return groups;
}

json_t *fleet_report(const struct fleet_input *in)
{
	struct fleet_row *rows;
	json_t *groups, *report;
	size_t n = 0;

	rows = make_rows(in->docs, &n);
	if (!rows)
		return NULL;
	groups = groups_json(rows, n);
	free(rows);
	if (!groups)
		return NULL;
	report = json_pack("{s:s,s:{s:i,s:i,s:i,s:i},s:i,s:O,s:o}",
			   "schema", FLEET_REPORT_SCHEMA,
			   "documents", "read", in->n_read, "nodes", (int)json_array_size(in->docs),
			   "duplicates", in->n_duplicates,
			   "skipped", (int)json_array_size(in->skipped),
			   "rows", (int)n, "skipped", in->skipped, "groups", groups);
	return report;
}
