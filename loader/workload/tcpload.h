/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dplab tcpload: the TCP workloads of `dplab run`, over plain sockets.
 *
 *   serve    an echo server of fixed 64-byte requests on 0.0.0.0:PORT,
 *            one thread, epoll, every connection non-blocking;
 *   connect  a connect + close loop (N of them in parallel threads):
 *            connections per second and connect latency; or, open loop,
 *            connects due at a fixed rate (one thread), latency measured
 *            from each connect's due time;
 *   rr       request/response over one persistent connection at a fixed
 *            rate, latency measured from each request's scheduled send
 *            time (no coordinated omission).
 *
 * Every loop is bounded by its duration (a connect or a reply waits at
 * most until the end of the run, plus TL_GRACE_S for rr) or by
 * SIGINT/SIGTERM once tl_signals_install() has run.  Latencies are kept
 * as samples (at most TL_MAX_SAMPLES) and the percentiles are exact.
 */
#ifndef DPLAB_LOADER_TCPLOAD_H
#define DPLAB_LOADER_TCPLOAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TL_REQ_SIZE 64			/* request and reply, bytes */
#define TL_MAX_SAMPLES 10000000		/* latency samples kept per run */
#define TL_GRACE_S 1.0			/* rr: replies accepted this long after the end */
#define TL_MAX_PARALLEL 256
#define TL_ERR_LEN 128

struct tl_addr {
	struct sockaddr_in sa;
	char text[24];			/* "10.96.0.10:80" */
};

/* Latency summary in microseconds; all 0 without samples. */
struct tl_lat {
	uint64_t samples;
	double p50, p90, p99, max, mean;
};

struct tl_serve_result {
	uint16_t port;			/* bound (the kernel's choice for port 0) */
	uint64_t connections;		/* accepted */
	uint64_t requests;		/* 64-byte requests answered */
	double elapsed_s;
};

struct tl_connect_result {
	uint64_t scheduled;		/* --rate: connects due in the run; else 0 */
	uint64_t connections;		/* connect() succeeded */
	uint64_t failures;		/* failed before the end of the run */
	uint64_t unfinished;		/* still connecting when the run ended */
	int first_errno;		/* of the first failure (see tcpload.c), or 0 */
	char first_error[TL_ERR_LEN];	/* its strerror text, or "" */
	double elapsed_s, conn_per_s;
	struct tl_lat lat;
	/* This namespace's net.ipv4 sysctls behind the local ports; -1: unread */
	int tcp_tw_reuse, port_lo, port_hi;
	/*
	 * Connections per second per destination the port range allows
	 * with tcp_tw_reuse 1: (port_hi - port_lo + 1) / 2 (connect() takes
	 * even ports first) per tcp_tw_reuse_delay (1000 ms when the kernel
	 * has no such sysctl).  -1 when tcp_tw_reuse is not 1 or unread.
	 */
	double port_bound_per_s;
};

struct tl_rr_result {
	uint64_t scheduled;		/* requests due in the run */
	uint64_t requests;		/* answered */
	uint64_t errors;		/* due and not answered (no connection, error, late) */
	uint64_t reconnects;
	char first_error[TL_ERR_LEN];	/* "recv: Connection reset by peer", or "" */
	double elapsed_s, achieved_rps;
	struct tl_lat lat;
};

/* "A.B.C.D:PORT" (IPv4, port 1..65535); 0 or -EINVAL. */
int tl_addr_parse(const char *s, struct tl_addr *a);

/* SIGINT and SIGTERM end the running loop early (it still reports). */
void tl_signals_install(void);

/*
 * Serve on 0.0.0.0:port (0: any) for duration_s (0: until a signal);
 * prints "listening on :PORT" on stdout once ready.  0 or -errno with
 * err saying what failed.
 */
int tl_serve(uint16_t port, double duration_s, struct tl_serve_result *r,
	     char *err, size_t err_len);

/*
 * Set this namespace's net.ipv4.ip_local_port_range to lo hi (the
 * kernel wants lo >= ip_unprivileged_port_start); 0 or -errno (err set).
 */
int tl_set_port_range(int lo, int hi, char *err, size_t err_len);

/*
 * The connect + close loop: rate 0, `parallel` threads as fast as they
 * can; rate > 0 (parallel must be 1), connect k due at start + k / rate
 * in one thread (see tcpload.c).  0 or -errno (err set).
 */
int tl_connect(const struct tl_addr *to, double duration_s, unsigned parallel, double rate,
	       struct tl_connect_result *r, char *err, size_t err_len);

/*
 * rate requests per second over one connection (reconnected after an
 * error).  When the first connect fails nothing is scheduled and
 * first_error says why.
 */
void tl_rr(const struct tl_addr *to, double rate, double duration_s, struct tl_rr_result *r);

#endif /* DPLAB_LOADER_TCPLOAD_H */
