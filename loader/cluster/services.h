/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The services a cluster programs: those the topology declares, plus, for
 * the `services=N` knob, filler services up to N in all.  Fillers copy a
 * declared service (protocol, ports, backends) under VIPs of their own
 * from the service CIDR and come FIRST, so the declared services sit at
 * the end of kube-proxy's chain: the worst case a real cluster of N
 * services has.  Fillers have no NodePort.
 */
#ifndef DPLAB_LOADER_SERVICES_H
#define DPLAB_LOADER_SERVICES_H

#include "topo/topo.h"

struct svc_instance {
	const struct topo_service *svc;	/* the declared service it is, or copies */
	int index;			/* 0..n-1, chain order */
	__be32 vip;
	bool filler;
};

/*
 * Fill out[0..n) with max(total, declared) instances; returns n, or
 * -E2BIG when more than max or the service CIDR runs out of addresses.
 */
int services_expand(const struct topo *t, __u32 total, struct svc_instance *out, int max);

#define SERVICES_MAX 20000

#endif /* DPLAB_LOADER_SERVICES_H */
