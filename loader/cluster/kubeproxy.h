/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * kube-proxy's iptables mode (service_lb=iptables) and an iptables
 * MASQUERADE rule (masquerade=iptables), as real rules in the nat table of
 * a node's network namespace, applied by iptables-restore in one
 * transaction (iptables.h).  Which backend ran them: iptables_backend().
 *
 * The rules are those kube-proxy (>= 1.26, iptables mode) programs for
 * ClusterIP and NodePort services with traffic policy Cluster:
 *
 *   PREROUTING, OUTPUT  -j KUBE-SERVICES
 *   KUBE-SERVICES       per service: -d VIP/32 -p P -m P --dport PORT -j KUBE-SVC-<h>
 *                       last: -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
 *   KUBE-SVC-<h>        ! -s CLUSTER_CIDR -d VIP/32 ... --dport PORT -j KUBE-MARK-MASQ
 *                       endpoint i of n: -m statistic --mode random
 *                       --probability 1/(n-i) -j KUBE-SEP-<h> (the last one
 *                       unconditional)
 *   KUBE-SEP-<h>        -s EP/32 -j KUBE-MARK-MASQ (hairpin)
 *                       -p P -m P -j DNAT --to-destination EP:TARGET_PORT
 *   KUBE-NODEPORTS      per NodePort: -p P -m P --dport NODEPORT -j KUBE-EXT-<h>
 *   KUBE-EXT-<h>        -j KUBE-MARK-MASQ, then -j KUBE-SVC-<h>
 *   KUBE-MARK-MASQ      -j MARK --or-mark 0x4000
 *   POSTROUTING         -j KUBE-POSTROUTING: unmarked -j RETURN,
 *                       -j MARK --xor-mark 0x4000, -j MASQUERADE --random-fully
 *
 * So the KUBE-* chains hold, for services s with E_s >= 1 endpoints, P of
 * them with a NodePort:  sum over s of (2 + 3 E_s)  +  3 P  +  5  rules,
 * plus the 3 jumps from the built-in chains.  Not programmed: services
 * without endpoints (kube-proxy REJECTs them in the filter table) and
 * kube-proxy's filter table (KUBE-FORWARD etc.; the nodes' FORWARD policy
 * is ACCEPT).  Services are written in svcs[] order: services_expand()
 * puts the declared services after the fillers, at the end of the chain.
 *
 * Names: a service port is "dplab/<service>:<port>" ("dplab/<service>-<i>:<port>"
 * for the filler at index i); its chains are "KUBE-SVC-"/"KUBE-EXT-" and its endpoints'
 * "KUBE-SEP-" followed by 16 characters [A-Z2-7], the base32 of an 80-bit
 * FNV-1a hash of the name, protocol (and endpoint): stable from run to run
 * (kube-proxy hashes the same with SHA-256).
 */
#ifndef DPLAB_LOADER_KUBEPROXY_H
#define DPLAB_LOADER_KUBEPROXY_H

#include <stdio.h>

#include "cluster/iptables.h"		/* iptables_backend(), to report with results */
#include "cluster/services.h"
#include "topo/topo.h"

#define KUBE_CHAIN_PREFIX "KUBE-"
#define KUBE_MASQ_MARK "0x4000"
#define MASQ_IPTABLES_CHAIN "DPLAB-MASQ"

/*
 * The iptables-restore document (table nat) that programs these services
 * in node NODE's namespace when nothing of dplab's is there yet: chains,
 * rules, and the jumps from PREROUTING, OUTPUT and POSTROUTING.  Returns
 * how many rules it puts in the KUBE-* chains, or -errno with err (a bad
 * node index, a backend that is no pod, a protocol iptables mode lacks).
 */
int kubeproxy_rules(const struct topo *t, int node, const struct svc_instance *svcs, int n,
		    FILE *out, char *err, size_t err_len);

/*
 * Program the services in the node's namespace: one iptables-restore
 * --noflush transaction replaces every KUBE-* chain (chains of services no
 * longer there are deleted) and adds the built-in chains' jumps that are
 * missing; other rules stay as they are.  0 or -errno with err.
 */
int kubeproxy_apply(const struct topo *t, int node, const struct svc_instance *svcs, int n,
		    char *err, size_t err_len);

/* Remove every KUBE-* chain and every jump to one (nothing else); a node
 * without them is fine.  0 or -errno with err. */
int kubeproxy_remove(const struct topo *t, int node, char *err, size_t err_len);

/*
 * Rules in the node's KUBE-* chains (the formula above), or -errno (for
 * status: no message; nat_rule_count() in iptables.h gives one).
 */
int kubeproxy_rule_count(const struct topo *t, int node);

/*
 * masquerade=iptables: chain DPLAB-MASQ, jumped from POSTROUTING, with
 *   -s <node's pod CIDR> ! -d <cluster CIDR> -o <uplink> -j MASQUERADE
 * Apply is idempotent (the chain is rewritten, the jump added once);
 * remove deletes the chain and its jump only.  0 or -errno with err.
 */
int masquerade_iptables_apply(const struct topo *t, int node, char *err, size_t err_len);
int masquerade_iptables_remove(const struct topo *t, int node, char *err, size_t err_len);

#endif /* DPLAB_LOADER_KUBEPROXY_H */
