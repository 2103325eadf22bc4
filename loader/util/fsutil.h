/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Directories the loader keeps state in: make, copy into, remove. */
#ifndef DPLAB_LOADER_FSUTIL_H
#define DPLAB_LOADER_FSUTIL_H

#include <sys/types.h>

/* mkdir -p; 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);
/* Copy a file (to a temporary name, then renamed over dst); 0 or -errno. */
int copy_file(const char *src, const char *dst);
/* A whole (text) file into a NUL-terminated malloc'd *out; its length or -errno. */
long read_file(const char *path, char **out);
/* Write text to path through a temporary file renamed over it; 0 or -errno. */
int write_file(const char *path, const char *text);
/* rm -r (files and pins unlinked, directories removed bottom-up); gone
 * already is fine.  0 or the first -errno, *failed naming the path. */
int rm_tree(const char *path, char *failed, size_t failed_len);

#endif /* DPLAB_LOADER_FSUTIL_H */
