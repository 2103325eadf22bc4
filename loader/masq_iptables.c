// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * masquerade=iptables: one MASQUERADE rule in a chain of dplab's own,
 * jumped from POSTROUTING, so that removing it removes exactly that.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "iptables.h"
#include "kubeproxy.h"

static int check_node(const struct topo *t, int node, char *err, size_t err_len)
{
	if (node >= 0 && node < t->n_nodes)
		return 0;
	snprintf(err, err_len, "masquerade rule: node index %d: topology %s has %d nodes", node,
		 t->name, t->n_nodes);
	return -EINVAL;
}

int masquerade_iptables_apply(const struct topo *t, int node, char *err, size_t err_len)
{
	char pods[CIDR_STRLEN], cluster[CIDR_STRLEN];
	const struct topo_node *nd;
	struct nat_table cur;
	char *doc = NULL;
	size_t len = 0;
	FILE *out;
	int ret;

	ret = check_node(t, node, err, err_len);
	if (ret)
		return ret;
	nd = &t->nodes[node];
	ret = nat_table_read(nd->ns, &cur, err, err_len);
	if (ret)
		return ret;
	out = open_memstream(&doc, &len);
	if (!out) {
		ret = -errno;
		snprintf(err, err_len, "masquerade rule for node %s: %s", nd->name, strerror(-ret));
		goto out;
	}
	/* Declaring the chain flushes it: applying twice leaves one rule. */
	fprintf(out, "# dplab: masquerade=iptables, node %s of topology %s\n*nat\n"
		":" MASQ_IPTABLES_CHAIN " - [0:0]\n"
		"-A " MASQ_IPTABLES_CHAIN " -s %s ! -d %s -o %s -m comment --comment "
		"\"dplab masquerade\" -j MASQUERADE\n", nd->name, t->name,
		cidr_str(&nd->pod_cidr, pods), cidr_str(&t->cluster_cidr, cluster), nd->uplink);
	if (!nat_has_jump(&cur, "POSTROUTING", MASQ_IPTABLES_CHAIN))
		fprintf(out, "-A POSTROUTING -j " MASQ_IPTABLES_CHAIN "\n");
	fprintf(out, "COMMIT\n");
	if (fclose(out)) {
		ret = -ENOMEM;
		snprintf(err, err_len, "masquerade rule for node %s: %s", nd->name, strerror(-ret));
		goto out;
	}
	ret = iptables_restore(nd->ns, doc, len, err, err_len);
out:
	free(doc);
	nat_table_free(&cur);
	return ret;
}

int masquerade_iptables_remove(const struct topo *t, int node, char *err, size_t err_len)
{
	int ret = check_node(t, node, err, err_len);

	return ret ? ret : nat_remove_chains(t->nodes[node].ns, MASQ_IPTABLES_CHAIN, err, err_len);
}
