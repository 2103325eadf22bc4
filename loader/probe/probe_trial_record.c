// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * How a trial records its outcome (probe_trials.h): ok, failed with an
 * errno, a note.  Below every trial, so the trial files depend on it and
 * not on each other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe_trials.h"

void trial_ok(struct probe_trial *t)
{
	t->outcome = OUTCOME_OK;
	t->err = 0;
}

void trial_failed(struct probe_trial *t, int err)
{
	t->outcome = OUTCOME_FAILED;
	t->err = err < 0 ? -err : err;
}

void trial_note(struct probe_trial *t, const char *fmt, ...)
{
	size_t used = strlen(t->note);
	va_list ap;

	if (used && used + 2 < sizeof(t->note)) {
		memcpy(t->note + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(t->note + used, sizeof(t->note) - used, fmt, ap);
	va_end(ap);
}
