// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The workloads of `dplab run`, one repetition each, as child processes
 * in the cluster's namespaces (docs/run-json.md lists the metrics):
 *
 *   ndr, pdr, loss  dplab-pktgen from the src pod's eth0 through its node,
 *                   the underlay and the far node to the dst pod, where a
 *                   second port of the same process receives
 *   rtt             dplab-pktgen --reflect, the tc reflector on the dst pod
 *   tcp             iperf3 src pod -> dst pod
 *   conn, req       dplab tcpload from the src pod (in its node's cgroup,
 *                   so socket LB applies) to the TCP service's VIP
 *   nodeport        dplab tcpload from the external host to a NodePort
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "dplab/fmt.h"
#include "run/run.h"

#define SLACK_S 20	/* on top of a workload's planned time before it is killed */
#define LOCAL_PORTS "1024-65535"	/* connect loops: not bounded by 32768-60999 */
#define TAIL_SAMPLES 100000	/* samples a p99.9 needs (100 beyond it) */
#define IPERF_OMIT_S 1		/* iperf3's slow start and warm-up, not counted */
#define CONN_HELD 0.97		/* of the scheduled connects, done for a valid latency */
#define IPERF_PORT 5201

/*
 * Run cmd (killed after its planned secs and some slack), then parse its
 * JSON result (from file, or from its output when file is NULL) into *out.
 * With soft_ns, the network softirq time of all CPUs while it ran (NAN
 * without the meter).  0, -EINTR when stopped, -EIO with err saying what
 * failed.
 */
static int run_json(struct run_ctx *x, const char *what, const char *file, double secs,
		    json_t **out, double *soft_ns, char *err, size_t err_len,
		    const struct argv *cmd)
{
	long long before = run_meter_softirq_ns(), after;
	struct run_child c;
	json_error_t je;
	const char *text;
	char line[256];
	int rc;

	*out = NULL;
	rc = run_child_run(&c, secs + SLACK_S, x->stop, cmd);
	after = run_meter_softirq_ns();
	if (soft_ns)
		*soft_ns = before >= 0 && after >= before ? (double)(after - before) : NAN;
	if (rc == -EINTR) {
		snprintf(err, err_len, "%s: stopped", what);
	} else if (rc) {
		snprintf(err, err_len, "%s: %s: %s", what,
			 rc == -ETIMEDOUT ? "timed out" : rc < 0 ? strerror(-rc) : "failed",
			 run_child_message(&c, line, sizeof(line)));
		rc = -EIO;
	} else {
		if (file) {
			*out = json_load_file(file, 0, &je);
			unlink(file);
		} else {
			text = c.buf ? strchr(c.buf, '{') : NULL;
			*out = text ? json_loads(text, JSON_DISABLE_EOF_CHECK, &je) : NULL;
		}
		if (!*out) {
			snprintf(err, err_len, "%s: no JSON result: %s", what,
				 c.buf ? run_child_message(&c, line, sizeof(line)) : je.text);
			rc = -EIO;
		}
	}
	run_child_free(&c);
	return rc;
}

static double num(json_t *j, const char *a, const char *b)
{
	json_t *v = json_object_get(j, a);

	if (b)
		v = json_object_get(v, b);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * dplab-pktgen from the src pod towards the dst pod (received there by a
 * second port of the same process, or reflected back), 64-byte frames:
 * its argv, to which the workload adds its own options, and the file its
 * JSON result goes to.
 */
static void pktgen_argv(struct run_ctx *x, enum run_workload w, struct argv *a, char *file,
			size_t file_len)
{
	const struct run_endpoints *e = &x->ep;

	argv_init(a);
	if (fmt_fit(file, file_len, "%s/pktgen.json", x->tmp))
		a->err = -ENAMETOOLONG;
	argv_add(a, "%s", x->pktgen);
	argv_words(a, "--netns %s --iface eth0 --src-ip %s --dst-ip %s --dst-mac %s --size 64",
		   e->src_ns, e->src_ip, e->dst_ip, e->gw_mac);
	if (w == W_RTT)
		argv_add(a, "--reflect");
	else
		argv_words(a, "--rx-netns %s --rx-iface eth0", e->dst_ns);
	argv_add(a, "--json");
	argv_add(a, "%s", file);
}

/* "dplab exec TOPOLOGY WHERE --", to which the command in that netns is added. */
static void exec_argv(struct run_ctx *x, const char *where, struct argv *a)
{
	argv_init(a);
	argv_add(a, "%s", x->self);
	argv_words(a, "exec %s %s --", x->t.name, where);
}

/*
 * NDR or PDR search at 1% resolution, bracketed around this config's last
 * result when there is one (dplab-pktgen widens a bracket that misses),
 * confirmed by a final trial of final_secs; a result that was not
 * confirmed, or a search stopped by a generator that fell short, gives no
 * value but the search's own reason.
 */
static int search(struct run_ctx *x, bool pdr, double vals[M_COUNT], char *err, size_t len)
{
	const struct run_params *p = &x->plan->p;
	enum run_workload w = pdr ? W_PDR : W_NDR;
	double *last = &x->last_search[x->current][pdr], rate;
	char file[RUN_PATH + 16];
	struct argv a;
	json_t *j, *s;
	int ret;

	pktgen_argv(x, w, &a, file, sizeof(file));
	argv_words(&a, pdr ? "--pdr 0.1" : "--ndr");
	argv_words(&a, "--trial-secs %g --final-secs %g --resolution 1%% --max-iter %d "
		   "--max-rate %.0f", p->trial_secs, p->final_secs, p->search_iter, p->search_hi);
	if (*last > 0)
		argv_words(&a, "--lo %.0f --hi %.0f", 0.8 * *last, fmin(1.1 * *last, p->search_hi));
	else
		argv_words(&a, "--hi %.0f", p->search_hi);
	ret = run_json(x, pdr ? "pdr (dplab-pktgen)" : "ndr (dplab-pktgen)", file,
		       run_workload_secs(p, w), &j, NULL, err, len, &a);
	if (ret)
		return ret;
	s = json_object_get(j, "search");
	rate = num(j, "ndr_pps", NULL);
	if (!json_is_true(json_object_get(s, "found")) ||
	    !json_is_true(json_object_get(s, "confirmed"))) {
		snprintf(err, len, "%s: %s", pdr ? "pdr" : "ndr",
			 json_string_value(json_object_get(s, "stop_reason")) ?:
			 "no rate found and confirmed");
		ret = -EIO;
	} else {
		vals[pdr ? M_UDP_PDR : M_UDP_NDR] = rate;
		vals[pdr ? M_PDR_RES : M_NDR_RES] = 100 * num(s, "resolution_pps", NULL) / rate;
		*last = rate;
	}
	json_decref(j);
	return ret;
}

/*
 * The fixed-rate stream: one-way latency and loss from dplab-pktgen, and
 * the network softirq time of all CPUs (run_cpu.h) over the generator's
 * whole run, per packet sent.  With bpf, BPF stats are on (the
 * attribution pass) and only the BPF run time per packet is kept.
 */
static int stream(struct run_ctx *x, bool bpf, double vals[M_COUNT], char *err, size_t len)
{
	const struct run_params *p = &x->plan->p;
	unsigned long long before = bpf ? run_bpf_time_ns(x) : 0;
	double sent, lost, soft;
	char file[RUN_PATH + 16];
	struct argv av;
	json_t *j;
	int ret;

	pktgen_argv(x, W_STREAM, &av, file, sizeof(file));
	argv_words(&av, "--rate %.0f --max-rate %.0f --duration %g", p->stream_rate,
		   p->stream_rate, p->stream_secs);
	ret = run_json(x, "stream (dplab-pktgen)", file, run_workload_secs(p, W_STREAM), &j,
		       &soft, err, len, &av);
	if (ret)
		return ret;
	sent = num(j, "totals", "sent");
	lost = num(j, "totals", "lost");
	if (!(sent > 0)) {
		json_decref(j);
		snprintf(err, len, "stream (dplab-pktgen): nothing sent");
		return -EIO;
	}
	if (bpf) {
		vals[M_BPF_NS] = (double)(run_bpf_time_ns(x) - before) / sent;
	} else {
		vals[M_CPU_NS] = soft / sent;
		vals[M_UDP_LOSS] = 100 * lost / sent;
		if (num(j, "latency_ns", "count") > 0) {
			vals[M_OWD_P50] = num(j, "latency_ns", "p50") / 1000;
			vals[M_OWD_P99] = num(j, "latency_ns", "p99") / 1000;
		}
	}
	json_decref(j);
	return 0;
}

static int rtt(struct run_ctx *x, double vals[M_COUNT], char *err, size_t len)
{
	const struct run_params *p = &x->plan->p;
	char file[RUN_PATH + 16];
	struct argv a;
	json_t *j;
	int ret;

	ret = run_reflect_attach(x, err, len);
	if (ret)
		return ret;
	pktgen_argv(x, W_RTT, &a, file, sizeof(file));
	argv_words(&a, "--rate %.0f --duration %g", p->rtt_rate, p->rtt_secs);
	ret = run_json(x, "rtt (dplab-pktgen --reflect)", file, run_workload_secs(p, W_RTT), &j,
		       NULL, err, len, &a);
	run_reflect_detach(x);
	if (ret)
		return ret;
	if (!(num(j, "latency_ns", "count") > 0)) {
		snprintf(err, len, "rtt: nothing came back from the reflector on %s", x->ep.dst);
		json_decref(j);
		return -EIO;
	}
	vals[M_RTT_P50] = num(j, "latency_ns", "p50") / 1000;
	vals[M_RTT_P99] = num(j, "latency_ns", "p99") / 1000;
	/* A p99.9 from fewer samples is one of the few largest values, not a percentile. */
	if (num(j, "latency_ns", "count") >= TAIL_SAMPLES)
		vals[M_RTT_P999] = num(j, "latency_ns", "p99_9") / 1000;
	json_decref(j);
	return 0;
}

static int tcp(struct run_ctx *x, double vals[M_COUNT], char *err, size_t len)
{
	const struct run_params *p = &x->plan->p;
	int secs = (int)ceil(p->tcp_secs), ret;
	struct run_child server;
	double t0, t1, soft;
	char line[256];
	struct argv a;
	json_t *j;

	exec_argv(x, x->ep.dst, &a);
	argv_words(&a, "iperf3 -s -1 --forceflush -p %d", IPERF_PORT);
	ret = run_child_start(&server, &a);
	if (!ret)
		ret = run_child_wait(&server, "listening", 5, x->stop);
	if (ret) {
		snprintf(err, len, "tcp: iperf3 server on %s: %s", x->ep.dst,
			 run_child_why(&server, ret, "listening", line, sizeof(line)));
		run_child_kill(&server);
		return ret == -EINTR ? ret : -EIO;
	}
	exec_argv(x, x->ep.src, &a);
	argv_words(&a, "iperf3 -c %s -p %d -t %d -O %d -J", x->ep.dst_ip, IPERF_PORT, secs,
		   IPERF_OMIT_S);
	t0 = run_now_s();
	ret = run_json(x, "tcp (iperf3)", NULL, secs + IPERF_OMIT_S + 1, &j, &soft, err, len, &a);
	t1 = run_now_s();
	run_child_kill(&server);
	if (ret)
		return ret;
	vals[M_TCP_GBPS] = num(json_object_get(j, "end"), "sum_received", "bits_per_second") / 1e9;
	json_decref(j);
	if (isnan(vals[M_TCP_GBPS])) {
		snprintf(err, len, "tcp (iperf3): no end.sum_received in its result");
		return -EIO;
	}
	/* Network softirq CPU (% of one CPU) per Gbit/s, over the whole run (omitted second too). */
	if (vals[M_TCP_GBPS] > 0 && t1 > t0)
		vals[M_TCP_CPU] = 100 * soft / 1e9 / (t1 - t0) / vals[M_TCP_GBPS];
	return 0;
}

/*
 * A connect latency counts only at the rate it was asked for: not when
 * connects were left undone (the path or the server could not keep up),
 * nor when the client's port range allows no more than that rate (then
 * the ports, not the datapath, would set it).  false with err.
 */
static bool conn_rate_held(json_t *j, const char *what, char *err, size_t len)
{
	double scheduled = num(j, "scheduled", NULL), done = num(j, "connections", NULL);
	double rate = num(j, "rate", NULL), bound = num(j, "port_bound_per_s", NULL);

	if (!(done >= CONN_HELD * scheduled)) {
		snprintf(err, len, "%s: %.0f of %.0f connects done at %.0f/s: the rate was not held",
			 what, done, scheduled, rate);
		return false;
	}
	if (isfinite(bound) && !(rate < CONN_HELD * bound)) {
		snprintf(err, len, "%s: %.0f/s is at the client's port-range bound (%.0f/s)", what,
			 rate, bound);
		return false;
	}
	return true;
}

static int tcpload(struct run_ctx *x, enum run_workload w, double vals[M_COUNT], char *err,
		   size_t len)
{
	const struct run_params *p = &x->plan->p;
	const char *from = w == W_NODEPORT ? x->ep.external : x->ep.src;
	const char *to = w == W_NODEPORT ? x->ep.nodeport : x->ep.vip;
	char what[160];
	double soft;
	struct argv a;
	json_t *j;
	int ret;

	exec_argv(x, from, &a);
	argv_add(&a, "%s", x->self);
	if (w == W_REQ)
		argv_words(&a, "tcpload rr --to %s --rate %.0f --duration %g --json", to,
			   p->req_rate, p->req_secs);
	else
		argv_words(&a, "tcpload connect --to %s --rate %.0f --duration %g --local-ports "
			   LOCAL_PORTS " --json", to, p->conn_rate, p->conn_secs);
	snprintf(what, sizeof(what), "%s (tcpload %s -> %s)", run_workload_names[w], from, to);
	ret = run_json(x, what, NULL, run_workload_secs(p, w), &j, &soft, err, len, &a);
	if (ret)
		return ret;
	if (w != W_REQ && !conn_rate_held(j, what, err, len)) {
		json_decref(j);
		return -EIO;
	}
	if (w == W_REQ) {
		vals[M_REQ_P50] = num(j, "latency_us", "p50");
		vals[M_REQ_P99] = num(j, "latency_us", "p99");
	} else if (w == W_CONN) {
		vals[M_CONN_P50] = num(j, "connect_us", "p50");
		vals[M_CONN_P99] = num(j, "connect_us", "p99");
		vals[M_CONN_RATE] = num(j, "conn_per_s", NULL);
		if (num(j, "connections", NULL) > 0)
			vals[M_CONN_CPU] = soft / 1e3 / num(j, "connections", NULL);
	} else {
		vals[M_NP_P50] = num(j, "connect_us", "p50");
		vals[M_NP_P99] = num(j, "connect_us", "p99");
	}
	json_decref(j);
	return 0;
}

int run_workload(struct run_ctx *x, enum run_workload w, double vals[M_COUNT], char *err,
		 size_t err_len)
{
	switch (w) {
	case W_NDR: return search(x, false, vals, err, err_len);
	case W_PDR: return search(x, true, vals, err, err_len);
	case W_STREAM: return stream(x, false, vals, err, err_len);
	case W_BPF: return stream(x, true, vals, err, err_len);
	case W_RTT: return rtt(x, vals, err, err_len);
	case W_TCP: return tcp(x, vals, err, err_len);
	case W_CONN:
	case W_REQ: return tcpload(x, w, vals, err, err_len);
	case W_NODEPORT:
		if (!x->ep.external[0] || !x->ep.nodeport[0]) {
			snprintf(err, err_len, "nodeport: the topology has no external host or no "
				 "NodePort on its TCP service");
			return -ENOENT;
		}
		return tcpload(x, w, vals, err, err_len);
	default: return -EINVAL;
	}
}

int run_workload_warmup(struct run_ctx *x, char *err, size_t err_len)
{
	const struct run_params *p = &x->plan->p;
	struct argv a;
	json_t *j;
	int ret;

	exec_argv(x, x->ep.src, &a);
	argv_add(&a, "%s", x->self);
	argv_words(&a, "tcpload rr --to %s --rate %.0f --duration %g --json", x->ep.vip,
		   p->req_rate, p->warmup_secs);
	ret = run_json(x, "warm-up (tcpload rr)", NULL, p->warmup_secs + 1, &j, NULL, err,
		       err_len, &a);
	json_decref(j);
	return ret;
}

int run_workloads_start(struct run_ctx *x, char *err, size_t err_len)
{
	const char *clients[2] = { x->ep.src, x->ep.external };
	struct run_child c;
	char line[256];
	struct argv a;
	int i, ret;

	for (i = 0; i < 2; i++) {
		if (!clients[i][0])
			continue;
		exec_argv(x, clients[i], &a);
		argv_words(&a, "sysctl -qw net.ipv4.tcp_tw_reuse=1");
		ret = run_child_run(&c, 10, NULL, &a);
		if (ret)
			snprintf(err, err_len, "tcp_tw_reuse in %s: %s", clients[i],
				 ret < 0 ? strerror(-ret) : run_child_message(&c, line, sizeof(line)));
		run_child_free(&c);
		if (ret)
			return -EIO;
	}
	for (i = 0; i < x->ep.n_servers; i++) {
		exec_argv(x, x->ep.servers[i], &a);
		argv_add(&a, "%s", x->self);
		argv_words(&a, "tcpload serve --port %u --duration 86400", x->ep.server_port);
		ret = run_child_start(&x->servers[i], &a);
		if (!ret)
			ret = run_child_wait(&x->servers[i], "listening", 5, x->stop);
		if (ret) {
			snprintf(err, err_len, "tcpload server on %s: %s", x->ep.servers[i],
				 run_child_why(&x->servers[i], ret, "listening", line,
					       sizeof(line)));
			run_child_kill(&x->servers[i]);
			return -EIO;
		}
		x->n_servers_up++;
	}
	return 0;
}

void run_workloads_stop(struct run_ctx *x)
{
	while (x->n_servers_up)
		run_child_kill(&x->servers[--x->n_servers_up]);
}

unsigned long long run_bpf_time_ns(const struct run_ctx *x)
{
	unsigned long long sum = 0;
	struct bpf_prog_info info;
	__u32 info_len;
	int i, fd;

	for (i = 0; i < x->n_prog_ids; i++) {
		fd = bpf_prog_get_fd_by_id(x->prog_ids[i]);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info_len = sizeof(info);
		if (!bpf_prog_get_info_by_fd(fd, &info, &info_len))
			sum += info.run_time_ns;
		close(fd);
	}
	return sum;
}
