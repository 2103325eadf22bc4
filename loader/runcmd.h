/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Running the tools a topology is built with (ip) without a shell.  The
 * command is printf-style text split at spaces, so no word may hold one
 * (names and addresses come from the parser, which allows none).  The
 * child starts with no signal blocked, its stdout goes to /dev/null, and
 * it is killed when dplab dies: a SIGKILL during `up` leaves no `ip`
 * running on behind the `down` that follows.
 */
#ifndef DPLAB_LOADER_RUNCMD_H
#define DPLAB_LOADER_RUNCMD_H

#include <stddef.h>

/*
 * 0 when the command exits 0; else -EIO (-errno if it could not be run)
 * with err = "'CMD' failed: <its stderr, lines joined with '; '>".
 */
int runcmd(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* DPLAB_LOADER_RUNCMD_H */
