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
#include <sys/types.h>

/*
 * 0 when the command exits 0; else -EIO (-errno if it could not be run)
 * with err = "'CMD' failed: <its stderr, lines joined with '; '>".
 */
int runcmd(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The parts, for callers that run commands their own way (run_spawn.c):
 * split text at spaces into argv, NULL-terminated, at most max - 1 words
 * (the count, or -E2BIG); and, in a child just forked from parent, die
 * with the parent, unblock every signal, read /dev/null, write stdout to
 * out_fd (-1: /dev/null) and stderr to err_fd, and exec argv.
 */
int runcmd_words(char *text, char **argv, int max);
void runcmd_exec(char **argv, int out_fd, int err_fd, pid_t parent)
	__attribute__((noreturn));

#endif /* DPLAB_LOADER_RUNCMD_H */
