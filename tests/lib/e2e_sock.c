// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Sockets, datagrams, ICMP errors and packet taps for end-to-end tests. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "util/netns.h"
#include "lib/e2e_sock.h"
#include "lib/testlib.h"

#define FRAG_MF 0x2000
#define FRAG_OFFSET 0x1fff
#define TAP_LINES 12

int ns_socket(const char *ns, int type)
{
	int saved, err, fd;

	err = netns_enter(ns, &saved);
	ck_assert_msg(!err, "entering %s: %s", ns, strerror(-err));
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	err = errno;
	netns_leave(saved);
	ck_assert_msg(fd >= 0, "socket in %s: %s", ns, strerror(err));
	return fd;
}

int ns_udp_at(const char *ns, const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = ns_socket(ns, SOCK_DGRAM);

	ck_assert_msg(inet_pton(AF_INET, ip, &a.sin_addr) == 1, "not an IPv4 address: %s", ip);
	ck_assert_msg(!bind(fd, (struct sockaddr *)&a, sizeof(a)), "bind %s:%d in %s: %s", ip,
		      port, ns, strerror(errno));
	return fd;
}

int sock_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	ck_assert_msg(!getsockname(fd, (struct sockaddr *)&a, &len), "getsockname: %s",
		      strerror(errno));
	return ntohs(a.sin_port);
}

void pattern_fill(uint8_t *buf, size_t len, unsigned int seed)
{
	size_t i;

	/* Not periodic in 8-byte steps, so a misplaced fragment shows. */
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)((i * 131 + (i >> 8) * 7 + seed * 29) ^ (i >> 3));
}

void dgram_recv(int fd, int timeout_ms, struct dgram *d)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t alen = sizeof(d->from);

	d->len = -1;
	memset(&d->from, 0, sizeof(d->from));
	if (poll(&p, 1, timeout_ms) <= 0 || !(p.revents & POLLIN))
		return;
	d->len = recvfrom(fd, d->data, sizeof(d->data), MSG_DONTWAIT,
			  (struct sockaddr *)&d->from, &alen);
}

bool dgram_is(const struct dgram *d, const char *ip, int port, const uint8_t *want,
	      size_t want_len)
{
	char from[INET_ADDRSTRLEN];

	if (d->len != (ssize_t)want_len || memcmp(d->data, want, want_len))
		return false;
	inet_ntop(AF_INET, &d->from.sin_addr, from, sizeof(from));
	return !strcmp(from, ip) && (port < 0 || ntohs(d->from.sin_port) == port);
}

void dgram_describe(const struct dgram *d, const uint8_t *want, size_t want_len, char *buf,
		    size_t len)
{
	char from[INET_ADDRSTRLEN];
	size_t i, n;

	if (d->len < 0) {
		snprintf(buf, len, "nothing arrived");
		return;
	}
	inet_ntop(AF_INET, &d->from.sin_addr, from, sizeof(from));
	n = (size_t)d->len < want_len ? (size_t)d->len : want_len;
	for (i = 0; i < n && d->data[i] == want[i]; i++)
		;
	if (i == n && (size_t)d->len == want_len)
		snprintf(buf, len, "%zd bytes from %s:%u, payload as sent", d->len, from,
			 ntohs(d->from.sin_port));
	else if (i == n)
		snprintf(buf, len, "%zd bytes from %s:%u, the first %zu as sent", d->len, from,
			 ntohs(d->from.sin_port), n);
	else
		snprintf(buf, len, "%zd bytes from %s:%u, payload differs from byte %zu on",
			 d->len, from, ntohs(d->from.sin_port), i);
}

/* One entry of the error queue into what; its errno, or 0 if none. */
static int errqueue_take(int fd, int *type, int *code, unsigned int *info, char *what,
			 size_t len)
{
	char data[2048], ctl[512], off[INET_ADDRSTRLEN] = "?";
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct sock_extended_err *ee = NULL;
	struct sockaddr_in *from;
	struct cmsghdr *c;

	if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return 0;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR)
			ee = (struct sock_extended_err *)CMSG_DATA(c);
	if (!ee) {
		snprintf(what, len, "an error queue entry without IP_RECVERR data");
		return 0;
	}
	from = (struct sockaddr_in *)SO_EE_OFFENDER(ee);
	if (from->sin_family == AF_INET)
		inet_ntop(AF_INET, &from->sin_addr, off, sizeof(off));
	*type = ee->ee_type;
	*code = ee->ee_code;
	*info = ee->ee_info;
	snprintf(what, len, "%s (origin %u, ICMP type %u code %u info %u, from %s)",
		 strerrorname_np(ee->ee_errno), ee->ee_origin, ee->ee_type, ee->ee_code,
		 ee->ee_info, off);
	return ee->ee_errno;
}

int sock_wait_error(int fd, int timeout_ms, int *icmp_type, int *icmp_code,
		    unsigned int *icmp_info, char *what, size_t len)
{
	struct pollfd p = { .fd = fd, .events = 0 };
	socklen_t olen = sizeof(int);
	int err = 0;

	*icmp_type = *icmp_code = -1;
	*icmp_info = 0;
	if (poll(&p, 1, timeout_ms) <= 0 || !(p.revents & POLLERR)) {
		snprintf(what, len, "no error in %d ms", timeout_ms);
		return 0;
	}
	err = errqueue_take(fd, icmp_type, icmp_code, icmp_info, what, len);
	if (err)
		return err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &olen) || !err) {
		snprintf(what, len, "POLLERR without an error");
		return 0;
	}
	snprintf(what, len, "%s (socket error, no error queue entry)", strerrorname_np(err));
	return err;
}

int sock_ip_mtu(int fd)
{
	socklen_t len = sizeof(int);
	int mtu;

	if (getsockopt(fd, SOL_IP, IP_MTU, &mtu, &len))
		return -errno;
	return mtu;
}

int tap_open(const char *ns, const char *dev)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int saved, fd = -1, bufsz = 1 << 20;

	if (netns_enter(ns, &saved))
		return -1;
	ll.sll_ifindex = if_nametoindex(dev);
	if (ll.sll_ifindex)
		fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	netns_leave(saved);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		close(fd);
		return -1;
	}
	return fd;
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "UDP" : proto == IPPROTO_TCP ? "TCP" :
	       proto == IPPROTO_ICMP ? "ICMP" : "proto?";
}

/* printf at buf + *used, *used kept within len (output cut, never overrun). */
static __attribute__((format(printf, 4, 5)))
void appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + n < len ? *used + n : len - 1;
}

/* "PROTO src[:port] > dst[:port]" of the IP header at ip_start (n bytes). */
static void ip_flow(char *buf, size_t len, size_t *used, const uint8_t *ip_start, size_t n)
{
	const struct iphdr *ip = (const void *)ip_start;
	size_t hl = ip->ihl * 4;
	bool first = !(ntohs(ip->frag_off) & FRAG_OFFSET);
	bool ports = first && ip->protocol != IPPROTO_ICMP && hl >= sizeof(*ip) && n >= hl + 4;
	const __be16 *l4 = (const void *)(ip_start + hl);
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip->saddr, s, sizeof(s));
	inet_ntop(AF_INET, &ip->daddr, d, sizeof(d));
	if (ports)
		appendf(buf, len, used, "%s %s:%u > %s:%u", proto_name(ip->protocol), s,
			ntohs(l4[0]), d, ntohs(l4[1]));
	else
		appendf(buf, len, used, "%s %s > %s", proto_name(ip->protocol), s, d);
}

/* One IPv4 frame (p, n bytes from its IP header on) as a line. */
static void frame_line(const uint8_t *p, size_t n, bool out, char *buf, size_t len,
		       size_t *used)
{
	const struct iphdr *ip = (const void *)p;
	const struct icmphdr *ic;
	unsigned int frag;
	size_t hl;

	if (n < sizeof(*ip) || ip->version != 4 || ip->ihl < 5 || n < (size_t)ip->ihl * 4)
		return;
	hl = ip->ihl * 4;
	frag = ntohs(ip->frag_off);
	appendf(buf, len, used, "  %s ", out ? "out" : "in");
	ip_flow(buf, len, used, p, n);
	appendf(buf, len, used, " len %u id %u", ntohs(ip->tot_len), ntohs(ip->id));
	if (frag & (FRAG_MF | FRAG_OFFSET))
		appendf(buf, len, used, " frag off %u%s", (frag & FRAG_OFFSET) * 8,
			frag & FRAG_MF ? " MF" : "");
	if (ip->protocol == IPPROTO_ICMP && !(frag & FRAG_OFFSET) && n >= hl + 8) {
		ic = (const void *)(p + hl);
		appendf(buf, len, used, " type %u code %u", ic->type, ic->code);
		if (ic->type == ICMP_DEST_UNREACH && ic->code == ICMP_FRAG_NEEDED)
			appendf(buf, len, used, " mtu %u", ntohs(ic->un.frag.mtu));
		if ((ic->type == ICMP_DEST_UNREACH || ic->type == ICMP_TIME_EXCEEDED) &&
		    n >= hl + 8 + sizeof(*ip)) {
			appendf(buf, len, used, " about ");
			ip_flow(buf, len, used, p + hl + 8, n - hl - 8);
		}
	}
	appendf(buf, len, used, "\n");
}

void tap_summary(int fd, const char *label, char *buf, size_t len)
{
	static uint8_t frame[E2E_DGRAM_MAX];
	struct sockaddr_ll from;
	size_t used = 0;
	int lines = 0, more = 0;
	socklen_t alen;
	ssize_t n;

	buf[0] = '\0';
	appendf(buf, len, &used, "%s:\n", label);
	if (fd < 0) {
		appendf(buf, len, &used, "  (no tap)\n");
		return;
	}
	for (;;) {
		alen = sizeof(from);
		n = recvfrom(fd, frame, sizeof(frame), MSG_DONTWAIT, (struct sockaddr *)&from,
			     &alen);
		if (n < 0)
			break;
		if (lines == TAP_LINES) {
			more++;
			continue;
		}
		frame_line(frame, n, from.sll_pkttype == PACKET_OUTGOING, buf, len, &used);
		lines++;
	}
	close(fd);
	if (!lines)
		appendf(buf, len, &used, "  no IPv4 frame\n");
	else if (more)
		appendf(buf, len, &used, "  ... and %d more\n", more);
}
