// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What every feature loader uses (feature_int.h): failing with a message,
 * map sizes and map updates.  Below feature.c and the loaders, so they
 * depend on it and not on each other.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "feature/feature_int.h"
#include "util/fsutil.h"
#include "util/log.h"

int feature_fail(char *err, size_t err_len, int rc, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	used = strlen(err);
	if (used < err_len)
		snprintf(err + used, err_len - used, ": %s (%s)", errno_name(rc), strerror(-rc));
	return rc;
}

int feature_map_put(struct bpf_map *map, const void *key, size_t key_size, const void *value,
		    size_t value_size, const char *what, char *err, size_t err_len)
{
	int rc = bpf_map__update_elem(map, key, key_size, value, value_size, BPF_ANY);

	if (rc)
		return feature_fail(err, err_len, rc, "map %s: adding %s", bpf_map__name(map),
				    what);
	return 0;
}

int feature_map_size(struct bpf_map *map, __u32 entries, char *err, size_t err_len)
{
	int rc;

	if (!entries)
		return feature_fail(err, err_len, -EINVAL, "map %s: size 0", bpf_map__name(map));
	rc = bpf_map__set_max_entries(map, entries);
	if (rc)
		return feature_fail(err, err_len, rc, "map %s: setting its size to %u",
				    bpf_map__name(map), entries);
	return 0;
}

__be32 feature_node_ip(const struct feature_env *env)
{
	return env->t->nodes[env->node].underlay.addr;
}
