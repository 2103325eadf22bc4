// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib/testcg.h"

#define ROOT_LEN 256

/* The runner's pid, taken before Check forks the tests (as testns.c does). */
static pid_t runner;

__attribute__((constructor)) static void remember_runner(void)
{
	runner = getpid();
}

const char *testcg_root(void)
{
	static char root[ROOT_LEN];
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;

	root[0] = '\0';
	while (f && !root[0] && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2") &&
		    snprintf(root, sizeof(root), "%s", m->mnt_dir) >= (int)sizeof(root))
			root[0] = '\0';
	if (f)
		endmntent(f);
	return root[0] ? root : NULL;
}

static int write_pid(const char *procs)
{
	FILE *f = fopen(procs, "w");

	if (!f)
		return -errno;
	fprintf(f, "%d\n", getpid());
	return fclose(f) ? -errno : 0;
}

/* Test cgroups of runners that are gone (a crash, a kill). */
static void remove_stale(const char *root)
{
	char path[ROOT_LEN + 256];
	struct dirent *d;
	DIR *dir = opendir(root);
	int pid;

	while (dir && (d = readdir(dir))) {
		if (sscanf(d->d_name, "dplabt-%d-", &pid) != 1 || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, d->d_name);
		rmdir(path);
	}
	if (dir)
		closedir(dir);
}

/*
 * Fork the helper that removes the directory once the test process is
 * gone.  It leaves the test's process group, which Check kills when the
 * test ends, and keeps none of the test's files open.
 */
static int start_reaper(struct testcg *cg)
{
	int p[2], nul, i;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -EAGAIN;
	}
	if (pid == 0) {
		setpgid(0, 0);
		nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		dup2(p[0], 3);
		close_range(4, ~0U, 0);
		while (read(3, &c, 1) > 0)
			;
		/* EOF can come before the exiting process has left the cgroup. */
		for (i = 0; i < 50 && rmdir(cg->path) && errno == EBUSY; i++)
			usleep(100 * 1000);
		_exit(0);
	}
	setpgid(pid, pid);
	close(p[0]);
	cg->reaper_fd = p[1];
	return 0;
}

/* Where the calling process is: "0::<path>" in /proc/self/cgroup. */
static int find_home(struct testcg *cg, const char *root)
{
	char line[PATH_MAX];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int err = -ENOENT;

	while (f && err && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		err = snprintf(cg->home, sizeof(cg->home), "%s%s/cgroup.procs", root,
			       strcmp(line + 3, "/") ? line + 3 : "") < (int)sizeof(cg->home) ?
			      0 : -ENAMETOOLONG;
	}
	if (f)
		fclose(f);
	return err;
}

int testcg_create(struct testcg *cg)
{
	const char *root = testcg_root();
	static int n;
	int err;

	memset(cg, 0, sizeof(*cg));
	cg->fd = cg->reaper_fd = -1;
	if (!root)
		return -ENOENT;
	remove_stale(root);
	err = find_home(cg, root);
	if (err)
		return err;
	snprintf(cg->path, sizeof(cg->path), "%s/dplabt-%d-%d-%d", root, runner, getpid(), n++);
	if (mkdir(cg->path, 0755))
		return -errno;
	err = start_reaper(cg);
	if (!err) {
		cg->fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->fd < 0)
			err = -errno;
	}
	if (err)
		testcg_remove(cg);
	return err;
}

int testcg_join(struct testcg *cg)
{
	char procs[TESTCG_PATH + 16];
	int err;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg->path);
	err = write_pid(procs);
	if (!err)
		cg->joined = true;
	return err;
}

int testcg_remove(struct testcg *cg)
{
	int err = 0;

	if (cg->joined && !(err = write_pid(cg->home)))
		cg->joined = false;
	if (!err && cg->path[0] && rmdir(cg->path) && errno != ENOENT)
		err = -errno;
	if (cg->fd >= 0)
		close(cg->fd);
	if (cg->reaper_fd >= 0)
		close(cg->reaper_fd);
	cg->fd = cg->reaper_fd = -1;
	return err;
}
