/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The knobs that are not BPF programs (stack.c).  0 or -errno with err. */
#ifndef DPLAB_LOADER_STACK_H
#define DPLAB_LOADER_STACK_H

#include <stddef.h>

#include "cluster/knobs.h"
#include "cluster/services.h"
#include "topo/topo.h"

/* routing: routes between nodes (native, or lwtunnel into vx0), MTUs. */
int stack_routing(const struct topo *t, const struct knobs *k, char *err, size_t err_len);
/* service_lb=iptables and masquerade=iptables rules in every node. */
int stack_iptables(const struct topo *t, const struct knobs *k, const struct svc_instance *svcs,
		   int n_svcs, char *err, size_t err_len);
/* congestion: net.ipv4.tcp_congestion_control in every namespace. */
int stack_congestion(const struct topo *t, const struct knobs *k, char *err, size_t err_len);
/* Give the host back what stack_congestion() changed (before topo_down). */
void stack_restore_host(const char *topo);
/*
 * The host's allowed algorithms as saved in the state file path (the first
 * line): 0, or -EINVAL when it is not names one space apart, -E2BIG when
 * longer than buf; only a valid list is written back to the host.
 */
int stack_read_saved_cc(const char *path, char *buf, size_t len);
/* bandwidth_manager=on: -EOPNOTSUPP "unsupported here, because ..." without fq. */
int stack_bandwidth_manager(const struct knobs *k, char *err, size_t err_len);

#endif /* DPLAB_LOADER_STACK_H */
