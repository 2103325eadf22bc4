// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The topology file: one object per line, "KEYWORD key=value ...", '#'
 * starts a comment, objects are declared before they are used (the
 * topology first, a node before its pods, pods before the services that
 * name them).  Format and fields: topologies/README.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_parse.h"
#include "dplab/fmt.h"

#define MTU_DEFAULT 1500
#define VNI_MAX 16777215
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int parse_topology(struct parser *p, const struct line *l);

static const struct keyword {
	const char *name;
	int (*parse)(struct parser *p, const struct line *l);
	const char *required[4];
	const char *optional[5];
} keywords[] = {
	{ "topology", parse_topology, { "name", "cluster_cidr", "service_cidr" },
	  { "vni", "mtu", "pod_mtu" } },
	{ "node", parse_node, { "name", "underlay", "pod_cidr" }, { "mtu", "uplink_dev" } },
	{ "pod", parse_pod, { "name", "node", "ip" }, { 0 } },
	{ "external", parse_external, { "name", "ip" }, { "mtu" } },
	{ "service", parse_service, { "name", "vip", "port" },
	  { "proto", "target_port", "nodeport", "backends" } },
};

static int parse_topology(struct parser *p, const struct line *l)
{
	struct topo *t = p->t;
	char a[CIDR_STRLEN];
	__u32 vni = 1;
	int err;

	if (p->topology_line)
		return parse_fail(p, "topology", "given twice (first on line %d)",
				  p->topology_line);
	p->topology_line = p->line;
	p->mtu = MTU_DEFAULT;
	err = get_name(p, l, "name", TOPO_NAME, t->name) ?:
	      get_cidr(p, l, "cluster_cidr", true, &t->cluster_cidr) ?:
	      get_cidr(p, l, "service_cidr", true, &t->service_cidr) ?:
	      get_uint(p, l, "vni", 1, VNI_MAX, &vni) ?:
	      get_mtu(p, l, "mtu", &p->mtu);
	if (err)
		return err;
	t->vni = vni;
	t->pod_mtu = p->mtu;
	err = get_mtu(p, l, "pod_mtu", &t->pod_mtu);
	if (err)
		return err;
	if (cidr_overlaps(&t->cluster_cidr, &t->service_cidr))
		return parse_fail(p, "service_cidr", "overlaps the cluster CIDR %s",
				  cidr_str(&t->cluster_cidr, a));
	return make_ns_name(p, "name", t->fabric_ns, "fabric", NULL);
}

static bool listed(const char *const *list, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n && list[i]; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

/* "name, underlay, ...": the keyword's required fields, then the others. */
static void field_names(const struct keyword *kw, bool optional_too, char *buf, size_t len)
{
	const char *const *lists[] = { kw->required, kw->optional };
	size_t sizes[] = { ARRAY_SIZE(kw->required), ARRAY_SIZE(kw->optional) }, i, j, used = 0;

	buf[0] = '\0';
	for (i = 0; i < (optional_too ? 2u : 1u); i++)
		for (j = 0; j < sizes[i] && lists[i][j] && used < len; j++)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 lists[i][j]);
}

/* Fields known to the keyword, none twice, every required one there. */
static int check_fields(struct parser *p, const struct keyword *kw, const struct line *l)
{
	char names[256];
	int i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(l->f[j].key, l->f[i].key))
				return parse_fail(p, l->f[i].key, "given twice");
		if (listed(kw->required, ARRAY_SIZE(kw->required), l->f[i].key) ||
		    listed(kw->optional, ARRAY_SIZE(kw->optional), l->f[i].key))
			continue;
		field_names(kw, true, names, sizeof(names));
		return parse_fail(p, l->f[i].key, "unknown field of %s (fields: %s)", kw->name,
				  names);
	}
	for (j = 0; j < (int)ARRAY_SIZE(kw->required) && kw->required[j]; j++) {
		if (line_get(l, kw->required[j]))
			continue;
		field_names(kw, false, names, sizeof(names));
		return parse_fail(p, kw->required[j], "missing (%s requires %s)", kw->name, names);
	}
	return 0;
}

/* Split one line (comment already cut) and hand it to its keyword. */
static int parse_line(struct parser *p, char *text)
{
	const struct keyword *kw = NULL;
	struct line l = { 0 };
	char *save = NULL, *tok, *eq;
	size_t i;

	l.keyword = strtok_r(text, " \t", &save);
	if (!l.keyword)
		return 0;
	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(keywords[i].name, l.keyword))
			kw = &keywords[i];
	if (!kw)
		return parse_fail(p, l.keyword, "unknown keyword (expected topology, node, pod, "
				  "external or service)");
	while ((tok = strtok_r(NULL, " \t", &save))) {
		eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return parse_fail(p, tok, "expected key=value");
		if (l.n == PARSE_MAX_FIELDS)
			return parse_fail(p, tok, "more than %d fields on one line",
					  PARSE_MAX_FIELDS);
		*eq = '\0';
		if (!eq[1])
			return parse_fail(p, tok, "empty value");
		l.f[l.n].key = tok;
		l.f[l.n++].value = eq + 1;
	}
	if (kw->parse != parse_topology && !p->topology_line)
		return parse_fail(p, l.keyword, "before the topology line (the file starts with "
				  "'topology name=... cluster_cidr=... service_cidr=...')");
	return check_fields(p, kw, &l) ?: kw->parse(p, &l);
}

static int parse_stream(struct parser *p, FILE *f)
{
	char *text = NULL;
	size_t cap = 0;
	int err = 0;

	while (!err && getline(&text, &cap, f) >= 0) {
		p->line++;
		text[strcspn(text, "#\r\n")] = '\0';
		err = parse_line(p, text);
	}
	free(text);
	if (err)
		return err;
	if (!p->topology_line) {
		p->line = p->line ?: 1;
		return parse_fail(p, "topology", "missing: the file has no 'topology' line");
	}
	p->line = p->topology_line;
	if (!p->t->n_nodes)
		return parse_fail(p, "node", "missing: the topology declares no node");
	return 0;
}

int topo_parse(const char *path, struct topo *t, char *err, size_t err_len)
{
	struct parser p = { .path = path, .t = t, .err = err, .err_len = err_len };
	FILE *f;
	int ret;

	memset(t, 0, sizeof(*t));
	if (!realpath(path, t->file) && fmt_fit(t->file, sizeof(t->file), "%s", path)) {
		snprintf(err, err_len, "%.64s...: the file's name is too long", path);
		return -ENAMETOOLONG;
	}
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot read the topology file: %s", path,
			 strerror(errno));
		return ret;
	}
	ret = parse_stream(&p, f);
	fclose(f);
	return ret;
}
