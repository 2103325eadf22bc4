// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The metric table of `dplab run` (run_metrics.h). */
#include <string.h>

#include "run/run_metrics.h"

#define SCORED ROLE_SCORED
#define DESCR ROLE_DESCRIPTIVE

const struct run_metric_def run_metrics[M_COUNT] = {
	[M_CPU_NS] = { "cpu_ns_per_pkt", "CPU cost per packet", "ns", false, W_STREAM, SCORED, true },
	[M_OWD_P50] = { "owd_p50_us", "One-way latency p50", "µs", false, W_STREAM, SCORED, true },
	[M_OWD_P99] = { "owd_p99_us", "One-way latency p99", "µs", false, W_STREAM, SCORED },
	[M_UDP_LOSS] = { "udp_loss_pct", "Stream loss", "%", false, W_STREAM, DESCR },
	[M_UDP_NDR] = { "udp_ndr_pps", "UDP NDR", "pps", true, W_NDR, SCORED },
	[M_UDP_PDR] = { "udp_pdr_pps", "UDP PDR (0.1%)", "pps", true, W_PDR, SCORED },
	[M_NDR_RES] = { "udp_ndr_resolution_pct", "NDR search bracket", "%", false, W_NDR, DESCR },
	[M_PDR_RES] = { "udp_pdr_resolution_pct", "PDR search bracket", "%", false, W_PDR, DESCR },
	[M_RTT_P50] = { "rtt_p50_us", "RTT p50", "µs", false, W_RTT, SCORED, true },
	[M_RTT_P99] = { "rtt_p99_us", "RTT p99", "µs", false, W_RTT, SCORED },
	[M_RTT_P999] = { "rtt_p999_us", "RTT p99.9", "µs", false, W_RTT, DESCR },
	[M_TCP_GBPS] = { "tcp_gbps", "TCP throughput", "Gbit/s", true, W_TCP, SCORED },
	[M_TCP_CPU] = { "tcp_cpu_pct_per_gbps", "TCP CPU per Gbit/s", "%", false, W_TCP, SCORED },
	[M_CONN_P50] = { "conn_p50_us", "Connect latency p50", "µs", false, W_CONN, SCORED, true },
	[M_CONN_P99] = { "conn_p99_us", "Connect latency p99", "µs", false, W_CONN, SCORED },
	[M_CONN_RATE] = { "conn_per_s", "Connections", "conn/s", true, W_CONN, DESCR },
	[M_CONN_CPU] = { "conn_cpu_us", "Softirq CPU per connection", "µs", false, W_CONN, SCORED },
	[M_REQ_P50] = { "req_p50_us", "Request latency p50", "µs", false, W_REQ, SCORED },
	[M_REQ_P99] = { "req_p99_us", "Request latency p99", "µs", false, W_REQ, SCORED },
	[M_NP_P50] = { "nodeport_conn_p50_us", "NodePort connect p50", "µs", false, W_NODEPORT,
		       SCORED },
	[M_NP_P99] = { "nodeport_conn_p99_us", "NodePort connect p99", "µs", false, W_NODEPORT,
		       SCORED },
	[M_BPF_NS] = { "bpf_ns_per_pkt", "BPF time per packet", "ns", false, W_BPF,
		       ROLE_ATTRIBUTION },
};

const char *const run_workload_names[W_COUNT] = {
	[W_NDR] = "ndr", [W_PDR] = "pdr", [W_STREAM] = "stream", [W_RTT] = "rtt",
	[W_TCP] = "tcp", [W_CONN] = "conn", [W_REQ] = "req", [W_NODEPORT] = "nodeport",
	[W_BPF] = "bpf",
};

int run_metric_find(const char *id)
{
	int i;

	for (i = 0; i < M_COUNT; i++)
		if (!strcmp(run_metrics[i].id, id))
			return i;
	return -1;
}

int run_workload_find(const char *name)
{
	int i;

	for (i = 0; i < W_COUNT; i++)
		if (!strcmp(run_workload_names[i], name))
			return i;
	return -1;
}
