/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* IPv4 addresses and prefixes as the topology files write them. */
#ifndef DPLAB_LOADER_CIDR_H
#define DPLAB_LOADER_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "topo/topo.h"

#define CIDR_STRLEN 19		/* "255.255.255.255/32" and its NUL */

/*
 * "a.b.c.d" into *addr; "a.b.c.d/n" into *c.  0, or -EINVAL with why
 * (a static string: "not an IPv4 address", "prefix length not in 0..32").
 */
int addr_parse(const char *s, __be32 *addr, const char **why);
int cidr_parse(const char *s, struct cidr *c, const char **why);

/* Netmask of a prefix length, network byte order. */
__be32 cidr_mask(__u8 prefix);
/* The address with its host bits cleared. */
__be32 cidr_network(const struct cidr *c);
/* Host bits are zero (a network, not an interface address). */
bool cidr_is_network(const struct cidr *c);
bool cidr_contains(const struct cidr *c, __be32 addr);
/* inner lies entirely in outer. */
bool cidr_within(const struct cidr *inner, const struct cidr *outer);
bool cidr_overlaps(const struct cidr *a, const struct cidr *b);
/* The network's own address or its broadcast address (prefix < 31). */
bool cidr_is_edge(const struct cidr *net, __be32 addr);
/* network + n, e.g. the first address (n = 1). */
__be32 cidr_nth(const struct cidr *c, __u32 n);

/* "a.b.c.d" / "a.b.c.d/n" into buf (INET_ADDRSTRLEN / CIDR_STRLEN); buf. */
const char *addr_str(__be32 addr, char *buf);
const char *cidr_str(const struct cidr *c, char *buf);

#endif /* DPLAB_LOADER_CIDR_H */
