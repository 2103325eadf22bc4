// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where a topology keeps what outlives the process that built it:
 * DPLAB_RUN_DIR/<name>/topology (the file it was built from, written
 * before anything is created), and the cgroup its pods' sockets live in.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/fsutil.h"
#include "topo/topo.h"
#include "dplab/fmt.h"

#define CGROUP_ROOT_FALLBACK "/sys/fs/cgroup"

const char *topo_cgroup_root(void)
{
	static char root[PATH_MAX];
	struct mntent *m;
	FILE *f;

	if (root[0])
		return root;
	f = setmntent("/proc/self/mounts", "r");
	while (f && !root[0] && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2"))
			fmt_fit(root, sizeof(root), "%s/dplab", m->mnt_dir);
	if (f)
		endmntent(f);
	if (!root[0])
		fmt_fit(root, sizeof(root), "%s/dplab", CGROUP_ROOT_FALLBACK);
	return root;
}

void topo_cgroup_path(const char *topo, const char *node, char *buf, size_t len)
{
	fmt_fit(buf, len, "%s/%s%s%s", DPLAB_CGROUP_DIR, topo, node ? "/" : "", node ? node : "");
}

void topo_state_dir(const char *name, char *buf, size_t len)
{
	fmt_fit(buf, len, "%s/%s", DPLAB_RUN_DIR, name);
}

void topo_state_path(const char *name, const char *file, char *buf, size_t len)
{
	fmt_fit(buf, len, "%s/%s/%s", DPLAB_RUN_DIR, name, file);
}

int topo_state_save(const struct topo *t, char *err, size_t err_len)
{
	char dir[PATH_MAX], file[PATH_MAX], real[PATH_MAX];
	int ret;

	topo_state_dir(t->name, dir, sizeof(dir));
	topo_state_path(t->name, "topology", file, sizeof(file));
	/* Built again from its own copy (`topo up NAME`): nothing to write. */
	if (realpath(file, real) && !strcmp(real, t->file))
		return 0;
	ret = mkdir_p(dir, 0755);
	if (!ret)
		ret = copy_file(t->file, file);
	if (ret)
		snprintf(err, err_len, "recording topology %s in %s: %s", t->name, file,
			 strerror(-ret));
	return ret;
}

int topo_state_load(const char *name, struct topo *t, char *err, size_t err_len)
{
	char file[PATH_MAX];

	if (!topo_name_valid(name)) {
		snprintf(err, err_len, "'%s' is not a topology name", name);
		return -EINVAL;
	}
	topo_state_path(name, "topology", file, sizeof(file));
	if (access(file, R_OK)) {
		snprintf(err, err_len, "topology %s is not up (no %s)", name, file);
		return -ENOENT;
	}
	return topo_parse(file, t, err, err_len);
}

int topo_open(const char *file_or_name, struct topo *t, char *err, size_t err_len)
{
	struct stat st;
	int ret;

	if (!stat(file_or_name, &st) && S_ISREG(st.st_mode))
		return topo_parse(file_or_name, t, err, err_len);
	if (strchr(file_or_name, '/') || !topo_name_valid(file_or_name)) {
		snprintf(err, err_len, "%s: no such topology file", file_or_name);
		return -ENOENT;
	}
	ret = topo_state_load(file_or_name, t, err, err_len);
	if (ret == -ENOENT)
		snprintf(err, err_len, "%s: no such topology file, and no topology of that name "
			 "is up", file_or_name);
	return ret;
}

struct topo *topo_others_up(const char *name, int *n)
{
	struct topo *others = NULL, *grown;
	char err[256];
	struct dirent *d;
	int cap = 0;
	DIR *dir;

	*n = 0;
	dir = opendir(DPLAB_RUN_DIR);
	while (dir && (d = readdir(dir))) {
		if (!topo_name_valid(d->d_name) || !strcmp(d->d_name, name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			grown = realloc(others, cap * sizeof(*others));
			if (!grown)
				break;
			others = grown;
		}
		if (!topo_state_load(d->d_name, &others[*n], err, sizeof(err)))
			(*n)++;
	}
	if (dir)
		closedir(dir);
	return others;
}

static bool declares(const struct topo *t, const char *ns)
{
	const char *all[TOPO_MAX_NS];
	int i, n = topo_namespaces(t, all);

	for (i = 0; i < n; i++)
		if (!strcmp(all[i], ns))
			return true;
	return false;
}

const struct topo *topo_ns_claimed(const struct topo *others, int n, const char *ns)
{
	int i;

	for (i = 0; i < n; i++)
		if (declares(&others[i], ns))
			return &others[i];
	return NULL;
}
