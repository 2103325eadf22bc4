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
	M_UDP_NDR,		/* udp_ndr_pps: NDR of pod -> pod UDP, 64 B */
	M_UDP_PDR,		/* udp_pdr_pps: PDR (0.1% loss) */
	M_UDP_LOSS,		/* udp_loss_pct: loss at a fixed offered rate */
	M_RTT_P50,		/* rtt_p50_us: pod -> pod round trip (XDP reflector) */
	M_RTT_P99,
	M_RTT_P999,
	M_TCP_GBPS,		/* tcp_gbps: iperf3 pod -> pod */
	M_CONN_RATE,		/* conn_per_s: connect/close through the service VIP */
	M_REQ_P50,		/* req_p50_us: request latency at a fixed rate via the VIP */
	M_REQ_P99,
	M_BPF_NS,		/* bpf_ns_per_pkt: BPF run time per UDP packet sent */
	M_NP_CONN,		/* nodeport_conn_per_s: external host -> NodePort */
	M_COUNT,
};

/* The workloads; one run of a workload yields one sample of each of its metrics. */
enum run_workload {
	W_NDR,			/* udp_ndr_pps */
	W_PDR,			/* udp_pdr_pps */
	W_LOSS,			/* udp_loss_pct, bpf_ns_per_pkt */
	W_RTT,			/* rtt_* */
	W_TCP,			/* tcp_gbps */
	W_CONN,			/* conn_per_s */
	W_REQ,			/* req_* */
	W_NODEPORT,		/* nodeport_conn_per_s */
	W_COUNT,
};

struct run_metric_def {
	const char *id;		/* results.json key: "udp_ndr_pps" */
	const char *label;	/* "UDP NDR" */
	const char *unit;	/* "pps" */
	bool higher_better;
	enum run_workload workload;
};

extern const struct run_metric_def run_metrics[M_COUNT];

/* Workload names as in plan files ("ndr", "pdr", "loss", "rtt", "tcp", "conn", "req"). */
extern const char *const run_workload_names[W_COUNT];

/* The metric or workload of a name; -1 when there is none. */
int run_metric_find(const char *id);
int run_workload_find(const char *name);

#endif /* DPLAB_LOADER_RUN_METRICS_H */
