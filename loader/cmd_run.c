// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* PLACEHOLDER: dplab run is being written. */
#include <stdio.h>

#include "cli.h"

int cmd_run(int argc, char **argv)
{
	fprintf(stderr, "dplab run: not built yet\n");
	return 1;
}
