// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A group's verdict (the most common of its rows', with the count), its
 * distinct failures (a failed trial's errno and kernel message, or a
 * finding's rule and reason, with how many rows show it and the fix) and
 * the rows that disagree with the rest: a verdict other than the group's
 * majority, or a failure that only this row, or fewer than half of the
 * rows, show.  A tie has no majority, so no row is flagged for its verdict.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet_int.h"

/* The probe's trial keys (docs/probe-json.md), in its order. */
static const char *const trial_keys[] = {
	"xdp_native_link", "xdp_native_netlink", "xdp_generic_link", "xdp_generic_netlink",
	"xdp_libxdp_native", "tc_tcx", "tc_legacy",
};
#define N_TRIALS (sizeof(trial_keys) / sizeof(trial_keys[0]))

struct failure {
	bool finding;			/* else a failed trial */
	const char *err, *msg;		/* trial: errno name, kernel message (NULL: none) */
	const char *rule, *severity, *reason, *fix;	/* finding */
	unsigned int trials;		/* trial: bit i = trial_keys[i] failed so */
	int nodes, order;
	bool *on;			/* rows showing it */
};

struct tally {
	const struct fleet_row *rows;
	size_t n;
	char **labels;			/* node, or node/ifname when the node has two rows */
	struct failure *f;
	size_t n_f, cap;
};

/* The same finding (rule, reason), or the same trial failure (errno, message). */
static bool same_failure(const struct failure *f, const struct failure *key)
{
	if (f->finding != key->finding)
		return false;
	if (key->finding)
		return !fleet_cmp_opt(f->rule, key->rule) && !fleet_cmp_opt(f->reason, key->reason);
	return !fleet_cmp_opt(f->err, key->err) && !fleet_cmp_opt(f->msg, key->msg);
}

static struct failure *find_or_add(struct tally *t, const struct failure *key)
{
	struct failure *f;
	size_t i;

	for (i = 0; i < t->n_f; i++) {
		f = &t->f[i];
		if (same_failure(f, key))
			return f;
	}
	if (t->n_f == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct failure *more = realloc(t->f, cap * sizeof(*more));

		if (!more)
			return NULL;
		t->f = more;
		t->cap = cap;
	}
	f = &t->f[t->n_f];
	*f = *key;
	f->order = (int)t->n_f;
	f->on = calloc(t->n, sizeof(bool));
	if (!f->on)
		return NULL;
	t->n_f++;
	return f;
}

static int mark(struct tally *t, const struct failure *key, size_t row, unsigned int trials)
{
	struct failure *f = find_or_add(t, key);

	if (!f)
		return -ENOMEM;
	f->trials |= trials;
	if (!f->on[row]) {
		f->on[row] = true;
		f->nodes++;
	}
	return 0;
}

static bool counts_as_failure(const char *severity)
{
	return severity && (!strcmp(severity, "block") || !strcmp(severity, "warn"));
}

/* The failed trials and the block/warn findings of row i. */
static int collect(struct tally *t, size_t i)
{
	const struct fleet_row *r = &t->rows[i];
	json_t *x;
	size_t k;

	for (k = 0; k < N_TRIALS; k++) {
		struct failure key = { 0 };

		if (fleet_trial_state(r, trial_keys[k]) != M_FAILED)
			continue;
		x = json_object_get(r->trials, trial_keys[k]);
		key.err = fleet_str(x, "errno") ?: "?";
		key.msg = fleet_str(x, "kernel_message");
		if (mark(t, &key, i, 1u << k))
			return -ENOMEM;
	}
	json_array_foreach(json_object_get(r->iface, "findings"), k, x) {
		struct failure key = { .finding = true };

		key.rule = fleet_str(x, "rule") ?: "?";
		key.severity = fleet_str(x, "severity");
		key.reason = fleet_str(x, "reason");
		key.fix = fleet_str(x, "fix");
		if (counts_as_failure(key.severity) && mark(t, &key, i, 0))
			return -ENOMEM;
	}
	return 0;
}

static bool quotes(json_t *finding, const char *err)
{
	const char *reason = fleet_str(finding, "reason");
	char needle[64];

	snprintf(needle, sizeof(needle), "failed with %s", err);
	return reason && counts_as_failure(fleet_str(finding, "severity")) &&
	       strstr(reason, needle);
}

/* A finding of row r that quotes a failure with errno err as its evidence. */
static bool row_explains(const struct fleet_row *r, const char *rule, const char *err)
{
	json_t *x;
	size_t k;

	json_array_foreach(json_object_get(r->iface, "findings"), k, x)
		if (!fleet_cmp_opt(fleet_str(x, "rule"), rule) && quotes(x, err))
			return true;
	return false;
}

/*
 * The probe explains every failed trial by a finding whose reason quotes
 * the failure ("... failed with EINVAL, ..."): those every row showing
 * failure f has are its explanation, their fixes its fix (NULL when none).
 */
static json_t *explained_by(const struct tally *t, const struct failure *f, json_t **fix)
{
	json_t *rules = json_array(), *x;
	char *text = NULL;
	size_t first, i, k;

	*fix = json_null();
	for (first = 0; first < t->n && !f->on[first]; first++)
		;
	json_array_foreach(json_object_get(t->rows[first].iface, "findings"), k, x) {
		const char *rule = fleet_str(x, "rule"), *fx = fleet_str(x, "fix");
		bool all = rule && quotes(x, f->err);

		for (i = first + 1; all && i < t->n; i++)
			all = !f->on[i] || row_explains(&t->rows[i], rule, f->err);
		if (!all)
			continue;
		json_array_append_new(rules, json_string(rule));
		if (fx && fx[0]) {
			char *joined = NULL;

			if (asprintf(&joined, "%s%s%s", text ?: "", text ? "; " : "", fx) < 0)
				joined = NULL;
			free(text);
			text = joined;
		}
	}
	if (text) {
		json_decref(*fix);
		*fix = json_string(text);
		free(text);
	}
	return rules;
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *failure_json(const struct tally *t, const struct failure *f)
{
	json_t *trials = json_null(), *explained = json_null(), *fix, *members = json_array();
	size_t i;

	if (!f->finding) {
		trials = json_array();
		for (i = 0; i < N_TRIALS; i++)
			if (f->trials & (1u << i))
				json_array_append_new(trials, json_string(trial_keys[i]));
		explained = explained_by(t, f, &fix);
	} else {
		fix = opt_str(f->fix);
	}
	for (i = 0; i < t->n; i++)
		if (f->on[i])
			json_array_append_new(members, json_string(t->labels[i]));
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o}",
			 "kind", f->finding ? "finding" : "trial", "trials", trials,
			 "errno", f->finding ? json_null() : opt_str(f->err),
			 "kernel_message", f->finding ? json_null() : opt_str(f->msg),
			 "rule", f->finding ? opt_str(f->rule) : json_null(),
			 "severity", f->finding ? opt_str(f->severity) : json_null(),
			 "reason", f->finding ? opt_str(f->reason) : json_null(),
			 "explained_by", explained, "fix", fix, "nodes", f->nodes,
			 "members", members);
}

/* Most rows first; among equals, the order they were met in. */
static int by_nodes(const void *pa, const void *pb)
{
	const struct failure *a = pa, *b = pb;

	return a->nodes != b->nodes ? b->nodes - a->nodes : a->order - b->order;
}

/* ------------------------------------------------------------ verdict */

struct vcount {
	const char *value;
	int nodes;
};

static int by_count(const void *pa, const void *pb)
{
	const struct vcount *a = pa, *b = pb;

	return a->nodes != b->nodes ? b->nodes - a->nodes : strcmp(a->value, b->value);
}

/* The group's verdict object; *top the most common, *majority if held by more than half. */
static json_t *verdict_json(const struct tally *t, const char **top, bool *majority)
{
	struct vcount *v = calloc(t->n, sizeof(*v));
	json_t *all = json_array(), *obj;
	size_t i, k, nv = 0;

	if (!v)
		return NULL;
	for (i = 0; i < t->n; i++) {
		for (k = 0; k < nv && strcmp(v[k].value, t->rows[i].verdict); k++)
			;
		if (k == nv)
			v[nv++].value = t->rows[i].verdict;
		v[k].nodes++;
	}
	qsort(v, nv, sizeof(*v), by_count);
	for (k = 0; k < nv; k++)
		json_array_append_new(all, json_pack("{s:s,s:i}", "value", v[k].value,
						     "nodes", v[k].nodes));
	*top = v[0].value;
	*majority = 2 * (size_t)v[0].nodes > t->n;
	obj = json_pack("{s:s,s:i,s:b,s:b,s:o}", "value", v[0].value, "nodes", v[0].nodes,
			"unanimous", (size_t)v[0].nodes == t->n, "majority", *majority,
			"all", all);
	free(v);
	return obj;
}

/* ------------------------------------------------------------ flags */

static void failure_label(const struct failure *f, char *buf, size_t len)
{
	size_t i, n;

	if (f->finding) {
		snprintf(buf, len, "%s (%s)", f->rule, f->severity ?: "?");
		return;
	}
	n = (size_t)snprintf(buf, len, "%s on", f->err);
	for (i = 0; i < N_TRIALS && n < len; i++)
		if (f->trials & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, " %s", trial_keys[i]);
}

/* Why row i disagrees with its group (an empty array when it does not). */
static json_t *flags_of(const struct tally *t, size_t i, const char *top, bool majority)
{
	json_t *why = json_array();
	char buf[512], label[256];
	size_t k;

	if (majority && strcmp(t->rows[i].verdict, top)) {
		snprintf(buf, sizeof(buf), "verdict differs from the group's: %s",
			 t->rows[i].verdict);
		json_array_append_new(why, json_string(buf));
	}
	for (k = 0; t->n > 1 && k < t->n_f; k++) {
		const struct failure *f = &t->f[k];

		if (!f->on[i] || (f->nodes > 1 && 2 * (size_t)f->nodes >= t->n))
			continue;
		failure_label(f, label, sizeof(label));
		snprintf(buf, sizeof(buf), "a failure only %d of %zu show: %s", f->nodes, t->n,
			 label);
		json_array_append_new(why, json_string(buf));
	}
	return why;
}

static json_t *member_json(const struct tally *t, size_t i, json_t *flags)
{
	const struct fleet_row *r = &t->rows[i];

	return json_pack("{s:s,s:s,s:o,s:s,s:b,s:s,s:o}", "label", t->labels[i],
			 "node", r->node, "ifname", opt_str(r->ifname), "source", r->source,
			 "read_only", !r->trials, "verdict", r->verdict, "flags", flags);
}

static int make_labels(struct tally *t)
{
	size_t i, k;

	t->labels = calloc(t->n, sizeof(char *));
	if (!t->labels)
		return -ENOMEM;
	for (i = 0; i < t->n; i++) {
		bool twice = false;

		for (k = 0; k < t->n; k++)
			twice |= k != i && !strcmp(t->rows[k].node, t->rows[i].node);
		if (asprintf(&t->labels[i], "%s%s%s", t->rows[i].node, twice ? "/" : "",
			     twice && t->rows[i].ifname ? t->rows[i].ifname : "") < 0) {
			t->labels[i] = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static void tally_free(struct tally *t)
{
	size_t i;

	for (i = 0; t->labels && i < t->n; i++)
		free(t->labels[i]);
	free(t->labels);
	for (i = 0; i < t->n_f; i++)
		free(t->f[i].on);
	free(t->f);
}

static int fill_group(json_t *g, struct tally *t)
{
	json_t *failures, *members, *flagged, *verdict;
	const char *top;
	bool majority;
	size_t i;

	verdict = verdict_json(t, &top, &majority);
	if (!verdict)
		return -ENOMEM;
	json_object_set_new(g, "verdict", verdict);
	failures = json_array();
	members = json_array();
	flagged = json_array();
	for (i = 0; i < t->n_f; i++)
		json_array_append_new(failures, failure_json(t, &t->f[i]));
	for (i = 0; i < t->n; i++) {
		json_t *why = flags_of(t, i, top, majority);

		if (json_array_size(why))
			json_array_append_new(flagged, json_string(t->labels[i]));
		json_array_append_new(members, member_json(t, i, why));
	}
	json_object_set_new(g, "failures", failures);
	json_object_set_new(g, "members", members);
	json_object_set_new(g, "flagged", flagged);
	return failures && members && flagged ? 0 : -ENOMEM;
}

int fleet_verdicts(json_t *g, const struct fleet_row *rows, size_t n)
{
	struct tally t = { .rows = rows, .n = n };
	size_t i;
	int ret;

	ret = make_labels(&t);
	for (i = 0; !ret && i < n; i++)
		ret = collect(&t, i);
	if (!ret && t.n_f)	/* t.f is NULL when no row failed: not for qsort() */
		qsort(t.f, t.n_f, sizeof(*t.f), by_nodes);
	if (!ret)
		ret = fill_group(g, &t);
	tally_free(&t);
	return ret;
}
