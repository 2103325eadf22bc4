// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab tcpload serve|connect|rr: the TCP workloads of `dplab run`, run in
 * a pod's namespace through `dplab exec`.  The loops are in tcpload.c;
 * this is the command line and the reports (--json: docs/tcpload-json.md).
 * Exit 0 when something succeeded, 1 when nothing did (or the server could
 * not start), EXIT_BAD_INPUT for bad arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "workload/tcpload.h"

#define MAX_DURATION 86400.0
#define MAX_RATE 1e6

enum mode { MODE_SERVE, MODE_CONNECT, MODE_RR };

static const char *const mode_names[] = { "serve", "connect", "rr" };

/* The options each mode takes, and those it needs. */
enum { O_PORT = 1, O_TO = 2, O_DURATION = 4, O_RATE = 8, O_PARALLEL = 16, O_JSON = 32 };
static const unsigned takes[] = {
	[MODE_SERVE] = O_PORT | O_DURATION | O_JSON,
	[MODE_CONNECT] = O_TO | O_DURATION | O_PARALLEL | O_JSON,
	[MODE_RR] = O_TO | O_RATE | O_DURATION | O_JSON,
};
static const unsigned needs[] = {
	[MODE_SERVE] = O_PORT,
	[MODE_CONNECT] = O_TO | O_DURATION,
	[MODE_RR] = O_TO | O_RATE | O_DURATION,
};

struct opts {
	enum mode mode;
	unsigned given;			/* O_* */
	struct tl_addr to;
	unsigned port, parallel;
	double duration, rate;
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dplab tcpload serve --port P [--duration S] [--json]\n"
		"       dplab tcpload connect --to IP:PORT --duration S [--parallel N] [--json]\n"
		"       dplab tcpload rr --to IP:PORT --rate R --duration S [--json]\n"
		"  serve         echo server of 64-byte requests on 0.0.0.0:P (0: a free port);\n"
		"                prints \"listening on :P\" once ready, runs --duration S\n"
		"                seconds or until SIGINT/SIGTERM\n"
		"  connect       connect + close in a loop for S seconds (N loops in parallel,\n"
		"                default 1): connections per second, failures, connect latency\n"
		"  rr            a 64-byte request every 1/R s over one connection for S\n"
		"                seconds: latency from each request's scheduled send time to\n"
		"                its whole reply, so a stall shows as latency\n"
		"  --json        the result as JSON on stdout (docs/tcpload-json.md)\n"
		"exit status: 0 done, 1 nothing succeeded (or serve could not listen),\n"
		"             2 bad arguments\n");
}

/* A number in (0, max]; false if s is not one. */
static bool number(const char *s, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && *out > 0 && *out <= max;
}

/* An integer in [min, max]; false if s is not one. */
static bool integer(const char *s, long min, long max, unsigned *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static int bad(const struct opts *o, const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, "dplab tcpload %s: %s '%s': %s\n", mode_names[o->mode], opt, arg, want);
	return -EINVAL;
}

/* The options after the mode; 0 or -EINVAL after saying why. */
static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "to", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rate", required_argument, NULL, 'r' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct { int c; unsigned bit; const char *name; } bits[] = {
		{ 'p', O_PORT, "port" }, { 't', O_TO, "to" }, { 'd', O_DURATION, "duration" },
		{ 'r', O_RATE, "rate" }, { 'P', O_PARALLEL, "parallel" }, { 'j', O_JSON, "json" },
	};
	const char *mode = mode_names[o->mode];
	unsigned i;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
			if (bits[i].c != c)
				continue;
			if (!(takes[o->mode] & bits[i].bit)) {
				fprintf(stderr, "dplab tcpload %s: --%s is not an option of %s\n",
					mode, bits[i].name, mode);
				return -EINVAL;
			}
			o->given |= bits[i].bit;
		}
		switch (c) {
		case 'p':
			if (!integer(optarg, 0, 65535, &o->port))
				return bad(o, "--port", optarg, "a TCP port, 0..65535");
			break;
		case 't':
			if (tl_addr_parse(optarg, &o->to))
				return bad(o, "--to", optarg, "an IPv4 address and port, like "
					   "10.96.0.10:80");
			break;
		case 'd':
			if (!number(optarg, MAX_DURATION, &o->duration))
				return bad(o, "--duration", optarg, "seconds, above 0, at most "
					   "86400");
			break;
		case 'r':
			if (!number(optarg, MAX_RATE, &o->rate))
				return bad(o, "--rate", optarg, "requests per second, above 0, at "
					   "most 1000000");
			break;
		case 'P':
			if (!integer(optarg, 1, TL_MAX_PARALLEL, &o->parallel))
				return bad(o, "--parallel", optarg, "a number of loops, 1..256");
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			return -EINVAL;		/* getopt named it */
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dplab tcpload %s: unexpected argument '%s'\n", mode, argv[optind]);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((needs[o->mode] & bits[i].bit) && !(o->given & bits[i].bit)) {
			fprintf(stderr, "dplab tcpload %s: --%s is required\n", mode,
				bits[i].name);
			return -EINVAL;
		}
	return 0;
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

static int run_connect(const struct opts *o)
{
	unsigned parallel = o->parallel ? o->parallel : 1;
	struct tl_connect_result r;
	char err[256];
	int rc;

	if (tl_connect(&o->to, o->duration, parallel, &r, err, sizeof(err))) {
		fprintf(stderr, "dplab tcpload connect: %s: %s\n", o->to.text, err);
		return EXIT_FAILURE;
	}
	if (o->json) {
		rc = emit(json_pack("{s:s,s:s,s:s,s:f,s:i,s:I,s:I,s:I,s:s?,s:f,s:f,s:o,s:o,s:o}",
				    "tool", "dplab tcpload", "mode", "connect", "to", o->to.text,
				    "duration_s", o->duration, "parallel", (int)parallel,
				    "connections", (json_int_t)r.connections,
				    "failures", (json_int_t)r.failures,
				    "unfinished", (json_int_t)r.unfinished,
				    "first_error", r.first_error[0] ? r.first_error : NULL,
				    "elapsed_s", r.elapsed_s, "conn_per_s", r.conn_per_s,
				    "connect_us", lat_json(&r.lat),
				    "tcp_tw_reuse", r.tcp_tw_reuse >= 0 ?
				    json_integer(r.tcp_tw_reuse) : json_null(),
				    "local_port_range", r.port_lo >= 0 ?
				    json_pack("[i,i]", r.port_lo, r.port_hi) : json_null()), false);
		if (rc)
			return rc;
	} else {
		printf("connect %s: %lu connections in %.2f s (%.1f/s), %lu failures%s%s, "
		       "%lu cut off by the end\n", o->to.text, r.connections, r.elapsed_s,
		       r.conn_per_s, r.failures, r.failures ? ", the first: " : "",
		       r.failures ? r.first_error : "", r.unfinished);
		printf("connect us: p50 %.1f p90 %.1f p99 %.1f max %.1f mean %.1f "
		       "(%lu samples)\n", r.lat.p50, r.lat.p90, r.lat.p99, r.lat.max,
		       r.lat.mean, r.lat.samples);
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

	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	for (m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
		if (!strcmp(argv[1], mode_names[m]))
			break;
	if (m == sizeof(mode_names) / sizeof(mode_names[0])) {
		fprintf(stderr, "dplab tcpload: unknown mode '%s' (serve, connect or rr)\n",
			argv[1]);
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	o.mode = m;
	if (parse(argc - 1, argv + 1, &o)) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
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
