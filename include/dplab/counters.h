/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-reason packet counters.  Every datapath program has its own per-CPU
 * array "counters" of DPLAB_CNT_MAX __u64, indexed by this enum; the loader
 * and tests sum it over CPUs.  Include after the fixed-width types
 * (vmlinux.h in BPF, <linux/types.h> in userspace).
 *
 * One list, DPLAB_COUNTERS(X): X(ENUM_SUFFIX, "name") per counter, expanded
 * into the enum here and into the names (DPLAB_COUNTER_NAMES), so the two
 * cannot drift.  Add a counter by adding one line; a name is what
 * `dplab status` and the JSON outputs print.
 */
#ifndef DPLAB_COUNTERS_H
#define DPLAB_COUNTERS_H

#define DPLAB_COUNTERS(X)						\
	/* verdicts */							\
	X(PASS, "pass")			/* handed on untouched */	\
	X(REWRITE, "rewrite")		/* an address/port was translated */ \
	X(REDIRECT, "redirect")		/* bpf_redirect*, incl. to a tunnel */ \
	X(TX, "tx")			/* XDP_TX */			\
	/* conntrack / NAT */						\
	X(CT_NEW, "ct_new")		/* a flow entry was created */	\
	X(CT_HIT, "ct_hit")		/* a packet matched an existing entry */ \
	X(CT_CLOSED, "ct_closed")	/* a TCP flow was marked closing */ \
	X(CT_EXPIRED, "ct_expired")	/* an entry outlived its lifetime: removed */ \
	X(CT_REPAIRED, "ct_repaired")	/* a flow's other entry was gone (LRU): rebuilt */ \
	X(FRAG, "frag")			/* a later fragment, by its first one's ports */ \
	X(ICMP_ERROR, "icmp_error")	/* an ICMP error's embedded packet translated */ \
	X(REV_NAT, "rev_nat")		/* a reply was translated back */ \
	X(NAT_PORT_REMAPPED, "nat_port_remapped") /* SNAT picked another source port */ \
	X(ENCAP, "encap")		/* VXLAN tunnel key set */	\
	X(DECAP, "decap")		/* delivered from the tunnel */	\
	X(FIB_MISS, "fib_miss")		/* fib lookup failed: back to the stack */ \
	/* passed through untouched, and why */				\
	X(PASS_NOT_IPV4, "pass_not_ipv4")				\
	X(PASS_FRAGMENT, "pass_fragment")				\
	X(PASS_IP_OPTIONS, "pass_ip_options")				\
	X(PASS_UNKNOWN_PROTO, "pass_unknown_proto")			\
	X(PASS_NO_MATCH, "pass_no_match") /* not for a service / not leaving / ... */ \
	X(PASS_INBOUND, "pass_inbound")	/* a reply of a flow opened from outside */ \
	X(PASS_XDP_CANNOT_FORWARD, "pass_xdp_cannot_forward") /* no next hop out of the way in */ \
	/* dropped, and why */						\
	X(DROP_TRUNCATED, "drop_truncated") /* a header runs past the end */ \
	X(DROP_NO_BACKEND, "drop_no_backend") /* service with an empty backend set */ \
	X(DROP_NAT_NO_PORT, "drop_nat_no_port") /* no free port / reply tuple held by a live flow */ \
	X(DROP_NAT_NO_MAPPING, "drop_nat_no_mapping") /* masquerade: leaving, but nothing to translate it by */ \
	X(DROP_MAP_UPDATE, "drop_map_update") /* a map insert failed */	\
	X(DROP_REWRITE, "drop_rewrite")	/* a helper failed to rewrite */ \
	X(DROP_FRAG_UNKNOWN, "drop_frag_unknown") /* a later fragment whose first was not seen */ \
	X(PASS_TTL_EXPIRED, "pass_ttl_expired") /* a router may not forward it: to the stack */ \
	X(PASS_ICMP_UNRELATED, "pass_icmp_unrelated") /* an ICMP error not sent to its quoted packet's source */ \
	X(DROP_DELIBERATE, "drop_deliberate") /* a measuring program dropped it on purpose */

#define DPLAB_CNT_ENUM_(id, name) DPLAB_CNT_##id,
enum dplab_counter {
	DPLAB_COUNTERS(DPLAB_CNT_ENUM_)
	DPLAB_CNT_MAX,
};
#undef DPLAB_CNT_ENUM_

/* Initialiser of a const char *[DPLAB_CNT_MAX]: the names in enum order. */
#define DPLAB_CNT_NAME_(id, name) [DPLAB_CNT_##id] = name,
#define DPLAB_COUNTER_NAMES { DPLAB_COUNTERS(DPLAB_CNT_NAME_) }

#endif /* DPLAB_COUNTERS_H */
