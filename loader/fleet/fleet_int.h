/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Inside the fleet report (fleet.h): a row, and the group's verdict part. */
#ifndef DPLAB_LOADER_FLEET_INT_H
#define DPLAB_LOADER_FLEET_INT_H

#include <stddef.h>

#include "fleet/fleet.h"

/* One interface of one node; strings borrowed from the input documents. */
struct fleet_row {
	const char *node, *source, *ifname;
	const char *instance_type, *kernel, *driver, *firmware; /* NULL: unknown */
	const char *verdict;	/* "unknown" when the document has none */
	json_t *iface;		/* the probe's INTERFACE object */
	json_t *trials;		/* NULL: not tried (--read-only, or an older probe) */
};

/* A trial's outcome on a row; the order is the one of preference. */
enum mstate { M_OK, M_FAILED, M_SKIPPED, M_NOT_TRIED };

/* fleet_row.c */
enum mstate fleet_trial_state(const struct fleet_row *r, const char *key);
int fleet_key_cmp(const struct fleet_row *a, const struct fleet_row *b);
/* strcmp, with NULL (unknown) after every name. */
int fleet_cmp_opt(const char *a, const char *b);

/*
 * fleet_verdict.c: adds "verdict", "failures", "members" and "flagged"
 * to the group object G of rows[0..n-1]; 0 or -ENOMEM.
 */
int fleet_verdicts(json_t *g, const struct fleet_row *rows, size_t n);

#endif /* DPLAB_LOADER_FLEET_INT_H */
