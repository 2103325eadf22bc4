// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * feature_stats(): fill levels of every pinned map of a feature and its
 * per-reason counters summed over CPUs, read from the pins alone so any
 * later process (`dplab status`) can ask.  Hash, LRU and LPM maps are
 * counted key by key (at most max_entries steps: under traffic an LRU
 * changes while it is walked); an array always holds max_entries.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "feature/feature_int.h"
#include "util/log.h"
#include "dplab/counters.h"
#include "dplab/fmt.h"

static const char *const counter_names[DPLAB_CNT_MAX] = DPLAB_COUNTER_NAMES;

static bool is_array(__u32 type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Keys in the map, or -errno. */
static long long count_entries(int fd, const struct bpf_map_info *info)
{
	void *key = NULL, *next = NULL, *swap;
	long long n = 0;

	if (is_array(info->type))
		return info->max_entries;
	key = malloc(info->key_size);
	next = malloc(info->key_size);
	if (!key || !next) {
		n = -ENOMEM;
		goto out;
	}
	while (n < info->max_entries && !bpf_map_get_next_key(fd, n ? key : NULL, next)) {
		swap = key;
		key = next;
		next = swap;
		n++;
	}
out:
	free(key);
	free(next);
	return n;
}

/* counters: {name: sum over CPUs} into out.  0 or -errno. */
static int sum_counters(int fd, const struct bpf_map_info *info, json_t *out)
{
	int n_cpus = libbpf_num_possible_cpus();
	size_t stride = (info->value_size + 7) & ~7u;
	__u64 *values = NULL;
	__u32 key;
	int cpu, rc = 0;

	if (n_cpus < 0)
		return n_cpus;
	if (info->type != BPF_MAP_TYPE_PERCPU_ARRAY || info->value_size != sizeof(__u64))
		return -EINVAL;
	values = calloc(n_cpus, stride);
	if (!values)
		return -ENOMEM;
	for (key = 0; key < info->max_entries && key < DPLAB_CNT_MAX; key++) {
		__u64 sum = 0;

		if (bpf_map_lookup_elem(fd, &key, values)) {
			rc = -errno;
			goto out;
		}
		for (cpu = 0; cpu < n_cpus; cpu++)
			sum += values[cpu];
		json_object_set_new(out, counter_names[key], json_integer((json_int_t)sum));
	}
out:
	free(values);
	return rc;
}

static int map_stats(const char *path, const char *name, json_t *maps, json_t *counters)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	long long entries;
	int fd, rc = 0;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_map_get_info_by_fd(fd, &info, &info_len)) {
		rc = -errno;
		goto out;
	}
	entries = count_entries(fd, &info);
	if (entries < 0) {
		rc = entries;
		goto out;
	}
	json_object_set_new(maps, name, json_pack("{s:I, s:I}", "entries", (json_int_t)entries,
						  "max", (json_int_t)info.max_entries));
	if (!strcmp(name, "counters"))
		rc = sum_counters(fd, &info, counters);
out:
	close(fd);
	return rc;
}

json_t *feature_stats(const struct topo *t, int node, enum feature_id f)
{
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 8];
	json_t *maps, *counters;
	struct dirent *de;
	DIR *d;
	int rc;

	feature_dir(t, node, f, dir, sizeof(dir));
	fmt_fit(path, sizeof(path), "%s/maps", dir);
	d = opendir(path);
	if (!d)
		return NULL;
	maps = json_object();
	counters = json_object();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		fmt_fit(path, sizeof(path), "%s/maps/%s", dir, de->d_name);
		rc = map_stats(path, de->d_name, maps, counters);
		if (rc)
			log_warn("feature %s of node %s: map %s: %s (%s)\n", feature_name(f),
				 t->nodes[node].name, path, errno_name(rc), strerror(-rc));
	}
	closedir(d);
	return json_pack("{s:o, s:o}", "maps", maps, "counters", counters);
}
