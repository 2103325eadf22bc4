// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The diagnosis of `dplab probe`: one table of rules that maps the facts of
 * an interface and the outcomes of the attach trials to findings (the real
 * reason and a concrete fix) and a one-line verdict.  Pure: no I/O.
 *
 * A rule fires when its driver matches (NULL: any) and either
 *  - it explains a failure: a trial in .trials failed with an errno in .err
 *    (any errno when .err is empty), and the kernel's message contains .msg,
 *    or .when is NULL, or .when() holds.  With R_UNEXPLAINED only failures
 *    no earlier rule explained are considered; or
 *  - it holds from the facts alone: .when() holds and no trial in .trials
 *    succeeded (R_NOTE: whatever the trials did; R_FAILURE_ONLY: never).
 * Order matters: driver rules first, then rules of any driver, then the
 * fallback, which quotes every failure nothing else explained.  A rule id
 * gives at most one finding; a second entry with the same id covers another
 * case of the same cause (another kernel, or facts instead of a failure).
 *
 * This file matches rules to a probe's facts and trials; the table and its
 * predicates are in probe_rules_table.c, the texts in probe_rules_text.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netdev.h>

#include "util/log.h"
#include "probe/probe_rules_int.h"

/* ------------------------------------------------------------ matching */

bool pr_err_matches(const struct rule *r, int err)
{
	size_t i;

	if (!r->err[0])
		return true;
	for (i = 0; i < sizeof(r->err) / sizeof(r->err[0]) && r->err[i]; i++)
		if (r->err[i] == err)
			return true;
	return false;
}

/* The failures among CANDIDATES this rule explains. */
static unsigned int explains(const struct ctx *c, const struct rule *r, unsigned int candidates)
{
	unsigned int hit = 0;
	int i;

	for (i = 0; i < TRIAL_COUNT; i++) {
		const struct probe_trial *t = &c->tr->t[i];

		if (!(candidates & r->trials & T(i)) || !pr_err_matches(r, t->err))
			continue;
		if ((r->msg && strcasestr(t->kernel_msg, r->msg)) || !r->when || r->when(c))
			hit |= T(i);
	}
	return hit;
}

static bool from_facts(const struct ctx *c, const struct rule *r)
{
	if (!r->when || (r->flags & R_FAILURE_ONLY))
		return false;
	if (!(r->flags & R_NOTE) && (c->ok & r->trials))
		return false;
	return r->when(c);
}

static bool driver_is(const struct probe_facts *f, const char *driver)
{
	return !driver || !strcmp(f->driver, driver);
}

static bool has_finding(const struct probe_diagnosis *d, const char *id)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].rule, id))
			return true;
	return false;
}

/* Add the finding of rule R for the failures in c->seen (may be none). */
static void add(struct probe_diagnosis *d, const struct rule *r, const struct ctx *c)
{
	char who[PROBE_MSG], msg[PROBE_MSG + 8];
	struct probe_finding *fd;
	int t = pr_first_trial(c->seen);
	size_t n;

	if (d->n >= PROBE_MAX_FINDINGS || (!(r->flags & R_PER_FAILURE) && has_finding(d, r->id)))
		return;
	fd = &d->f[d->n++];
	fd->rule = r->id;
	fd->severity = r->severity;
	pr_expand(fd->reason, sizeof(fd->reason), r->reason, c);
	pr_expand(fd->fix, sizeof(fd->fix), r->fix, c);
	if (t < 0 || (r->flags & R_PER_FAILURE))
		return;
	/* The evidence: which trials the kernel refused, and how. */
	pr_trial_list(who, sizeof(who), c->seen);
	pr_kernel_msg(msg, sizeof(msg), c, t);
	n = strlen(fd->reason);
	pr_put(fd->reason, sizeof(fd->reason), &n, " Seen: %s failed with %s, %s.",
	    who, errno_name(c->tr->t[t].err), msg);
}

/* The fallback: one finding per distinct (errno, message) failure. */
static void add_per_failure(struct probe_diagnosis *d, const struct rule *r,
			    struct ctx *c, unsigned int hit)
{
	while (hit) {
		const struct probe_trial *a = &c->tr->t[pr_first_trial(hit)];
		unsigned int same = 0;
		int i;

		for (i = 0; i < TRIAL_COUNT; i++)
			if ((hit & T(i)) && c->tr->t[i].err == a->err &&
			    !strcmp(c->tr->t[i].kernel_msg, a->kernel_msg))
				same |= T(i);
		c->seen = same;
		add(d, r, c);
		hit &= ~same;
	}
}

/* ------------------------------------------------------------ verdict */

/* "works (bpf_link and netlink)", "works (netlink only)", "fails", ... */
static const char *state(char *buf, size_t size, const struct probe_trials *tr,
			 int a, const char *an, int b, const char *bn)
{
	enum probe_outcome oa = tr->t[a].outcome, ob = tr->t[b].outcome;

	if (oa == OUTCOME_OK && ob == OUTCOME_OK)
		snprintf(buf, size, "works (%s and %s)", an, bn);
	else if (oa == OUTCOME_OK || ob == OUTCOME_OK)
		snprintf(buf, size, "works (%s only)", oa == OUTCOME_OK ? an : bn);
	else if (oa == OUTCOME_FAILED || ob == OUTCOME_FAILED)
		snprintf(buf, size, "fails (see findings)");
	else if (oa == OUTCOME_SKIPPED || ob == OUTCOME_SKIPPED)
		snprintf(buf, size, "not tried (hook in use)");
	else
		snprintf(buf, size, "not tested");
	return buf;
}

static void verdict(struct probe_diagnosis *d, const struct probe_trials *tr, bool trials_run)
{
	char native[64], generic[64], tc[64];
	int i, blocked = 0, warned = 0;
	size_t n = 0;

	if (!trials_run) {
		pr_put(d->verdict, sizeof(d->verdict), &n, "not tested (--read-only); facts show ");
		for (i = 0; i < d->n; i++)
			if (d->f[i].severity == SEV_BLOCK)
				pr_put(d->verdict, sizeof(d->verdict), &n, "%s%s",
				    blocked++ ? ", " : "a blocker: ", d->f[i].rule);
		if (!blocked)
			pr_put(d->verdict, sizeof(d->verdict), &n, "no blocker");
		for (i = 0; i < d->n; i++)
			if (d->f[i].severity == SEV_WARN)
				pr_put(d->verdict, sizeof(d->verdict), &n, "%s%s",
				    warned++ ? ", " : "; warnings: ", d->f[i].rule);
		return;
	}
	state(native, sizeof(native), tr, TRIAL_XDP_NATIVE_LINK, "bpf_link",
	      TRIAL_XDP_NATIVE_NETLINK, "netlink");
	state(generic, sizeof(generic), tr, TRIAL_XDP_GENERIC_LINK, "bpf_link",
	      TRIAL_XDP_GENERIC_NETLINK, "netlink");
	state(tc, sizeof(tc), tr, TRIAL_TC_TCX, "tcx", TRIAL_TC_LEGACY, "legacy");
	if (!strncmp(native, "works", 5))
		snprintf(d->verdict, sizeof(d->verdict), "native XDP %s; tc %s", native, tc);
	else
		snprintf(d->verdict, sizeof(d->verdict), "native XDP %s; generic XDP %s; tc %s",
			 native, generic, tc);
}

void probe_diagnose(const struct probe_facts *f, const struct probe_trials *tr,
		    bool trials_run, struct probe_diagnosis *d)
{
	static const struct probe_trials none;
	struct ctx c = { .f = f, .tr = tr ? tr : &none, .trials_run = trials_run && tr };
	unsigned int explained = 0;
	size_t i;
	int t;

	memset(d, 0, sizeof(*d));
	tr = c.tr;
	trials_run = c.trials_run;
	for (t = 0; trials_run && t < TRIAL_COUNT; t++) {
		if (tr->t[t].outcome == OUTCOME_FAILED)
			c.failed |= T(t);
		else if (tr->t[t].outcome == OUTCOME_OK)
			c.ok |= T(t);
	}
	for (i = 0; i < probe_rules_n; i++) {
		const struct rule *r = &probe_rules[i];
		unsigned int hit;

		if (!driver_is(f, r->driver))
			continue;
		c.seen = 0;
		hit = explains(&c, r, c.failed & ~(r->flags & R_UNEXPLAINED ? explained : 0));
		explained |= hit;
		if (r->flags & R_PER_FAILURE) {
			add_per_failure(d, r, &c, hit);
			continue;
		}
		if (!hit && !from_facts(&c, r))
			continue;
		c.seen = hit;
		add(d, r, &c);
	}
	verdict(d, tr, trials_run);
}

