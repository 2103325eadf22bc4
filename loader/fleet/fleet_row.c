// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet report's reading of one row: fields of the probe's JSON, the
 * group key's order, a trial's outcome.  Below grouping (fleet_group.c)
 * and the verdicts (fleet_verdict.c), which both use it.
 */
#include <string.h>

#include "fleet/fleet_int.h"

const char *fleet_str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

long long fleet_int(json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

/* NULL (unknown) sorts after every name. */
int fleet_cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	return strcmp(a, b);
}

int fleet_key_cmp(const struct fleet_row *a, const struct fleet_row *b)
{
	int c = fleet_cmp_opt(a->instance_type, b->instance_type);

	if (!c)
		c = fleet_cmp_opt(a->kernel, b->kernel);
	if (!c)
		c = fleet_cmp_opt(a->driver, b->driver);
	if (!c)
		c = fleet_cmp_opt(a->firmware, b->firmware);
	return c;
}

enum mstate fleet_trial_state(const struct fleet_row *r, const char *key)
{
	const char *res = fleet_str(json_object_get(r->trials, key), "result");

	if (!r->trials || !res)
		return M_NOT_TRIED;
	if (!strcmp(res, "ok"))
		return M_OK;
	if (!strcmp(res, "failed"))
		return M_FAILED;
	if (!strcmp(res, "skipped"))
		return M_SKIPPED;
	return M_NOT_TRIED;	/* "not_run" */
}
