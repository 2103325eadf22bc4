// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab tcpload's loops (tcpload.h): the echo server, the connect + close
 * loop and fixed-rate request/response.  Times are CLOCK_MONOTONIC ns.
 *
 * connect: blocking connect() with SO_SNDTIMEO set to what is left of the
 * run, so a SYN nobody answers ends with the run (unfinished, not a
 * failure; but when nothing connected, "Connection timed out" is the
 * error); then a normal close().  The closing side keeps the port in
 * TIME_WAIT for 60 s: many runs in a row from one namespace fill the
 * local port range, connect() then searches longer for a free port and
 * at last fails (EADDRNOTAVAIL), unless net.ipv4.tcp_tw_reuse is 1 there
 * (TIME_WAIT ports older than 1 s are reused; loopback only with 2, the
 * default).  The result carries both sysctls.
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

#include "workload/tcpload.h"

#define NSEC 1000000000ull
#define MSEC 1000000ull
#define TICK_MS 100			/* serve: the longest wait between checks */
#define MAX_EVENTS 64
#define ACCEPT_BATCH 64
#define CONN_BUF (16 * TL_REQ_SIZE)
#define FIRST_SAMPLES 4096
#define SPIN_NS (300 * 1000ull)	/* rr: spin this long before a request is due */

/* Our own error codes beside errno values. */
#define ERR_EOF 10001			/* the peer closed the connection */
#define ERR_MISMATCH 10002		/* the reply is not the request */
#define ERR_LATE 10003			/* due after the run and its grace */
#define ERR_DEADLINE 10004		/* the run and its grace ended during I/O */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

void tl_signals_install(void)
{
	/* No SA_RESTART: a blocking connect() or a wait returns EINTR. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

static uint64_t secs_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

static const char *err_text(int err)
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

struct samples {
	uint64_t *ns;
	size_t n, cap, max;
};

/* Room for n samples up front (the hot loop then never reallocates). */
static void samples_reserve(struct samples *s, size_t n)
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
static void samples_add(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap)
		samples_reserve(s, s->cap ? 2 * s->cap : FIRST_SAMPLES);
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

static void lat_summary(struct samples *s, struct tl_lat *l)
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
static int connect_by(const struct tl_addr *to, uint64_t deadline, uint64_t *took)
{
	uint64_t t0 = now_ns(), left = deadline > t0 + MSEC ? deadline - t0 : MSEC;
	struct timeval tv = { .tv_sec = left / NSEC, .tv_usec = left % NSEC / 1000 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		goto out;
	}
	t0 = now_ns();
	if (connect(fd, (const struct sockaddr *)&to->sa, sizeof(to->sa))) {
		err = -errno;	/* EINPROGRESS: SO_SNDTIMEO ran out */
		goto out;
	}
	*took = now_ns() - t0;
out:
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Many connections need many descriptors: the soft limit up to the hard one. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* ------------------------------------------------------------------ serve */

struct conn {
	struct conn *prev, *next;
	int fd;
	unsigned in_len, out_off, out_len;
	uint8_t in[CONN_BUF], out[CONN_BUF];
};

struct server {
	int ep, lfd;
	bool paused;			/* out of descriptors: not accepting */
	struct conn *open;
	struct tl_serve_result *r;
};

static void listener_events(struct server *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = NULL };

	epoll_ctl(s->ep, EPOLL_CTL_MOD, s->lfd, &ev);
	s->paused = !events;
}

static void conn_drop(struct server *s, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->open = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->fd);		/* leaves the epoll set with it */
	free(c);
	if (s->paused)
		listener_events(s, EPOLLIN);
}

static void accept_some(struct server *s)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct conn *c;
	int i, fd, err;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		err = fd < 0 ? errno : 0;
		if (err == ECONNABORTED || err == EINTR)
			continue;
		if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM)
			listener_events(s, 0);	/* until a connection closes */
		if (err)
			return;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;		/* TCP_NODELAY: inherited from the listener */
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->open;
		if (s->open)
			s->open->prev = c;
		s->open = c;
		s->r->connections++;
	}
}

/* Send what is pending: 1 all out, 0 the socket is full, -errno. */
static int conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		c->out_off += n;
	}
	c->out_off = c->out_len = 0;
	return 1;
}

/*
 * Read what came, answer every whole request with itself; while a reply
 * does not fit in the socket, wait for room (EPOLLOUT) instead of reading.
 * false when the connection is over.
 */
static bool conn_serve(struct server *s, struct conn *c)
{
	struct epoll_event ev = { .data.ptr = c };
	unsigned whole;
	ssize_t n;
	int sent;

	if (c->out_len) {
		sent = conn_flush(c);
		if (sent == 1) {
			ev.events = EPOLLIN;
			epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
		}
		return sent >= 0;
	}
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n <= 0)
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
	c->in_len += n;
	whole = c->in_len / TL_REQ_SIZE * TL_REQ_SIZE;
	if (!whole)
		return true;
	memcpy(c->out, c->in, whole);
	c->out_len = whole;
	memmove(c->in, c->in + whole, c->in_len - whole);
	c->in_len -= whole;
	s->r->requests += whole / TL_REQ_SIZE;
	sent = conn_flush(c);
	if (!sent) {
		ev.events = EPOLLOUT;
		epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
	}
	return sent >= 0;
}

int tl_serve(uint16_t port, double duration_s, struct tl_serve_result *r,
	     char *err, size_t err_len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }, evs[MAX_EVENTS];
	struct server s = { .ep = -1, .lfd = -1, .r = r };
	socklen_t sl = sizeof(sa);
	uint64_t start, end = 0, now;
	int one = 1, n, i, ms, ret = 0;

	memset(r, 0, sizeof(*r));
	raise_nofile();
	s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s.lfd < 0 || setsockopt(s.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s.lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) {
		ret = -errno;
		snprintf(err, err_len, "TCP socket: %s", strerror(-ret));
		goto out;
	}
	if (bind(s.lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(s.lfd, SOMAXCONN) ||
	    getsockname(s.lfd, (struct sockaddr *)&sa, &sl)) {
		ret = -errno;
		snprintf(err, err_len, "listening on 0.0.0.0:%u: %s", port, strerror(-ret));
		goto out;
	}
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	if (s.ep < 0 || epoll_ctl(s.ep, EPOLL_CTL_ADD, s.lfd, &ev)) {
		ret = -errno;
		snprintf(err, err_len, "epoll: %s", strerror(-ret));
		goto out;
	}
	r->port = ntohs(sa.sin_port);
	printf("listening on :%u\n", r->port);
	fflush(stdout);
	start = now_ns();
	if (duration_s > 0)
		end = start + secs_ns(duration_s);
	while (!stop) {
		now = now_ns();
		if (end && now >= end)
			break;
		ms = TICK_MS;
		if (end && end - now < TICK_MS * MSEC)
			ms = (int)((end - now + MSEC - 1) / MSEC);
		n = epoll_wait(s.ep, evs, MAX_EVENTS, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, err_len, "epoll_wait: %s", strerror(-ret));
			goto out;
		}
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (!c)
				accept_some(&s);
			else if (!conn_serve(&s, c))
				conn_drop(&s, c);
		}
	}
	r->elapsed_s = (now_ns() - start) / 1e9;
out:
	while (s.open)
		conn_drop(&s, s.open);
	if (s.ep >= 0)
		close(s.ep);
	if (s.lfd >= 0)
		close(s.lfd);
	return ret;
}

/* ---------------------------------------------------------------- connect */

struct conn_worker {
	pthread_t tid;
	const struct tl_addr *to;
	uint64_t end;
	uint64_t ok, failed, unfinished;
	uint64_t first_err_at;
	int first_err;
	struct samples lat;
};

/* Up to n integers from a /proc/sys file into v; how many. */
static int read_ints(const char *path, int *v, int n)
{
	FILE *f = fopen(path, "re");
	int got = 0;

	if (!f)
		return 0;
	while (got < n && fscanf(f, "%d", &v[got]) == 1)
		got++;
	fclose(f);
	return got;
}

/* What decides how fast local ports come back (TIME_WAIT), for the report. */
static void read_port_sysctls(struct tl_connect_result *r)
{
	int range[2];

	r->tcp_tw_reuse = r->port_lo = r->port_hi = -1;
	read_ints("/proc/sys/net/ipv4/tcp_tw_reuse", &r->tcp_tw_reuse, 1);
	if (read_ints("/proc/sys/net/ipv4/ip_local_port_range", range, 2) == 2) {
		r->port_lo = range[0];
		r->port_hi = range[1];
	}
}

static void *conn_loop(void *arg)
{
	struct conn_worker *w = arg;
	uint64_t now, took = 0;
	int fd;

	while (!stop && (now = now_ns()) < w->end) {
		fd = connect_by(w->to, w->end, &took);
		if (fd >= 0) {
			close(fd);
			w->ok++;
			samples_add(&w->lat, took);
			continue;
		}
		if (fd == -EINTR && stop)
			break;
		if (fd == -EINPROGRESS) {
			w->unfinished++;	/* cut off by the end of the run */
			break;
		}
		if (!w->failed++) {
			w->first_err = -fd;
			w->first_err_at = now;
		}
	}
	return NULL;
}

int tl_connect(const struct tl_addr *to, double duration_s, unsigned parallel,
	       struct tl_connect_result *r, char *err, size_t err_len)
{
	struct samples all = { .max = TL_MAX_SAMPLES };
	struct conn_worker *w, *first = NULL;
	unsigned i, started = 0;
	uint64_t start;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	read_port_sysctls(r);
	w = calloc(parallel, sizeof(*w));
	if (!w) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	raise_nofile();
	start = now_ns();
	for (i = 0; i < parallel; i++) {
		w[i].to = to;
		w[i].end = start + secs_ns(duration_s);
		w[i].lat.max = TL_MAX_SAMPLES / parallel;
		ret = -pthread_create(&w[i].tid, NULL, conn_loop, &w[i]);
		if (ret) {
			snprintf(err, err_len, "thread %u of %u: %s", i + 1, parallel,
				 strerror(-ret));
			stop = 1;	/* the started ones end now */
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	r->elapsed_s = (now_ns() - start) / 1e9;
	if (ret)
		goto out;
	for (i = 0; i < parallel; i++)
		all.n += w[i].lat.n;
	samples_reserve(&all, all.n);
	all.n = 0;
	for (i = 0; i < parallel; i++) {
		size_t n = w[i].lat.n < all.cap - all.n ? w[i].lat.n : all.cap - all.n;

		memcpy(all.ns + all.n, w[i].lat.ns, n * sizeof(*all.ns));
		all.n += n;
		r->connections += w[i].ok;
		r->failures += w[i].failed;
		r->unfinished += w[i].unfinished;
		if (w[i].failed && (!first || w[i].first_err_at < first->first_err_at))
			first = &w[i];
	}
	lat_summary(&all, &r->lat);
	r->conn_per_s = r->elapsed_s > 0 ? r->connections / r->elapsed_s : 0;
	r->first_errno = first ? first->first_err :
			 !r->connections && r->unfinished ? EINPROGRESS : 0;
	if (r->first_errno)
		snprintf(r->first_error, sizeof(r->first_error), "%s", err_text(r->first_errno));
out:
	for (i = 0; i < parallel; i++)
		free(w[i].lat.ns);
	free(all.ns);
	free(w);
	return ret;
}

/* --------------------------------------------------------------------- rr */

/* Send or receive len bytes by the deadline; 0 or -errno (-ERR_EOF, -ERR_DEADLINE). */
static int io_full(int fd, uint8_t *buf, size_t len, bool out, uint64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = out ? POLLOUT : POLLIN };
	size_t done = 0;
	uint64_t now;
	ssize_t n;

	while (done < len) {
		n = out ? send(fd, buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT) :
			  recv(fd, buf + done, len - done, MSG_DONTWAIT);
		if (n > 0) {
			done += n;
			continue;
		}
		if (!n)
			return -ERR_EOF;
		if (errno == EINTR && stop)
			return -EINTR;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		now = now_ns();
		if (now >= deadline)
			return -ERR_DEADLINE;
		if (poll(&p, 1, (int)((deadline - now + MSEC - 1) / MSEC)) < 0 && errno != EINTR)
			return -errno;
	}
	return 0;
}

static void rr_fail(struct tl_rr_result *r, const char *op, int err)
{
	r->errors++;
	if (!r->first_error[0])
		snprintf(r->first_error, sizeof(r->first_error), "%s: %s", op, err_text(err));
}

/*
 * Wait until the monotonic time t (or a signal): sleep until SPIN_NS
 * before it, then spin, as a sleeping thread wakes up late by about that
 * much here and the lateness would count as latency.
 */
static void sleep_until(uint64_t t)
{
	uint64_t wake = t > SPIN_NS ? t - SPIN_NS : 0;
	struct timespec ts = { .tv_sec = wake / NSEC, .tv_nsec = wake % NSEC };

	while (!stop && now_ns() < wake &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	while (!stop && now_ns() < t)
		;
}

/* One request/reply exchange on fd by the deadline; 0 or -errno, *op what failed. */
static int exchange(int fd, uint8_t *req, uint64_t seq, uint64_t deadline, const char **op)
{
	uint8_t rep[TL_REQ_SIZE];
	int i, err;

	for (i = 0; i < 8; i++)
		req[i] = (uint8_t)(seq >> (56 - 8 * i));
	*op = "send";
	err = io_full(fd, req, TL_REQ_SIZE, true, deadline);
	if (err)
		return err;
	*op = "recv";
	err = io_full(fd, rep, TL_REQ_SIZE, false, deadline);
	if (!err && memcmp(req, rep, TL_REQ_SIZE))
		err = -ERR_MISMATCH;
	return err;
}

void tl_rr(const struct tl_addr *to, double rate, double duration_s, struct tl_rr_result *r)
{
	struct samples lat = { .max = TL_MAX_SAMPLES };
	uint64_t start, end, hard, due, k, took, last = 0, stop_at;
	double period = 1e9 / rate;
	uint8_t req[TL_REQ_SIZE];
	const char *op;
	int fd, e;

	memset(r, 0, sizeof(*r));
	memset(req, 'q', sizeof(req));
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);	/* no 50 us of slack on wake-ups */
	samples_reserve(&lat, (size_t)(duration_s * rate) + 1);
	start = now_ns();
	fd = connect_by(to, start + secs_ns(duration_s + TL_GRACE_S), &took);
	if (fd < 0) {
		/* Nothing was scheduled: the caller reports first_error. */
		snprintf(r->first_error, sizeof(r->first_error), "connect: %s", err_text(-fd));
		goto out;
	}
	nodelay(fd);
	start = now_ns();
	end = start + secs_ns(duration_s);
	hard = end + secs_ns(TL_GRACE_S);
	for (k = 0; !stop; k++) {
		due = start + (uint64_t)(k * period);
		if (due >= end)
			break;
		r->scheduled++;
		if (now_ns() >= hard) {
			rr_fail(r, "send", ERR_LATE);
			continue;
		}
		sleep_until(due);
		if (stop) {
			r->scheduled--;
			break;
		}
		if (fd < 0) {
			fd = connect_by(to, hard, &took);
			if (fd < 0) {
				rr_fail(r, "connect", -fd);
				continue;
			}
			nodelay(fd);
			r->reconnects++;
		}
		e = exchange(fd, req, k, hard, &op);
		if (e == -EINTR && stop) {
			r->scheduled--;
			break;
		}
		if (e) {
			rr_fail(r, op, -e);
			close(fd);
			fd = -1;
			continue;
		}
		last = now_ns();
		samples_add(&lat, last - due);
		r->requests++;
	}
	stop_at = stop ? now_ns() : end;
	r->elapsed_s = ((last > stop_at ? last : stop_at) - start) / 1e9;
	r->achieved_rps = r->elapsed_s > 0 ? r->requests / r->elapsed_s : 0;
	lat_summary(&lat, &r->lat);
	if (fd >= 0)
		close(fd);
out:
	free(lat.ns);
}
