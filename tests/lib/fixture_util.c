// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Helpers of the packet fixtures: verdict names, per-CPU counters (summed
 * with libbpf_num_possible_cpus()), and the fixture's pcap file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/testlib.h"
#include "lib/fixture.h"
#include "lib/fixture_int.h"
#include "lib/pcap_file.h"
#include "dplab/counters.h"

#define PCAP_NAME_MAX 120

const char *fixture_verdict_name(enum bpf_prog_type type, int verdict, char *buf, size_t len)
{
	static const char *const xdp[] = {
		"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT",
	};
	static const char *const tc[] = {
		"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
		"TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT",
		"TC_ACT_TRAP",
	};

	if (type == BPF_PROG_TYPE_XDP && verdict >= 0 && verdict < (int)FX_N(xdp))
		snprintf(buf, len, "%s", xdp[verdict]);
	else if (type != BPF_PROG_TYPE_XDP && verdict == TC_ACT_UNSPEC)
		snprintf(buf, len, "TC_ACT_UNSPEC");
	else if (type != BPF_PROG_TYPE_XDP && verdict >= 0 && verdict < (int)FX_N(tc))
		snprintf(buf, len, "%s", tc[verdict]);
	else
		snprintf(buf, len, "%d", verdict);
	return buf;
}

/* Sum entry idx over CPUs; 0 or -errno. */
static int sum_percpu(int map_fd, __u32 idx, __u64 *sum)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	__u64 *vals;

	if (ncpus < 0)
		return ncpus;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &idx, vals)) {
		i = -errno;
		free(vals);
		return i;
	}
	for (*sum = 0, i = 0; i < ncpus; i++)
		*sum += vals[i];
	free(vals);
	return 0;
}

__u64 counter_sum(int map_fd, __u32 idx)
{
	__u64 sum = 0;
	int err = sum_percpu(map_fd, idx, &sum);

	ck_assert_msg(!err, "counter_sum: entry %u of map fd %d: %s", idx, map_fd, strerror(-err));
	return sum;
}

/* fd of the per-CPU array "counters" among the program's maps, or -1. */
static int counters_fd(int prog_fd, __u32 *entries)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], i;
	int fd;

	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	if (info.nr_map_ids > FX_N(ids))
		info.nr_map_ids = FX_N(ids);
	i = info.nr_map_ids;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = i;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return -1;
	for (i = 0; i < info.nr_map_ids; i++) {
		struct bpf_map_info m = {};
		__u32 mlen = sizeof(m);

		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (!bpf_map_get_info_by_fd(fd, &m, &mlen) && !strcmp(m.name, "counters") &&
		    m.type == BPF_MAP_TYPE_PERCPU_ARRAY && m.value_size == sizeof(__u64)) {
			*entries = m.max_entries;
			return fd;
		}
		close(fd);
	}
	return -1;
}

void fx_counters_read(int prog_fd, struct fx_counters *c)
{
	__u32 entries = 0, i;
	int fd = counters_fd(prog_fd, &entries);

	c->n = 0;
	if (fd < 0)
		return;
	if (entries > FX_MAX_COUNTERS)
		entries = FX_MAX_COUNTERS;
	for (i = 0; i < entries; i++)
		if (sum_percpu(fd, i, &c->v[i]))
			break;
	c->n = i;
	close(fd);
}

const char *fx_counter_name(__u32 idx, char *buf, size_t len)
{
	static const char *const names[] = DPLAB_COUNTER_NAMES;

	if (idx < FX_N(names))
		snprintf(buf, len, "%s", names[idx]);
	else
		snprintf(buf, len, "#%u", idx);
	return buf;
}

void fx_counters_diff(const struct fx_counters *before, const struct fx_counters *after,
		      char *buf, size_t len)
{
	size_t used = 0;
	char name[32];
	__u32 i;

	snprintf(buf, len, "%s", after->n ? "none changed" : "(no \"counters\" map)");
	for (i = 0; i < after->n && i < before->n; i++) {
		if (after->v[i] == before->v[i] || used + 1 >= len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s +%llu", used ? ", " : "",
				 fx_counter_name(i, name, sizeof(name)),
				 (unsigned long long)(after->v[i] - before->v[i]));
	}
}

void fixture_pcap_path(const char *dir, const char *desc, char *buf, size_t len)
{
	char name[PCAP_NAME_MAX + 1];
	size_t n = 0;
	const char *p;

	for (p = desc ? desc : ""; *p && n < PCAP_NAME_MAX; p++) {
		char c = *p;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';

		if (!keep || (c == '.' && n == 0))
			c = '_';
		if (c == '_' && n && name[n - 1] == '_')
			continue;			/* one _ per run */
		name[n++] = c;
	}
	while (n && name[n - 1] == '_')
		n--;
	name[n] = '\0';
	snprintf(buf, len, "%s/%s.pcap", dir, n ? name : "fixture");
}

int fixture_pcap_write(const char *path, const uint8_t *in, size_t in_len,
		       const uint8_t *out, size_t out_len, char *err, size_t err_len)
{
	const uint8_t *frames[] = { in, out };
	const size_t lens[] = { in_len, out_len };

	return pcap_file_write(path, frames, lens, 2, err, err_len);
}
