/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The cluster under `dplab run` and the machine it runs on (run_cluster.c). */
#ifndef DPLAB_LOADER_RUN_CLUSTER_H
#define DPLAB_LOADER_RUN_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "cluster/knobs.h"

struct run_ctx;
struct run_cpus;

/*
 * Bring the topology up with k (first) or switch the running one to k.
 * notes gets what dplab said about knobs not in force and fallbacks.
 * 0; -EOPNOTSUPP with err "unsupported here, because ..." when a knob
 * cannot work on this machine (nothing changed); -EIO with err otherwise.
 */
int run_cluster_apply(struct run_ctx *x, const struct knobs *k, bool first, char *notes,
		      size_t notes_len, char *err, size_t err_len);
/*
 * Empty the nodes' netfilter conntrack tables, so that a configuration
 * does not meet the previous one's entries: a connection to a backend
 * that socket LB makes directly can clash with the reply tuple of the
 * same source port's earlier DNAT'd connection (kube-proxy), and its SYNs
 * are then dropped until that entry times out.  0 or -errno with err.
 */
int run_cluster_flush_conntrack(struct run_ctx *x, char *err, size_t err_len);
/*
 * Empty the BPF datapath's own conntrack and NAT tables (the LRU maps
 * pinned under /sys/fs/bpf/dplab/TOPOLOGY), for the same reason.
 * Entries deleted, or -errno with err.
 */
int run_cluster_flush_bpf(struct run_ctx *x, char *err, size_t err_len);
/* `dplab status --json` of the cluster, or NULL. */
json_t *run_cluster_status(struct run_ctx *x);
void run_cluster_down(struct run_ctx *x);

/* results.json's "machine": kernel, CPUs, hypervisor (null: bare metal), placement. */
json_t *run_machine(struct run_ctx *x, const struct run_cpus *cpus);

#endif /* DPLAB_LOADER_RUN_CLUSTER_H */
