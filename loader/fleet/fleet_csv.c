// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet report as CSV, one row per group: a field is quoted as RFC 4180
 * says (when it holds a comma, quote or line break; quotes doubled), lines
 * end in LF like results.csv of `dplab run`.  The columns are listed in
 * docs/fleet-report-json.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "util/csv.h"

static const char *const mechs[] = {
	"xdp_native_link", "xdp_native_netlink", "xdp_generic", "tc_tcx", "tc_legacy",
};
#define N_MECHS (sizeof(mechs) / sizeof(mechs[0]))

static void num(FILE *f, long long v)
{
	fprintf(f, "%lld,", v);
}

static void header(FILE *f)
{
	size_t i;

	fputs("instance_type,kernel,driver,firmware,nodes,read_only_nodes,", f);
	for (i = 0; i < N_MECHS; i++)
		fprintf(f, "%s_ok,%s_tried,", mechs[i], mechs[i]);
	fputs("likely_xdp_native,likely_xdp_link,likely_tcx,verdict,verdict_nodes,"
	      "failures,flagged\n", f);
}

/* "EINVAL \"ena: ...\": 2; ena-mtu (block): 2": each failure and its node count */
static void write_failures(FILE *m, json_t *failures)
{
	json_t *x;
	size_t i;

	json_array_foreach(failures, i, x) {
		const char *msg = fleet_str(x, "kernel_message");

		if (i)
			fputs("; ", m);
		if (!strcmp(fleet_str(x, "kind") ?: "", "finding"))
			fprintf(m, "%s (%s)", fleet_str(x, "rule") ?: "?",
				fleet_str(x, "severity") ?: "?");
		else
			fprintf(m, "%s%s%s%s", fleet_str(x, "errno") ?: "?", msg ? " \"" : "",
				msg ?: "", msg ? "\"" : "");
		fprintf(m, ": %lld", fleet_int(x, "nodes"));
	}
}

/* The flagged labels, blank-separated. */
static void write_flagged(FILE *m, json_t *flagged)
{
	json_t *x;
	size_t i;

	json_array_foreach(flagged, i, x)
		fprintf(m, "%s%s", i ? " " : "", json_string_value(x));
}

/* One field written by write(arr), as long as it needs (empty without memory). */
static void list_field(FILE *f, void (*write)(FILE *m, json_t *arr), json_t *arr, bool last)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m) {
		write(m, arr);
		fclose(m);
	}
	csv_field(f, buf, last);
	free(buf);
}

static void group_line(FILE *f, json_t *g)
{
	json_t *l = json_object_get(g, "likely"), *v = json_object_get(g, "verdict");
	size_t i;

	csv_field(f, fleet_str(g, "instance_type") ?: "unknown", false);
	csv_field(f, fleet_str(g, "kernel") ?: "unknown", false);
	csv_field(f, fleet_str(g, "driver"), false);
	csv_field(f, fleet_str(g, "firmware"), false);
	num(f, fleet_int(g, "nodes"));
	num(f, fleet_int(g, "read_only_nodes"));
	for (i = 0; i < N_MECHS; i++) {
		json_t *c = json_object_get(json_object_get(g, "mechanisms"), mechs[i]);

		num(f, fleet_int(c, "ok"));
		num(f, fleet_int(c, "ok") + fleet_int(c, "failed") + fleet_int(c, "skipped"));
	}
	num(f, fleet_int(json_object_get(l, "xdp_native"), "yes"));
	num(f, fleet_int(json_object_get(l, "xdp_link"), "yes"));
	num(f, fleet_int(json_object_get(l, "tcx"), "yes"));
	csv_field(f, fleet_str(v, "value"), false);
	num(f, fleet_int(v, "nodes"));
	list_field(f, write_failures, json_object_get(g, "failures"), false);
	list_field(f, write_flagged, json_object_get(g, "flagged"), true);
}

void fleet_write_csv(FILE *f, json_t *report)
{
	json_t *g;
	size_t i;

	header(f);
	json_array_foreach(json_object_get(report, "groups"), i, g)
		group_line(f, g);
}
