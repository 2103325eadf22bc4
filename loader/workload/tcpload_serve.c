// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* dplab tcpload serve: the epoll echo server of 64-byte requests (tcpload.h). */
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
	tl_raise_nofile();
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
	start = tl_now_ns();
	if (duration_s > 0)
		end = start + tl_secs_ns(duration_s);
	while (!tl_stop) {
		now = tl_now_ns();
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
	r->elapsed_s = (tl_now_ns() - start) / 1e9;
out:
	while (s.open)
		conn_drop(&s, s.open);
	if (s.ep >= 0)
		close(s.ep);
	if (s.lfd >= 0)
		close(s.lfd);
	return ret;
}

