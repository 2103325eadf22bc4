/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fleet fixtures of `dplab fleet-report`: probe documents (schema
 * dplab.probe/1, with the node and platform blocks) built from the facts
 * the rule tests hold (probe_fixture.h), run through probe_diagnose() and
 * probe_to_json().  Committed in tests/data/fleet/ so a reader sees what the
 * probe prints on such nodes; tests/fleet checks they are what this makes
 * (DPLAB_FLEET_REGEN=1 rewrites them after a deliberate change).
 */
#ifndef DPLAB_TESTS_FLEET_FIXTURE_H
#define DPLAB_TESTS_FLEET_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "probe/probe.h"

#define FLEET_FIXTURE_DIR "tests/data/fleet"
#define FLEET_MAX_IFACES 2

struct fleet_fixture {
	const char *file;		/* in FLEET_FIXTURE_DIR */
	const char *node;		/* NULL: an older probe (no node, probe, platform) */
	const char *vendor, *product;	/* DMI */
	const char *hypervisor;		/* "none": bare metal */
	const char *cpu;
	const char *kernel;		/* uname -r */
	bool read_only;
	/* Facts and trials of each interface on a 6.8 kernel; how many. */
	int (*make)(struct probe_result *r);
};

extern const struct fleet_fixture fleet_fixtures[];
extern const size_t fleet_fixtures_n;

/* The probe document of fixture x (caller decrefs). */
json_t *fleet_fixture_doc(const struct fleet_fixture *x);
/* It as the probe prints it: indented by 2, a line break at the end (caller frees). */
char *fleet_fixture_text(const struct fleet_fixture *x);

#endif /* DPLAB_TESTS_FLEET_FIXTURE_H */
