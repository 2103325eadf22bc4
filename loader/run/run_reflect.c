// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where `dplab run`'s workloads run (the endpoints of the topology), and
 * the reflector the RTT workload needs on the far pod: tc_reflector at
 * tc ingress of the pod's eth0 (a tcx link held by the runner, gone when
 * it is destroyed right after the workload) sends each generator frame
 * (UDP to dplab-pktgen's port) back out with addresses and ports swapped.
 * At tc, not XDP: with BPF host routing, frames reach the pod through
 * bpf_redirect_peer, which skips the pod veth's XDP hook.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>

#include "util/cidr.h"
#include "util/netns.h"
#include "run/run.h"

#include "reflector.skel.h"
#include "dplab/fmt.h"

static struct reflector_bpf *refl;

static void pod_path(const struct topo *t, int pod, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", t->nodes[t->pods[pod].node].name, t->pods[pod].name);
}

static int first_pod_of(const struct topo *t, int node)
{
	int i;

	for (i = 0; i < t->n_pods; i++)
		if (t->pods[i].node == node)
			return i;
	return -1;
}

int run_endpoints_find(struct run_ctx *x, char *err, size_t err_len)
{
	const struct topo *t = &x->t;
	struct run_endpoints *e = &x->ep;
	const struct topo_service *s = NULL;
	char addr[INET_ADDRSTRLEN];
	int i, node;

	memset(e, 0, sizeof(*e));
	e->src_pod = first_pod_of(t, 0);
	e->dst_pod = t->n_nodes > 1 ? first_pod_of(t, 1) : -1;
	if (e->src_pod < 0 || e->dst_pod < 0) {
		snprintf(err, err_len, "topology %s: needs two nodes with a pod each", t->name);
		return -EINVAL;
	}
	for (i = 0; i < t->n_services && !s; i++)
		if (t->services[i].proto == IPPROTO_TCP && t->services[i].n_backends)
			s = &t->services[i];
	if (!s) {
		snprintf(err, err_len, "topology %s: needs a TCP service with backends", t->name);
		return -EINVAL;
	}
	fmt_fit(e->src_ns, sizeof(e->src_ns), "%s", t->pods[e->src_pod].ns);
	fmt_fit(e->dst_ns, sizeof(e->dst_ns), "%s", t->pods[e->dst_pod].ns);
	pod_path(t, e->src_pod, e->src, sizeof(e->src));
	pod_path(t, e->dst_pod, e->dst, sizeof(e->dst));
	addr_str(t->pods[e->src_pod].ip, e->src_ip);
	addr_str(t->pods[e->dst_pod].ip, e->dst_ip);
	fmt_fit(e->vip, sizeof(e->vip), "%s:%u", addr_str(s->vip, addr), s->port);
	e->server_port = s->target_port;
	for (i = 0; i < s->n_backends; i++)
		pod_path(t, s->backends[i].pod, e->servers[e->n_servers++], sizeof(e->servers[0]));
	node = t->pods[s->backends[0].pod].node;
	if (s->nodeport)
		fmt_fit(e->nodeport, sizeof(e->nodeport), "%s:%u",
			 addr_str(t->nodes[node].underlay.addr, addr), s->nodeport);
	if (t->n_externals)
		fmt_fit(e->external, sizeof(e->external), "%s", t->externals[0].name);
	return 0;
}

int run_endpoints_gateway(struct run_ctx *x, char *err, size_t err_len)
{
	const struct topo_pod *pod = &x->t.pods[x->ep.src_pod];
	const char *node_ns = x->t.nodes[pod->node].ns, *what;
	unsigned int ifindex;
	unsigned char m[6];
	int ret;

	ret = netns_link_addr(node_ns, pod->host_if, m, &ifindex, &what);
	if (ret) {
		snprintf(err, err_len, "%s in %s: %s: %s", pod->host_if, node_ns, what,
			 strerror(-ret));
		return ret;
	}
	snprintf(x->ep.gw_mac, sizeof(x->ep.gw_mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	return 0;
}

static struct bpf_link *refl_link;

int run_reflect_attach(const struct run_ctx *x, char *err, size_t err_len)
{
	const struct topo_pod *pod = &x->t.pods[x->ep.dst_pod];
	int saved, ifindex, ret;

	if (!refl) {
		refl = reflector_bpf__open();
		if (refl) {
			refl->rodata->only_udp_dport = htons(RUN_PKTGEN_DPORT);
			bpf_program__set_autoload(refl->progs.xdp_reflector, false);
		}
		if (!refl || reflector_bpf__load(refl)) {
			snprintf(err, err_len, "reflector.bpf.o: load: %s", strerror(errno));
			reflector_bpf__destroy(refl);
			refl = NULL;
			return -EIO;
		}
	}
	ret = netns_enter(pod->ns, &saved);
	if (ret) {
		snprintf(err, err_len, "rtt: netns %s: %s", pod->ns, strerror(-ret));
		return ret;
	}
	ifindex = if_nametoindex("eth0");
	refl_link = ifindex ? bpf_program__attach_tcx(refl->progs.tc_reflector, ifindex, NULL) :
			      NULL;
	ret = refl_link ? 0 : -errno;
	netns_leave(saved);
	if (ret)
		snprintf(err, err_len, "rtt: tc reflector on eth0 in %s (tcx): %s", pod->ns,
			 strerror(-ret));
	return ret;
}

void run_reflect_detach(const struct run_ctx *x)
{
	bpf_link__destroy(refl_link);
	refl_link = NULL;
}
