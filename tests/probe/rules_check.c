// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Assertions of the probe's rule tests on a diagnosis (rules_check.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/rules_check.h"

/* How findings name a trial: "<family> via <mechanism>[, <mechanism>...]". */
static const char *const trial_family[TRIAL_COUNT] = {
	[TRIAL_XDP_NATIVE_LINK] = "native XDP",
	[TRIAL_XDP_NATIVE_NETLINK] = "native XDP",
	[TRIAL_XDP_GENERIC_LINK] = "generic XDP",
	[TRIAL_XDP_GENERIC_NETLINK] = "generic XDP",
	[TRIAL_XDP_LIBXDP_NATIVE] = "native XDP",
	[TRIAL_TC_TCX] = "tc",
	[TRIAL_TC_LEGACY] = "tc",
};
static const char *const trial_mech[TRIAL_COUNT] = {
	[TRIAL_XDP_NATIVE_LINK] = "bpf_link",
	[TRIAL_XDP_NATIVE_NETLINK] = "netlink",
	[TRIAL_XDP_GENERIC_LINK] = "bpf_link",
	[TRIAL_XDP_GENERIC_NETLINK] = "netlink",
	[TRIAL_XDP_LIBXDP_NATIVE] = "libxdp",
	[TRIAL_TC_TCX] = "tcx",
	[TRIAL_TC_LEGACY] = "clsact",
};

/* REASON names trial T: its mechanism in a list after "<family> via ". */
static bool names_trial(const char *reason, int t)
{
	size_t mlen = strlen(trial_mech[t]);
	const char *p = reason;
	char head[32];

	snprintf(head, sizeof(head), "%s via ", trial_family[t]);
	while ((p = strstr(p, head))) {
		const char *end, *failed;

		p += strlen(head);
		end = p + strcspn(p, ";.");
		failed = strstr(p, " failed");
		if (failed && failed < end)
			end = failed;
		while (p < end) {
			size_t len = strcspn(p, ",");

			if (p + len > end)
				len = end - p;
			if (len == mlen && !memcmp(p, trial_mech[t], len))
				return true;
			p += len;
			while (p < end && (*p == ',' || *p == ' '))
				p++;
		}
	}
	return false;
}

const struct probe_finding *find(const struct probe_diagnosis *d, const char *rule)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].rule, rule))
			return &d->f[i];
	return NULL;
}

int count(const struct probe_diagnosis *d, enum probe_severity sev)
{
	int i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->f[i].severity == sev;
	return n;
}

/* The diagnosis, on failure or with DPLAB_TEST_VERBOSE set. */
void dump(const struct probe_diagnosis *d)
{
	int i;

	printf("  verdict: %s\n", d->verdict);
	for (i = 0; i < d->n; i++)
		printf("  [%d] %s: %s\n      fix: %s\n", d->f[i].severity, d->f[i].rule,
		       d->f[i].reason, d->f[i].fix);
}

void show(const struct probe_diagnosis *d)
{
	if (getenv("DPLAB_TEST_VERBOSE"))
		dump(d);
}

/* Every failed trial is named by some finding, never as a lack of bpf_link. */
void all_explained(const struct probe_trials *tr, const struct probe_diagnosis *d)
{
	int i, j;

	ck_assert_int_le(d->n, PROBE_MAX_FINDINGS);
	for (j = 0; j < d->n; j++)
		lacks(d->f[j].reason, "bpf_link support");
	for (i = 0; i < TRIAL_COUNT; i++) {
		bool named = false;

		if (tr->t[i].outcome != OUTCOME_FAILED)
			continue;
		for (j = 0; j < d->n && !named; j++)
			named = names_trial(d->f[j].reason, i);
		if (!named)
			dump(d);
		ck_assert_msg(named, "failure of %s via %s left unexplained",
			      trial_family[i], trial_mech[i]);
	}
}
