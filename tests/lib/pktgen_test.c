// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/pktgen_test.h"
#include "lib/testlib.h"

void pktgen_path(char *buf, size_t len)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", test_dplab_path());
	snprintf(buf, len, "%s/dplab-pktgen", dirname(dir));
}

void pktgen_veth_setup(char ns[TESTNS_NAME], char *pg, size_t len)
{
	ck_assert_msg(!test_needs_root(), "pktgen_veth_setup without need_root() first: %s",
		      test_needs_root());
	pktgen_path(pg, len);
	ck_assert_msg(!access(pg, X_OK), "%s: not built (make builds it)", pg);
	ck_assert_int_eq(testns_create(ns), 0);
	ck_assert_msg(!sh("ip -n %1$s link add name a type veth peer name b && "
			  "ip -n %1$s link set dev a up && ip -n %1$s link set dev b up", ns),
		      "veth pair in %s", ns);
}

json_int_t pktgen_json_int(json_t *o, const char *sect, const char *key)
{
	json_t *v = json_object_get(sect ? json_object_get(o, sect) : o, key);

	ck_assert_msg(json_is_integer(v), "JSON: %s.%s missing or not an integer",
		      sect ? sect : "", key);
	return json_integer_value(v);
}

json_t *pktgen_json_load(const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);

	unlink(path);
	ck_assert_msg(j, "%s: %s (line %d)", path, jerr.text, jerr.line);
	return j;
}

void pktgen_assert_latency(json_t *j, json_int_t count, const char *out)
{
	static const char *const pct[] = { "min", "p50", "p90", "p99", "p99_9", "max" };
	json_int_t v, prev = 0;
	unsigned int i;

	ck_assert_int_eq(pktgen_json_int(j, "latency_ns", "count"), count);
	for (i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		v = pktgen_json_int(j, "latency_ns", pct[i]);
		ck_assert_msg(v > 0 && v >= prev, "latency %s %lld after %lld:\n%s", pct[i],
			      (long long)v, (long long)prev, out);
		prev = v;
	}
}
