// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Running iptables-save / iptables-restore / iptables -V inside a network
 * namespace: a child enters the namespace and execs the tool with its
 * stdin, stdout and stderr on memfds, so documents of any size go in and
 * come out without a pipe to keep drained.  A failure before the exec
 * (namespace, redirection, the tool missing) comes back as an errno on a
 * close-on-exec pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cluster/iptables.h"
#include "util/netns.h"

#define RESTORE_WAIT "--wait=10"	/* legacy backend: xtables lock, seconds */

enum child_phase { CHILD_NETNS, CHILD_STDIO, CHILD_EXEC };

static const char *const child_phase_what[] = {
	[CHILD_NETNS] = "entering the namespace",
	[CHILD_STDIO] = "redirecting its input and output",
	[CHILD_EXEC] = "starting it",
};

struct child_failure {
	int phase;
	int err;		/* negative errno */
};

struct tool_result {
	int status;		/* exit status, 128 + signal when killed */
	char *out;		/* stdout, NUL-terminated */
	char *errout;		/* stderr, NUL-terminated */
};

static void tool_result_free(struct tool_result *r)
{
	free(r->out);
	free(r->errout);
	r->out = r->errout = NULL;
}

static __attribute__((noreturn)) void child_exec(const char *ns, const char *const argv[],
						  int in, int out, int errout, int report)
{
	struct child_failure f = { CHILD_NETNS, 0 };
	int saved;

	if (ns)
		f.err = netns_enter(ns, &saved);
	if (!f.err) {
		f.phase = CHILD_STDIO;
		if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
		    dup2(errout, STDERR_FILENO) < 0)
			f.err = -errno;
	}
	if (!f.err) {
		f.phase = CHILD_EXEC;
		execvp(argv[0], (char *const *)argv);
		f.err = -errno;
	}
	if (write(report, &f, sizeof(f)) != sizeof(f))
		_exit(126);
	_exit(127);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0;
}

/* The whole content of a memfd, NUL-terminated; NULL on failure. */
static char *memfd_text(int fd)
{
	struct stat st;
	size_t used = 0;
	char *buf;

	if (fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	if (!buf)
		return NULL;
	while (used < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + used, st.st_size - used, used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return NULL;
		}
		used += n;
	}
	buf[used] = '\0';
	return buf;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Run argv in NS (NULL: here) with INPUT on stdin.  0 (any exit status) or -errno. */
static int tool_run(const char *ns, const char *const argv[], const char *input,
		    size_t input_len, struct tool_result *r, char *err, size_t err_len)
{
	int in, out, errout, report[2] = { -1, -1 }, status, ret;
	struct child_failure f;
	pid_t pid, waited;
	ssize_t got;

	memset(r, 0, sizeof(*r));
	in = memfd_create("dplab-stdin", MFD_CLOEXEC);
	out = memfd_create("dplab-stdout", MFD_CLOEXEC);
	errout = memfd_create("dplab-stderr", MFD_CLOEXEC);
	if (in < 0 || out < 0 || errout < 0 || pipe2(report, O_CLOEXEC)) {
		ret = -errno;
		snprintf(err, err_len, "%s: setting up its input and output: %s", argv[0],
			 strerror(-ret));
		goto out;
	}
	ret = input ? write_all(in, input, input_len) : 0;
	if (ret) {
		snprintf(err, err_len, "%s: writing its input: %s", argv[0], strerror(-ret));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: fork: %s", argv[0], strerror(-ret));
		goto out;
	}
	if (!pid)
		child_exec(ns, argv, in, out, errout, report[1]);
	close_fd(&report[1]);
	do
		got = read(report[0], &f, sizeof(f));
	while (got < 0 && errno == EINTR);
	while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (got == sizeof(f)) {
		ret = f.err;
		snprintf(err, err_len, "%s%s%s: %s: %s", argv[0], ns ? " in namespace " : "",
			 ns ? ns : "", child_phase_what[f.phase], strerror(-ret));
		goto out;
	}
	if (waited < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: waiting for it to finish: %s", argv[0], strerror(-ret));
		goto out;
	}
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->out = memfd_text(out);
	r->errout = memfd_text(errout);
	if (!r->out || !r->errout) {
		ret = -ENOMEM;
		snprintf(err, err_len, "%s: reading its output: %s", argv[0], strerror(ENOMEM));
		tool_result_free(r);
	}
out:
	close_fd(&in);
	close_fd(&out);
	close_fd(&errout);
	close_fd(&report[0]);
	close_fd(&report[1]);
	return ret;
}

/* Line NO (1-based) of DOC into buf, "" if there is none. */
static void doc_line(const char *doc, size_t len, long no, char *buf, size_t buf_len)
{
	const char *p = doc, *end = doc + len, *nl;

	buf[0] = '\0';
	while (--no > 0 && p < end && (nl = memchr(p, '\n', end - p)))
		p = nl + 1;
	if (no || p >= end)
		return;
	nl = memchr(p, '\n', end - p);
	snprintf(buf, buf_len, "%.*s", (int)((nl ? nl : end) - p), p);
}

/*
 * "TOOL in namespace NS: exit status S: <its stderr, lines joined by "; ">"
 * plus the document line it names ("Error occurred at line: N").
 */
static void tool_error(const char *tool, const char *ns, const struct tool_result *r,
		       const char *doc, size_t doc_len, char *err, size_t err_len)
{
	const char *at = strstr(r->errout, "line: ");
	char msg[1024], line[256];
	size_t used = 0;
	char *p, *save;

	msg[0] = '\0';
	for (p = strtok_r(r->errout, "\n", &save); p && used < sizeof(msg) - 1;
	     p = strtok_r(NULL, "\n", &save)) {
		if (!p[0] || !strncmp(p, "Try `", 5) || strstr(p, "line: "))
			continue;
		used += snprintf(msg + used, sizeof(msg) - used, "%s%s", used ? "; " : "", p);
	}
	line[0] = '\0';
	if (at && doc)
		doc_line(doc, doc_len, strtol(at + 6, NULL, 10), line, sizeof(line));
	snprintf(err, err_len, "%s%s%s: exit status %d: %s%s%s%s", tool,
		 ns ? " in namespace " : "", ns ? ns : "", r->status,
		 msg[0] ? msg : "(no message)", line[0] ? "; at document line: \"" : "",
		 line, line[0] ? "\"" : "");
}

const char *iptables_backend(void)
{
	static const char *const argv[] = { "iptables", "-V", NULL };
	static const char *backend;
	struct tool_result r;
	char err[256];

	if (backend)
		return backend;
	if (tool_run(NULL, argv, NULL, 0, &r, err, sizeof(err)))
		return "unknown";
	if (strstr(r.out, "(nf_tables)"))
		backend = "nft";
	else if (strstr(r.out, "(legacy)"))
		backend = "legacy";
	tool_result_free(&r);
	return backend ? backend : "unknown";
}

int iptables_save(const char *ns, const char *table, char **text, char *err, size_t err_len)
{
	const char *const argv[] = { "iptables-save", "-t", table, NULL };
	struct tool_result r;
	int ret;

	*text = NULL;
	ret = tool_run(ns, argv, NULL, 0, &r, err, err_len);
	if (ret)
		return ret;
	if (r.status) {
		tool_error(argv[0], ns, &r, NULL, 0, err, err_len);
		tool_result_free(&r);
		return -EIO;
	}
	*text = r.out;
	free(r.errout);
	return 0;
}

int iptables_restore(const char *ns, const char *doc, size_t len, char *err, size_t err_len)
{
	static const char *const argv[] = { "iptables-restore", RESTORE_WAIT, "--noflush", NULL };
	struct tool_result r;
	int ret;

	ret = tool_run(ns, argv, doc, len, &r, err, err_len);
	if (ret)
		return ret;
	/* Exit status 2: the document (a parameter problem); else resources. */
	if (r.status) {
		tool_error(argv[0], ns, &r, doc, len, err, err_len);
		ret = r.status == 2 ? -EINVAL : -EIO;
	}
	tool_result_free(&r);
	return ret;
}
