/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Shared by the dplab-pktgen integration suites (pktgen_test.c). */
#ifndef DPLAB_TESTS_PKTGEN_TEST_H
#define DPLAB_TESTS_PKTGEN_TEST_H

#include <stddef.h>
#include <jansson.h>

#include "lib/testns.h"

/* build/dplab-pktgen beside $DPLAB (build/dplab). */
void pktgen_path(char *buf, size_t len);
/* Assert the binary is built (path into pg); then a namespace ns with a
 * veth pair a-b, both up.  The test calls need_root() first: a skip in a
 * helper would return from the helper only, and the test would go on. */
void pktgen_veth_setup(char ns[TESTNS_NAME], char *pg, size_t len);
/* o.sect.key (o.key with sect NULL) as an integer; asserts it is one. */
json_int_t pktgen_json_int(json_t *o, const char *sect, const char *key);
/* Parse the JSON file and remove it; asserts it parses. */
json_t *pktgen_json_load(const char *path);
/* Assert latency_ns.count is count and its percentiles are present, > 0 and
 * ordered min <= p50 <= ... <= max; out is quoted on failure. */
void pktgen_assert_latency(json_t *j, json_int_t count, const char *out);

#endif /* DPLAB_TESTS_PKTGEN_TEST_H */
