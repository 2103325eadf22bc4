// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* CPU placement, RPS steering and the softirq meter of `dplab run` (run_cpu.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "run/run.h"
#include "run/run_cpu.h"
#include "util/runcmd.h"
#include "softirq_time.skel.h"

static struct softirq_time_bpf *meter;

int run_cpus_place(struct run_cpus *c, char *err, size_t err_len)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	c->gen = 0;
	c->dp = n > 1 ? (int)n - 1 : 0;
	c->split = c->dp != c->gen;
	CPU_ZERO(&set);
	CPU_SET(c->gen, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		snprintf(err, err_len, "pinning to CPU %d: %s", c->gen, strerror(errno));
		return -errno;
	}
	return 0;
}

/* RPS of the interfaces of one namespace, through a shell in it (sysfs is per netns). */
static int steer_ns(const char *ns, unsigned long long mask, char *err, size_t err_len)
{
	char script[256];
	struct argv a;

	snprintf(script, sizeof(script),
		 "for q in /sys/class/net/*/queues/rx-*/rps_cpus; do "
		 "case $q in /sys/class/net/lo/*) continue;; esac; echo %llx > $q || exit 1; "
		 "done", mask);
	argv_init(&a);
	argv_words(&a, "ip netns exec %s sh -c", ns);
	argv_add(&a, "%s", script);
	return runcmd_argv(err, err_len, &a);
}

int run_cpus_steer(const struct run_ctx *x, const struct run_cpus *c, char *err,
		   size_t err_len)
{
	unsigned long long mask = 1ull << c->dp;
	const struct topo *t = &x->t;
	int i, rc = 0;

	if (!c->split)
		return 0;
	for (i = 0; i < t->n_nodes && !rc; i++)
		rc = steer_ns(t->nodes[i].ns, mask, err, err_len);
	for (i = 0; i < t->n_pods && !rc; i++)
		rc = steer_ns(t->pods[i].ns, mask, err, err_len);
	for (i = 0; i < t->n_externals && !rc; i++)
		rc = steer_ns(t->externals[i].ns, mask, err, err_len);
	if (!rc && t->fabric_ns[0])
		rc = steer_ns(t->fabric_ns, mask, err, err_len);
	return rc;
}

int run_meter_start(char *err, size_t err_len)
{
	int rc;

	if (meter)
		return 0;
	meter = softirq_time_bpf__open_and_load();
	rc = meter ? softirq_time_bpf__attach(meter) : -errno;
	if (rc) {
		snprintf(err, err_len, "the softirq meter (tp_btf on softirq_entry/exit): %s",
			 strerror(-rc));
		run_meter_stop();
		return rc;
	}
	return 0;
}

void run_meter_stop(void)
{
	softirq_time_bpf__destroy(meter);
	meter = NULL;
}

long long run_meter_softirq_ns(void)
{
	int n = libbpf_num_possible_cpus(), i;
	unsigned long long sum = 0;
	__u32 key = 1;
	__u64 *v;

	if (!meter || n <= 0)
		return -1;
	v = calloc(n, sizeof(*v));
	if (!v || bpf_map__lookup_elem(meter->maps.softirq_ns, &key, sizeof(key), v,
				       n * sizeof(*v), 0)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++)
		sum += v[i];
	free(v);
	return (long long)sum;
}
