// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lib/testlib.h"
#include "lib/testsock.h"

struct sockaddr_in addr4(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_msg(inet_pton(AF_INET, ip, &a.sin_addr) == 1, "not an IPv4 address: %s", ip);
	return a;
}

int sock_new(int type)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
	return fd;
}

int sock_at(int type, const char *ip, int port)
{
	struct sockaddr_in a = addr4(ip, port);
	int fd = sock_new(type);

	ck_assert_msg(!bind(fd, (struct sockaddr *)&a, sizeof(a)), "bind %s:%d: %s", ip, port,
		      strerror(errno));
	if (type == SOCK_STREAM)
		ck_assert_msg(!listen(fd, SOMAXCONN), "listen %s:%d: %s", ip, port,
			      strerror(errno));
	return fd;
}

int connect_to(int fd, const char *ip, int port)
{
	struct sockaddr_in to = addr4(ip, port);

	return connect(fd, (struct sockaddr *)&to, sizeof(to));
}

ssize_t send_to(int fd, const char *ip, int port)
{
	struct sockaddr_in to = addr4(ip, port);

	return sendto(fd, "q", 1, 0, (struct sockaddr *)&to, sizeof(to));
}

int readable(const int *fds, int n)
{
	struct pollfd p[8];
	int i;

	ck_assert_int_le(n, 8);
	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	ck_assert_msg(poll(p, n, 2000) > 0, "nothing arrived in 2 s");
	for (i = 0; !(p[i].revents & POLLIN); i++)
		;
	return i;
}

void assert_addr(const struct sockaddr_in *a, const char *ip, int port, const char *what)
{
	char got[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a->sin_addr, got, sizeof(got));
	ck_assert_msg(!strcmp(got, ip) && ntohs(a->sin_port) == port, "%s: %s:%d, expected %s:%d",
		      what, got, ntohs(a->sin_port), ip, port);
}

void assert_peer(int fd, const char *ip, int port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	ck_assert_msg(!getpeername(fd, (struct sockaddr *)&a, &len), "getpeername: %s",
		      strerror(errno));
	assert_addr(&a, ip, port, "getpeername");
}

struct sockaddr_in6 addr6(const char *ip, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	ck_assert_msg(inet_pton(AF_INET6, ip, &a.sin6_addr) == 1, "not an IPv6 address: %s", ip);
	return a;
}

int sock6_new(int type, bool v6only)
{
	int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0), on = v6only;

	ck_assert_msg(fd >= 0, "socket(AF_INET6): %s", strerror(errno));
	ck_assert_msg(!setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)),
		      "IPV6_V6ONLY %d: %s", on, strerror(errno));
	return fd;
}

int sock6_at(int type, const char *ip, int port)
{
	struct sockaddr_in6 a = addr6(ip, port);
	int fd = sock6_new(type, true);

	ck_assert_msg(!bind(fd, (struct sockaddr *)&a, sizeof(a)), "bind [%s]:%d: %s", ip, port,
		      strerror(errno));
	if (type == SOCK_STREAM)
		ck_assert_msg(!listen(fd, SOMAXCONN), "listen [%s]:%d: %s", ip, port,
			      strerror(errno));
	return fd;
}

int connect6_to(int fd, const char *ip, int port)
{
	struct sockaddr_in6 to = addr6(ip, port);

	return connect(fd, (struct sockaddr *)&to, sizeof(to));
}

ssize_t send6_to(int fd, const char *ip, int port)
{
	struct sockaddr_in6 to = addr6(ip, port);

	return sendto(fd, "q", 1, 0, (struct sockaddr *)&to, sizeof(to));
}

/* Compared as addresses: the text of a v4-mapped one has two spellings. */
void assert_addr6(const struct sockaddr_in6 *a, const char *ip, int port, const char *what)
{
	struct sockaddr_in6 want = addr6(ip, port);
	char got[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &a->sin6_addr, got, sizeof(got));
	ck_assert_msg(a->sin6_family == AF_INET6 &&
		      !memcmp(&a->sin6_addr, &want.sin6_addr, sizeof(want.sin6_addr)) &&
		      a->sin6_port == want.sin6_port, "%s: family %d [%s]:%d, expected [%s]:%d",
		      what, a->sin6_family, got, ntohs(a->sin6_port), ip, port);
}

void assert_peer6(int fd, const char *ip, int port)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	ck_assert_msg(!getpeername(fd, (struct sockaddr *)&a, &len), "getpeername: %s",
		      strerror(errno));
	assert_addr6(&a, ip, port, "getpeername");
}

void assert_fails(int rc, int err, const char *what)
{
	ck_assert_msg(rc == -1 && errno == err, "%s: expected %s, got %d (%s)", what,
		      strerrorname_np(err), rc, rc ? strerrorname_np(errno) : "success");
}
