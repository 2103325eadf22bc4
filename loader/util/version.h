/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* dplab's own version, fixed at build time (version.c, GNUmakefile). */
#ifndef DPLAB_LOADER_UTIL_VERSION_H
#define DPLAB_LOADER_UTIL_VERSION_H

/* `git describe --always --dirty` of the tree built, DPLAB_VERSION given
 * to make, or "unknown" (a tree without .git, such as a Docker context). */
const char *dplab_version(void);

#endif /* DPLAB_LOADER_UTIL_VERSION_H */
