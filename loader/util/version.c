// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The version string alone in this file: the GNUmakefile passes
 * -DDPLAB_VERSION to it only, so a new commit rebuilds one object.
 */
#include "util/version.h"

#ifndef DPLAB_VERSION
#define DPLAB_VERSION "unknown"
#endif

const char *dplab_version(void)
{
	return DPLAB_VERSION;
}
