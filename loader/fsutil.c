// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fsutil.h"

int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t i;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		buf[i] = '/';
	}
	return mkdir(buf, mode) && errno != EEXIST ? -errno : 0;
}

int copy_file(const char *src, const char *dst)
{
	char tmp[PATH_MAX], buf[4096];
	int in = -1, out = -1, err = 0;
	ssize_t n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", dst) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		err = -errno;
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			err = errno ? -errno : -EIO;
			goto out;
		}
	}
	if (n < 0 || fsync(out)) {
		err = -errno;
		goto out;
	}
	if (rename(tmp, dst))
		err = -errno;
out:
	if (out >= 0)
		close(out);
	if (err && out >= 0)
		unlink(tmp);
	close(in);
	return err;
}

static int rm_err;
static char *rm_failed;
static size_t rm_failed_len;

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int ret = type == FTW_DP ? rmdir(path) : unlink(path);

	if (ret && errno != ENOENT && !rm_err) {
		rm_err = -errno;
		snprintf(rm_failed, rm_failed_len, "%s", path);
	}
	return 0;
}

int rm_tree(const char *path, char *failed, size_t failed_len)
{
	rm_err = 0;
	rm_failed = failed;
	rm_failed_len = failed_len;
	if (access(path, F_OK))
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) && !rm_err) {
		rm_err = -errno;
		snprintf(failed, failed_len, "%s", path);
	}
	return rm_err;
}
