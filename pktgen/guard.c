// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's physical-port guard (guard.h): generated floods on a real
 * network are an outage, so a port that is not a virtual interface is
 * refused unless --allow-physical.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include <rte_ethdev.h>

#include "guard.h"
#include "guard_peer.h"

/*
 * An interface name goes into DPDK's device arguments as "iface=NAME,...":
 * a name holding ',' or '=' (legal in Linux) would add arguments of its
 * own - "brz,qpairs=1" opened brz, not the veth of that name that passed
 * the guard.  Only names DPDK carries verbatim are taken.
 */
static int name_fits_devargs(const char *opt, const char *iface)
{
	const char *c;

	for (c = iface; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-@+", *c))
			break;
	if (!*c && c != iface)
		return 0;
	fprintf(stderr, "dplab-pktgen: %s '%s': DPDK's device arguments cannot carry %s%c%s in an "
		"interface name (it would open another device than the one checked): refusing; "
		"rename the interface (letters, digits, . _ - @ +)\n", opt, iface,
		*c ? "'" : "an empty name", *c ? *c : ' ', *c ? "'" : "");
	return -EINVAL;
}

int pg_guard_verify(const struct pg_port *p)
{
	struct rte_eth_dev_info info;
	int err;

	if (p->pci)
		return 0;	/* the EAL allow-list opened that device and no other */
	err = rte_eth_dev_info_get(p->port_id, &info);
	if (err) {
		fprintf(stderr, "dplab-pktgen: %s: device info: %s\n", p->dev, strerror(-err));
		return err;
	}
	if (info.if_index == p->ifindex)
		return 0;
	fprintf(stderr, "dplab-pktgen: %s is bound to ifindex %u, not to %s (ifindex %u) that the "
		"guard checked%s%s: refusing to send\n", p->dev, info.if_index, p->iface,
		p->ifindex, p->netns ? " in netns " : "", p->netns ? p->netns : "");
	return -EPERM;
}

/* A PCI device is physical by definition: refused unless allowed. */
static int pci_guard(const struct pg_opts *o, struct pg_port *port, bool *physical)
{
	if (!o->allow_physical) {
		fprintf(stderr, "dplab-pktgen: PCI device %s: generated floods on a real network "
			"are an outage: refusing without --allow-physical\n", port->pci);
		return -EPERM;
	}
	*physical = true;
	return pg_netns_restore();
}

/*
 * A virtual iface whose frames come out on a bridge with a physical port is
 * physical: 1 (virtual), 0 (physical, allowed), or -EPERM after saying why.
 */
static int peer_virtual(const struct pg_opts *o, const char *iface, const char *ns)
{
	char what[256] = "";
	int r = pg_peer_reaches_physical(iface, what, sizeof(what));

	if (!r)
		return 1;
	if (o->allow_physical)
		return 0;
	if (r < 0)
		fprintf(stderr, "dplab-pktgen: %s%s%s: cannot tell where its peer leads "
			"(rtnetlink: %s): refusing without --allow-physical\n", iface,
			ns ? " in netns " : "", ns ? ns : "", strerror(-r));
	else
		fprintf(stderr, "dplab-pktgen: %s%s%s leads to a real network: %s; generated "
			"floods on a real network are an outage: refusing without "
			"--allow-physical\n", iface, ns ? " in netns " : "", ns ? ns : "", what);
	return -EPERM;
}

/*
 * Enter ns (if any) and apply the virtual-interface guard to iface there;
 * name the port's ethdev (index: the vdev's number).
 */
int pg_guard(const struct pg_opts *o, struct pg_port *port, int index, bool *physical)
{
	const char *ns = port->netns, *iface = port->iface;
	char drv[32] = "";
	int err, virt;

	if (pg_port_name(port, o->pmd, index)) {
		fprintf(stderr, "dplab-pktgen: --pci %s: not a PCI address (like 0000:00:06.0)\n",
			port->pci);
		return -EINVAL;
	}
	if (port->pci)
		return pci_guard(o, port, physical);
	err = name_fits_devargs(index ? "--rx-iface" : "--iface", iface);
	if (err)
		return err;
	err = ns ? pg_netns_enter(ns) : pg_netns_restore();
	if (err) {
		fprintf(stderr, "dplab-pktgen: netns %s: %s\n", ns, strerror(-err));
		return err;
	}
	virt = pg_iface_is_virtual(iface, drv, sizeof(drv));
	if (virt < 0) {
		fprintf(stderr, "dplab-pktgen: %s%s%s: cannot read its driver (ethtool): %s\n",
			iface, ns ? " in netns " : "", ns ? ns : "", strerror(-virt));
		return virt;
	}
	if (!virt && !o->allow_physical) {
		fprintf(stderr, "dplab-pktgen: %s (driver %s) is not a virtual interface; "
			"generated floods on a real network are an outage: refusing without "
			"--allow-physical\n", iface, drv);
		return -EPERM;
	}
	if (virt)
		virt = peer_virtual(o, iface, ns);
	if (virt < 0)
		return virt;
	*physical |= !virt;
	port->ifindex = if_nametoindex(iface);
	port->saved_flags = pg_iface_flags(iface);
	return 0;
}
