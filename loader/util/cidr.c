// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "util/cidr.h"

int addr_parse(const char *s, __be32 *addr, const char **why)
{
	struct in_addr in;

	/* inet_pton takes only the dotted quad: no "10.1", no octal. */
	if (inet_pton(AF_INET, s, &in) != 1) {
		*why = "not an IPv4 address (a.b.c.d)";
		return -EINVAL;
	}
	*addr = in.s_addr;
	return 0;
}

int cidr_parse(const char *s, struct cidr *c, const char **why)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	char *end;
	long prefix;

	if (!slash || (size_t)(slash - s) >= sizeof(buf)) {
		*why = "not an IPv4 prefix (a.b.c.d/n)";
		return -EINVAL;
	}
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (addr_parse(buf, &c->addr, why))
		return -EINVAL;
	errno = 0;
	prefix = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || prefix < 0 || prefix > 32) {
		*why = "prefix length not in 0..32";
		return -EINVAL;
	}
	c->prefix = prefix;
	return 0;
}

__be32 cidr_mask(__u8 prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

__be32 cidr_network(const struct cidr *c)
{
	return c->addr & cidr_mask(c->prefix);
}

bool cidr_is_network(const struct cidr *c)
{
	return c->addr == cidr_network(c);
}

bool cidr_contains(const struct cidr *c, __be32 addr)
{
	return (addr & cidr_mask(c->prefix)) == cidr_network(c);
}

bool cidr_within(const struct cidr *inner, const struct cidr *outer)
{
	return inner->prefix >= outer->prefix && cidr_contains(outer, inner->addr);
}

bool cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	return cidr_within(a, b) || cidr_within(b, a);
}

bool cidr_is_edge(const struct cidr *net, __be32 addr)
{
	__be32 mask = cidr_mask(net->prefix);

	if (net->prefix >= 31)
		return false;
	return addr == cidr_network(net) || addr == (cidr_network(net) | ~mask);
}

__be32 cidr_nth(const struct cidr *c, __u32 n)
{
	return htonl(ntohl(cidr_network(c)) + n);
}

const char *addr_str(__be32 addr, char *buf)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

const char *cidr_str(const struct cidr *c, char *buf)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, CIDR_STRLEN, "%s/%u", addr_str(c->addr, a), c->prefix);
	return buf;
}
