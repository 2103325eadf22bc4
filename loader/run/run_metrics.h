/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics of `dplab run`, one table row each (run_metrics.c): the id
 * used in results.json, a label and unit for the report, which direction
 * is better, and the workload that measures it.  The runner, the report
 * and `dplab compare` all read this one table.
 */
#ifndef DPLAB_LOADER_RUN_METRICS_H
#define DPLAB_LOADER_RUN_METRICS_H

#include <stdbool.h>

enum run_metric {
	M_CPU_NS,		/* cpu_ns_per_pkt: datapath CPU time per packet of the stream */
	M_OWD_P50,		/* owd_p50_us: one-way latency of the stream */
	M_OWD_P99,
	M_UDP_LOSS,		/* udp_loss_pct: loss of the stream */
	M_UDP_NDR,		/* udp_ndr_pps: NDR of pod -> pod UDP, 64 B */
	M_UDP_PDR,		/* udp_pdr_pps: PDR (0.1% loss) */
	M_NDR_RES,		/* udp_ndr_resolution_pct: the search's final bracket */
	M_PDR_RES,
	M_RTT_P50,		/* rtt_p50_us: pod -> pod round trip (reflector) */
	M_RTT_P99,
	M_RTT_P999,
	M_TCP_GBPS,		/* tcp_gbps: iperf3 pod -> pod */
	M_TCP_CPU,		/* tcp_cpu_pct_per_gbps: network softirq CPU per Gbit/s */
	M_CONN_P50,		/* conn_p50_us: connect() latency via the VIP at a fixed rate */
	M_CONN_P99,
	M_CONN_RATE,		/* conn_per_s: connections achieved at that rate */
	M_CONN_CPU,		/* conn_cpu_us: network softirq CPU per connection */
	M_REQ_P50,		/* req_p50_us: request latency at a fixed rate via the VIP */
	M_REQ_P99,
	M_NP_P50,		/* nodeport_conn_p50_us: external host -> NodePort connect() */
	M_NP_P99,
	M_BPF_NS,		/* bpf_ns_per_pkt: BPF run time per packet (own pass) */
	M_COUNT,
};

/* The workloads; one run of a workload yields one sample of each of its metrics. */
enum run_workload {
	W_NDR,			/* udp_ndr_pps */
	W_PDR,			/* udp_pdr_pps */
	W_STREAM,		/* cpu_ns_per_pkt, owd_*, udp_loss_pct */
	W_RTT,			/* rtt_* */
	W_TCP,			/* tcp_gbps */
	W_CONN,			/* conn_* */
	W_REQ,			/* req_* */
	W_NODEPORT,		/* nodeport_* */
	W_BPF,			/* bpf_ns_per_pkt: the stream with BPF stats on, own pass */
	W_COUNT,
};

/*
 * What the report does with a metric: a verdict against the baseline
 * (scored), figures only (descriptive: a loss that is 0 everywhere, a tail
 * from too few samples, a rate set by the plan), or attribution (BPF
 * time: part of a cost, never better or worse on its own).
 */
enum run_role { ROLE_SCORED, ROLE_DESCRIPTIVE, ROLE_ATTRIBUTION };

struct run_metric_def {
	const char *id;		/* results.json key: "udp_ndr_pps" */
	const char *label;	/* "UDP NDR" */
	const char *unit;	/* "pps" */
	bool higher_better;
	enum run_workload workload;
	enum run_role role;
	bool headline;		/* the sequential budget goes to undecided headline rows */
};

extern const struct run_metric_def run_metrics[M_COUNT];

/* Workload names as in plan files ("ndr", "pdr", "stream", "rtt", "tcp", "conn", ...). */
extern const char *const run_workload_names[W_COUNT];

/* The metric or workload of a name; -1 when there is none. */
int run_metric_find(const char *id);
int run_workload_find(const char *name);

#endif /* DPLAB_LOADER_RUN_METRICS_H */
