// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "netns.h"

int netns_enter(const char *name, int *saved)
{
	char path[PATH_MAX];
	int fd, err = 0;

	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
out:
	if (err) {
		close(*saved);
		*saved = -1;
	}
	return err;
}

void netns_leave(int saved)
{
	if (saved < 0)
		return;
	setns(saved, CLONE_NEWNET);
	close(saved);
}

bool netns_exists(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	return !access(path, F_OK);
}

int netns_is_current(const char *name)
{
	struct stat named, current;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if (stat(path, &named) || stat("/proc/thread-self/ns/net", &current))
		return -errno;
	return named.st_dev == current.st_dev && named.st_ino == current.st_ino;
}
