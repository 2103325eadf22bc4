/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside feature.h: what feature.c (the table, pins, stats) shares with the
 * loaders of each object family:
 *   feature_lb.c       tc_lb, sock_lb, xdp_lb (services and backends)
 *   feature_routing.c  host_routing, overlay (endpoints, tunnels)
 *   feature_uplink.c   masq, and the XDP pass-through of the fabric side
 *   feature_pin.c      pinning an object
 *   feature_stats.c    fill levels and counters of the pinned maps
 *
 * A loader opens its skeleton, sets rodata and map sizes, loads, fills
 * the maps, calls feature_pin_object() and destroys the skeleton: the pins
 * keep programs and maps alive.  Errors: negative errno, and err says
 * what failed and why (the caller adds which feature and node).
 */
#ifndef DPLAB_LOADER_FEATURE_INT_H
#define DPLAB_LOADER_FEATURE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "feature/feature.h"

struct bpf_map;
struct bpf_object;

/* Device names of the layout topo_build() makes (topo.h). */
#define FEATURE_POD_DEV "eth0"		/* in each pod namespace */
#define FEATURE_VXLAN_DEV "vx0"		/* in each node namespace */

typedef int (*feature_loader)(const struct feature_env *env, const char *dir,
			      char *err, size_t err_len);

int feature_load_tc_nodeport(const struct feature_env *env, const char *dir,
			     char *err, size_t err_len);
int feature_load_tc_lb(const struct feature_env *env, const char *dir,
		       char *err, size_t err_len);
int feature_load_sock_lb(const struct feature_env *env, const char *dir,
			 char *err, size_t err_len);
int feature_load_xdp_lb(const struct feature_env *env, const char *dir,
			char *err, size_t err_len);
int feature_load_host_routing(const struct feature_env *env, const char *dir,
			      char *err, size_t err_len);
int feature_load_overlay(const struct feature_env *env, const char *dir,
			 char *err, size_t err_len);
int feature_load_masq(const struct feature_env *env, const char *dir,
		      char *err, size_t err_len);
int feature_load_xdp_peer(const struct feature_env *env, const char *dir,
			  char *err, size_t err_len);

/*
 * Configuration shared by a feature's own object and hooks.bpf.c, which
 * runs the feature's steps: computed in one place per feature, copied into
 * either skeleton's rodata (the fields are lib/'s, the same in both).
 */

/* The node's address on its uplink (lib/node.h's node_ip). */
__be32 feature_node_ip(const struct feature_env *env);

/* lib/masq.h's rodata for env's node. */
struct feature_masq_config {
	__be32 pod_cidr_addr, cluster_cidr_addr, node_ip;
	__u8 pod_cidr_prefix, cluster_cidr_prefix;
	__u16 port_min, port_max;
	__u32 max_retries;
};

void feature_masq_config(const struct feature_env *env, struct feature_masq_config *c);

/* A macro: every skeleton has a rodata type of its own. */
#define FEATURE_MASQ_RODATA(ro, c)						\
	do {									\
		(ro)->pod_cidr_addr = (c)->pod_cidr_addr;			\
		(ro)->pod_cidr_prefix = (c)->pod_cidr_prefix;			\
		(ro)->cluster_cidr_addr = (c)->cluster_cidr_addr;		\
		(ro)->cluster_cidr_prefix = (c)->cluster_cidr_prefix;		\
		(ro)->node_ip = (c)->node_ip;					\
		(ro)->port_min = (c)->port_min;					\
		(ro)->port_max = (c)->port_max;					\
		(ro)->max_retries = (c)->max_retries;				\
	} while (0)

/*
 * lib/overlay.h's rodata for env's node (the caller is in its namespace):
 * the VXLAN device's ifindex, and whether decapsulated packets go through
 * the stack (legacy host routing).  0 or -errno with err.
 */
int feature_overlay_config(const struct feature_env *env, __u32 *vxlan_ifindex,
			   bool *decap_to_stack, char *err, size_t err_len);

/* Write "WHAT: ENAME (text)" into err; returns rc (a negative errno). */
int feature_fail(char *err, size_t err_len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set a map's size before load; 0 entries is refused with err. */
int feature_map_size(struct bpf_map *map, __u32 entries, char *err, size_t err_len);

/* Entries for n items: the kernel refuses a map of none. */
static inline __u32 feature_room(__u32 n)
{
	return n ? n : 1;
}

/* One update of a loaded map; err names the map and the entry (what). */
int feature_map_put(struct bpf_map *map, const void *key, size_t key_size, const void *value,
		    size_t value_size, const char *what, char *err, size_t err_len);

/*
 * Pin every loaded program under dir/progs/<name> and every map under
 * dir/maps/<name> (internal maps as "rodata", "bss", ...), replacing
 * whatever dir held.  On failure nothing is left at dir.
 */
int feature_pin_object(struct bpf_object *obj, const char *dir, char *err, size_t err_len);

#endif /* DPLAB_LOADER_FEATURE_INT_H */
