// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The guard on `uplink_dev=`: a node's uplink that is a host NIC leaves the
 * host's namespace while the topology is up.  That needs --allow-physical,
 * and is refused whatever the flag for the interface of the default route
 * and for one holding an address this machine is reached at (the local
 * address of an established TCP connection): moving either would cut the
 * machine off.  Read from /proc in the namespace dplab runs in (the host's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "topo/topo.h"

/* dev carries an IPv4 or IPv6 default route. */
static bool has_default_route(const char *dev)
{
	char line[512], ifname[IF_NAMESIZE + 1], dst[40];
	unsigned int dest, plen;
	bool found = false;
	FILE *f = fopen("/proc/net/route", "re");

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%16s %x", ifname, &dest) == 2 && dest == 0 &&
			!strcmp(ifname, dev);
	if (f)
		fclose(f);
	f = fopen("/proc/net/ipv6_route", "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%32s %x %*s %*s %*s %*s %*s %*s %*s %16s", dst, &plen,
			       ifname) == 3 && plen == 0 && !strcmp(dst, "00000000000000000000000000000000") &&
			strcmp(ifname, "lo") && !strcmp(ifname, dev);
	if (f)
		fclose(f);
	return found;
}

/* addr (network order) is the local end of an established TCP connection. */
static bool reached_at(__u32 addr)
{
	char line[512];
	unsigned int local, st;
	bool found = false;
	FILE *f = fopen("/proc/net/tcp", "re");

	if (f && !fgets(line, sizeof(line), f))	/* the header */
		line[0] = '\0';
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, " %*d: %x:%*x %*x:%*x %x", &local, &st) == 2 && st == 1 &&
			local == addr;
	if (f)
		fclose(f);
	return found;
}

/* An IPv4 address of dev that this machine is reached at, into buf; false if none. */
static bool dev_reached_at(const char *dev, char *buf, size_t len)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		struct sockaddr_in *sin = (struct sockaddr_in *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET || strcmp(i->ifa_name, dev))
			continue;
		found = reached_at(sin->sin_addr.s_addr);
		if (found)
			inet_ntop(AF_INET, &sin->sin_addr, buf, len);
	}
	freeifaddrs(ifa);
	return found;
}

static int guard_one(const struct topo_node *n, bool allow_physical, char *err, size_t len)
{
	const char *dev = n->real_dev;
	char addr[INET_ADDRSTRLEN];

	if (has_default_route(dev)) {
		snprintf(err, len, "node %s: uplink_dev=%s carries this machine's default route: "
			 "moving it into the topology would cut the machine off (refused even "
			 "with --allow-physical)", n->name, dev);
		return -EPERM;
	}
	if (dev_reached_at(dev, addr, sizeof(addr))) {
		snprintf(err, len, "node %s: uplink_dev=%s holds %s, which this machine is reached "
			 "at (an established connection): moving it would cut the machine off "
			 "(refused even with --allow-physical)", n->name, dev, addr);
		return -EPERM;
	}
	if (!allow_physical) {
		snprintf(err, len, "node %s: uplink_dev=%s moves a host interface into the "
			 "topology (it leaves the host until down): refusing without "
			 "--allow-physical", n->name, dev);
		return -EPERM;
	}
	if (!if_nametoindex(dev)) {
		snprintf(err, len, "node %s: uplink_dev=%s: no such interface here", n->name, dev);
		return -ENODEV;
	}
	return 0;
}

int topo_guard_real_devs(const struct topo *t, bool allow_physical, char *err, size_t len)
{
	int i, ret;

	for (i = 0; i < t->n_nodes; i++) {
		if (!t->nodes[i].real_dev[0])
			continue;
		ret = guard_one(&t->nodes[i], allow_physical, err, len);
		if (ret)
			return ret;
	}
	return 0;
}
