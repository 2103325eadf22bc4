/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Real sockets in named network namespaces, for end-to-end tests that must
 * say exactly what arrived when it is not what was expected: datagrams
 * compared byte for byte with their source, ICMP errors read from a
 * socket's error queue, and a packet tap that lists the IPv4 frames a
 * device saw (fragments and ICMP errors with their inner headers), for
 * failure messages.  The calling process stays in its own namespace; each
 * socket lives in the namespace it was made in.
 */
#ifndef DPLAB_TESTS_E2E_SOCK_H
#define DPLAB_TESTS_E2E_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define E2E_DGRAM_MAX 65536
#define E2E_WHAT_LEN 512	/* a description of one outcome */
#define E2E_TAP_LEN 2048	/* a tap's summary */

/* socket(AF_INET, type) made in namespace ns (a Check failure if not). */
int ns_socket(const char *ns, int type);
/* A UDP socket in ns bound to ip:port (port 0: any free one). */
int ns_udp_at(const char *ns, const char *ip, int port);
/* The local port fd is bound to. */
int sock_port(int fd);

/* len bytes of a pattern that differs for every seed (and offset). */
void pattern_fill(uint8_t *buf, size_t len, unsigned int seed);

struct dgram {
	ssize_t len;			/* -1: nothing arrived */
	struct sockaddr_in from;
	uint8_t data[E2E_DGRAM_MAX];
};

/* Wait up to timeout_ms for one datagram on fd; d->len -1 if none came. */
void dgram_recv(int fd, int timeout_ms, struct dgram *d);
/* d is want_len bytes equal to want, from ip:port (port -1: any). */
bool dgram_is(const struct dgram *d, const char *ip, int port, const uint8_t *want,
	      size_t want_len);
/* "3000 bytes from 10.96.0.53:53, payload as sent" or what differs. */
void dgram_describe(const struct dgram *d, const uint8_t *want, size_t want_len, char *buf,
		    size_t len);

/*
 * Wait up to timeout_ms for an error on fd (POLLERR), then take it: from
 * the error queue when there is one (IP_RECVERR) into *what, else the
 * pending socket error (SO_ERROR).  The errno of the error, 0 if none came;
 * *what says what came ("ICMP type 3 code 4 info 1280 from 10.0.0.1",
 * "nothing in 2000 ms").
 */
int sock_wait_error(int fd, int timeout_ms, int *icmp_type, int *icmp_code,
		    unsigned int *icmp_info, char *what, size_t len);
/* getsockopt IP_MTU of a connected socket, or -errno. */
int sock_ip_mtu(int fd);

/* An AF_PACKET tap on dev in ns (every frame in and out), or -1. */
int tap_open(const char *ns, const char *dev);
/*
 * The IPv4 frames the tap holds, one line each ("in UDP 10.244.1.2:40000 >
 * 10.96.0.53:53 len 1500 id 7 off 0 MF"), at most a dozen; closes the tap.
 * A tap of -1 gives "(no tap)".
 */
void tap_summary(int fd, const char *label, char *buf, size_t len);

#endif /* DPLAB_TESTS_E2E_SOCK_H */
