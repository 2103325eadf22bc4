// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `topo show`: a topology as tables, or as JSON (topologies/README.md). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "util/cidr.h"
#include "topo/topo.h"

static const char *proto_name(__u8 proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "node2/pod1,node2/pod2" */
static void backend_list(const struct topo *t, const struct topo_service *s, char *buf,
			 size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < s->n_backends && used < len; i++) {
		const struct topo_pod *p = &t->pods[s->backends[i].pod];

		used += snprintf(buf + used, len - used, "%s%s/%s", i ? "," : "",
				 t->nodes[p->node].name, p->name);
	}
}

static int ns_width(const struct topo *t)
{
	int i, w = strlen("NAMESPACE");

	for (i = 0; i < t->n_nodes; i++)
		w = w > (int)strlen(t->nodes[i].ns) ? w : (int)strlen(t->nodes[i].ns);
	for (i = 0; i < t->n_pods; i++)
		w = w > (int)strlen(t->pods[i].ns) ? w : (int)strlen(t->pods[i].ns);
	for (i = 0; i < t->n_externals; i++)
		w = w > (int)strlen(t->externals[i].ns) ? w : (int)strlen(t->externals[i].ns);
	return w;
}

static void print_nodes(const struct topo *t, int w)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN], g[INET_ADDRSTRLEN], up[IF_NAMESIZE + 16];
	int i;

	printf("\n%-12s %-*s %-20s %-18s %-18s %-15s %s\n", "NODE", w, "NAMESPACE", "UPLINK",
	       "UNDERLAY", "POD CIDR", "GATEWAY", "MTU");
	for (i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];

		snprintf(up, sizeof(up), "%s (%s)", n->uplink,
			 n->real_dev[0] ? n->real_dev : "veth");
		printf("%-12s %-*s %-20s %-18s %-18s %-15s %d\n", n->name, w, n->ns, up,
		       cidr_str(&n->underlay, a), cidr_str(&n->pod_cidr, b),
		       addr_str(n->gateway, g), n->mtu);
	}
}

static void print_pods(const struct topo *t, int w)
{
	char a[INET_ADDRSTRLEN], name[TOPO_NAME * 2];
	int i;

	printf("\n%-24s %-*s %-18s %s\n", "POD", w, "NAMESPACE", "ADDRESS", "HOST IF");
	for (i = 0; i < t->n_pods; i++) {
		const struct topo_pod *p = &t->pods[i];

		snprintf(name, sizeof(name), "%s/%s", t->nodes[p->node].name, p->name);
		printf("%-24s %-*s %-18s %s\n", name, w, p->ns, addr_str(p->ip, a), p->host_if);
	}
}

static void print_services(const struct topo *t)
{
	char a[INET_ADDRSTRLEN], np[8], backends[TOPO_MAX_BACKENDS * TOPO_NAME * 2];
	int i;

	if (!t->n_services)
		return;
	printf("\n%-16s %-15s %-6s %-5s %-7s %-8s %s\n", "SERVICE", "VIP", "PORT", "PROTO",
	       "TARGET", "NODEPORT", "BACKENDS");
	for (i = 0; i < t->n_services; i++) {
		const struct topo_service *s = &t->services[i];

		snprintf(np, sizeof(np), "%u", s->nodeport);
		backend_list(t, s, backends, sizeof(backends));
		printf("%-16s %-15s %-6u %-5s %-7u %-8s %s\n", s->name, addr_str(s->vip, a),
		       s->port, proto_name(s->proto), s->target_port, s->nodeport ? np : "-",
		       backends[0] ? backends : "(none)");
	}
}

void topo_print(const struct topo *t)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN];
	int i, w = ns_width(t);

	printf("topology %s (%s)\n", t->name, t->file);
	printf("  cluster CIDR %s, service CIDR %s, VXLAN VNI %u, pod MTU %d\n",
	       cidr_str(&t->cluster_cidr, a), cidr_str(&t->service_cidr, b), t->vni, t->pod_mtu);
	printf("  fabric: namespace %s, bridge br0\n", t->fabric_ns);
	print_nodes(t, w);
	print_pods(t, w);
	if (t->n_externals) {
		printf("\n%-12s %-*s %-18s %s\n", "EXTERNAL", w, "NAMESPACE", "ADDRESS", "MTU");
		for (i = 0; i < t->n_externals; i++)
			printf("%-12s %-*s %-18s %d\n", t->externals[i].name, w,
			       t->externals[i].ns, cidr_str(&t->externals[i].addr, a),
			       t->externals[i].mtu);
	}
	print_services(t);
}

static json_t *node_json(const struct topo *t, const struct topo_node *n)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN], g[INET_ADDRSTRLEN], cg[PATH_MAX];

	topo_cgroup_path(t->name, n->name, cg, sizeof(cg));
	return json_pack("{s:s,s:s,s:s,s:s?,s:s,s:i,s:s,s:s,s:s}", "name", n->name, "ns", n->ns,
			 "uplink", n->uplink, "real_dev", n->real_dev[0] ? n->real_dev : NULL,
			 "underlay", cidr_str(&n->underlay, a), "mtu", n->mtu,
			 "pod_cidr", cidr_str(&n->pod_cidr, b), "gateway", addr_str(n->gateway, g),
			 "cgroup", cg);
}

static json_t *service_json(const struct topo *t, const struct topo_service *s)
{
	char a[INET_ADDRSTRLEN], ref[TOPO_NAME * 2];
	json_t *backends = json_array();
	int i;

	for (i = 0; i < s->n_backends; i++) {
		const struct topo_pod *p = &t->pods[s->backends[i].pod];

		snprintf(ref, sizeof(ref), "%s/%s", t->nodes[p->node].name, p->name);
		json_array_append_new(backends, json_string(ref));
	}
	return json_pack("{s:s,s:s,s:i,s:s,s:i,s:o,s:o}", "name", s->name,
			 "vip", addr_str(s->vip, a), "port", s->port, "proto", proto_name(s->proto),
			 "target_port", s->target_port,
			 "nodeport", s->nodeport ? json_integer(s->nodeport) : json_null(),
			 "backends", backends);
}

json_t *topo_to_json(const struct topo *t)
{
	char a[CIDR_STRLEN], b[CIDR_STRLEN];
	json_t *nodes = json_array(), *pods = json_array(), *exts = json_array(),
	       *svcs = json_array();
	int i;

	for (i = 0; i < t->n_nodes; i++)
		json_array_append_new(nodes, node_json(t, &t->nodes[i]));
	for (i = 0; i < t->n_pods; i++) {
		const struct topo_pod *p = &t->pods[i];

		json_array_append_new(pods, json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", p->name,
						      "node", t->nodes[p->node].name, "ns", p->ns,
						      "ip", addr_str(p->ip, a), "host_if",
						      p->host_if));
	}
	for (i = 0; i < t->n_externals; i++) {
		const struct topo_external *e = &t->externals[i];

		json_array_append_new(exts, json_pack("{s:s,s:s,s:s,s:i}", "name", e->name,
						      "ns", e->ns, "ip", cidr_str(&e->addr, a),
						      "mtu", e->mtu));
	}
	for (i = 0; i < t->n_services; i++)
		json_array_append_new(svcs, service_json(t, &t->services[i]));
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:o,s:o,s:o,s:o}", "name", t->name,
			 "file", t->file, "cluster_cidr", cidr_str(&t->cluster_cidr, a),
			 "service_cidr", cidr_str(&t->service_cidr, b), "vni", (int)t->vni,
			 "pod_mtu", t->pod_mtu, "fabric_ns", t->fabric_ns, "nodes", nodes,
			 "pods", pods, "externals", exts, "services", svcs);
}
