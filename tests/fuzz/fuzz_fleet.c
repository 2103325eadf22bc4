// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The input of `dplab fleet-report` (fleet_read_buffer(): kubectl streams,
 * prefixes, documents back to back, whatever a pod printed) through the
 * grouping and both text views.  Seeds: fixture documents, a --prefix
 * stream, a cut-short document, a foreign one.
 */
#include "fleet/fleet.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1), *text = NULL;
	struct fleet_input in;
	size_t len = 0;
	json_t *report;
	FILE *out;

	if (!buf || fleet_input_init(&in))
		abort();
	memcpy(buf, data, size);
	fleet_read_buffer(&in, "fuzz", buf, size);
	report = fleet_report(&in);
	if (report) {
		out = open_memstream(&text, &len);
		if (!out)
			abort();
		fleet_write_md(out, report);
		fleet_write_csv(out, report);
		fclose(out);
		free(text);
	}
	json_decref(report);
	fleet_input_free(&in);
	free(buf);
	return 0;
}
