// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "util/log.h"
#include "util/runcmd.h"

#define RUNCMD_LEN 1024
#define RUNCMD_OUT 512

void runcmd_exec(char *const *argv, int out_fd, int err_fd, pid_t parent)
{
	sigset_t none;
	int nul;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, STDIN_FILENO);
		dup2(nul, STDOUT_FILENO);
	}
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s", argv[0], strerror(errno));
	_exit(127);
}

/* Read the child's stderr to EOF; keep what fits, newlines as "; ". */
static void collect(int fd, char *out, size_t len)
{
	size_t used = 0;
	char buf[256];
	ssize_t n, i;

	out[0] = '\0';
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (i = 0; i < n && used + 3 < len; i++) {
			if (buf[i] != '\n') {
				out[used++] = buf[i];
			} else if (i + 1 < n || used) {
				out[used++] = ';';
				out[used++] = ' ';
			}
		}
	}
	while (used && (out[used - 1] == ' ' || out[used - 1] == ';'))
		used--;
	out[used] = '\0';
}

/* Say why a cannot be run, naming what it was built from; -errno. */
static int bad_argv(const struct argv *a, const char *what, char *err, size_t err_len)
{
	snprintf(err, err_len, "'%s': %s", what, argv_error(a));
	return a->err ? a->err : -EINVAL;
}

int runcmd_argv(char *err, size_t err_len, const struct argv *a)
{
	char cmd[RUNCMD_LEN], out[RUNCMD_OUT];
	pid_t parent = getpid(), pid;
	int pipefd[2], status, ret = 0;

	if (argv_error(a))
		return bad_argv(a, a->n ? a->v[0] : "", err, err_len);
	argv_text(a, cmd, sizeof(cmd));
	log_info("run: %s\n", cmd);
	if (pipe2(pipefd, O_CLOEXEC)) {
		ret = -errno;
		snprintf(err, err_len, "'%s': pipe: %s", cmd, strerror(errno));
		return ret;
	}
	pid = fork();
	if (pid == 0)
		runcmd_exec(a->v, -1, pipefd[1], parent);
	close(pipefd[1]);
	if (pid < 0) {
		ret = -errno;
		snprintf(err, err_len, "'%s': fork: %s", cmd, strerror(errno));
		goto out;
	}
	collect(pipefd[0], out, sizeof(out));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			snprintf(err, err_len, "'%s': waitpid: %s", cmd, strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		goto out;
	ret = -EIO;
	if (WIFSIGNALED(status))
		snprintf(err, err_len, "'%s' killed by signal %d (%s)", cmd, WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(err, err_len, "'%s' failed (exit %d): %s", cmd, WEXITSTATUS(status),
			 out[0] ? out : "no message");
out:
	close(pipefd[0]);
	return ret;
}

int runcmd(char *err, size_t err_len, const char *fmt, ...)
{
	struct argv a;
	va_list ap;

	argv_init(&a);
	va_start(ap, fmt);
	argv_vwords(&a, fmt, ap);
	va_end(ap);
	if (a.err)
		return bad_argv(&a, fmt, err, err_len);
	return runcmd_argv(err, err_len, &a);
}
