// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's physical-port guard (guard.h): generated floods on a real
 * network are an outage, so a port that is not a virtual interface is
 * refused unless --allow-physical.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guard.h"

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
	*physical |= !virt;
	port->saved_flags = pg_iface_flags(iface);
	return 0;
}
