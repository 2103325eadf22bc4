/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * iptables as dplab drives it: whole documents through iptables-restore
 * (one transaction each, never one iptables call per rule) and the state
 * read back with iptables-save, both run inside a named network namespace.
 * The `iptables` the system selects is used (Debian: iptables-nft);
 * iptables_backend() says which, to be reported with every result.
 */
#ifndef DPLAB_LOADER_IPTABLES_H
#define DPLAB_LOADER_IPTABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The nat table of one namespace, as `iptables-save -t nat` prints it. */
struct nat_table {
	char *text;		/* the output, split into lines in place */
	char **chains;		/* user-defined chains (built-in ones are not listed) */
	int n_chains;
	char **rules;		/* "-A CHAIN ..." lines, in order */
	int n_rules;
};

/* "nft" or "legacy" (from `iptables -V`), "unknown" if it cannot tell. */
const char *iptables_backend(void);

/* `iptables-save -t TABLE` in NS (NULL: current) into *text (free it).  0 or -errno. */
int iptables_save(const char *ns, const char *table, char **text, char *err, size_t err_len);

/* Read the nat table of namespace NS (NULL: the current one).  0 or -errno. */
int nat_table_read(const char *ns, struct nat_table *nt, char *err, size_t err_len);
void nat_table_free(struct nat_table *nt);

/*
 * `iptables-restore --noflush` of DOC in namespace NS (NULL: current):
 * chains the document declares are flushed, all others are kept.  0, or
 * -errno with err quoting iptables' message and the document line it
 * names.
 */
int iptables_restore(const char *ns, const char *doc, size_t len, char *err, size_t err_len);

/* The target of a saved rule ("-j X"), copied to buf; "" when none. */
void nat_rule_target(const char *rule, char *buf, size_t len);
/* A rule of chain FROM jumps to chain TO. */
bool nat_has_jump(const struct nat_table *nt, const char *from, const char *to);
bool nat_has_chain(const struct nat_table *nt, const char *chain);
/* Rules in the chains whose names start with PREFIX. */
int nat_count_rules(const struct nat_table *nt, const char *prefix);

/*
 * Lines removing every chain named PREFIX* and every rule elsewhere that
 * jumps to one, to go between "*nat" and "COMMIT": flush, unjump, delete.
 * Returns how many chains and rules it removes (0: nothing to do).
 */
int nat_write_removal(const struct nat_table *nt, const char *prefix, FILE *out);

/*
 * Writes the document for the current nat table cur into out: how many
 * changes it makes (0: nothing to do), or -errno with err.
 */
typedef int (*nat_doc_writer)(const struct nat_table *cur, FILE *out, const void *ctx,
			      char *err, size_t err_len);

/*
 * Read the nat table of NS, have write_doc() make a document for it and
 * iptables-restore that unless it changes nothing.  WHAT names the work
 * in err when the document cannot be made.  0 or -errno with err.
 */
int nat_apply(const char *ns, const char *what, nat_doc_writer write_doc, const void *ctx,
	      char *err, size_t err_len);

/* Read the nat table of NS and remove PREFIX* as above.  0 or -errno. */
int nat_remove_chains(const char *ns, const char *prefix, char *err, size_t err_len);

/* Rules in the PREFIX* chains of NS's nat table, or -errno. */
int nat_rule_count(const char *ns, const char *prefix, char *err, size_t err_len);

#endif /* DPLAB_LOADER_IPTABLES_H */
