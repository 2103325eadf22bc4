// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The load balancers, programmed from the expanded services in the one
 * services/backends layout of include/dplab/lb.h:
 *
 *   tc_lb    every ClusterIP.
 *   tc_nodeport  the same object, a second instance with conntrack of its
 *            own: every NodePort on {node address, NodePort} with only the
 *            backends LOCAL to this node.  The tc path translates the
 *            destination but never the source, so the reply of a pod on
 *            another node would reach the client from the pod's address,
 *            bypassing this node's reverse NAT: the semantics of
 *            Kubernetes' externalTrafficPolicy=Local.  A NodePort with no
 *            local backend is not programmed at all (its packets go on to
 *            the stack).  Its replies are translated at the uplink's
 *            egress, after routing: back at the pod's veth the node's own
 *            address as source would make them martians.
 *   sock_lb  every ClusterIP.
 *   xdp_lb   every NodePort with all its backends, those on this node
 *            flagged DPLAB_BACKEND_LOCAL (remote ones are reached by SNAT
 *            to the node address and XDP_TX).
 *
 * Fillers (services.h) have no NodePort.  Service ids: a ClusterIP entry
 * has index + 1, a NodePort entry n_svcs + index + 1, so no two entries
 * share backend slots.  Conntrack and socket tables get ct_max entries.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/libbpf.h>

#include "util/cidr.h"
#include "feature/feature_int.h"
#include "dplab/lb.h"
#include "tc_lb.skel.h"
#include "sock_lb.skel.h"
#include "xdp_lb.skel.h"

enum lb_entries {
	LB_CLUSTER_IP = 1 << 0,
	LB_NODEPORT_LOCAL = 1 << 1,	/* only the backends on this node */
	LB_NODEPORT_ALL = 1 << 2,
};

/* The maps to fill, or NULL to count only; what was added or counted. */
struct lb_maps {
	struct bpf_map *services, *backends;
	__u32 n_services, n_backends;
};

static bool backend_local(const struct feature_env *env, const struct topo_backend *b)
{
	return env->t->pods[b->pod].node == env->node;
}

static void describe_service(char *buf, size_t len, __be32 addr, __u16 port, __u8 proto)
{
	char ip[INET_ADDRSTRLEN];

	snprintf(buf, len, "service %s:%u/%s", addr_str(addr, ip), port,
		 proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "?");
}

/* One service entry at addr:port and its backends (local_only: those on
 * this node, and no entry when there are none). */
static int lb_add(struct lb_maps *m, const struct feature_env *env, __be32 addr, __u16 port,
		  const struct topo_service *svc, __u32 id, bool local_only,
		  char *err, size_t err_len)
{
	struct dplab_svc_key key = { .vip = addr, .port = htons(port), .proto = svc->proto };
	struct dplab_svc value = { .id = id };
	char what[128], name[64];
	int i, rc;

	describe_service(name, sizeof(name), addr, port, svc->proto);
	for (i = 0; i < svc->n_backends; i++) {
		const struct topo_backend *b = &svc->backends[i];
		struct dplab_backend_key bkey = { .svc_id = id, .slot = value.count };
		struct dplab_backend be = {
			.addr = env->t->pods[b->pod].ip,
			.port = htons(svc->target_port),
			.flags = backend_local(env, b) ? DPLAB_BACKEND_LOCAL : 0,
		};

		if (local_only && !backend_local(env, b))
			continue;
		value.count++;
		m->n_backends++;
		if (!m->backends)
			continue;
		snprintf(what, sizeof(what), "backend %u of %s (pod %s)", bkey.slot, name,
			 env->t->pods[b->pod].name);
		rc = feature_map_put(m->backends, &bkey, sizeof(bkey), &be, sizeof(be), what,
				     err, err_len);
		if (rc)
			return rc;
	}
	if (local_only && !value.count)
		return 0;
	m->n_services++;
	if (!m->services)
		return 0;
	return feature_map_put(m->services, &key, sizeof(key), &value, sizeof(value), name,
			       err, err_len);
}

static int lb_walk(struct lb_maps *m, const struct feature_env *env, unsigned int entries,
		   char *err, size_t err_len)
{
	__be32 node_ip = feature_node_ip(env);
	int i, rc;

	for (i = 0; i < env->n_svcs; i++) {
		const struct svc_instance *in = &env->svcs[i];
		const struct topo_service *svc = in->svc;

		if (entries & LB_CLUSTER_IP) {
			rc = lb_add(m, env, in->vip, svc->port, svc, in->index + 1, false,
				    err, err_len);
			if (rc)
				return rc;
		}
		if (in->filler || !svc->nodeport ||
		    !(entries & (LB_NODEPORT_LOCAL | LB_NODEPORT_ALL)))
			continue;
		rc = lb_add(m, env, node_ip, svc->nodeport, svc, env->n_svcs + in->index + 1,
			    entries & LB_NODEPORT_LOCAL, err, err_len);
		if (rc)
			return rc;
	}
	return 0;
}

/* Before load: room for exactly the entries lb_fill() adds (at least 1). */
static int lb_size(struct bpf_map *services, struct bpf_map *backends,
		   const struct feature_env *env, unsigned int entries, char *err, size_t err_len)
{
	struct lb_maps count = {};
	int rc;

	lb_walk(&count, env, entries, err, err_len);	/* counting cannot fail */
	rc = feature_map_size(services, feature_room(count.n_services), err, err_len);
	if (!rc)
		rc = feature_map_size(backends, feature_room(count.n_backends), err,
				      err_len);
	return rc;
}

static int lb_fill(struct bpf_map *services, struct bpf_map *backends,
		   const struct feature_env *env, unsigned int entries, char *err, size_t err_len)
{
	struct lb_maps m = { .services = services, .backends = backends };

	return lb_walk(&m, env, entries, err, err_len);
}

static int ct_size(struct bpf_map *fwd, struct bpf_map *rev, const struct feature_env *env,
		   char *err, size_t err_len)
{
	int rc = feature_map_size(fwd, env->k->ct_max, err, err_len);

	return rc ? rc : feature_map_size(rev, env->k->ct_max, err, err_len);
}

static int load_tc_lb(const struct feature_env *env, const char *dir, unsigned int entries,
		      char *err, size_t err_len)
{
	struct tc_lb_bpf *skel;
	int rc;

	skel = tc_lb_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening tc_lb.bpf.o");
	if (entries & LB_NODEPORT_LOCAL)	/* NodePorts are on the node's address */
		skel->rodata->services_only_to = feature_node_ip(env);
	rc = ct_size(skel->maps.lb_ct, skel->maps.lb_rev, env, err, err_len);
	if (!rc)
		rc = lb_size(skel->maps.services, skel->maps.backends, env, entries, err, err_len);
	if (rc)
		goto out;
	rc = tc_lb_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading tc_lb.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = lb_fill(skel->maps.services, skel->maps.backends, env, entries, err, err_len);
	if (!rc)
		rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	tc_lb_bpf__destroy(skel);
	return rc;
}

int feature_load_tc_lb(const struct feature_env *env, const char *dir, char *err, size_t err_len)
{
	return load_tc_lb(env, dir, LB_CLUSTER_IP, err, err_len);
}

int feature_load_tc_nodeport(const struct feature_env *env, const char *dir, char *err,
			     size_t err_len)
{
	return load_tc_lb(env, dir, LB_NODEPORT_LOCAL, err, err_len);
}

int feature_load_sock_lb(const struct feature_env *env, const char *dir, char *err,
			 size_t err_len)
{
	struct sock_lb_bpf *skel;
	int rc;

	skel = sock_lb_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening sock_lb.bpf.o");
	/* An entry per socket: sized like the CT tables, as Cilium sizes its
	 * socket reverse NAT map. */
	rc = ct_size(skel->maps.sock_lb_affinity, skel->maps.sock_lb_revnat, env, err, err_len);
	if (!rc)
		rc = lb_size(skel->maps.services, skel->maps.backends, env, LB_CLUSTER_IP, err,
			     err_len);
	if (rc)
		goto out;
	rc = sock_lb_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading sock_lb.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = lb_fill(skel->maps.services, skel->maps.backends, env, LB_CLUSTER_IP, err, err_len);
	if (!rc)
		rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	sock_lb_bpf__destroy(skel);
	return rc;
}

int feature_load_xdp_lb(const struct feature_env *env, const char *dir, char *err, size_t err_len)
{
	struct xdp_lb_bpf *skel;
	int rc;

	skel = xdp_lb_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening xdp_lb.bpf.o");
	skel->rodata->node_ip = feature_node_ip(env);
	rc = ct_size(skel->maps.lb_ct, skel->maps.lb_rev, env, err, err_len);
	if (!rc)
		rc = lb_size(skel->maps.services, skel->maps.backends, env, LB_NODEPORT_ALL, err,
			     err_len);
	if (rc)
		goto out;
	rc = xdp_lb_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading xdp_lb.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = lb_fill(skel->maps.services, skel->maps.backends, env, LB_NODEPORT_ALL, err,
		     err_len);
	if (!rc)
		rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	xdp_lb_bpf__destroy(skel);
	return rc;
}
