/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Running the tools a topology is built with (ip) without a shell.  The
 * command is printf-style text whose words are the format's, at its spaces
 * (argv_words): a value holding a space or an empty one is refused, never
 * split.  The child starts with no signal blocked, its stdout goes to
 * /dev/null, and it is killed when dplab dies: a SIGKILL during `up`
 * leaves no `ip` running on behind the `down` that follows.
 */
#ifndef DPLAB_LOADER_RUNCMD_H
#define DPLAB_LOADER_RUNCMD_H

#include <stddef.h>
#include <sys/types.h>

#include "util/argv.h"

/*
 * 0 when the command exits 0; else -EIO (-errno if it could not be run)
 * with err = "'CMD' failed: <its stderr, lines joined with '; '>".
 */
int runcmd(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same for an argv built by the caller (argv.h). */
int runcmd_argv(char *err, size_t err_len, const struct argv *a);

/*
 * In a child just forked from parent: die with the parent, unblock every
 * signal, read /dev/null, write stdout to out_fd (-1: /dev/null) and
 * stderr to err_fd, and exec argv (run_spawn.c runs its children so).
 */
void runcmd_exec(char *const *argv, int out_fd, int err_fd, pid_t parent)
	__attribute__((noreturn));

#endif /* DPLAB_LOADER_RUNCMD_H */
