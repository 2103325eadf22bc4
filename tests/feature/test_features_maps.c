// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What feature_load() programs, read back from the pins of every feature
 * on every node of the two-node topology and compared with the topology,
 * the knobs and what `ip link` says (features_env.h).  Rodata is read
 * from the pinned "rodata" map with the skeleton's layout.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "lib/features_env.h"
#include "lib/testlib.h"
#include "dplab/lb.h"
#include "dplab/routing.h"
#include "host_routing.skel.h"
#include "masq.skel.h"
#include "overlay.skel.h"
#include "xdp_lb.skel.h"

/* Entries of pinned map name, as feature_stats() counts them. */
static long long stats_entries(enum feature_id f, int node, const char *name)
{
	json_t *stats = feature_stats(&fenv.t, node, f);
	json_t *n;
	long long v;

	ck_assert_msg(stats, "feature_stats %s of node %d: nothing pinned", feature_name(f), node);
	n = json_object_get(json_object_get(json_object_get(stats, "maps"), name), "entries");
	ck_assert_msg(json_is_integer(n), "feature_stats %s: no entries of map %s",
		      feature_name(f), name);
	v = json_integer_value(n);
	json_decref(stats);
	return v;
}

static bool svc_get(int fd, __be32 addr, __u16 port, __u8 proto, struct dplab_svc *out)
{
	struct dplab_svc_key key = { .vip = addr, .port = htons(port), .proto = proto };

	return !bpf_map_lookup_elem(fd, &key, out);
}

/* The entry's backends are svc's pods (those on node if local_only), in order. */
static void check_backends(int fd, const struct dplab_svc *v, const struct topo_service *svc,
			   int node, bool local_only)
{
	__u32 slot = 0;
	int i;

	for (i = 0; i < svc->n_backends; i++) {
		const struct topo_pod *pod = &fenv.t.pods[svc->backends[i].pod];
		struct dplab_backend_key key = { .svc_id = v->id };
		bool local = pod->node == node;
		struct dplab_backend be;

		if (local_only && !local)
			continue;
		key.slot = slot++;
		ck_assert_msg(!bpf_map_lookup_elem(fd, &key, &be), "%s: no backend %u of id %u",
			      svc->name, key.slot, v->id);
		ck_assert_msg(be.addr == pod->ip && be.port == htons(svc->target_port),
			      "%s: backend %u is not pod %s:%u", svc->name, key.slot, pod->name,
			      svc->target_port);
		ck_assert_int_eq(be.flags, local ? DPLAB_BACKEND_LOCAL : 0);
	}
	ck_assert_int_eq(v->count, slot);
}

enum nodeports { NP_NONE, NP_LOCAL, NP_ALL };

/*
 * The services map of an LB feature: the ClusterIPs (with_cluster_ip) and
 * the NodePorts of declared services on the node's address; returns how
 * many entries there should be.
 */
static int check_services(enum feature_id f, int node, bool with_cluster_ip, enum nodeports np)
{
	int svcs = fenv_pin_fd(f, node, "maps/services");
	int backends = fenv_pin_fd(f, node, "maps/backends");
	__be32 node_ip = fenv.t.nodes[node].underlay.addr;
	int i, want = 0, local;
	struct dplab_svc v;

	ck_assert_msg(svcs >= 0 && backends >= 0, "%s: services/backends not pinned",
		      feature_name(f));
	for (i = 0; i < fenv.n_svcs; i++) {
		const struct svc_instance *in = &fenv.svcs[i];
		const struct topo_service *svc = in->svc;
		bool found = svc_get(svcs, in->vip, svc->port, svc->proto, &v);

		ck_assert_msg(found == with_cluster_ip, "%s: ClusterIP of %s%s %s",
			      feature_name(f), svc->name, in->filler ? " (filler)" : "",
			      found ? "programmed" : "missing");
		if (found) {
			ck_assert_int_eq(v.id, in->index + 1);
			check_backends(backends, &v, svc, node, false);
			want++;
		}
		if (in->filler || !svc->nodeport)
			continue;
		local = fenv_backends_on(svc, node, true);
		found = svc_get(svcs, node_ip, svc->nodeport, svc->proto, &v);
		ck_assert_msg(found == (np == NP_ALL || (np == NP_LOCAL && local)),
			      "%s on node %d: NodePort %u of %s (%d local backends) %s",
			      feature_name(f), node, svc->nodeport, svc->name, local,
			      found ? "programmed" : "missing");
		if (found) {
			check_backends(backends, &v, svc, node, np == NP_LOCAL);
			want++;
		}
	}
	close(svcs);
	close(backends);
	return want;
}

START_TEST(test_tc_lb_services)
{
	int node, want;

	need_topology();
	for (node = 0; node < fenv.t.n_nodes; node++) {
		fenv_load(FEAT_TC_LB, node, NULL);
		want = check_services(FEAT_TC_LB, node, true, NP_NONE);
		ck_assert_int_eq(stats_entries(FEAT_TC_LB, node, "services"), want);
		ck_assert_uint_eq(fenv_map_max(FEAT_TC_LB, node, "lb_ct"), FENV_CT_MAX);
		ck_assert_uint_eq(fenv_map_max(FEAT_TC_LB, node, "lb_rev"), FENV_CT_MAX);
		feature_unload(&fenv.t, node, FEAT_TC_LB);
		/* The NodePort instance: local backends only, conntrack of its own. */
		fenv_load(FEAT_TC_NODEPORT, node, NULL);
		want = check_services(FEAT_TC_NODEPORT, node, false, NP_LOCAL);
		ck_assert_int_eq(stats_entries(FEAT_TC_NODEPORT, node, "services"), want);
		feature_unload(&fenv.t, node, FEAT_TC_NODEPORT);
	}
}
END_TEST

START_TEST(test_sock_lb_services)
{
	int node, want;

	need_topology();
	for (node = 0; node < fenv.t.n_nodes; node++) {
		fenv_load(FEAT_SOCK_LB, node, NULL);
		want = check_services(FEAT_SOCK_LB, node, true, NP_NONE);
		ck_assert_int_eq(want, fenv.n_svcs);
		ck_assert_int_eq(stats_entries(FEAT_SOCK_LB, node, "services"), want);
		ck_assert_uint_eq(fenv_map_max(FEAT_SOCK_LB, node, "sock_lb_affinity"),
				  FENV_CT_MAX);
		ck_assert_uint_eq(fenv_map_max(FEAT_SOCK_LB, node, "sock_lb_revnat"), FENV_CT_MAX);
		feature_unload(&fenv.t, node, FEAT_SOCK_LB);
	}
}
END_TEST

START_TEST(test_xdp_lb_services)
{
	struct xdp_lb_bpf__rodata ro;
	int node, want;

	need_topology();
	for (node = 0; node < fenv.t.n_nodes; node++) {
		fenv_load(FEAT_XDP_LB, node, NULL);
		want = check_services(FEAT_XDP_LB, node, false, NP_ALL);
		ck_assert_msg(want > 0, "the topology declares no NodePort: nothing tested");
		ck_assert_int_eq(stats_entries(FEAT_XDP_LB, node, "services"), want);
		ck_assert_uint_eq(fenv_map_max(FEAT_XDP_LB, node, "lb_ct"), FENV_CT_MAX);
		fenv_map_value0(FEAT_XDP_LB, node, "rodata", &ro, sizeof(ro));
		ck_assert_uint_eq(ro.node_ip, fenv.t.nodes[node].underlay.addr);
		feature_unload(&fenv.t, node, FEAT_XDP_LB);
	}
}
END_TEST

START_TEST(test_masq_config)
{
	struct masq_bpf__rodata ro;
	int node;

	need_topology();
	for (node = 0; node < fenv.t.n_nodes; node++) {
		const struct topo_node *n = &fenv.t.nodes[node];

		fenv_load(FEAT_MASQ, node, NULL);
		fenv_map_value0(FEAT_MASQ, node, "rodata", &ro, sizeof(ro));
		ck_assert_uint_eq(ro.pod_cidr_addr, n->pod_cidr.addr);
		ck_assert_uint_eq(ro.pod_cidr_prefix, n->pod_cidr.prefix);
		ck_assert_uint_eq(ro.cluster_cidr_addr, fenv.t.cluster_cidr.addr);
		ck_assert_uint_eq(ro.cluster_cidr_prefix, fenv.t.cluster_cidr.prefix);
		ck_assert_uint_eq(ro.node_ip, n->underlay.addr);
		ck_assert_uint_eq(ro.port_min, 32768);
		ck_assert_uint_eq(ro.port_max, 60999);
		ck_assert_uint_eq(fenv_map_max(FEAT_MASQ, node, "snat"), 2 * FENV_CT_MAX);
		feature_unload(&fenv.t, node, FEAT_MASQ);
	}
}
END_TEST

/* endpoints holds exactly the node's pods, as `ip link` describes them. */
static void check_endpoints(enum feature_id f, int node)
{
	int fd = fenv_pin_fd(f, node, "maps/endpoints");
	const char *node_ns = fenv.t.nodes[node].ns;
	int i, local = 0;

	ck_assert_msg(fd >= 0, "%s: endpoints not pinned", feature_name(f));
	for (i = 0; i < fenv.t.n_pods; i++) {
		const struct topo_pod *pod = &fenv.t.pods[i];
		struct dplab_endpoint ep;
		__u8 pod_mac[6], lxc_mac[6];
		bool found = !bpf_map_lookup_elem(fd, &pod->ip, &ep);

		ck_assert_msg(found == (pod->node == node), "%s on node %d: pod %s %s",
			      feature_name(f), node, pod->name, found ? "present" : "missing");
		if (!found)
			continue;
		local++;
		fenv_mac(pod->ns, "eth0", pod_mac);
		fenv_mac(node_ns, pod->host_if, lxc_mac);
		ck_assert_int_eq(ep.ifindex, fenv_ifindex(node_ns, pod->host_if));
		ck_assert_mem_eq(ep.l2.dst, pod_mac, 6);
		ck_assert_mem_eq(ep.l2.src, lxc_mac, 6);
	}
	close(fd);
	ck_assert_int_eq(stats_entries(f, node, "endpoints"), local);
}

START_TEST(test_host_routing_endpoints)
{
	int node;

	need_topology();
	for (node = 0; node < fenv.t.n_nodes; node++) {
		fenv_load(FEAT_HOST_ROUTING, node, NULL);
		check_endpoints(FEAT_HOST_ROUTING, node);
		feature_unload(&fenv.t, node, FEAT_HOST_ROUTING);
	}
}
END_TEST

/* Tunnels: each other node's pod CIDR, and not this node's. */
static void check_tunnels(int node)
{
	int fd = fenv_pin_fd(FEAT_OVERLAY, node, "maps/tunnels");
	int i;

	ck_assert_msg(fd >= 0, "overlay: tunnels not pinned");
	for (i = 0; i < fenv.t.n_nodes; i++) {
		const struct topo_node *n = &fenv.t.nodes[i];
		/* The CIDR's first host address, as a packet would carry it. */
		struct dplab_tunnel_key key = {
			.prefixlen = 32,
			.addr = htonl(ntohl(n->pod_cidr.addr) + 1),
		};
		struct dplab_tunnel tun;
		bool found = !bpf_map_lookup_elem(fd, &key, &tun);

		ck_assert_msg(found == (i != node), "overlay on node %d: pod CIDR of node %s %s",
			      node, n->name, found ? "tunnelled" : "missing");
		if (!found)
			continue;
		ck_assert_uint_eq(tun.node_ip, n->underlay.addr);
		ck_assert_uint_eq(tun.vni, fenv.t.vni);
	}
	close(fd);
	ck_assert_int_eq(stats_entries(FEAT_OVERLAY, node, "tunnels"), fenv.t.n_nodes - 1);
}

START_TEST(test_overlay_config)
{
	struct overlay_bpf__rodata ro;
	struct knobs bpf_routing = fenv.k;
	int node;

	need_topology();
	/* BPF host routing is in force only with BPF services and masquerade. */
	bpf_routing.host_routing = HOST_ROUTING_BPF;
	bpf_routing.service_lb = SERVICE_LB_SOCKET;
	bpf_routing.masquerade = MASQ_BPF;
	for (node = 0; node < fenv.t.n_nodes; node++) {
		fenv_load(FEAT_OVERLAY, node, NULL);
		check_endpoints(FEAT_OVERLAY, node);
		check_tunnels(node);
		fenv_map_value0(FEAT_OVERLAY, node, "rodata", &ro, sizeof(ro));
		ck_assert_int_eq(ro.vxlan_ifindex, fenv_ifindex(fenv.t.nodes[node].ns, "vx0"));
		ck_assert(ro.decap_to_stack);	/* preset A: legacy host routing */
		fenv_load(FEAT_OVERLAY, node, &bpf_routing);
		fenv_map_value0(FEAT_OVERLAY, node, "rodata", &ro, sizeof(ro));
		ck_assert(!ro.decap_to_stack);
		check_tunnels(node);
		feature_unload(&fenv.t, node, FEAT_OVERLAY);
	}
}
END_TEST

void features_maps_add(TCase *tc)
{
	tcase_add_test(tc, test_tc_lb_services);
	tcase_add_test(tc, test_sock_lb_services);
	tcase_add_test(tc, test_xdp_lb_services);
	tcase_add_test(tc, test_masq_config);
	tcase_add_test(tc, test_host_routing_endpoints);
	tcase_add_test(tc, test_overlay_config);
}
