// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* PLACEHOLDER: dplab compare is being written. */
#include <stdio.h>

#include "cli.h"

int cmd_compare(int argc, char **argv)
{
	fprintf(stderr, "dplab compare: not built yet\n");
	return 1;
}
