/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where `dplab run`'s work runs, and what the datapath costs it
 * (run_cpu.c).  The runner, and with it the generator, the clients and
 * the servers it starts, is pinned to the first CPU; the datapath's
 * softirq work is steered to the last one by RPS on every interface of
 * the topology's namespaces, so one CPU carries the instrument and the
 * other the datapath.  The datapath's CPU time is the time the CPUs spend
 * in the network softirqs, summed by a tp_btf program on softirq_entry
 * and softirq_exit (datapath/softirq_time.bpf.c).
 */
#ifndef DPLAB_LOADER_RUN_CPU_H
#define DPLAB_LOADER_RUN_CPU_H

#include <stdbool.h>
#include <stddef.h>

struct run_ctx;

struct run_cpus {
	int gen;		/* runner, generator, clients, servers */
	int dp;			/* datapath softirq (RPS) */
	bool split;		/* gen != dp: a machine with 2 CPUs or more */
};

/* Choose the CPUs and pin this process (its children inherit); 0 or -errno. */
int run_cpus_place(struct run_cpus *c, char *err, size_t err_len);

/* RPS of every interface (lo aside) in the topology's namespaces to c->dp. */
int run_cpus_steer(const struct run_ctx *x, const struct run_cpus *c, char *err,
		   size_t err_len);

/* Load and attach the softirq meter; 0 or -errno with err. */
int run_meter_start(char *err, size_t err_len);
void run_meter_stop(void);

/* Nanoseconds all CPUs spent in network softirqs so far; -1 without the meter. */
long long run_meter_softirq_ns(void);

#endif /* DPLAB_LOADER_RUN_CPU_H */
