// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/fsutil.h"

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

long read_file(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap), *grown;
	int err = 0;

	if (!f || !buf) {
		err = f ? -ENOMEM : -errno;
		goto out;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len > 1)
			continue;
		grown = realloc(buf, cap * 2);
		if (!grown) {
			err = -ENOMEM;
			goto out;
		}
		buf = grown;
		cap *= 2;
	}
	if (ferror(f))
		err = -EIO;
out:
	if (f)
		fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = 0;
	*out = buf;
	return (long)len;
}

int write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
