// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Children of `dplab run`: start, collect output, wait, stop (run_spawn.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "run/run_spawn.h"
#include "util/runcmd.h"

double run_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int run_child_start(struct run_child *c, const struct argv *a)
{
	pid_t parent = getpid();
	int pipefd[2];

	memset(c, 0, sizeof(*c));
	c->out_fd = -1;
	if (argv_error(a))
		return a->err ? a->err : -EINVAL;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (!c->pid) {
		setpgid(0, 0);
		runcmd_exec(a->v, pipefd[1], pipefd[1], parent);
	}
	/*
	 * Its own process group, set here too: the terminal's Ctrl-C reaches
	 * the runner only, and a kill of the group right after fork cannot
	 * come before the child's own setpgid.
	 */
	setpgid(c->pid, c->pid);
	close(pipefd[1]);
	c->out_fd = pipefd[0];
	fcntl(c->out_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Read what is there: 1 data, 0 end of output, -1 nothing now. */
static int collect(struct run_child *c)
{
	char chunk[4096];
	ssize_t n = read(c->out_fd, chunk, sizeof(chunk));
	char *grown;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? -1 : 0;
	if (n == 0)
		return 0;
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 8192;

		while (cap < c->len + n + 1)
			cap *= 2;
		grown = realloc(c->buf, cap);
		if (!grown)
			return 1;	/* keep the child running; drop output */
		c->buf = grown;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, chunk, n);
	c->len += n;
	c->buf[c->len] = 0;
	return 1;
}

/*
 * Kill what is left of the child's process group, then reap the child.
 * The leader is waited for without reaping (WNOWAIT) first: while it is a
 * zombie its pid cannot be reused, so the group signal reaches only its
 * own processes - also those that outlived it.
 */
static int reap(struct run_child *c, bool block)
{
	siginfo_t si = { 0 };
	int status;

	if (c->pid <= 0)
		return -ECHILD;
	while (waitid(P_PID, c->pid, &si, WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) < 0)
		if (errno != EINTR)
			return -errno;
	if (!si.si_pid)
		return -EAGAIN;		/* still running */
	kill(-c->pid, SIGKILL);
	while (waitpid(c->pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	c->pid = 0;
	if (c->out_fd >= 0)
		close(c->out_fd);
	c->out_fd = -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Stop the child's whole process group: SIGTERM, up to 3 s, SIGKILL; reap. */
static void terminate(struct run_child *c)
{
	double end = run_now_s() + 3;	/* dplab-pktgen drains its queues on the way out */

	if (c->pid <= 0)
		return;
	kill(-c->pid, SIGTERM);
	kill(c->pid, SIGTERM);
	while (run_now_s() < end && reap(c, false) == -EAGAIN)
		usleep(10000);
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);
	}
	if (c->out_fd >= 0)
		while (collect(c) > 0 && c->len < (1 << 20))
			;
	if (c->pid > 0)
		reap(c, true);
	if (c->out_fd >= 0)
		close(c->out_fd);
	c->out_fd = -1;
}

int run_child_wait(struct run_child *c, const char *expect, double timeout_s,
		   volatile sig_atomic_t *stop)
{
	double end = run_now_s() + timeout_s;
	struct pollfd pfd = { .fd = c->out_fd, .events = POLLIN };
	bool open = c->out_fd >= 0;
	int status;

	while (open) {
		if (stop && *stop) {
			terminate(c);
			return -EINTR;
		}
		if (run_now_s() > end) {
			terminate(c);
			return -ETIMEDOUT;
		}
		if (poll(&pfd, 1, 100) > 0)
			open = collect(c) != 0;
		if (expect && c->buf && strstr(c->buf, expect))
			return 0;
	}
	status = reap(c, true);
	/* Ready means it said so: an exit, even 0, without the line is not. */
	return expect && !status ? -ENODATA : status;
}

void run_child_free(struct run_child *c)
{
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

void run_child_kill(struct run_child *c)
{
	terminate(c);
	run_child_free(c);
}

int run_child_run(struct run_child *c, double timeout_s, volatile sig_atomic_t *stop,
		  const struct argv *a)
{
	int err = run_child_start(c, a);

	return err ? err : run_child_wait(c, NULL, timeout_s, stop);
}

const char *run_child_message(const struct run_child *c, char *buf, size_t len)
{
	const char *s = c->buf ? c->buf : "";

	while (*s == '\n' || *s == ' ')
		s++;
	snprintf(buf, len, "%.*s", (int)strcspn(s, "\n"), s);
	return buf;
}

const char *run_child_why(const struct run_child *c, int ret, const char *expect, char *buf,
			  size_t len)
{
	char line[256];

	if (ret == -ENODATA)
		snprintf(buf, len, "exited without printing '%s'%s%s", expect,
			 c->len ? ": " : "", run_child_message(c, line, sizeof(line)));
	else if (ret < 0)
		snprintf(buf, len, "%s", strerror(-ret));
	else
		run_child_message(c, buf, len);
	return buf;
}
