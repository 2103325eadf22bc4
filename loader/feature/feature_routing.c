// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF host routing and the VXLAN overlay.  Both deliver to the pods of
 * this node from their endpoints map: pod address -> the pod's MAC (read
 * inside the pod's namespace), the MAC of its host-side veth and that
 * veth's ifindex (in the node's namespace, which the caller has entered).
 * The overlay's tunnels map sends every other node's pod CIDR to that
 * node's underlay address with the topology's VNI.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <bpf/libbpf.h>

#include "util/cidr.h"
#include "feature/feature_int.h"
#include "cluster/hook_plan.h"
#include "util/netns.h"
#include "dplab/routing.h"
#include "host_routing.skel.h"
#include "overlay.skel.h"

#define MAC_LEN 6

/*
 * MAC address and ifindex of device dev in namespace ns; enter: switch to
 * ns first (otherwise ns is the current one, named for messages).
 */
static int link_addr(const char *ns, bool enter, const char *dev, __u8 mac[MAC_LEN],
		     __u32 *ifindex, char *err, size_t err_len)
{
	const char *what;
	int rc = netns_link_addr(enter ? ns : NULL, dev, mac, ifindex, &what);

	if (rc)
		return feature_fail(err, err_len, rc, "%s of %s in namespace %s", what, dev, ns);
	return 0;
}

static __u32 local_pods(const struct feature_env *env)
{
	__u32 n = 0;
	int i;

	for (i = 0; i < env->t->n_pods; i++)
		n += env->t->pods[i].node == env->node;
	return n;
}

static int endpoints_fill(struct bpf_map *endpoints, const struct feature_env *env,
			  char *err, size_t err_len)
{
	const struct topo *t = env->t;
	const char *node_ns = t->nodes[env->node].ns;
	char what[96], ip[INET_ADDRSTRLEN];
	int i, rc;

	for (i = 0; i < t->n_pods; i++) {
		const struct topo_pod *pod = &t->pods[i];
		struct dplab_endpoint ep = {};
		__u32 pod_ifindex;

		if (pod->node != env->node)
			continue;
		rc = link_addr(pod->ns, true, FEATURE_POD_DEV, ep.l2.dst, &pod_ifindex, err,
			       err_len);
		if (!rc)
			rc = link_addr(node_ns, false, pod->host_if, ep.l2.src, &ep.ifindex, err,
				       err_len);
		if (rc)
			return rc;
		snprintf(what, sizeof(what), "endpoint %s (pod %s)", addr_str(pod->ip, ip),
			 pod->name);
		rc = feature_map_put(endpoints, &pod->ip, sizeof(pod->ip), &ep, sizeof(ep), what,
				     err, err_len);
		if (rc)
			return rc;
	}
	return 0;
}

static int tunnels_fill(struct bpf_map *tunnels, const struct feature_env *env,
			char *err, size_t err_len)
{
	const struct topo *t = env->t;
	char what[96];
	int i, rc;

	for (i = 0; i < t->n_nodes; i++) {
		const struct topo_node *node = &t->nodes[i];
		struct dplab_tunnel_key key = {
			.prefixlen = node->pod_cidr.prefix,
			.addr = node->pod_cidr.addr,
		};
		struct dplab_tunnel tun = { .node_ip = node->underlay.addr, .vni = t->vni };

		if (i == env->node)
			continue;
		snprintf(what, sizeof(what), "the pod CIDR of node %s", node->name);
		rc = feature_map_put(tunnels, &key, sizeof(key), &tun, sizeof(tun), what, err,
				     err_len);
		if (rc)
			return rc;
	}
	return 0;
}

int feature_load_host_routing(const struct feature_env *env, const char *dir, char *err,
			      size_t err_len)
{
	struct host_routing_bpf *skel;
	int rc;

	skel = host_routing_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening host_routing.bpf.o");
	rc = feature_map_size(skel->maps.endpoints, feature_room(local_pods(env)), err,
			      err_len);
	if (rc)
		goto out;
	rc = host_routing_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc,
			     "loading host_routing.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = endpoints_fill(skel->maps.endpoints, env, err, err_len);
	if (!rc)
		rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	host_routing_bpf__destroy(skel);
	return rc;
}

int feature_overlay_config(const struct feature_env *env, __u32 *vxlan_ifindex,
			   bool *decap_to_stack, char *err, size_t err_len)
{
	*vxlan_ifindex = if_nametoindex(FEATURE_VXLAN_DEV);
	if (!*vxlan_ifindex)
		return feature_fail(err, err_len, -errno, "VXLAN device %s in namespace %s",
				    FEATURE_VXLAN_DEV, env->t->nodes[env->node].ns);
	/* Legacy host routing: decapsulated packets go through the stack. */
	*decap_to_stack = !hook_plan_bpf_host_routing(env->k);
	return 0;
}

int feature_load_overlay(const struct feature_env *env, const char *dir, char *err,
			 size_t err_len)
{
	struct overlay_bpf *skel;
	int rc;

	skel = overlay_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening overlay.bpf.o");
	rc = feature_overlay_config(env, &skel->rodata->vxlan_ifindex,
				    &skel->rodata->decap_to_stack, err, err_len);
	if (rc)
		goto out;
	rc = feature_map_size(skel->maps.endpoints, feature_room(local_pods(env)), err,
			      err_len);
	if (!rc)
		rc = feature_map_size(skel->maps.tunnels, feature_room(env->t->n_nodes - 1),
				      err, err_len);
	if (rc)
		goto out;
	rc = overlay_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading overlay.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = endpoints_fill(skel->maps.endpoints, env, err, err_len);
	if (!rc)
		rc = tunnels_fill(skel->maps.tunnels, env, err, err_len);
	if (!rc)
		rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	overlay_bpf__destroy(skel);
	return rc;
}
