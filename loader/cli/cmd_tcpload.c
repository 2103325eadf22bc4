// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab tcpload serve|connect|rr: the TCP workloads of `dplab run`, run in
 * a pod's namespace through `dplab exec`.  The loops are in tcpload.c;
 * this is the command line and the reports (--json: docs/tcpload-json.md).
 * Exit 0 when something succeeded, 1 when nothing did (or the server could
 * not start), EXIT_BAD_INPUT for bad arguments.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "workload/tcpload.h"

#define MAX_DURATION 86400.0
#define MAX_RATE 1e6

enum mode { MODE_SERVE, MODE_CONNECT, MODE_RR };

static const char *const mode_names[] = { "serve", "connect", "rr" };

struct opts {
	enum mode mode;
	const char *to_arg;		/* --to as given, parsed into to */
	struct tl_addr to;
	unsigned port, parallel;
	double duration, rate;
	const char *ports_arg;		/* --local-ports as given, parsed into: */
	int port_lo, port_hi;
	bool json;
};

/* The rows of the option table; O_* are their bits in opts_parse()'s given. */
enum {
	ROW_PORT, ROW_TO, ROW_DURATION, ROW_RATE, ROW_PARALLEL, ROW_LOCAL_PORTS, ROW_JSON, N_ROWS
};
enum {
	O_PORT = 1 << ROW_PORT, O_TO = 1 << ROW_TO, O_DURATION = 1 << ROW_DURATION,
	O_RATE = 1 << ROW_RATE, O_PARALLEL = 1 << ROW_PARALLEL,
	O_LOCAL_PORTS = 1 << ROW_LOCAL_PORTS, O_JSON = 1 << ROW_JSON,
};

static const struct opt tcpload_table[] = {
	[ROW_PORT] = OPT_UINT_ENTRY("port", 0, "P", "serve: the TCP port, 0..65535 (0: a free one)",
				    struct opts, port, 0, 65535),
	[ROW_TO] = OPT_STR_ENTRY("to", 0, "IP:PORT", "connect, rr: the server, like 10.96.0.10:80",
				 struct opts, to_arg),
	[ROW_DURATION] = OPT_ROW("duration", 0, OPT_DOUBLE, "S",
				 "seconds, above 0, at most 86400", struct opts, duration,
				 .min = 0, .max = MAX_DURATION, .above_min = true),
	[ROW_RATE] = OPT_ROW("rate", 0, OPT_DOUBLE, "R",
			     "rr: requests per second; connect: connections per\n"
			     "second (one thread, no --parallel N > 1);\n"
			     "above 0, at most 1000000",
			     struct opts, rate, .min = 0, .max = MAX_RATE, .above_min = true),
	[ROW_PARALLEL] = OPT_UINT_ENTRY("parallel", 0, "N",
					"connect: loops in parallel, 1..256 (default 1)",
					struct opts, parallel, 1, TL_MAX_PARALLEL),
	[ROW_LOCAL_PORTS] = OPT_STR_ENTRY("local-ports", 0, "LO-HI",
					  "connect: first set net.ipv4.ip_local_port_range of\n"
					  "this namespace to LO HI (1 <= LO < HI <= 65535)",
					  struct opts, ports_arg),
	[ROW_JSON] = OPT_FLAG_ENTRY("json", 0, "the result as JSON on stdout "
				    "(docs/tcpload-json.md)", struct opts, json),
	[N_ROWS] = OPT_END,
};

/* The options each mode takes, and those it needs. */
static const unsigned takes[] = {
	[MODE_SERVE] = O_PORT | O_DURATION | O_JSON,
	[MODE_CONNECT] = O_TO | O_DURATION | O_RATE | O_PARALLEL | O_LOCAL_PORTS | O_JSON,
	[MODE_RR] = O_TO | O_RATE | O_DURATION | O_JSON,
};
static const unsigned needs[] = {
	[MODE_SERVE] = O_PORT,
	[MODE_CONNECT] = O_TO | O_DURATION,
	[MODE_RR] = O_TO | O_RATE | O_DURATION,
};

static const struct opt_cmd tcpload_cmd = {
	.name = "dplab tcpload",
	.usage = "dplab tcpload serve --port P [--duration S] [--json]\n"
		 "       dplab tcpload connect --to IP:PORT --duration S\n"
		 "           [--parallel N | --rate R] [--local-ports LO-HI] [--json]\n"
		 "       dplab tcpload rr --to IP:PORT --rate R --duration S [--json]",
	.description =
		"  serve         echo server of 64-byte requests on 0.0.0.0:P (0: a free port);\n"
		"                prints \"listening on :P\" once ready, runs --duration S\n"
		"                seconds or until SIGINT/SIGTERM\n"
		"  connect       connect + close in a loop for S seconds (N loops in parallel,\n"
		"                default 1): connections per second, failures, connect latency;\n"
		"                with --rate, one connect every 1/R s, latency from its\n"
		"                scheduled time to connect() returning (a slow connect delays\n"
		"                the next ones: their latency shows it)\n"
		"  rr            a 64-byte request every 1/R s over one connection for S\n"
		"                seconds: latency from each request's scheduled send time to\n"
		"                its whole reply, so a stall shows as latency\n",
	.opts = tcpload_table,
	.epilogue = "exit status: 0 done, 1 nothing succeeded (or serve could not listen),\n"
		    "             2 bad arguments\n",
};

/* What the options given say against the mode's takes[] and needs[]. */
static int check_given(const struct opts *o, const char *mode, unsigned long long given)
{
	int i;

	for (i = 0; i < N_ROWS; i++)
		if ((given & (1u << i)) && !(takes[o->mode] & (1u << i))) {
			fprintf(stderr, "dplab tcpload %s: --%s is not an option of %s\n",
				mode, tcpload_table[i].name, mode);
			return -EINVAL;
		}
	for (i = 0; i < N_ROWS; i++)
		if ((needs[o->mode] & (1u << i)) && !(given & (1u << i))) {
			fprintf(stderr, "dplab tcpload %s: --%s is required\n", mode,
				tcpload_table[i].name);
			return -EINVAL;
		}
	return 0;
}

/* "LO-HI", 1 <= LO < HI <= 65535, into o->port_lo and o->port_hi; 0 or -EINVAL. */
static int parse_ports(struct opts *o)
{
	const char *s = o->ports_arg;
	unsigned long lo, hi;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	lo = strtoul(s, &end, 10);
	if (errno || *end != '-' || !isdigit((unsigned char)end[1]))
		return -EINVAL;
	hi = strtoul(end + 1, &end, 10);
	if (errno || *end || lo < 1 || lo >= hi || hi > 65535)
		return -EINVAL;
	o->port_lo = (int)lo;
	o->port_hi = (int)hi;
	return 0;
}

/* What connect's options say together; 0 or -EINVAL (said on stderr). */
static int check_connect(struct opts *o, const char *name, unsigned long long given)
{
	if ((given & O_RATE) && o->parallel > 1) {
		fprintf(stderr, "%s: --rate and --parallel %u exclude each other (--rate runs "
			"one thread)\n", name, o->parallel);
		return -EINVAL;
	}
	if (o->ports_arg && parse_ports(o)) {
		fprintf(stderr, "%s: --local-ports '%s': LO-HI with 1 <= LO < HI <= 65535, "
			"like 1024-65535\n", name, o->ports_arg);
		return -EINVAL;
	}
	return 0;
}

/* The options after the mode; 0, or OPTS_HELP / OPTS_ERROR. */
static int parse(int argc, char **argv, struct opts *o)
{
	const char *mode = mode_names[o->mode];
	struct opt_cmd cmd = tcpload_cmd;
	unsigned long long given;
	char name[64];
	int first;

	snprintf(name, sizeof(name), "dplab tcpload %s", mode);
	cmd.name = name;
	first = opts_parse(&cmd, argc, argv, o, &given);
	if (first < 0)
		return first;
	if (first < argc)
		fprintf(stderr, "%s: unexpected argument '%s'\n", name, argv[first]);
	else if (o->to_arg && tl_addr_parse(o->to_arg, &o->to))
		fprintf(stderr, "%s: --to '%s': an IPv4 address and port, like 10.96.0.10:80\n",
			name, o->to_arg);
	else if (!check_given(o, mode, given) &&
		 (o->mode != MODE_CONNECT || !check_connect(o, name, given)))
		return 0;
	opts_usage(&cmd, stderr);
	return OPTS_ERROR;
}

static json_t *lat_json(const struct tl_lat *l)
{
	return json_pack("{s:I,s:f,s:f,s:f,s:f,s:f}", "samples", (json_int_t)l->samples,
			 "p50", l->p50, "p90", l->p90, "p99", l->p99, "max", l->max,
			 "mean", l->mean);
}

/* j (consumed) on stdout; indented, or on one line (serve: after "listening"). */
static int emit(json_t *j, bool one_line)
{
	int err;

	if (!j) {
		fprintf(stderr, "dplab tcpload: out of memory for the JSON result\n");
		return EXIT_FAILURE;
	}
	err = json_dumpf(j, stdout, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12) |
			 (one_line ? JSON_COMPACT : JSON_INDENT(2)));
	printf("\n");
	fflush(stdout);
	json_decref(j);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int run_serve(const struct opts *o)
{
	struct tl_serve_result r;
	char err[256];

	if (tl_serve((uint16_t)o->port, o->duration, &r, err, sizeof(err))) {
		fprintf(stderr, "dplab tcpload serve: %s\n", err);
		return EXIT_FAILURE;
	}
	if (o->json)
		return emit(json_pack("{s:s,s:s,s:i,s:o,s:f,s:I,s:I}", "tool", "dplab tcpload",
				      "mode", "serve", "port", (int)r.port,
				      "duration_s", o->duration > 0 ? json_real(o->duration) :
				      json_null(), "elapsed_s", r.elapsed_s,
				      "connections", (json_int_t)r.connections,
				      "requests", (json_int_t)r.requests), true);
	printf("served %lu connections, %lu requests in %.2f s\n", r.connections, r.requests,
	       r.elapsed_s);
	return EXIT_SUCCESS;
}

static json_t *connect_json(const struct opts *o, unsigned parallel,
			    const struct tl_connect_result *r)
{
	bool rate = o->rate > 0;

	return json_pack("{s:s,s:s,s:s,s:o,s:f,s:i,s:o,s:I,s:I,s:I,s:s?,s:f,s:f,s:o,s:o,s:o,s:o}",
			 "tool", "dplab tcpload", "mode", "connect", "to", o->to.text,
			 "rate", rate ? json_real(o->rate) : json_null(),
			 "duration_s", o->duration, "parallel", (int)parallel,
			 "scheduled", rate ? json_integer((json_int_t)r->scheduled) : json_null(),
			 "connections", (json_int_t)r->connections,
			 "failures", (json_int_t)r->failures,
			 "unfinished", (json_int_t)r->unfinished,
			 "first_error", r->first_error[0] ? r->first_error : NULL,
			 "elapsed_s", r->elapsed_s, "conn_per_s", r->conn_per_s,
			 "connect_us", lat_json(&r->lat),
			 "tcp_tw_reuse", r->tcp_tw_reuse >= 0 ?
			 json_integer(r->tcp_tw_reuse) : json_null(),
			 "local_port_range", r->port_lo >= 0 ?
			 json_pack("[i,i]", r->port_lo, r->port_hi) : json_null(),
			 "port_bound_per_s", r->port_bound_per_s >= 0 ?
			 json_real(r->port_bound_per_s) : json_null());
}

static void connect_text(const struct opts *o, const struct tl_connect_result *r)
{
	if (o->rate > 0)
		printf("connect %s: %lu connects due at %g/s\n", o->to.text, r->scheduled,
		       o->rate);
	printf("connect %s: %lu connections in %.2f s (%.1f/s), %lu failures%s%s, "
	       "%lu cut off by the end\n", o->to.text, r->connections, r->elapsed_s,
	       r->conn_per_s, r->failures, r->failures ? ", the first: " : "",
	       r->failures ? r->first_error : "", r->unfinished);
	printf("connect us%s: p50 %.1f p90 %.1f p99 %.1f max %.1f mean %.1f (%lu samples)\n",
	       o->rate > 0 ? " from the scheduled time" : "", r->lat.p50, r->lat.p90,
	       r->lat.p99, r->lat.max, r->lat.mean, r->lat.samples);
	if (r->port_bound_per_s >= 0)
		printf("local ports %d-%d allow at most %.0f connections/s per destination\n",
		       r->port_lo, r->port_hi, r->port_bound_per_s);
}

static int run_connect(const struct opts *o)
{
	unsigned parallel = o->parallel ? o->parallel : 1;
	struct tl_connect_result r;
	char err[256];
	int rc;

	if (o->ports_arg && tl_set_port_range(o->port_lo, o->port_hi, err, sizeof(err))) {
		fprintf(stderr, "dplab tcpload connect: --local-ports %s: %s\n", o->ports_arg, err);
		return EXIT_FAILURE;
	}
	if (tl_connect(&o->to, o->duration, parallel, o->rate, &r, err, sizeof(err))) {
		fprintf(stderr, "dplab tcpload connect: %s: %s\n", o->to.text, err);
		return EXIT_FAILURE;
	}
	if (o->json) {
		rc = emit(connect_json(o, parallel, &r), false);
		if (rc)
			return rc;
	} else {
		connect_text(o, &r);
	}
	if (r.connections)
		return EXIT_SUCCESS;
	fprintf(stderr, "dplab tcpload connect: %s: no connection in %.2f s (%lu attempts): %s%s\n",
		o->to.text, r.elapsed_s, r.failures + r.unfinished,
		r.first_error[0] ? r.first_error : "interrupted before the first attempt",
		r.first_errno == EADDRNOTAVAIL ? " (local ports used up: connections closed "
		"in the last 60 s are in TIME_WAIT; net.ipv4.tcp_tw_reuse=1 in this "
		"namespace lets connect reuse them)" : "");
	return EXIT_FAILURE;
}

static int run_rr(const struct opts *o)
{
	struct tl_rr_result r;
	int rc;

	tl_rr(&o->to, o->rate, o->duration, &r);
	if (o->json) {
		rc = emit(json_pack("{s:s,s:s,s:s,s:f,s:f,s:I,s:I,s:I,s:I,s:s?,s:f,s:f,s:o}",
				    "tool", "dplab tcpload", "mode", "rr", "to", o->to.text,
				    "rate", o->rate, "duration_s", o->duration,
				    "scheduled", (json_int_t)r.scheduled,
				    "requests", (json_int_t)r.requests,
				    "errors", (json_int_t)r.errors,
				    "reconnects", (json_int_t)r.reconnects,
				    "first_error", r.first_error[0] ? r.first_error : NULL,
				    "elapsed_s", r.elapsed_s, "achieved_rps", r.achieved_rps,
				    "latency_us", lat_json(&r.lat)), false);
		if (rc)
			return rc;
	} else {
		printf("rr %s: %lu of %lu requests answered in %.2f s (%.1f/s, target %g/s), "
		       "%lu errors, %lu reconnects%s%s\n", o->to.text, r.requests, r.scheduled,
		       r.elapsed_s, r.achieved_rps, o->rate, r.errors, r.reconnects,
		       r.first_error[0] ? ", the first: " : "", r.first_error);
		printf("latency us: p50 %.1f p90 %.1f p99 %.1f max %.1f mean %.1f\n",
		       r.lat.p50, r.lat.p90, r.lat.p99, r.lat.max, r.lat.mean);
	}
	if (r.requests)
		return EXIT_SUCCESS;
	fprintf(stderr, "dplab tcpload rr: %s: no request answered (%lu scheduled): %s\n",
		o->to.text, r.scheduled,
		r.first_error[0] ? r.first_error : "interrupted before the first request");
	return EXIT_FAILURE;
}

int cmd_tcpload(int argc, char **argv)
{
	struct opts o = { 0 };
	unsigned m;
	int ret;

	if (argc < 2) {
		opts_usage(&tcpload_cmd, stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		opts_help(&tcpload_cmd, stdout);
		return EXIT_SUCCESS;
	}
	for (m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (!strcmp(argv[1], mode_names[m]))
			break;
	if (m == sizeof(mode_names) / sizeof(mode_names[0])) {
		fprintf(stderr, "dplab tcpload: unknown mode '%s' (serve, connect or rr)\n",
			argv[1]);
		opts_usage(&tcpload_cmd, stderr);
		return EXIT_BAD_INPUT;
	}
	o.mode = m;
	ret = parse(argc - 1, argv + 1, &o);
	if (ret)
		return opts_exit_code(ret);
	tl_signals_install();
	switch (o.mode) {
	case MODE_SERVE:
		return run_serve(&o);
	case MODE_CONNECT:
		return run_connect(&o);
	default:
		return run_rr(&o);
	}
}
