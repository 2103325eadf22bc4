/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside dplab tcpload (tcpload.h): what the server (tcpload_serve.c) and
 * the clients (tcpload_client.c) share from tcpload.c: the stop flag,
 * clocks, error texts, latency samples and socket helpers.
 */
#ifndef DPLAB_LOADER_TCPLOAD_INT_H
#define DPLAB_LOADER_TCPLOAD_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "workload/tcpload.h"

#define NSEC 1000000000ull
#define MSEC 1000000ull
#define TICK_MS 100			/* serve: the longest wait between checks */
#define MAX_EVENTS 64
#define ACCEPT_BATCH 64
#define CONN_BUF (16 * TL_REQ_SIZE)
#define FIRST_SAMPLES 4096
#define SPIN_NS (300 * 1000ull)	/* rr, connect --rate: spin this long before due */

/* Our own error codes beside errno values. */
#define ERR_EOF 10001			/* the peer closed the connection */
#define ERR_MISMATCH 10002		/* the reply is not the request */
#define ERR_LATE 10003			/* due after the run and its grace */
#define ERR_DEADLINE 10004		/* the run and its grace ended during I/O */

/* Set by SIGINT/SIGTERM (tl_signals_install): the running loop ends. */
extern volatile sig_atomic_t tl_stop;

uint64_t tl_now_ns(void);		/* CLOCK_MONOTONIC */
uint64_t tl_secs_ns(double s);
/* strerror, or the text of one of the ERR_* codes above. */
const char *tl_err_text(int err);

struct tl_samples {
	uint64_t *ns;
	size_t n, cap, max;
};

void tl_samples_reserve(struct tl_samples *s, size_t n);
void tl_samples_add(struct tl_samples *s, uint64_t ns);
/* Sorts the samples; percentiles by nearest rank. */
void tl_lat_summary(struct tl_samples *s, struct tl_lat *l);

int tl_connect_by(const struct tl_addr *to, uint64_t deadline, uint64_t *took);
void tl_nodelay(int fd);
void tl_raise_nofile(void);

#endif /* DPLAB_LOADER_TCPLOAD_INT_H */
