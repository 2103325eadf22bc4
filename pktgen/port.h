/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ports of dplab-pktgen: network namespaces, the virtual-interface guard,
 * EAL arguments and the af_packet / af_xdp vdevs bound to named interfaces.
 */
#ifndef DPLAB_PKTGEN_PORT_H
#define DPLAB_PKTGEN_PORT_H

#include <stdbool.h>
#include <stdint.h>

enum pg_pmd { PG_PMD_AF_PACKET, PG_PMD_AF_XDP };

#define PG_EAL_MAX_ARGS 24

struct pg_eal_args {
	int argc;
	char *argv[PG_EAL_MAX_ARGS];
	char buf[PG_EAL_MAX_ARGS][128];
	bool no_huge;		/* no hugepages reserved: --no-huge */
	bool overflow;		/* an argument did not fit: not to be used */
};

struct pg_port {
	const char *iface;	/* a vdev's interface; NULL for a PCI port */
	const char *pci;	/* a PCI device's address as given (--pci) */
	const char *netns;	/* NULL: the namespace we started in */
	int saved_flags;	/* interface flags before us; -1 unknown */
	unsigned int ifindex;	/* the interface the guard checked, in netns */
	char dev[32];		/* ethdev name: net_af_packet0 ..., or 0000:00:05.0 */
	uint16_t port_id;
	bool started;
	struct rte_mempool *pool;
};

/* Enter the named network namespace (/run/netns/NAME); 0 or -errno. */
int pg_netns_enter(const char *name);
/* Return to the namespace the process started in; 0 or -errno. */
int pg_netns_restore(void);

/*
 * Is the interface (in the current namespace) virtual?  1 yes, 0 no,
 * -errno when it cannot be asked.  driver receives the ethtool driver name.
 */
int pg_iface_is_virtual(const char *iface, char *driver, int len);

/* Interface flags (IFF_*) in the current namespace, or -errno. */
int pg_iface_flags(const char *iface);

/* What the user named: the interface, or the PCI address. */
static inline const char *pg_port_what(const struct pg_port *p)
{
	return p->iface ? p->iface : p->pci;
}

/* "net_af_packet" or "net_af_xdp". */
const char *pg_pmd_name(enum pg_pmd pmd);
/* The devargs of a vdev on iface ("iface=a,qpairs=1"); -ENAMETOOLONG if they do not fit. */
int pg_vdev_args(enum pg_pmd pmd, const char *iface, char *buf, int len);

/*
 * Name the port's ethdev: the vdev net_af_<pmd><index> on p->iface, or
 * the PCI device p->pci in its full form (domain:bus:dev.fn, what the PCI
 * bus names it).  -EINVAL when p->pci is not a PCI address.
 */
int pg_port_name(struct pg_port *p, enum pg_pmd pmd, int index);

/*
 * Build the EAL argument vector for ports[0..n) (named by pg_port_name):
 * a --vdev for each interface port, an allow-list entry (-a) for each PCI
 * port and no PCI scan when there is none; EAL's one lcore runs on CPU lcore.
 */
int pg_eal_args_build(struct pg_eal_args *ea, const char *prog, unsigned int lcore,
		      enum pg_pmd pmd, struct pg_port *const *ports, int n);
/* Remove the empty runtime directory EAL made (after rte_eal_cleanup). */
void pg_eal_runtime_dir_remove(void);

/*
 * Find the port of an already probed vdev, set up one queue pair, start it;
 * in p->netns, as the PMD sets interface flags by name.  Stop restores the
 * promiscuous flag of saved_flags (DPDK's start clears or sets it).
 */
int pg_port_start(struct pg_port *p, unsigned int nb_mbufs);
void pg_port_stop(struct pg_port *p);

#endif /* DPLAB_PKTGEN_PORT_H */
