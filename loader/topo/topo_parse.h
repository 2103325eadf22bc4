/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the topology parser: topo_parse.c reads lines and checks their
 * fields against each keyword's table; topo_parse_objects.c turns one line
 * into a node, pod, external host or service.  Every error is
 * "FILE:LINE: FIELD: reason" through parse_fail().
 */
#ifndef DPLAB_LOADER_TOPO_PARSE_H
#define DPLAB_LOADER_TOPO_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/cidr.h"
#include "topo/topo.h"

#define PARSE_MAX_FIELDS 16
#define MTU_MIN 576			/* the range an mtu= field takes */
#define MTU_MAX 65535

struct parser {
	const char *path;
	int line;
	struct topo *t;
	int topology_line;		/* 0 until the topology line is read */
	int mtu;			/* the topology's, default of nodes/externals */
	char *err;
	size_t err_len;
};

struct field {
	const char *key;
	const char *value;
};

/* One object line: its keyword and key=value fields. */
struct line {
	const char *keyword;
	int n;
	struct field f[PARSE_MAX_FIELDS];
};

/* -EINVAL with err = "FILE:LINE: FIELD: reason". */
int parse_fail(struct parser *p, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The value of KEY on the line, NULL when absent. */
const char *line_get(const struct line *l, const char *key);

/* Field readers: 0, or parse_fail() naming KEY. Absent optional fields
 * leave *out alone (callers preset the default). */
int get_name(struct parser *p, const struct line *l, const char *key, size_t max, char *out);
int get_addr(struct parser *p, const struct line *l, const char *key, __be32 *out);
/* network: host bits must be zero (a prefix, not an interface address). */
int get_cidr(struct parser *p, const struct line *l, const char *key, bool network,
	     struct cidr *out);
int get_uint(struct parser *p, const struct line *l, const char *key, __u32 min, __u32 max,
	     __u32 *out);
int get_mtu(struct parser *p, const struct line *l, const char *key, int *out);

/*
 * "dplab-<topo>-<a>[-<b>]" into out (TOPO_NS); fails on KEY when longer
 * than a namespace name may be or when another object has that name.
 */
int make_ns_name(struct parser *p, const char *key, char *out, const char *a, const char *b);

int parse_node(struct parser *p, const struct line *l);
int parse_pod(struct parser *p, const struct line *l);
int parse_external(struct parser *p, const struct line *l);
int parse_service(struct parser *p, const struct line *l);

#endif /* DPLAB_LOADER_TOPO_PARSE_H */
