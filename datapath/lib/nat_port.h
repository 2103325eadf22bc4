/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The source ports a new SNATed flow tries, in order, for every translator
 * that moves sources (masquerade, lib/snat.h; the XDP NodePort LB): its own
 * port first when it may keep it, then ports of the configured range from
 * a random start, at most `retries` of them (and never more than
 * DPLAB_SNAT_RETRIES_LIMIT, the loop's bound for the verifier).  A port
 * outside the range is never kept: it could be a NodePort or one of the
 * node's own.
 *
 *	nat_port_walk_init(&w, &ports, own);
 *	for (i = w.first; i <= DPLAB_SNAT_RETRIES_LIMIT; i++) {
 *		if (!nat_port_at(&w, i, &port))
 *			break;
 *		... try port ...
 *	}
 */
#ifndef DPLAB_LIB_NAT_PORT_H
#define DPLAB_LIB_NAT_PORT_H

#include <bpf/bpf_endian.h>
#include "dplab/nat.h"

/* The ports a flow may be moved to (host order), and how many to try. */
struct snat_ports {
	__u16 min;
	__u16 max;
	__u32 retries;		/* above DPLAB_SNAT_RETRIES_LIMIT: the limit */
};

struct nat_port_walk {
	struct snat_ports ports;
	__be16 own;		/* the flow's own port */
	__u32 first;		/* 0: try own first; 1: only the range */
	__u32 start;		/* random offset into the range */
	__u32 span;		/* ports in the range */
};

static __always_inline bool nat_port_in_range(const struct snat_ports *ports, __be16 port)
{
	__u16 p = bpf_ntohs(port);

	return p >= ports->min && p <= ports->max;
}

/* own_ok: the flow may keep its own port when free. */
static __always_inline void nat_port_walk_init(struct nat_port_walk *w,
					       const struct snat_ports *ports, __be16 own,
					       bool own_ok)
{
	w->ports = *ports;
	w->own = own;
	w->first = own_ok ? 0 : 1;
	w->start = w->span = 0;
	if (ports->max >= ports->min) {
		w->span = (__u32)ports->max - ports->min + 1;
		w->start = bpf_get_prandom_u32() % w->span;
	}
}

/* The i-th port to try into *port, or false when the tries are over. */
static __always_inline bool nat_port_at(const struct nat_port_walk *w, __u32 i, __be16 *port)
{
	if (!i) {
		*port = w->own;
		return true;
	}
	if (i > w->ports.retries || i > w->span)
		return false;
	*port = bpf_htons(w->ports.min + (w->start + i - 1) % w->span);
	return true;
}

#endif /* DPLAB_LIB_NAT_PORT_H */
