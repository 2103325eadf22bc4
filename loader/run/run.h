/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `dplab run` inside: what the runner's modules share.
 *
 *   cmd_run.c         the command: options, the rounds of visits, the
 *                     attribution pass, progress, Ctrl-C, teardown
 *   run_plan*.c       plan files and their expansion into configurations
 *   run_schedule.c    the interleaved, randomised visit order (B k B k' B)
 *   run_visit.c       one visit: switch, flush, wait for quiet, measure
 *   run_cpu.c         CPU placement, RPS steering, the softirq meter
 *   run_cluster.c     the cluster through `dplab up/set/status/down`
 *   run_workloads.c   one run of a workload -> values of its metrics
 *   run_reflect.c     the XDP reflector the RTT workload needs
 *   run_results.c     results.json: visits, samples, summaries
 *   run_effects.c     paired effects and verdicts (run_stats.c: the statistics)
 *   run_report*.c     report.md, results.csv, charts
 */
#ifndef DPLAB_LOADER_RUN_H
#define DPLAB_LOADER_RUN_H

#include <limits.h>
#include <signal.h>
#include <jansson.h>

#include "run/run_cpu.h"
#include "run/run_metrics.h"
#include "run/run_plan.h"
#include "run/run_schedule.h"
#include "run/run_spawn.h"
#include "topo/topo.h"

#define RUN_PATH 256		/* paths of binaries and scratch files */
#define RUN_PKTGEN_DPORT 9	/* dplab-pktgen's default UDP destination port */

/* Where the workloads run and what they aim at (from the topology). */
struct run_endpoints {
	int src_pod, dst_pod;		/* first pod of node 0 and of node 1 */
	char src_ns[TOPO_NS], dst_ns[TOPO_NS];
	char src[TOPO_NAME * 2], dst[TOPO_NAME * 2];	/* "node1/pod1" for dplab exec */
	char src_ip[16], dst_ip[16];
	char gw_mac[18];		/* src pod's next hop (its host veth) */
	char vip[24];			/* "10.96.0.10:80": the first TCP service */
	int n_servers;			/* its backends */
	char servers[TOPO_MAX_BACKENDS][TOPO_NAME * 2];
	unsigned int server_port;	/* their target port */
	char nodeport[24];		/* "192.168.100.2:30080" on a backend's node */
	char external[TOPO_NAME];	/* the first external host; "" none */
};

struct run_ctx {
	const struct run_plan *plan;
	char self[RUN_PATH];		/* this dplab binary */
	char pktgen[RUN_PATH];		/* dplab-pktgen beside it */
	char tmp[RUN_PATH];		/* scratch directory of the run */
	struct topo t;
	struct run_endpoints ep;
	struct run_child servers[TOPO_MAX_BACKENDS];
	int n_servers_up;
	unsigned int prog_ids[64];	/* dplab's programs attached now (status) */
	int n_prog_ids;
	volatile sig_atomic_t *stop;
	struct run_cpus cpus;
	bool up;			/* the topology is built */
	double start;			/* run_now_s() when the run began */
	int current;			/* config in force, -1 none */
	json_t *doc;			/* results.json being built */
	json_t *cfg[RUN_MAX_CONFIGS];	/* its config objects (borrowed) */
	char *dp_key[RUN_MAX_CONFIGS];	/* what each config put in the datapath */
	bool dropped[RUN_MAX_CONFIGS];	/* unsupported, no change or failed */
	double last_search[RUN_MAX_CONFIGS][2];	/* last NDR, PDR of each config (bracket) */
};

/* What a visit came to. */
enum run_visit_result {
	VISIT_DONE,		/* measured (some workloads may have failed) */
	VISIT_DROPPED,		/* the config cannot be measured: see its status */
	VISIT_STOPPED,		/* Ctrl-C */
	VISIT_FATAL,		/* the cluster could not be built: stop the run */
};

/*
 * One visit (run_visit.c): switch the cluster to the config (bringing it
 * up and steering RPS the first time), empty conntrack and the BPF CT/NAT
 * maps, wait for quiet, warm up, then run each of its workloads once; if
 * more than steal_max % of the CPU time was stolen meanwhile, or other
 * work ran by its end, measure again (twice at most).
 * The visit is appended to results.json's "visits", its values also to
 * the config's samples.  progress(what) is called before each step.
 */
enum run_visit_result run_visit(struct run_ctx *x, const struct run_visit *v,
				void (*progress)(const char *what), char *err, size_t err_len);

/* The attribution pass of config i: the stream with BPF stats on. */
enum run_visit_result run_visit_bpf(struct run_ctx *x, int i, char *err, size_t err_len);

/* Endpoints of the parsed topology; -EINVAL with err when it lacks one. */
int run_endpoints_find(struct run_ctx *x, char *err, size_t err_len);
/* The src pod's gateway MAC (after the topology is up); 0 or -errno. */
int run_endpoints_gateway(struct run_ctx *x, char *err, size_t err_len);

/*
 * Before the first workload: tcp_tw_reuse in the namespaces that open many
 * connections (else the connect loops run out of local ports across
 * repetitions), and request/response servers on the TCP service's
 * backends, stopped at the end.
 */
int run_workloads_start(struct run_ctx *x, char *err, size_t err_len);
void run_workloads_stop(struct run_ctx *x);

/*
 * One repetition of workload w: its metrics' samples into vals (others
 * untouched).  0, or -errno with err saying what failed (-EINTR: stopped).
 */
int run_workload(struct run_ctx *x, enum run_workload w, double vals[M_COUNT], char *err,
		 size_t err_len);

/* Warm-up before a visit's measurement: requests through the service VIP. */
int run_workload_warmup(struct run_ctx *x, char *err, size_t err_len);

/* The tc reflector on the dst pod's eth0, for the rtt workload. */
int run_reflect_attach(const struct run_ctx *x, char *err, size_t err_len);
void run_reflect_detach(const struct run_ctx *x);

/* BPF run time of the programs attached now, summed (bpf_stats must be on). */
unsigned long long run_bpf_time_ns(const struct run_ctx *x);

#endif /* DPLAB_LOADER_RUN_H */
