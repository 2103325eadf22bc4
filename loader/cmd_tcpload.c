// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* PLACEHOLDER: dplab tcpload is being written. */
#include <stdio.h>

#include "cli.h"

int cmd_tcpload(int argc, char **argv)
{
	fprintf(stderr, "dplab tcpload: not built yet\n");
	return 1;
}
