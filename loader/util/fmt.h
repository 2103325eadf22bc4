/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Text printed into a fixed buffer when a cut would change what it names:
 * paths, pins, state files, configuration and chain names (fmt.c).
 */
#ifndef DPLAB_LOADER_FMT_H
#define DPLAB_LOADER_FMT_H

#include <stddef.h>

/*
 * The whole text or nothing: 0, or -ENAMETOOLONG when it would not fit -
 * then buf is "" (an open of it fails with ENOENT), so a cut path never
 * reaches another file and a cut name never matches another one.
 */
int fmt_fit(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif /* DPLAB_LOADER_FMT_H */
