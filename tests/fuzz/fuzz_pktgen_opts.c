// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's command line (pg_opts_parse and the search bounds): the
 * input split at NUL bytes into arguments after argv[0].  Seeds: the
 * command lines `dplab run` and the pktgen suites use, and refused ones.
 */
#include <getopt.h>

#include "cli.h"
#include "fuzz/fuzz.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *argv[MAX_ARGS + 2] = { "dplab-pktgen" };
	int argc = 1;
	size_t i = 0;
	struct pg_opts o;

	while (i < size && argc <= MAX_ARGS) {
		argv[argc++] = text + i;
		i += strlen(text + i) + 1;
	}
	argv[argc] = NULL;
	optind = 0;	/* getopt starts over */
	if (!pg_opts_parse(argc, argv, &o))
		pg_opts_search_bounds(&o);
	free(text);
	return 0;
}
