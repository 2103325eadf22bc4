// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab tcpload (tcpload.h): what its loops share (tcpload_int.h) - stop
 * flag, clocks, latency samples, sockets.  The echo server is in
 * tcpload_serve.c, the connect + close loop and fixed-rate
 * request/response in tcpload_client.c.  Times are CLOCK_MONOTONIC ns.
 *
 * connect: blocking connect() with SO_SNDTIMEO set to what is left of the
 * run, so a SYN nobody answers ends with the run (unfinished, not a
 * failure; but when nothing connected, "Connection timed out" is the
 * error); then a normal close().  The closing side keeps the port in
 * TIME_WAIT for 60 s: many runs in a row from one namespace fill the
 * local port range, connect() then searches longer for a free port and
 * at last fails (EADDRNOTAVAIL), unless net.ipv4.tcp_tw_reuse is 1 there
 * (TIME_WAIT ports older than 1 s are reused; loopback only with 2, the
 * default).  The result carries both sysctls, and the rate the port range
 * allows (tcpload.h).
 *
 * connect --rate: open loop in one thread.  Connect k is due at start +
 * k / rate; it starts when due, or at once when the previous one returned
 * late, and its latency is from the due time to connect() returning, so
 * a slow connect delays the ones behind it and shows in their latency
 * (as in rr).  A connect waits at most until TL_GRACE_S after the run;
 * one due and not started by then is unfinished.  Paced like rr.
 *
 * rr: request k is due at start + k / rate.  It is sent when due, or at
 * once when the previous reply came late, and its latency is from the due
 * time to the last byte of its reply: a stall delays the requests behind
 * it and shows in their latency.  A request the connection failed on is
 * an error, and the next one reconnects first.  A sleeping thread wakes
 * 100-200 us late on this machine, which would count as latency: rr
 * sleeps until SPIN_NS before a request is due and spins the rest (so it
 * keeps a CPU busy from 1 / SPIN_NS = 3333 requests/s on).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "workload/tcpload_int.h"

volatile sig_atomic_t tl_stop;

static void on_signal(int sig)
{
	tl_stop = 1;
}

void tl_signals_install(void)
{
	/* No SA_RESTART: a blocking connect() or a wait returns EINTR. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

uint64_t tl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

uint64_t tl_secs_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

const char *tl_err_text(int err)
{
	switch (err) {
	case ERR_EOF:
		return "closed by the peer";
	case ERR_MISMATCH:
		return "the reply is not the request echoed";
	case ERR_LATE:
		return "not sent: the run and its grace period were over";
	case ERR_DEADLINE:
		return "the run and its grace period ended first";
	case EINPROGRESS:
		return "no answer by the end of the run (Connection timed out)";
	default:
		return strerror(err);
	}
}

int tl_addr_parse(const char *s, struct tl_addr *a)
{
	const char *colon = strrchr(s, ':');
	char ip[INET_ADDRSTRLEN], *end;
	unsigned long port;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(ip) ||
	    !isdigit((unsigned char)colon[1]))
		return -EINVAL;
	memcpy(ip, s, colon - s);
	ip[colon - s] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || !port || port > 65535)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->sa.sin_family = AF_INET;
	a->sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &a->sa.sin_addr) != 1)
		return -EINVAL;
	snprintf(a->text, sizeof(a->text), "%s:%lu", ip, port);
	return 0;
}

/* ---------------------------------------------------------- latency samples */

/* Room for n samples up front (the hot loop then never reallocates). */
void tl_samples_reserve(struct tl_samples *s, size_t n)
{
	uint64_t *p;

	if (n > s->max)
		n = s->max;
	if (n <= s->cap)
		return;
	p = realloc(s->ns, n * sizeof(*p));
	if (p) {
		s->ns = p;
		s->cap = n;
	}
}

/* Keep one sample; past s->max (or out of memory) it is not kept. */
void tl_samples_add(struct tl_samples *s, uint64_t ns)
{
	if (s->n == s->cap)
		tl_samples_reserve(s, s->cap ? 2 * s->cap : FIRST_SAMPLES);
	if (s->n < s->cap)
		s->ns[s->n++] = ns;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least permille/1000 at or below it. */
static double rank_us(const uint64_t *v, size_t n, unsigned permille)
{
	size_t r = (n * permille + 999) / 1000;

	return v[r ? r - 1 : 0] / 1e3;
}

void tl_lat_summary(struct tl_samples *s, struct tl_lat *l)
{
	long double sum = 0;
	size_t i;

	memset(l, 0, sizeof(*l));
	if (!s->n)
		return;
	qsort(s->ns, s->n, sizeof(*s->ns), cmp_u64);
	for (i = 0; i < s->n; i++)
		sum += s->ns[i];
	l->samples = s->n;
	l->p50 = rank_us(s->ns, s->n, 500);
	l->p90 = rank_us(s->ns, s->n, 900);
	l->p99 = rank_us(s->ns, s->n, 990);
	l->max = s->ns[s->n - 1] / 1e3;
	l->mean = (double)(sum / s->n / 1e3);
}

/* ---------------------------------------------------------------- sockets */

/*
 * A blocking TCP socket connected to `to` by the deadline (at least 1 ms
 * from now); the fd, with the time connect() took in *took, or -errno:
 * -EINPROGRESS when the deadline came first.
 */
int tl_connect_by(const struct tl_addr *to, uint64_t deadline, uint64_t *took)
{
	uint64_t t0 = tl_now_ns(), left = deadline > t0 + MSEC ? deadline - t0 : MSEC;
	struct timeval tv = { .tv_sec = left / NSEC, .tv_usec = left % NSEC / 1000 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		goto out;
	}
	t0 = tl_now_ns();
	if (connect(fd, (const struct sockaddr *)&to->sa, sizeof(to->sa))) {
		err = -errno;	/* EINPROGRESS: SO_SNDTIMEO ran out */
		goto out;
	}
	*took = tl_now_ns() - t0;
out:
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

void tl_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Many connections need many descriptors: the soft limit up to the hard one. */
void tl_raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

