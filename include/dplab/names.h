/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Names a user hands dplab and dplab-pktgen on the command line, checked
 * before they become a path or reach the kernel - the kernel's own rules,
 * so a name is never cut or read as a path:
 *   - an interface name (dev_valid_name()): 1..15 bytes, not "." or "..",
 *     no '/', ':' or white space;
 *   - a network namespace name (ip netns, /run/netns/NAME): 1..NAME_MAX
 *     bytes, not "." or "..", no '/'.
 * Each returns NULL when valid, else why not (for "'NAME': <why>").
 */
#ifndef DPLAB_NAMES_H
#define DPLAB_NAMES_H

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <net/if.h>

static inline const char *dplab_name_dots(const char *name)
{
	if (!*name)
		return "an empty name";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "'.' and '..' are not names";
	return NULL;
}

static inline const char *dplab_ifname_invalid(const char *name)
{
	const char *why = dplab_name_dots(name), *c;

	if (why)
		return why;
	if (strlen(name) >= IFNAMSIZ)
		return "longer than an interface name can be (15 bytes)";
	for (c = name; *c; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return "an interface name holds no '/', ':' or white space";
	return NULL;
}

static inline const char *dplab_netns_invalid(const char *name)
{
	const char *why = dplab_name_dots(name);

	if (why)
		return why;
	if (strlen(name) > NAME_MAX)
		return "longer than a network namespace name can be (255 bytes)";
	if (strchr(name, '/'))
		return "a network namespace name holds no '/'";
	return NULL;
}

#endif /* DPLAB_NAMES_H */
