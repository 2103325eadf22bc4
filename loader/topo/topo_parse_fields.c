// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Field readers of the topology parser (topo_parse.h): names, numbers,
 * addresses, MTUs, namespace names and the FILE:LINE: FIELD: reason error.
 * Below topo_parse.c and the object parsers, so they depend on it and not
 * on each other.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_parse.h"

/* Which object already has namespace NS: written into owner, or false. */
static bool ns_owner(const struct topo *t, const char *ns, char *owner, size_t len)
{
	int i;

	if (t->fabric_ns[0] && !strcmp(t->fabric_ns, ns))
		return snprintf(owner, len, "the fabric") > 0;
	for (i = 0; i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].ns, ns))
			return snprintf(owner, len, "node %s", t->nodes[i].name) > 0;
	for (i = 0; i < t->n_pods; i++)
		if (!strcmp(t->pods[i].ns, ns))
			return snprintf(owner, len, "pod %s/%s", t->nodes[t->pods[i].node].name,
					t->pods[i].name) > 0;
	for (i = 0; i < t->n_externals; i++)
		if (!strcmp(t->externals[i].ns, ns))
			return snprintf(owner, len, "external %s", t->externals[i].name) > 0;
	return false;
}

int get_addr(struct parser *p, const struct line *l, const char *key, __be32 *out)
{
	const char *v = line_get(l, key), *why;

	if (v && addr_parse(v, out, &why))
		return parse_fail(p, key, "'%s': %s", v, why);
	return 0;
}

int get_cidr(struct parser *p, const struct line *l, const char *key, bool network,
	     struct cidr *out)
{
	const char *v = line_get(l, key), *why;
	char buf[CIDR_STRLEN];
	struct cidr net;

	if (!v)
		return 0;
	if (cidr_parse(v, out, &why))
		return parse_fail(p, key, "'%s': %s", v, why);
	if (network && !cidr_is_network(out)) {
		net.addr = cidr_network(out);
		net.prefix = out->prefix;
		return parse_fail(p, key, "'%s' has host bits set (the prefix is %s)", v,
				  cidr_str(&net, buf));
	}
	if (!network && out->prefix < 31 && cidr_is_edge(out, out->addr))
		return parse_fail(p, key, "'%s' is the network or broadcast address of its "
				  "subnet, not an interface address", v);
	return 0;
}

int get_mtu(struct parser *p, const struct line *l, const char *key, int *out)
{
	__u32 mtu = *out;
	int err = get_uint(p, l, key, MTU_MIN, MTU_MAX, &mtu);

	*out = mtu;
	return err;
}

int get_name(struct parser *p, const struct line *l, const char *key, size_t max, char *out)
{
	const char *v = line_get(l, key);

	if (!v)
		return 0;
	if (strlen(v) >= max)
		return parse_fail(p, key, "'%s' is longer than %zu characters", v, max - 1);
	if (!topo_name_valid(v))
		return parse_fail(p, key, "'%s' is not a valid name (letters, digits, '-' and '_', "
				  "starting with a letter or digit)", v);
	strcpy(out, v);
	return 0;
}

int get_uint(struct parser *p, const struct line *l, const char *key, __u32 min, __u32 max,
	     __u32 *out)
{
	const char *v = line_get(l, key);
	unsigned long n;
	char *end;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) || *end || errno || n < min || n > max)
		return parse_fail(p, key, "'%s' is not a number in %u..%u", v, min, max);
	*out = n;
	return 0;
}

const char *line_get(const struct line *l, const char *key)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->f[i].key, key))
			return l->f[i].value;
	return NULL;
}

int make_ns_name(struct parser *p, const char *key, char *out, const char *a, const char *b)
{
	char owner[TOPO_NAME * 2 + 16];
	char ns[TOPO_NS * 2];
	int n;

	n = snprintf(ns, sizeof(ns), "dplab-%s-%s%s%s", p->t->name, a, b ? "-" : "", b ? b : "");
	if (n >= TOPO_NS)
		return parse_fail(p, key, "namespace name '%s' would be %d characters, at most %d: "
				  "choose shorter names", ns, n, TOPO_NS - 1);
	if (ns_owner(p->t, ns, owner, sizeof(owner)))
		return parse_fail(p, key, "namespace name '%s' is already that of %s", ns, owner);
	strcpy(out, ns);
	return 0;
}

int parse_fail(struct parser *p, const char *field, const char *fmt, ...)
{
	int n = snprintf(p->err, p->err_len, "%s:%d: %s: ", p->path, p->line, field);
	va_list ap;

	if (n >= 0 && (size_t)n < p->err_len) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->err_len - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

bool topo_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len >= TOPO_NAME || !isalnum((unsigned char)name[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '_')
			return false;
	return true;
}
