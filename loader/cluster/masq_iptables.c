// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * masquerade=iptables: one MASQUERADE rule in a chain of dplab's own,
 * jumped from POSTROUTING, so that removing it removes exactly that.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/cidr.h"
#include "cluster/iptables.h"
#include "cluster/kubeproxy.h"

static int check_node(const struct topo *t, int node, char *err, size_t err_len)
{
	if (node >= 0 && node < t->n_nodes)
		return 0;
	snprintf(err, err_len, "masquerade rule: node index %d: topology %s has %d nodes", node,
		 t->name, t->n_nodes);
	return -EINVAL;
}

struct masq_apply {
	const struct topo *t;
	int node;
};

static int write_masquerade(const struct nat_table *cur, FILE *out, const void *ctx,
			    char *err, size_t err_len)
{
	const struct masq_apply *a = ctx;
	const struct topo_node *nd = &a->t->nodes[a->node];
	char pods[CIDR_STRLEN], cluster[CIDR_STRLEN];

	/* Declaring the chain flushes it: applying twice leaves one rule. */
	fprintf(out, "# dplab: masquerade=iptables, node %s of topology %s\n*nat\n"
		":" MASQ_IPTABLES_CHAIN " - [0:0]\n"
		"-A " MASQ_IPTABLES_CHAIN " -s %s ! -d %s -o %s -m comment --comment "
		"\"dplab masquerade\" -j MASQUERADE\n", nd->name, a->t->name,
		cidr_str(&nd->pod_cidr, pods), cidr_str(&a->t->cluster_cidr, cluster), nd->uplink);
	if (!nat_has_jump(cur, "POSTROUTING", MASQ_IPTABLES_CHAIN))
		fprintf(out, "-A POSTROUTING -j " MASQ_IPTABLES_CHAIN "\n");
	fprintf(out, "COMMIT\n");
	return 1;
}

int masquerade_iptables_apply(const struct topo *t, int node, char *err, size_t err_len)
{
	const struct masq_apply a = { t, node };
	char what[TOPO_NAME + 32];
	int ret;

	ret = check_node(t, node, err, err_len);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "masquerade rule for node %s", t->nodes[node].name);
	return nat_apply(t->nodes[node].ns, what, write_masquerade, &a, err, err_len);
}

int masquerade_iptables_remove(const struct topo *t, int node, char *err, size_t err_len)
{
	int ret = check_node(t, node, err, err_len);

	return ret ? ret : nat_remove_chains(t->nodes[node].ns, MASQ_IPTABLES_CHAIN, err, err_len);
}
