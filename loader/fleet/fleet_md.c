// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet report in Markdown: one table row per group (instance type,
 * kernel, driver, firmware), then per group its distinct failures with the
 * fix and the nodes that disagree with the rest, then what was skipped.
 * Written from the dplab.fleet-report/1 document, so both say the same.
 */
#include <stdio.h>
#include <string.h>

#include "fleet/fleet.h"

#define CELL 512

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/* Text in a table cell: '|' escaped, line breaks as blanks. */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void md_cell(FILE *f, const char *s)
{
	fputc(' ', f);
	md_text(f, s);
	fputs(" |", f);
}

/* A cell of the strings of arr, comma-separated, "-" when none: as long as it takes. */
static void md_list_cell(FILE *f, json_t *arr)
{
	json_t *x;
	size_t i;

	fputc(' ', f);
	json_array_foreach(arr, i, x) {
		if (i)
			fputs(", ", f);
		md_text(f, json_string_value(x));
	}
	fputs(json_array_size(arr) ? " |" : "- |", f);
}

/* "2/3 ok, 1 failed; 1 not tried (read-only)" or "not tried (read-only)". */
static void fleet_mech_cell(json_t *c, char *buf, size_t len)
{
	long long ok = fleet_int(c, "ok"), failed = fleet_int(c, "failed");
	long long skipped = fleet_int(c, "skipped"), nt = fleet_int(c, "not_tried");
	long long tried = ok + failed + skipped;
	size_t n;

	if (!tried) {
		snprintf(buf, len, "not tried (read-only)");
		return;
	}
	n = (size_t)snprintf(buf, len, "%lld/%lld ok", ok, tried);
	if (failed && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %lld failed", failed);
	if (skipped && n < len)
		n += (size_t)snprintf(buf + n, len - n, ", %lld skipped", skipped);
	if (nt && n < len)
		snprintf(buf + n, len - n, "; %lld not tried (read-only)", nt);
}

static size_t likely_part(char *buf, size_t len, const char *name, json_t *c, long long rows)
{
	long long yes = fleet_int(c, "yes"), no = fleet_int(c, "no"), unk = fleet_int(c, "unknown");

	if (yes == rows)
		return (size_t)snprintf(buf, len, "%s yes", name);
	if (no == rows)
		return (size_t)snprintf(buf, len, "%s no", name);
	if (unk == rows)
		return (size_t)snprintf(buf, len, "%s unknown", name);
	return (size_t)snprintf(buf, len, "%s yes on %lld, no on %lld, unknown on %lld", name,
				yes, no, unk);
}

/* "inferred for 2 not tried: native XDP no, XDP bpf_link yes, tcx yes" or "-". */
static void likely_cell(json_t *l, char *buf, size_t len)
{
	long long rows = fleet_int(l, "nodes");
	size_t n;

	if (!rows) {
		snprintf(buf, len, "-");
		return;
	}
	n = (size_t)snprintf(buf, len, "inferred for %lld not tried: ", rows);
	if (n < len)
		n += likely_part(buf + n, len - n, "native XDP", json_object_get(l, "xdp_native"),
				 rows);
	if (n + 2 < len)
		n += likely_part(buf + n, len - n, ", XDP bpf_link", json_object_get(l, "xdp_link"),
				 rows);
	if (n + 2 < len)
		likely_part(buf + n, len - n, ", tcx", json_object_get(l, "tcx"), rows);
}

static void verdict_cell(json_t *g, char *buf, size_t len)
{
	json_t *v = json_object_get(g, "verdict");

	if (json_is_true(json_object_get(v, "unanimous")))
		snprintf(buf, len, "%s", or_dash(fleet_str(v, "value")));
	else
		snprintf(buf, len, "%s (%lld of %lld%s)", or_dash(fleet_str(v, "value")),
			 fleet_int(v, "nodes"), fleet_int(g, "nodes"),
			 json_is_true(json_object_get(v, "majority")) ? "" : "; no majority");
}

static void list_cell(json_t *arr, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *x;

	buf[0] = '\0';
	json_array_foreach(arr, i, x)
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
					      json_string_value(x));
	if (!n)
		snprintf(buf, len, "-");
}

static const char *const mechs[] = {
	"xdp_native_link", "xdp_native_netlink", "xdp_generic", "tc_tcx", "tc_legacy",
};

static void group_row(FILE *f, json_t *g)
{
	char cell[CELL], num[24];
	size_t i;

	md_cell(f, fleet_str(g, "instance_type") ?: "unknown");
	md_cell(f, fleet_str(g, "kernel") ?: "unknown");
	md_cell(f, or_dash(fleet_str(g, "driver")));
	md_cell(f, or_dash(fleet_str(g, "firmware")));
	snprintf(num, sizeof(num), "%lld", fleet_int(g, "nodes"));
	md_cell(f, num);
	for (i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		fleet_mech_cell(json_object_get(json_object_get(g, "mechanisms"), mechs[i]), cell,
				sizeof(cell));
		md_cell(f, cell);
	}
	likely_cell(json_object_get(g, "likely"), cell, sizeof(cell));
	md_cell(f, cell);
	verdict_cell(g, cell, sizeof(cell));
	md_cell(f, cell);
	md_list_cell(f, json_object_get(g, "flagged"));
	fputc('\n', f);
}

static void failure_row(FILE *f, json_t *x)
{
	char cell[4 * CELL], trials[2 * CELL], num[24];

	if (!strcmp(fleet_str(x, "kind") ?: "", "finding")) {
		snprintf(cell, sizeof(cell), "finding `%s` (%s): %s", or_dash(fleet_str(x, "rule")),
			 or_dash(fleet_str(x, "severity")), or_dash(fleet_str(x, "reason")));
	} else {
		list_cell(json_object_get(x, "trials"), trials, sizeof(trials));
		snprintf(cell, sizeof(cell), "trial %s: %s, %s%s%s", trials,
			 or_dash(fleet_str(x, "errno")),
			 fleet_str(x, "kernel_message") ? "\"" : "no kernel message",
			 fleet_str(x, "kernel_message") ?: "",
			 fleet_str(x, "kernel_message") ? "\"" : "");
		list_cell(json_object_get(x, "explained_by"), trials, sizeof(trials));
		if (strcmp(trials, "-"))
			snprintf(cell + strlen(cell), sizeof(cell) - strlen(cell),
				 " (explained by %s)", trials);
	}
	fputc('|', f);
	md_cell(f, cell);
	snprintf(num, sizeof(num), "%lld", fleet_int(x, "nodes"));
	md_cell(f, num);
	md_cell(f, or_dash(fleet_str(x, "fix")));
	fputc('\n', f);
}

static void group_details(FILE *f, json_t *g)
{
	json_t *x, *m, *why;
	size_t i, k;

	fprintf(f, "### %s · %s · %s · firmware %s\n\n", fleet_str(g, "instance_type") ?: "unknown",
		fleet_str(g, "kernel") ?: "unknown", or_dash(fleet_str(g, "driver")),
		or_dash(fleet_str(g, "firmware")));
	if (!json_array_size(json_object_get(g, "failures"))) {
		fprintf(f, "No failure.\n\n");
	} else {
		fprintf(f, "| failure | nodes | fix |\n|---|---:|---|\n");
		json_array_foreach(json_object_get(g, "failures"), i, x)
			failure_row(f, x);
		fprintf(f, "\n");
	}
	json_array_foreach(json_object_get(g, "members"), i, m) {
		json_array_foreach(json_object_get(m, "flags"), k, why)
			fprintf(f, k ? "; %s" : "- **%2$s** disagrees with its group: %1$s",
				json_string_value(why), fleet_str(m, "label"));
		if (k)
			fputc('\n', f);
	}
	if (json_array_size(json_object_get(g, "flagged")))
		fprintf(f, "\n");
}

static void intro(FILE *f, json_t *r)
{
	json_t *d = json_object_get(r, "documents");

	fprintf(f, "# dplab fleet report\n\n%lld rows (one per node × interface) from %lld "
		"nodes in %zu groups by instance type, kernel, driver and firmware; %lld probe "
		"documents read, %lld replaced by a later one of the same node, %lld inputs "
		"skipped.\n\n", fleet_int(r, "rows"), fleet_int(d, "nodes"),
		json_array_size(json_object_get(r, "groups")), fleet_int(d, "read"),
		fleet_int(d, "duplicates"), fleet_int(d, "skipped"));
}

void fleet_write_md(FILE *f, json_t *r)
{
	json_t *g, *s;
	size_t i;

	intro(f, r);
	fprintf(f, "## Groups\n\n| instance type | kernel | driver | firmware | nodes "
		"| XDP native, bpf_link | XDP native, netlink | XDP generic | tcx | tc legacy "
		"| likely (inferred, not tried) | verdict | flagged |\n"
		"|---|---|---|---|---:|---|---|---|---|---|---|---|---|\n");
	json_array_foreach(json_object_get(r, "groups"), i, g) {
		fputc('|', f);
		group_row(f, g);
	}
	fprintf(f, "\nCounts are rows that worked of rows where the probe tried the mechanism. "
		"Rows probed with `--read-only` ran no trial: they show as \"not tried "
		"(read-only)\", and the \"likely\" column infers from their facts instead (native "
		"XDP: the driver advertises `BASIC` in xdp_features and no `block` finding; XDP "
		"bpf_link: the kernel has it, 5.9+; tcx: the kernel has it, 6.6+). That is an "
		"inference, not a trial.\n\n## Failures and flagged nodes\n\n");
	json_array_foreach(json_object_get(r, "groups"), i, g)
		group_details(f, g);
	if (!json_array_size(json_object_get(r, "skipped")))
		return;
	fprintf(f, "## Skipped input\n\n");
	json_array_foreach(json_object_get(r, "skipped"), i, s)
		fprintf(f, "- %s: %s\n", fleet_str(s, "source"), fleet_str(s, "reason"));
}
