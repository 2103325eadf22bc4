// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* dplab tcpload connect and rr: the clients (tcpload.h; see tcpload.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
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

/* ----------------------------------------------------------------- pacing */

/*
 * Wait until the monotonic time t (or a signal): sleep until SPIN_NS
 * before it, then spin, as a sleeping thread wakes up late by about that
 * much here and the lateness would count as latency.
 */
static void sleep_until(uint64_t t)
{
	uint64_t wake = t > SPIN_NS ? t - SPIN_NS : 0;
	struct timespec ts = { .tv_sec = wake / NSEC, .tv_nsec = wake % NSEC };

	while (!tl_stop && tl_now_ns() < wake &&
	       clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	while (!tl_stop && tl_now_ns() < t)
		;
}

/* ---------------------------------------------------------------- connect */

struct conn_worker {
	pthread_t tid;
	const struct tl_addr *to;
	uint64_t end;
	uint64_t ok, failed, unfinished;
	uint64_t first_err_at;
	int first_err;
	struct tl_samples lat;
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

#define PORT_RANGE "/proc/sys/net/ipv4/ip_local_port_range"
#define TW_REUSE_DELAY_MS 1000		/* before tcp_tw_reuse_delay (Linux 6.14) */

/* What decides how fast local ports come back (TIME_WAIT), for the report. */
static void read_port_sysctls(struct tl_connect_result *r)
{
	int range[2], delay_ms = TW_REUSE_DELAY_MS;

	r->tcp_tw_reuse = r->port_lo = r->port_hi = -1;
	r->port_bound_per_s = -1;
	read_ints("/proc/sys/net/ipv4/tcp_tw_reuse", &r->tcp_tw_reuse, 1);
	if (read_ints(PORT_RANGE, range, 2) != 2)
		return;
	r->port_lo = range[0];
	r->port_hi = range[1];
	read_ints("/proc/sys/net/ipv4/tcp_tw_reuse_delay", &delay_ms, 1);
	if (r->tcp_tw_reuse == 1 && delay_ms > 0 && range[1] >= range[0])
		r->port_bound_per_s = (double)((range[1] - range[0] + 1) / 2) * 1e3 / delay_ms;
}

int tl_set_port_range(int lo, int hi, char *err, size_t err_len)
{
	int fd = open(PORT_RANGE, O_WRONLY | O_CLOEXEC), ret = 0, min = -1;
	char text[32];
	ssize_t len;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", PORT_RANGE, strerror(errno));
		return ret;
	}
	len = snprintf(text, sizeof(text), "%d %d\n", lo, hi);
	if (write(fd, text, len) != len)
		ret = errno ? -errno : -EIO;
	close(fd);
	if (!ret)
		return 0;
	if (ret == -EINVAL && read_ints("/proc/sys/net/ipv4/ip_unprivileged_port_start",
					&min, 1) == 1 && lo < min)
		snprintf(err, err_len, "%s: %d %d: the kernel refuses a lowest port below "
			 "net.ipv4.ip_unprivileged_port_start (%d here)", PORT_RANGE, lo, hi, min);
	else
		snprintf(err, err_len, "%s: %d %d: %s", PORT_RANGE, lo, hi, strerror(-ret));
	return ret;
}

static void *conn_loop(void *arg)
{
	struct conn_worker *w = arg;
	uint64_t now, took = 0;
	int fd;

	while (!tl_stop && (now = tl_now_ns()) < w->end) {
		fd = tl_connect_by(w->to, w->end, &took);
		if (fd >= 0) {
			close(fd);
			w->ok++;
			tl_samples_add(&w->lat, took);
			continue;
		}
		if (fd == -EINTR && tl_stop)
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

/* The closed loop: `parallel` threads of conn_loop, their samples into all. */
static int connect_threads(const struct tl_addr *to, double duration_s, unsigned parallel,
			   struct tl_connect_result *r, struct tl_samples *all,
			   char *err, size_t err_len)
{
	struct conn_worker *w, *first = NULL;
	unsigned i, started = 0;
	uint64_t start;
	int ret = 0;

	w = calloc(parallel, sizeof(*w));
	if (!w) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	start = tl_now_ns();
	for (i = 0; i < parallel; i++) {
		w[i].to = to;
		w[i].end = start + tl_secs_ns(duration_s);
		w[i].lat.max = TL_MAX_SAMPLES / parallel;
		ret = -pthread_create(&w[i].tid, NULL, conn_loop, &w[i]);
		if (ret) {
			snprintf(err, err_len, "thread %u of %u: %s", i + 1, parallel,
				 strerror(-ret));
			tl_stop = 1;	/* the started ones end now */
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	r->elapsed_s = (tl_now_ns() - start) / 1e9;
	if (ret)
		goto out;
	for (i = 0; i < parallel; i++)
		all->n += w[i].lat.n;
	tl_samples_reserve(all, all->n);
	all->n = 0;
	for (i = 0; i < parallel; i++) {
		size_t n = w[i].lat.n < all->cap - all->n ? w[i].lat.n : all->cap - all->n;

		if (n)	/* a worker with no sample has no buffer (memcpy from NULL is UB) */
			memcpy(all->ns + all->n, w[i].lat.ns, n * sizeof(*all->ns));
		all->n += n;
		r->connections += w[i].ok;
		r->failures += w[i].failed;
		r->unfinished += w[i].unfinished;
		if (w[i].failed && (!first || w[i].first_err_at < first->first_err_at))
			first = &w[i];
	}
	r->first_errno = first ? first->first_err : 0;
out:
	for (i = 0; i < parallel; i++)
		free(w[i].lat.ns);
	free(w);
	return ret;
}

/* How many k are due within the run: (uint64_t)(k * period) < span_ns. */
static uint64_t due_count(double period, uint64_t span_ns)
{
	uint64_t k = (uint64_t)(span_ns / period);

	while (k && (uint64_t)((k - 1) * period) >= span_ns)
		k--;
	while ((uint64_t)(k * period) < span_ns)
		k++;
	return k;
}

/*
 * The open loop (tcpload.c): connect k due at start + k / rate, one
 * thread, latency from the due time; samples into lat.
 */
static void connect_at_rate(const struct tl_addr *to, double rate, double duration_s,
			    struct tl_connect_result *r, struct tl_samples *lat)
{
	uint64_t start, end, hard, due, k, total, took, last = 0, stop_at;
	double period = 1e9 / rate;
	int fd;

	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);	/* no 50 us of slack on wake-ups */
	start = tl_now_ns();
	end = start + tl_secs_ns(duration_s);
	hard = end + tl_secs_ns(TL_GRACE_S);
	total = due_count(period, end - start);
	tl_samples_reserve(lat, total);
	for (k = 0; k < total && !tl_stop; k++) {
		due = start + (uint64_t)(k * period);
		if (tl_now_ns() >= hard)
			break;		/* the rest are unfinished */
		sleep_until(due);
		if (tl_stop)
			break;
		fd = tl_connect_by(to, hard, &took);
		last = tl_now_ns();
		if (fd >= 0) {
			close(fd);
			r->connections++;
			tl_samples_add(lat, last - due);
		} else if (fd == -EINTR && tl_stop) {
			break;
		} else if (fd == -EINPROGRESS) {
			r->unfinished++;
		} else if (!r->failures++) {
			r->first_errno = -fd;
		}
	}
	/* A signal: what was due before it; else every k due in the run. */
	r->scheduled = tl_stop ? k : total;
	r->unfinished += r->scheduled - k;
	stop_at = tl_stop ? tl_now_ns() : end;
	r->elapsed_s = ((last > stop_at ? last : stop_at) - start) / 1e9;
}

int tl_connect(const struct tl_addr *to, double duration_s, unsigned parallel, double rate,
	       struct tl_connect_result *r, char *err, size_t err_len)
{
	struct tl_samples all = { .max = TL_MAX_SAMPLES };
	int ret = 0;

	memset(r, 0, sizeof(*r));
	read_port_sysctls(r);
	tl_raise_nofile();
	if (rate > 0)
		connect_at_rate(to, rate, duration_s, r, &all);
	else
		ret = connect_threads(to, duration_s, parallel, r, &all, err, err_len);
	if (!ret) {
		tl_lat_summary(&all, &r->lat);
		r->conn_per_s = r->elapsed_s > 0 ? r->connections / r->elapsed_s : 0;
		if (!r->first_errno && !r->connections && r->unfinished)
			r->first_errno = EINPROGRESS;
		if (r->first_errno)
			snprintf(r->first_error, sizeof(r->first_error), "%s",
				 tl_err_text(r->first_errno));
	}
	free(all.ns);
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
		if (errno == EINTR && tl_stop)
			return -EINTR;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		now = tl_now_ns();
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
		snprintf(r->first_error, sizeof(r->first_error), "%s: %s", op, tl_err_text(err));
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
	struct tl_samples lat = { .max = TL_MAX_SAMPLES };
	uint64_t start, end, hard, due, k, took, last = 0, stop_at;
	double period = 1e9 / rate;
	uint8_t req[TL_REQ_SIZE];
	const char *op;
	int fd, e;

	memset(r, 0, sizeof(*r));
	memset(req, 'q', sizeof(req));
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);	/* no 50 us of slack on wake-ups */
	tl_samples_reserve(&lat, (size_t)(duration_s * rate) + 1);
	start = tl_now_ns();
	fd = tl_connect_by(to, start + tl_secs_ns(duration_s + TL_GRACE_S), &took);
	if (fd < 0) {
		/* Nothing was scheduled: the caller reports first_error. */
		snprintf(r->first_error, sizeof(r->first_error), "connect: %s", tl_err_text(-fd));
		goto out;
	}
	tl_nodelay(fd);
	start = tl_now_ns();
	end = start + tl_secs_ns(duration_s);
	hard = end + tl_secs_ns(TL_GRACE_S);
	for (k = 0; !tl_stop; k++) {
		due = start + (uint64_t)(k * period);
		if (due >= end)
			break;
		r->scheduled++;
		if (tl_now_ns() >= hard) {
			rr_fail(r, "send", ERR_LATE);
			continue;
		}
		sleep_until(due);
		if (tl_stop) {
			r->scheduled--;
			break;
		}
		if (fd < 0) {
			fd = tl_connect_by(to, hard, &took);
			if (fd < 0) {
				rr_fail(r, "connect", -fd);
				continue;
			}
			tl_nodelay(fd);
			r->reconnects++;
		}
		e = exchange(fd, req, k, hard, &op);
		if (e == -EINTR && tl_stop) {
			r->scheduled--;
			break;
		}
		if (e) {
			rr_fail(r, op, -e);
			close(fd);
			fd = -1;
			continue;
		}
		last = tl_now_ns();
		tl_samples_add(&lat, last - due);
		r->requests++;
	}
	stop_at = tl_stop ? tl_now_ns() : end;
	r->elapsed_s = ((last > stop_at ? last : stop_at) - start) / 1e9;
	r->achieved_rps = r->elapsed_s > 0 ? r->requests / r->elapsed_s : 0;
	tl_lat_summary(&lat, &r->lat);
	if (fd >= 0)
		close(fd);
out:
	free(lat.ns);
}

