/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Topologies: the emulated cluster a file describes (topologies/<name>.topo),
 * built from network namespaces and veths, and torn down again.
 *
 *   topo_parse.c   the file format (documented in topologies/README.md)
 *   topo_build.c   `topo up`: namespaces, links, addresses, routes
 *   topo_down.c    `topo down`: all of it, found from the name alone
 *   topo_state.c   /run/dplab/<name>/: what was built, knobs in force
 *   topo_show.c    `topo show`: table and JSON
 *   cli/cmd_topo.c the `dplab topo up|down|show FILE` subcommand
 *
 * Names: every namespace is "dplab-<topo>-<thing>", so two topologies
 * never collide and `down` can find all of one after a crash.
 *
 * Layout built for each topology:
 *   fabric ns   a bridge "br0" joining every node's uplink and every
 *               external host (the underlay / the VPC)
 *   node ns     uplink "eth0" (underlay address; or a real NIC moved in),
 *               one host-side veth "lxc<k>" per pod, a VXLAN device "vx0"
 *               (external, metadata mode), IPv4 forwarding on
 *   pod ns      "eth0", address/32, default route via the node's gateway
 *               address (held by every lxc of the node)
 *   external ns "eth0" on the fabric, no route to any pod CIDR
 */
#ifndef DPLAB_LOADER_TOPO_H
#define DPLAB_LOADER_TOPO_H

#include <stdbool.h>
#include <limits.h>
#include <net/if.h>
#include <linux/types.h>
#include <jansson.h>

#define TOPO_NAME 24		/* topology, node, pod, service names */
#define TOPO_NS 64		/* namespace names */
#define TOPO_MAX_NODES 8
#define TOPO_MAX_PODS 32
#define TOPO_MAX_EXTERNALS 4
#define TOPO_MAX_SERVICES 16	/* declared in the file; `services=N` adds fillers */
#define TOPO_MAX_BACKENDS 8

struct cidr {
	__be32 addr;
	__u8 prefix;
};

struct topo_node {
	char name[TOPO_NAME];
	char ns[TOPO_NS];
	struct cidr underlay;		/* uplink address and subnet */
	struct cidr pod_cidr;
	__be32 gateway;			/* first address of pod_cidr */
	char uplink[IF_NAMESIZE];	/* in the node ns ("eth0") */
	char real_dev[IF_NAMESIZE];	/* "" = a veth into the fabric */
	int mtu;			/* uplink MTU */
};

struct topo_pod {
	char name[TOPO_NAME];		/* unique within its node */
	int node;			/* index into nodes */
	char ns[TOPO_NS];
	__be32 ip;
	char host_if[IF_NAMESIZE];	/* "lxc<k>" in the node ns */
};

struct topo_external {
	char name[TOPO_NAME];
	char ns[TOPO_NS];
	struct cidr addr;
	int mtu;
};

struct topo_backend {
	int pod;			/* index into pods */
};

struct topo_service {
	char name[TOPO_NAME];
	__be32 vip;			/* ClusterIP */
	__u16 port;			/* host order */
	__u8 proto;			/* IPPROTO_TCP / IPPROTO_UDP */
	__u16 target_port;		/* the backends' port */
	__u16 nodeport;			/* 0: none */
	int n_backends;
	struct topo_backend backends[TOPO_MAX_BACKENDS];
};

struct topo {
	char name[TOPO_NAME];
	char file[PATH_MAX];		/* where it was parsed from */
	struct cidr cluster_cidr;	/* every pod CIDR lies in it */
	struct cidr service_cidr;	/* VIPs, also of filler services */
	__u32 vni;
	int pod_mtu;			/* native routing; overlay subtracts 50 */
	char fabric_ns[TOPO_NS];
	int n_nodes, n_pods, n_externals, n_services;
	struct topo_node nodes[TOPO_MAX_NODES];
	struct topo_pod pods[TOPO_MAX_PODS];
	struct topo_external externals[TOPO_MAX_EXTERNALS];
	struct topo_service services[TOPO_MAX_SERVICES];
};

/*
 * Parse FILE into *t.  0, or -EINVAL with err = "FILE:LINE: FIELD: reason"
 * (or -errno when the file cannot be read).  Nothing is built.
 */
int topo_parse(const char *path, struct topo *t, char *err, size_t err_len);

/*
 * Build everything (idempotent: what exists is kept).  0 or -errno; on
 * failure err says what, and the caller runs topo_down().  Records the
 * topology (topo_state_save) before it creates anything.  A SIGINT,
 * SIGTERM or SIGHUP the caller blocked and that is pending stops it at
 * the next step with -EINTR.
 */
int topo_build(const struct topo *t, char *err, size_t err_len);

/*
 * topo_guard.c: may the nodes' uplink_dev= interfaces leave the host?  Not
 * without allow_physical, never the default route's or one the machine is
 * reached at.  0, or -EPERM / -ENODEV with err.  Call before topo_build.
 */
int topo_guard_real_devs(const struct topo *t, bool allow_physical, char *err, size_t len);

/*
 * Remove every namespace (but those another topology that is up declares),
 * pin, cgroup and state of topology NAME; never fails on what is already
 * gone.  0 or -errno (something would not go).
 */
int topo_down(const char *name, char *err, size_t err_len);

/* Print it (`topo show`): nodes, pods, addresses, services. */
void topo_print(const struct topo *t);
/* The same as JSON (schema in topologies/README.md). */
json_t *topo_to_json(const struct topo *t);

/* Every namespace of the topology, the fabric's first; returns how many. */
#define TOPO_MAX_NS (1 + TOPO_MAX_NODES + TOPO_MAX_PODS + TOPO_MAX_EXTERNALS)
int topo_namespaces(const struct topo *t, const char *ns[TOPO_MAX_NS]);

/* Lookups: index or -1. */
int topo_pod_by_name(const struct topo *t, const char *node_slash_pod);
int topo_node_by_name(const struct topo *t, const char *name);

/* A valid topology, node, pod or external name ([A-Za-z0-9_-], < TOPO_NAME). */
bool topo_name_valid(const char *name);

/* Directory of the topology's state, pins and cgroup. */
#define DPLAB_RUN_DIR "/run/dplab"
#define DPLAB_PIN_DIR "/sys/fs/bpf/dplab"
/*
 * "<cgroup v2 mount>/dplab": /sys/fs/cgroup/dplab on a unified host,
 * /sys/fs/cgroup/unified/dplab on a hybrid one (Debian 12 here).  Found at
 * run time, so a value (const char *), not a string literal.
 */
const char *topo_cgroup_root(void);
#define DPLAB_CGROUP_DIR topo_cgroup_root()

/*
 * topo_state.c: DPLAB_RUN_DIR/<name>/ holds a topology's state; its file
 * "topology" is the file `up` built from.  Names are topology names (at
 * most TOPO_NAME - 1 bytes, checked by the parser), so these paths fit a
 * PATH_MAX buffer; one that would not comes back as "" (fmt_fit), which
 * no open finds, never as a cut path.
 */
void topo_state_dir(const char *name, char *buf, size_t len);
/* DPLAB_RUN_DIR/<name>/<file> */
void topo_state_path(const char *name, const char *file, char *buf, size_t len);
/* Copy t->file there (made before anything else, so `down` finds it). */
int topo_state_save(const struct topo *t, char *err, size_t err_len);
/* Parse the copy of a topology that is up; -ENOENT: it is not. */
int topo_state_load(const char *name, struct topo *t, char *err, size_t err_len);
/*
 * FILE_OR_NAME: a topology file, else the name of one that is up.  0,
 * -EINVAL (malformed file, err "FILE:LINE: FIELD: reason"), -ENOENT.
 */
int topo_open(const char *file_or_name, struct topo *t, char *err, size_t err_len);
/* DPLAB_CGROUP_DIR/<topo>[/<node>] (node may be NULL). */
void topo_cgroup_path(const char *topo, const char *node, char *buf, size_t len);
/*
 * Names overlap ("dplab-two-node-x" is topology two-node's node x, or
 * topology two's pod x on node "node"), so a namespace belongs to the
 * topology whose recorded file declares it.  The topologies recorded
 * under DPLAB_RUN_DIR other than NAME: a malloc'd array (free it) of *n,
 * NULL when none.
 */
struct topo *topo_others_up(const char *name, int *n);
/* The one of others[0..n) that declares namespace NS, or NULL. */
const struct topo *topo_ns_claimed(const struct topo *others, int n, const char *ns);

#endif /* DPLAB_LOADER_TOPO_H */
