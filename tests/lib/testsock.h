/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv4 and IPv6 socket helpers for end-to-end tests with real sockets.
 * Failures of setup steps are Check assertions; connect_to() and send_to()
 * (and their IPv6 twins) return what the syscall returned, for tests that
 * expect them to fail.  IPv6 text may be v4-mapped ("::ffff:10.96.0.10").
 */
#ifndef DPLAB_TESTS_TESTSOCK_H
#define DPLAB_TESTS_TESTSOCK_H

#include <stdbool.h>
#include <netinet/in.h>
#include <sys/types.h>

struct sockaddr_in addr4(const char *ip, int port);
/* socket(AF_INET, type) */
int sock_new(int type);
/* A listener (SOCK_STREAM) or a bound socket (SOCK_DGRAM) at ip:port. */
int sock_at(int type, const char *ip, int port);
int connect_to(int fd, const char *ip, int port);
/* sendto() of one byte. */
ssize_t send_to(int fd, const char *ip, int port);
/* Which of fds[0..n-1] (n <= 8) is readable first; fails after 2 s. */
int readable(const int *fds, int n);
void assert_addr(const struct sockaddr_in *a, const char *ip, int port, const char *what);
/* getpeername() of fd is ip:port. */
void assert_peer(int fd, const char *ip, int port);
struct sockaddr_in6 addr6(const char *ip, int port);
/* socket(AF_INET6, type) with IPV6_V6ONLY as asked, not as the sysctl says. */
int sock6_new(int type, bool v6only);
/* A listener or bound socket at [ip]:port, IPv6 only. */
int sock6_at(int type, const char *ip, int port);
int connect6_to(int fd, const char *ip, int port);
ssize_t send6_to(int fd, const char *ip, int port);
void assert_addr6(const struct sockaddr_in6 *a, const char *ip, int port, const char *what);
void assert_peer6(int fd, const char *ip, int port);
/* rc is -1 with errno err. */
void assert_fails(int rc, int err, const char *what);

#endif /* DPLAB_TESTS_TESTSOCK_H */
