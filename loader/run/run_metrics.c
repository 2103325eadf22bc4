// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The metric table of `dplab run` (run_metrics.h). */
#include <string.h>

#include "run/run_metrics.h"

const struct run_metric_def run_metrics[M_COUNT] = {
	[M_UDP_NDR] = { "udp_ndr_pps", "UDP NDR", "pps", true, W_NDR },
	[M_UDP_PDR] = { "udp_pdr_pps", "UDP PDR (0.1%)", "pps", true, W_PDR },
	[M_UDP_LOSS] = { "udp_loss_pct", "UDP loss at fixed rate", "%", false, W_LOSS },
	[M_RTT_P50] = { "rtt_p50_us", "RTT p50", "µs", false, W_RTT },
	[M_RTT_P99] = { "rtt_p99_us", "RTT p99", "µs", false, W_RTT },
	[M_RTT_P999] = { "rtt_p999_us", "RTT p99.9", "µs", false, W_RTT },
	[M_TCP_GBPS] = { "tcp_gbps", "TCP throughput", "Gbit/s", true, W_TCP },
	[M_CONN_RATE] = { "conn_per_s", "Connections via VIP", "conn/s", true, W_CONN },
	[M_REQ_P50] = { "req_p50_us", "Request latency p50", "µs", false, W_REQ },
	[M_REQ_P99] = { "req_p99_us", "Request latency p99", "µs", false, W_REQ },
	[M_BPF_NS] = { "bpf_ns_per_pkt", "BPF time per packet", "ns", false, W_LOSS },
	[M_NP_CONN] = { "nodeport_conn_per_s", "NodePort connections", "conn/s", true, W_NODEPORT },
};

const char *const run_workload_names[W_COUNT] = {
	[W_NDR] = "ndr", [W_PDR] = "pdr", [W_LOSS] = "loss", [W_RTT] = "rtt",
	[W_TCP] = "tcp", [W_CONN] = "conn", [W_REQ] = "req", [W_NODEPORT] = "nodeport",
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
