// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The built-in plans of `dplab run` (default and --quick, in the plan file
 * format of docs/run-plan.md), group names and how long a workload runs.
 */
#include "run/run_plan_int.h"


/*
 * The rows that answer the published report's questions, sized so the
 * paired rounds fit the budget on a 2-vCPU VM: each visit is about 6 s, a
 * round of these rows about 4 minutes.  veth_napi beside xdp_lb: the part
 * of xdp_lb=native's row that is veth's NAPI mode, against the same A
 * visits.  Every knob alone: --print-plan, then add "isolate on" /
 * "isolate off" without knob names.
 */
static const char default_plan[] =
	"# dplab run's default plan (dplab run --print-plan); format: docs/run-plan.md\n"
	"name default\n"
	"topology " DEFAULT_TOPOLOGY "\n"
	"pairs 4\n"
	"max_pairs 12\n"
	"budget_secs 960\n"
	"metrics stream rtt conn bpf\n"
	"scenarios A B C D E\n"
	"isolate on routing service_lb=tc,socket masquerade xdp_lb veth_napi\n"
	"isolate off host_routing\n"
	"sweep service_lb=iptables,tc,socket services=10,5000\n"
	"sweep_metrics conn\n"
	"warmup_secs 0.2\n"
	"stream_rate 100000\n"
	"stream_secs 1\n"
	"rtt_rate 20000\n"
	"rtt_secs 1\n"
	"conn_rate 2000\n"
	"conn_secs 1\n";

/*
 * Fewer rows, 3 pairs: t with 2 degrees of freedom makes intervals wide,
 * but every verdict kind can still come out (with 2 pairs, t(1) = 12.7
 * made every metric "too noisy").
 */
static const char quick_plan[] =
	"# dplab run --quick: fewer rows, 3 pairs each, briefly; wider intervals\n"
	"name quick\n"
	"topology " DEFAULT_TOPOLOGY "\n"
	"pairs 3\n"
	"max_pairs 3\n"
	"budget_secs 220\n"
	"metrics stream rtt conn\n"
	"scenarios A B C D E\n"
	"isolate on routing service_lb=socket xdp_lb veth_napi\n"
	"sweep service_lb=iptables services=10,5000\n"
	"sweep_metrics conn\n"
	"warmup_secs 0.1\n"
	"stream_rate 100000\n"
	"stream_secs 0.3\n"
	"rtt_rate 20000\n"
	"rtt_secs 0.3\n"
	"conn_rate 2000\n"
	"conn_secs 0.3\n";

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
