// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The nat table as iptables-save prints it: which chains exist, which
 * rules jump where, and the iptables-restore lines that remove a family
 * of chains (all of kube-proxy's "KUBE-*", or dplab's "DPLAB-MASQ") and
 * every jump into them, leaving everything else alone.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/iptables.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Split nt->text into lines; user chains (":NAME - [p:b]") and "-A" rules. */
static int nat_table_parse(struct nat_table *nt)
{
	size_t lines = 1;
	char *p, *save;

	for (p = nt->text; *p; p++)
		lines += *p == '\n';
	nt->chains = calloc(lines, sizeof(*nt->chains));
	nt->rules = calloc(lines, sizeof(*nt->rules));
	if (!nt->chains || !nt->rules)
		return -ENOMEM;
	for (p = strtok_r(nt->text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char *space = strchr(p, ' ');

		if (has_prefix(p, "-A ")) {
			nt->rules[nt->n_rules++] = p;
		} else if (p[0] == ':' && space && has_prefix(space, " - ")) {
			/* Built-in chains have a policy instead of "-". */
			*space = '\0';
			nt->chains[nt->n_chains++] = p + 1;
		}
	}
	return 0;
}

int nat_table_read(const char *ns, struct nat_table *nt, char *err, size_t err_len)
{
	int ret;

	memset(nt, 0, sizeof(*nt));
	ret = iptables_save(ns, "nat", &nt->text, err, err_len);
	if (ret)
		return ret;
	ret = nat_table_parse(nt);
	if (ret) {
		snprintf(err, err_len, "nat table of namespace %s: %s", ns ? ns : "(current)",
			 strerror(-ret));
		nat_table_free(nt);
	}
	return ret;
}

void nat_table_free(struct nat_table *nt)
{
	free(nt->text);
	free(nt->chains);
	free(nt->rules);
	memset(nt, 0, sizeof(*nt));
}

/* The next word of a saved rule ("..." quoted words whole); its end. */
static const char *next_word(const char *p, const char **start)
{
	while (*p == ' ')
		p++;
	*start = p;
	if (*p != '"') {
		while (*p && *p != ' ')
			p++;
		return p;
	}
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

void nat_rule_target(const char *rule, char *buf, size_t len)
{
	const char *p = rule, *word;
	bool is_target = false;

	buf[0] = '\0';
	while (*p) {
		p = next_word(p, &word);
		if (p == word)
			break;
		if (is_target) {
			snprintf(buf, len, "%.*s", (int)(p - word), word);
			return;
		}
		/* -j jumps, -g goes to: either makes the chain referenced. */
		is_target = p - word == 2 && (!strncmp(word, "-j", 2) || !strncmp(word, "-g", 2));
	}
}

/* "-A CHAIN ..." */
static bool rule_in_chain(const char *rule, const char *chain)
{
	size_t n = strlen(chain);

	return !strncmp(rule + 3, chain, n) && (rule[3 + n] == ' ' || !rule[3 + n]);
}

bool nat_has_jump(const struct nat_table *nt, const char *from, const char *to)
{
	char target[64];
	int i;

	for (i = 0; i < nt->n_rules; i++) {
		if (!rule_in_chain(nt->rules[i], from))
			continue;
		nat_rule_target(nt->rules[i], target, sizeof(target));
		if (!strcmp(target, to))
			return true;
	}
	return false;
}

bool nat_has_chain(const struct nat_table *nt, const char *chain)
{
	int i;

	for (i = 0; i < nt->n_chains; i++)
		if (!strcmp(nt->chains[i], chain))
			return true;
	return false;
}

int nat_count_rules(const struct nat_table *nt, const char *prefix)
{
	int i, n = 0;

	for (i = 0; i < nt->n_rules; i++)
		n += has_prefix(nt->rules[i] + 3, prefix);
	return n;
}

int nat_write_removal(const struct nat_table *nt, const char *prefix, FILE *out)
{
	char target[64];
	int i, n = 0;

	/* Declaring a chain flushes it, so no rule is left referencing another. */
	for (i = 0; i < nt->n_chains; i++)
		if (has_prefix(nt->chains[i], prefix))
			fprintf(out, ":%s - [0:0]\n", nt->chains[i]);
	for (i = 0; i < nt->n_rules; i++) {
		if (has_prefix(nt->rules[i] + 3, prefix))
			continue;
		nat_rule_target(nt->rules[i], target, sizeof(target));
		if (!has_prefix(target, prefix))
			continue;
		fprintf(out, "-D%s\n", nt->rules[i] + 2);
		n++;
	}
	for (i = 0; i < nt->n_chains; i++) {
		if (!has_prefix(nt->chains[i], prefix))
			continue;
		fprintf(out, "-X %s\n", nt->chains[i]);
		n++;
	}
	return n;
}

int nat_apply(const char *ns, const char *what, nat_doc_writer write_doc, const void *ctx,
	      char *err, size_t err_len)
{
	struct nat_table cur;
	char *doc = NULL;
	size_t len = 0;
	FILE *out;
	int ret;

	ret = nat_table_read(ns, &cur, err, err_len);
	if (ret)
		return ret;
	out = open_memstream(&doc, &len);
	if (!out) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", what, strerror(-ret));
		goto out;
	}
	ret = write_doc(&cur, out, ctx, err, err_len);
	if (fclose(out) && ret >= 0) {
		ret = -ENOMEM;
		snprintf(err, err_len, "%s: %s", what, strerror(ENOMEM));
	}
	if (ret > 0)
		ret = iptables_restore(ns, doc, len, err, err_len);
out:
	free(doc);
	nat_table_free(&cur);
	return ret;
}

static int write_removal(const struct nat_table *cur, FILE *out, const void *prefix,
			 char *err, size_t err_len)
{
	int n;

	fprintf(out, "# dplab: remove the %s* chains and the jumps to them\n*nat\n",
		(const char *)prefix);
	n = nat_write_removal(cur, prefix, out);
	fprintf(out, "COMMIT\n");
	return n;
}

int nat_remove_chains(const char *ns, const char *prefix, char *err, size_t err_len)
{
	char what[128];

	snprintf(what, sizeof(what), "removing %s* chains", prefix);
	return nat_apply(ns, what, write_removal, prefix, err, err_len);
}

int nat_rule_count(const char *ns, const char *prefix, char *err, size_t err_len)
{
	struct nat_table nt;
	int ret;

	ret = nat_table_read(ns, &nt, err, err_len);
	if (ret)
		return ret;
	ret = nat_count_rules(&nt, prefix);
	nat_table_free(&nt);
	return ret;
}
