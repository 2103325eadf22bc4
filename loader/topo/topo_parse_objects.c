// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The node, pod, external and service lines of a topology file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "topo/topo_parse.h"

#define POD_CIDR_MAX_PREFIX 30	/* room for the gateway and a pod */

/*
 * Node and external names also name their ports on the fabric bridge, so
 * they are interface names, unique among both, and not the bridge's own.
 */
static int check_port_name(struct parser *p, const char *name)
{
	const struct topo *t = p->t;
	int i;

	if (strlen(name) >= IF_NAMESIZE)
		return parse_fail(p, "name", "'%s' is longer than %d characters: it also names the "
				  "port on the fabric bridge, an interface", name, IF_NAMESIZE - 1);
	if (!strcmp(name, "br0") || !strcmp(name, "lo") || !strcmp(name, "fabric"))
		return parse_fail(p, "name", "'%s' is reserved (the fabric, its bridge br0, lo)",
				  name);
	for (i = 0; i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name))
			return parse_fail(p, "name", "a node is already named '%s'", name);
	for (i = 0; i < t->n_externals; i++)
		if (!strcmp(t->externals[i].name, name))
			return parse_fail(p, "name", "an external host is already named '%s'",
					  name);
	return 0;
}

/* An address on the underlay: outside the cluster's ranges, not taken. */
static int check_underlay(struct parser *p, const char *key, const struct cidr *c)
{
	const struct topo *t = p->t;
	char a[INET_ADDRSTRLEN];
	int i;

	addr_str(c->addr, a);
	if (cidr_contains(&t->cluster_cidr, c->addr) || cidr_contains(&t->service_cidr, c->addr))
		return parse_fail(p, key, "%s lies in the cluster or service CIDR", a);
	for (i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].underlay.addr == c->addr)
			return parse_fail(p, key, "%s is already the address of node %s", a,
					  t->nodes[i].name);
	for (i = 0; i < t->n_externals; i++)
		if (t->externals[i].addr.addr == c->addr)
			return parse_fail(p, key, "%s is already the address of external %s", a,
					  t->externals[i].name);
	return 0;
}

static int check_pod_cidr(struct parser *p, const struct cidr *c)
{
	const struct topo *t = p->t;
	char a[CIDR_STRLEN], b[CIDR_STRLEN];
	int i;

	cidr_str(c, a);
	if (!cidr_within(c, &t->cluster_cidr))
		return parse_fail(p, "pod_cidr", "%s is outside the cluster CIDR %s", a,
				  cidr_str(&t->cluster_cidr, b));
	if (c->prefix > POD_CIDR_MAX_PREFIX)
		return parse_fail(p, "pod_cidr", "%s leaves no room for the gateway and a pod "
				  "(at most /%d)", a, POD_CIDR_MAX_PREFIX);
	for (i = 0; i < t->n_nodes; i++)
		if (cidr_overlaps(c, &t->nodes[i].pod_cidr))
			return parse_fail(p, "pod_cidr", "%s overlaps node %s's %s", a,
					  t->nodes[i].name, cidr_str(&t->nodes[i].pod_cidr, b));
	return 0;
}

/* An interface name for uplink_dev=: the kernel's rules (dev_valid_name). */
static int get_ifname(struct parser *p, const struct line *l, const char *key, char *out)
{
	const char *v = line_get(l, key);
	int i;

	if (!v)
		return 0;
	if (strlen(v) >= IF_NAMESIZE || !strcmp(v, ".") || !strcmp(v, "..") ||
	    strpbrk(v, "/:"))
		return parse_fail(p, key, "'%s' is not an interface name (at most %d characters, "
				  "no '/' or ':')", v, IF_NAMESIZE - 1);
	for (i = 0; i < p->t->n_nodes; i++)
		if (!strcmp(p->t->nodes[i].real_dev, v))
			return parse_fail(p, key, "%s is already node %s's uplink", v,
					  p->t->nodes[i].name);
	strcpy(out, v);
	return 0;
}

int parse_node(struct parser *p, const struct line *l)
{
	struct topo *t = p->t;
	struct topo_node *n = &t->nodes[t->n_nodes];
	int err;

	if (t->n_nodes == TOPO_MAX_NODES)
		return parse_fail(p, "node", "more than %d nodes (TOPO_MAX_NODES)", TOPO_MAX_NODES);
	memset(n, 0, sizeof(*n));
	n->mtu = p->mtu;
	strcpy(n->uplink, "eth0");
	err = get_name(p, l, "name", TOPO_NAME, n->name) ?:
	      check_port_name(p, n->name) ?:
	      get_cidr(p, l, "underlay", false, &n->underlay) ?:
	      check_underlay(p, "underlay", &n->underlay) ?:
	      get_cidr(p, l, "pod_cidr", true, &n->pod_cidr) ?:
	      check_pod_cidr(p, &n->pod_cidr) ?:
	      get_mtu(p, l, "mtu", &n->mtu) ?:
	      get_ifname(p, l, "uplink_dev", n->real_dev) ?:
	      make_ns_name(p, "name", n->ns, n->name, NULL);
	if (err)
		return err;
	n->gateway = cidr_nth(&n->pod_cidr, 1);
	t->n_nodes++;
	return 0;
}

static int check_pod_ip(struct parser *p, const struct topo_node *node, __be32 ip)
{
	const struct topo *t = p->t;
	char a[INET_ADDRSTRLEN], b[CIDR_STRLEN];
	int i;

	addr_str(ip, a);
	cidr_str(&node->pod_cidr, b);
	if (!cidr_contains(&node->pod_cidr, ip))
		return parse_fail(p, "ip", "%s is outside node %s's pod CIDR %s", a, node->name, b);
	if (ip == node->gateway)
		return parse_fail(p, "ip", "%s is node %s's gateway (the first address of %s)", a,
				  node->name, b);
	if (cidr_is_edge(&node->pod_cidr, ip))
		return parse_fail(p, "ip", "%s is the network or broadcast address of %s", a, b);
	for (i = 0; i < t->n_pods; i++)
		if (t->pods[i].ip == ip)
			return parse_fail(p, "ip", "%s is already the address of pod %s/%s", a,
					  t->nodes[t->pods[i].node].name, t->pods[i].name);
	return 0;
}

int parse_pod(struct parser *p, const struct line *l)
{
	struct topo *t = p->t;
	struct topo_pod *pod = &t->pods[t->n_pods];
	const char *node_name = line_get(l, "node");
	int i, err, on_node = 0;

	if (t->n_pods == TOPO_MAX_PODS)
		return parse_fail(p, "pod", "more than %d pods (TOPO_MAX_PODS)", TOPO_MAX_PODS);
	memset(pod, 0, sizeof(*pod));
	pod->node = topo_node_by_name(t, node_name);
	if (pod->node < 0)
		return parse_fail(p, "node", "no node '%s' (declare a node before its pods)",
				  node_name);
	err = get_name(p, l, "name", TOPO_NAME, pod->name) ?:
	      get_addr(p, l, "ip", &pod->ip);
	if (err)
		return err;
	for (i = 0; i < t->n_pods; i++) {
		if (t->pods[i].node != pod->node)
			continue;
		if (!strcmp(t->pods[i].name, pod->name))
			return parse_fail(p, "name", "node %s already has a pod '%s'", node_name,
					  pod->name);
		on_node++;
	}
	err = check_pod_ip(p, &t->nodes[pod->node], pod->ip) ?:
	      make_ns_name(p, "name", pod->ns, node_name, pod->name);
	if (err)
		return err;
	snprintf(pod->host_if, sizeof(pod->host_if), "lxc%d", on_node);
	t->n_pods++;
	return 0;
}

int parse_external(struct parser *p, const struct line *l)
{
	struct topo *t = p->t;
	struct topo_external *e = &t->externals[t->n_externals];
	int err;

	if (t->n_externals == TOPO_MAX_EXTERNALS)
		return parse_fail(p, "external", "more than %d external hosts (TOPO_MAX_EXTERNALS)",
				  TOPO_MAX_EXTERNALS);
	memset(e, 0, sizeof(*e));
	e->mtu = p->mtu;
	err = get_name(p, l, "name", TOPO_NAME, e->name) ?:
	      check_port_name(p, e->name) ?:
	      get_cidr(p, l, "ip", false, &e->addr) ?:
	      check_underlay(p, "ip", &e->addr) ?:
	      get_mtu(p, l, "mtu", &e->mtu) ?:
	      make_ns_name(p, "name", e->ns, e->name, NULL);
	if (!err)
		t->n_externals++;
	return err;
}

int topo_namespaces(const struct topo *t, const char *ns[TOPO_MAX_NS])
{
	int i, n = 0;

	ns[n++] = t->fabric_ns;
	for (i = 0; i < t->n_nodes; i++)
		ns[n++] = t->nodes[i].ns;
	for (i = 0; i < t->n_pods; i++)
		ns[n++] = t->pods[i].ns;
	for (i = 0; i < t->n_externals; i++)
		ns[n++] = t->externals[i].ns;
	return n;
}

int topo_node_by_name(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; name && i < t->n_nodes; i++)
		if (!strcmp(t->nodes[i].name, name))
			return i;
	return -1;
}

int topo_pod_by_name(const struct topo *t, const char *node_slash_pod)
{
	const char *slash = node_slash_pod ? strchr(node_slash_pod, '/') : NULL;
	char node[TOPO_NAME];
	int i, n;

	if (!slash || slash - node_slash_pod >= TOPO_NAME)
		return -1;
	snprintf(node, sizeof(node), "%.*s", (int)(slash - node_slash_pod), node_slash_pod);
	n = topo_node_by_name(t, node);
	for (i = 0; n >= 0 && i < t->n_pods; i++)
		if (t->pods[i].node == n && !strcmp(t->pods[i].name, slash + 1))
			return i;
	return -1;
}
