// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <arpa/inet.h>

#include "cluster/services.h"

static bool vip_declared(const struct topo *t, __be32 vip)
{
	int i;

	for (i = 0; i < t->n_services; i++)
		if (t->services[i].vip == vip)
			return true;
	return false;
}

int services_expand(const struct topo *t, __u32 total, struct svc_instance *out, int max)
{
	__u32 base = ntohl(t->service_cidr.addr), size, next = 1;
	int n_fill = total > (__u32)t->n_services ? (int)total - t->n_services : 0;
	int i, n = 0;

	if (!t->n_services)
		return 0;
	if (n_fill + t->n_services > max)
		return -E2BIG;
	size = t->service_cidr.prefix ? 1u << (32 - t->service_cidr.prefix) : 0;
	for (i = 0; i < n_fill; i++) {
		__be32 vip;

		do {
			if (next >= size - 1)
				return -E2BIG;
			/* Fillers from the top of the CIDR down, clear of declared VIPs. */
			vip = htonl(base + size - 1 - next++);
		} while (vip_declared(t, vip));
		out[n].svc = &t->services[i % t->n_services];
		out[n].index = n;
		out[n].vip = vip;
		out[n].filler = true;
		n++;
	}
	for (i = 0; i < t->n_services; i++) {
		out[n].svc = &t->services[i];
		out[n].index = n;
		out[n].vip = t->services[i].vip;
		out[n].filler = false;
		n++;
	}
	return n;
}
