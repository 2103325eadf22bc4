/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The maps one feature's code works on.  A feature's own object passes
 * its maps (DP_MAPS_OWN, with the names lib/ defines them by); a hook
 * program made of several features (hooks.bpf.c) passes each step the
 * maps of the feature that step belongs to, which the loader shares
 * with that feature's object.  Every field is a map known at load time,
 * so after inlining the verifier sees plain map references.  Fields a
 * feature does not use are NULL.
 */
#ifndef DPLAB_LIB_DP_H
#define DPLAB_LIB_DP_H

#include "lib/count.h"

struct dp_maps {
	void *counters;		/* lib/count.h */
	void *frags;		/* first fragments' ports: lib/frag.h */
	void *ct;		/* forward conntrack entries: lib/lb.h (snat: both) */
	void *rev;		/* reverse entries */
	void *services;		/* lib/services.h */
	void *backends;
	void *endpoints;	/* this node's pods: lib/routing.h */
	void *tunnels;		/* other nodes' pod CIDRs: lib/overlay.h */
};

static __always_inline void dp_count(const struct dp_maps *m, enum dplab_counter c)
{
	count_in(m->counters, c);
}

#endif /* DPLAB_LIB_DP_H */
