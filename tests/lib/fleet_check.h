/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * For the fleet-report tests (tests/fleet/): run the built `dplab
 * fleet-report` ($DPLAB) and check a report's groups against a table of
 * expected cells, one row per group.
 */
#ifndef DPLAB_TESTS_FLEET_CHECK_H
#define DPLAB_TESTS_FLEET_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define FLEET_MAX_FAILURES 8

/* Counts per mechanism, in the report's order (xdp_native_link,
 * xdp_native_netlink, xdp_generic, tc_tcx, tc_legacy). */
enum { FW_OK, FW_FAILED, FW_SKIPPED, FW_NOT_TRIED };
/* Likely (inferred) xdp_native, xdp_link, tcx: yes, no, unknown. */

struct fleet_want {
	const char *instance_type, *kernel, *driver, *firmware;	/* NULL: null */
	int nodes, read_only_nodes;
	int mech[5][4];
	int likely_nodes;
	int likely[3][3];
	const char *verdict;
	int verdict_nodes;
	bool unanimous, majority;
	const char *members;	/* labels, blank-separated */
	const char *flagged;	/* labels, blank-separated, "" for none */
	/*
	 * In order: "finding RULE SEVERITY nodes=N LABEL,..." or
	 * "trial ERRNO TRIAL,... msg=MESSAGE|- nodes=N LABEL,... by=RULE,...|-".
	 */
	const char *failures[FLEET_MAX_FAILURES];
};

/* $DPLAB, or a skip of the running test when it is not built. */
#define need_dplab()                                                          \
	do {                                                                  \
		if (access(test_dplab_path(), X_OK))                         \
			test_skip("%s is not built (set DPLAB)",             \
				  test_dplab_path());                         \
	} while (0)

/* `dplab fleet-report --format json ARGS`: exits 0, its document (caller decrefs). */
json_t *fleet_run_json(const char *args_fmt, ...) __attribute__((format(printf, 1, 2)));
/* PRODUCER's output piped into `dplab fleet-report --format json` (stderr dropped). */
json_t *fleet_run_json_stdin(const char *producer_fmt, ...) __attribute__((format(printf, 1, 2)));

/* Every cell of every group against want[0..n-1]. */
void fleet_check_groups(json_t *groups, const struct fleet_want *want, size_t n);

/* "a b c" from a JSON array of strings (caller frees). */
char *fleet_join(json_t *arr, const char *sep);

#endif /* DPLAB_TESTS_FLEET_CHECK_H */
