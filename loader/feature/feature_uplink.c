// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The node's uplink: BPF masquerade (pod CIDR -> node address for traffic
 * leaving the cluster CIDR), and the pass-through XDP program for the
 * fabric side of the uplink: veth hands frames an XDP program sends back
 * with XDP_TX only to a peer that has an XDP program of its own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "feature/feature_int.h"
#include "dplab/nat.h"
#include "masq.skel.h"
#include "probe.skel.h"

void feature_masq_config(const struct feature_env *env, struct feature_masq_config *c)
{
	const struct topo_node *node = &env->t->nodes[env->node];

	c->pod_cidr_addr = node->pod_cidr.addr;
	c->pod_cidr_prefix = node->pod_cidr.prefix;
	c->cluster_cidr_addr = env->t->cluster_cidr.addr;
	c->cluster_cidr_prefix = env->t->cluster_cidr.prefix;
	c->node_ip = feature_node_ip(env);
	c->port_min = DPLAB_SNAT_PORT_MIN_DEFAULT;
	c->port_max = DPLAB_SNAT_PORT_MAX_DEFAULT;
	c->max_retries = DPLAB_SNAT_RETRIES_DEFAULT;
}

int feature_load_masq(const struct feature_env *env, const char *dir, char *err, size_t err_len)
{
	struct feature_masq_config cfg;
	struct masq_bpf *skel;
	int rc;

	skel = masq_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening masq.bpf.o");
	feature_masq_config(env, &cfg);
	FEATURE_MASQ_RODATA(skel->rodata, &cfg);
	/* Two entries per flow (forward and reverse, dplab/nat.h). */
	if (env->k->ct_max > UINT32_MAX / 2)
		rc = feature_fail(err, err_len, -E2BIG, "map snat: 2 x ct_max (%u) entries",
				  env->k->ct_max);
	else
		rc = feature_map_size(skel->maps.snat, 2 * env->k->ct_max, err, err_len);
	if (rc)
		goto out;
	rc = masq_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading masq.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	masq_bpf__destroy(skel);
	return rc;
}

int feature_load_xdp_peer(const struct feature_env *env, const char *dir, char *err,
			  size_t err_len)
{
	struct probe_bpf *skel;
	int rc;

	skel = probe_bpf__open();
	if (!skel)
		return feature_fail(err, err_len, -errno, "opening probe.bpf.o");
	/* Only the XDP pass-through: the others are the probe's. */
	bpf_program__set_autoload(skel->progs.tc_pass, false);
	bpf_program__set_autoload(skel->progs.probe_xdp_link_attach_failed, false);
	rc = probe_bpf__load(skel);
	if (rc) {
		feature_fail(err, err_len, rc, "loading probe.bpf.o (libbpf's messages say why)");
		goto out;
	}
	rc = feature_pin_object(skel->obj, dir, err, err_len);
out:
	probe_bpf__destroy(skel);
	return rc;
}
