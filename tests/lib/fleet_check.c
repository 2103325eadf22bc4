// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Running `dplab fleet-report` and checking its groups (fleet_check.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/testlib.h"
#include "lib/testns.h"
#include "lib/fleet_check.h"

#define OUT_MAX (4 << 20)

static const char *const mechs[] = {
	"xdp_native_link", "xdp_native_netlink", "xdp_generic", "tc_tcx", "tc_legacy",
};
static const char *const states[] = { "ok", "failed", "skipped", "not_tried" };
static const char *const likely_keys[] = { "xdp_native", "xdp_link", "tcx" };
static const char *const answers[] = { "yes", "no", "unknown" };

/* CMD's output as a JSON document; CMD exits 0. */
static json_t *run_cmd_json(const char *cmd)
{
	char *out = malloc(OUT_MAX);
	json_error_t jerr;
	json_t *doc;
	int rc;

	ck_assert_ptr_nonnull(out);
	rc = sh_out(out, OUT_MAX, 0, "%s", cmd);
	ck_assert_msg(rc == 0, "%s: exited %d", cmd, rc);
	doc = json_loads(out, 0, &jerr);
	ck_assert_msg(doc, "not JSON: %s (line %d): %.300s", jerr.text, jerr.line, out);
	free(out);
	return doc;
}

json_t *fleet_run_json(const char *args_fmt, ...)
{
	char args[2048], cmd[4096];
	va_list ap;

	va_start(ap, args_fmt);
	vsnprintf(args, sizeof(args), args_fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s fleet-report --format json %s", test_dplab_path(), args);
	return run_cmd_json(cmd);
}

json_t *fleet_run_json_stdin(const char *producer_fmt, ...)
{
	char producer[2048], cmd[4096];
	va_list ap;

	va_start(ap, producer_fmt);
	vsnprintf(producer, sizeof(producer), producer_fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "{ %s; } | %s fleet-report --format json 2>/dev/null",
		 producer, test_dplab_path());
	return run_cmd_json(cmd);
}

char *fleet_join(json_t *arr, const char *sep)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&buf, &len);
	json_t *x;

	ck_assert_ptr_nonnull(m);
	json_array_foreach(arr, i, x)
		fprintf(m, "%s%s", i ? sep : "", json_is_string(x) ? json_string_value(x) : "?");
	fclose(m);
	return buf;
}

static char *member_labels(json_t *members)
{
	json_t *labels = json_array(), *m;
	char *s;
	size_t i;

	json_array_foreach(members, i, m)
		json_array_append(labels, json_object_get(m, "label"));
	s = fleet_join(labels, " ");
	json_decref(labels);
	return s;
}

/* A failure as the table writes it (fleet_check.h). */
static char *failure_text(json_t *f)
{
	char *members = fleet_join(json_object_get(f, "members"), ","), *text = NULL;
	const char *msg = json_string_value(json_object_get(f, "kernel_message"));
	long long nodes = json_integer_value(json_object_get(f, "nodes"));
	int rc;

	if (!strcmp(json_string_value(json_object_get(f, "kind")), "finding")) {
		rc = asprintf(&text, "finding %s %s nodes=%lld %s",
			      json_string_value(json_object_get(f, "rule")),
			      json_string_value(json_object_get(f, "severity")), nodes, members);
	} else {
		char *trials = fleet_join(json_object_get(f, "trials"), ",");
		char *by = fleet_join(json_object_get(f, "explained_by"), ",");

		rc = asprintf(&text, "trial %s %s msg=%s nodes=%lld %s by=%s",
			      json_string_value(json_object_get(f, "errno")), trials, msg ?: "-",
			      nodes, members, by[0] ? by : "-");
		free(trials);
		free(by);
	}
	ck_assert_int_ge(rc, 0);
	free(members);
	return text;
}

static void check_str(json_t *g, const char *key, const char *want, size_t i)
{
	json_t *v = json_object_get(g, key);

	if (!want) {
		ck_assert_msg(json_is_null(v), "group %zu: %s is not null", i, key);
		return;
	}
	ck_assert_msg(json_is_string(v) && !strcmp(json_string_value(v), want),
		      "group %zu: %s is \"%s\", not \"%s\"", i, key,
		      json_is_string(v) ? json_string_value(v) : "(not a string)", want);
}

static void check_int(json_t *obj, const char *key, long long want, size_t i, const char *what)
{
	json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_integer(v) && json_integer_value(v) == want,
		      "group %zu: %s.%s is %lld, not %lld", i, what, key,
		      json_integer_value(v), want);
}

static void check_counts(json_t *g, const struct fleet_want *w, size_t i)
{
	json_t *m = json_object_get(g, "mechanisms"), *l = json_object_get(g, "likely");
	size_t k, s;

	for (k = 0; k < 5; k++)
		for (s = 0; s < 4; s++)
			check_int(json_object_get(m, mechs[k]), states[s], w->mech[k][s], i, mechs[k]);
	check_int(l, "nodes", w->likely_nodes, i, "likely");
	for (k = 0; k < 3; k++)
		for (s = 0; s < 3; s++)
			check_int(json_object_get(l, likely_keys[k]), answers[s], w->likely[k][s], i,
				  likely_keys[k]);
}

static void check_verdict(json_t *g, const struct fleet_want *w, size_t i)
{
	json_t *v = json_object_get(g, "verdict");

	check_str(v, "value", w->verdict, i);
	check_int(v, "nodes", w->verdict_nodes, i, "verdict");
	ck_assert_msg(json_is_true(json_object_get(v, "unanimous")) == w->unanimous,
		      "group %zu: verdict.unanimous", i);
	ck_assert_msg(json_is_true(json_object_get(v, "majority")) == w->majority,
		      "group %zu: verdict.majority", i);
}

static void check_lists(json_t *g, const struct fleet_want *w, size_t i)
{
	json_t *failures = json_object_get(g, "failures");
	char *s;
	size_t k, n = 0;

	s = member_labels(json_object_get(g, "members"));
	ck_assert_msg(!strcmp(s, w->members), "group %zu: members \"%s\", not \"%s\"", i, s,
		      w->members);
	free(s);
	s = fleet_join(json_object_get(g, "flagged"), " ");
	ck_assert_msg(!strcmp(s, w->flagged), "group %zu: flagged \"%s\", not \"%s\"", i, s,
		      w->flagged);
	free(s);
	while (n < FLEET_MAX_FAILURES && w->failures[n])
		n++;
	ck_assert_msg(json_array_size(failures) == n, "group %zu: %zu failures, not %zu", i,
		      json_array_size(failures), n);
	for (k = 0; k < n; k++) {
		s = failure_text(json_array_get(failures, k));
		ck_assert_msg(!strcmp(s, w->failures[k]), "group %zu failure %zu:\n  is   %s\n  want %s",
			      i, k, s, w->failures[k]);
		free(s);
	}
}

void fleet_check_groups(json_t *groups, const struct fleet_want *want, size_t n)
{
	size_t i;

	ck_assert_int_eq(json_array_size(groups), n);
	for (i = 0; i < n; i++) {
		json_t *g = json_array_get(groups, i);
		const struct fleet_want *w = &want[i];

		check_str(g, "instance_type", w->instance_type, i);
		check_str(g, "kernel", w->kernel, i);
		check_str(g, "driver", w->driver, i);
		check_str(g, "firmware", w->firmware, i);
		check_int(g, "nodes", w->nodes, i, "group");
		check_int(g, "read_only_nodes", w->read_only_nodes, i, "group");
		check_counts(g, w, i);
		check_verdict(g, w, i);
		check_lists(g, w, i);
	}
}
