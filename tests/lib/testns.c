// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <check.h>

#include "lib/testns.h"
#include "util/netns.h"

/* The runner's pid: forked tests share it through getppid() or getpid(). */
static pid_t runner_pid(void)
{
	static pid_t pid;

	if (!pid)
		pid = getpid();
	return pid;
}

__attribute__((constructor)) static void remember_runner(void)
{
	runner_pid();
}

static int vsh_out(char *buf, size_t len, int merge_stderr, const char *fmt, va_list ap)
{
	char cmd[4096];
	size_t used = 0;
	FILE *p;
	int st;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if (merge_stderr)
		strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (buf && len) {
		while (used + 1 < len) {
			size_t n = fread(buf + used, 1, len - 1 - used, p);

			if (!n)
				break;
			used += n;
		}
		buf[used] = '\0';
	}
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int sh_out(char *buf, size_t len, int merge_stderr, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vsh_out(buf, len, merge_stderr, fmt, ap);
	va_end(ap);
	return rc;
}

int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int testns_create(char name[TESTNS_NAME])
{
	static int n;

	snprintf(name, TESTNS_NAME, "dplabt%d-%d-%d", runner_pid(), getpid(), n++);
	return sh("ip netns add %s", name) ? -1 : 0;
}

void testns_delete(const char *name)
{
	if (name && name[0])
		sh("ip netns del %s 2>/dev/null", name);
}

void testns_remove_leftovers(void)
{
	sh("ip netns list | awk '{print $1}' | grep '^dplabt%d-' | xargs -r -n1 ip netns del",
	   runner_pid());
}

void testns_enter_made(const char *name, const char *err)
{
	int saved, rc;

	ck_assert_msg(!err[0], "%s", err);
	rc = netns_enter(name, &saved);
	ck_assert_msg(!rc, "entering %s: %s", name, strerror(-rc));
	close(saved);
}
