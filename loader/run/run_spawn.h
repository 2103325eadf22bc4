/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The processes `dplab run` starts: cluster changes (dplab up/set/down),
 * workloads and their servers, each from an argv built word by word
 * (argv.h: a path with a space stays one argument).  Each child gets a
 * process group of its own, set by the parent and the child both, so the
 * terminal's Ctrl-C reaches only the runner, which decides what to stop;
 * stopping or reaping a child kills what is left of its group, and a
 * child dies with the runner (PR_SET_PDEATHSIG).  Output (stdout and
 * stderr together) is collected into a buffer.
 */
#ifndef DPLAB_LOADER_RUN_SPAWN_H
#define DPLAB_LOADER_RUN_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/argv.h"


struct run_child {
	pid_t pid;
	int out_fd;			/* read end of its stdout+stderr; -1 */
	char *buf;			/* output so far (owned, NUL-terminated) */
	size_t len, cap;
};

/* a->v[0] is run (PATH searched).  0 or -errno (a->err if it has one). */
int run_child_start(struct run_child *c, const struct argv *a);

/*
 * Collect output until the child exits, or it printed `expect` (when not
 * NULL: then the child keeps running), or timeout_s passed, or *stop was
 * set (when stop is not NULL).  The exit status (0..255, 128+signal), 0
 * when expect was seen, -ENODATA when the child exited 0 without printing
 * expect (not ready), -ETIMEDOUT or -EINTR (the child is then killed).
 */
int run_child_wait(struct run_child *c, const char *expect, double timeout_s,
		   volatile sig_atomic_t *stop);

/* SIGTERM, then SIGKILL after 3 s; reaped; output freed. */
void run_child_kill(struct run_child *c);
/* Output freed after a wait that ended with the child's exit. */
void run_child_free(struct run_child *c);

/* The first line of the child's output (its message, or the first of it) into buf. */
const char *run_child_message(const struct run_child *c, char *buf, size_t len);

/*
 * Why run_child_wait() for expect returned ret: "exited without printing
 * 'EXPECT': <its first line>", strerror, or the child's first line.
 */
const char *run_child_why(const struct run_child *c, int ret, const char *expect, char *buf,
			  size_t len);

/* Seconds on CLOCK_MONOTONIC: deadlines and elapsed times of the run. */
double run_now_s(void);

/* Start, wait (no expect), and return run_child_wait's value; output in c. */
int run_child_run(struct run_child *c, double timeout_s, volatile sig_atomic_t *stop,
		  const struct argv *a);

#endif /* DPLAB_LOADER_RUN_SPAWN_H */
