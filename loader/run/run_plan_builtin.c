// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The built-in plans of `dplab run` (default and --quick, in the plan file
 * format of docs/run-plan.md), group names and how long a workload runs.
 */
#include "run/run_plan_int.h"


static const char default_plan[] =
	"# dplab run's default plan (dplab run --print-plan); format: docs/run-plan.md\n"
	"name default\n"
	"topology " DEFAULT_TOPOLOGY "\n"
	"pairs 4\n"
	"max_pairs 10\n"
	"budget_secs 1020\n"
	"metrics stream rtt conn req nodeport bpf\n"
	"scenarios A B C D E\n"
	"isolate on\n"
	"isolate off\n"
	"sweep service_lb=iptables,tc,socket services=10,1000,5000\n"
	"sweep_metrics conn\n"
	"warmup_secs 0.3\n"
	"stream_rate 50000\n"
	"stream_secs 1\n"
	"rtt_rate 20000\n"
	"rtt_secs 1\n"
	"conn_rate 2000\n"
	"conn_secs 1\n"
	"req_rate 1000\n"
	"req_secs 1\n"
	"trial_secs 0.3\n"
	"search_iter 7\n"
	"search_hi 400000\n";

static const char quick_plan[] =
	"# dplab run --quick: the default plan's comparisons, 2 pairs each, briefly\n"
	"name quick\n"
	"topology " DEFAULT_TOPOLOGY "\n"
	"pairs 2\n"
	"max_pairs 2\n"
	"budget_secs 240\n"
	"metrics stream rtt conn req nodeport\n"
	"scenarios A B C D E\n"
	"isolate on\n"
	"isolate off\n"
	"sweep service_lb=iptables,tc,socket services=10,5000\n"
	"sweep_metrics conn\n"
	"warmup_secs 0.1\n"
	"stream_rate 50000\n"
	"stream_secs 0.4\n"
	"rtt_rate 20000\n"
	"rtt_secs 0.3\n"
	"conn_rate 2000\n"
	"conn_secs 0.3\n"
	"req_rate 1000\n"
	"req_secs 0.3\n"
	"trial_secs 0.2\n"
	"search_iter 5\n"
	"search_hi 400000\n";

const char *run_plan_builtin(bool quick)
{
	return quick ? quick_plan : default_plan;
}

const char *run_group_name(enum run_group g)
{
	static const char *const names[] = { "scenario", "isolate_on", "isolate_off", "sweep",
					     "config", "placebo" };

	return names[g];
}

double run_workload_secs(const struct run_params *p, enum run_workload w)
{
	switch (w) {
	case W_NDR:
	case W_PDR: return p->search_iter * (p->trial_secs + 0.15) + 3 * p->final_secs + 0.5;
	case W_STREAM:
	case W_BPF: return p->stream_secs + 1.0;
	case W_RTT: return p->rtt_secs + 0.8;
	case W_TCP: return p->tcp_secs + 1.6;
	case W_CONN:
	case W_NODEPORT: return p->conn_secs + 0.2;
	case W_REQ: return p->req_secs + 0.1;
	default: return 1;
	}
}
