/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-reason packet counters.  Every datapath program has its own per-CPU
 * array "counters" of DPLAB_CNT_MAX __u64, indexed by this enum; the loader
 * and tests sum it over CPUs.  Include after the fixed-width types
 * (vmlinux.h in BPF, <linux/types.h> in userspace).
 */
#ifndef DPLAB_COUNTERS_H
#define DPLAB_COUNTERS_H

enum dplab_counter {
	/* verdicts */
	DPLAB_CNT_PASS,			/* handed on untouched */
	DPLAB_CNT_REWRITE,		/* an address/port was translated */
	DPLAB_CNT_REDIRECT,		/* bpf_redirect*, incl. to a tunnel */
	DPLAB_CNT_TX,			/* XDP_TX */
	/* conntrack / NAT */
	DPLAB_CNT_CT_NEW,		/* a flow entry was created */
	DPLAB_CNT_CT_HIT,		/* a packet matched an existing entry */
	DPLAB_CNT_CT_CLOSED,		/* a TCP flow was marked closing */
	DPLAB_CNT_REV_NAT,		/* a reply was translated back */
	DPLAB_CNT_NAT_PORT_REMAPPED,	/* masquerade had to pick another port */
	DPLAB_CNT_ENCAP,		/* VXLAN tunnel key set */
	DPLAB_CNT_DECAP,		/* delivered from the tunnel */
	DPLAB_CNT_FIB_MISS,		/* fib lookup failed: back to the stack */
	/* passed through untouched, and why */
	DPLAB_CNT_PASS_NOT_IPV4,
	DPLAB_CNT_PASS_FRAGMENT,
	DPLAB_CNT_PASS_IP_OPTIONS,
	DPLAB_CNT_PASS_UNKNOWN_PROTO,
	DPLAB_CNT_PASS_NO_MATCH,	/* not for a service / not leaving / ... */
	/* dropped, and why */
	DPLAB_CNT_DROP_TRUNCATED,	/* a header runs past the end */
	DPLAB_CNT_DROP_NO_BACKEND,	/* service with an empty backend set */
	DPLAB_CNT_DROP_NAT_NO_PORT,	/* masquerade: no free port in range */
	DPLAB_CNT_DROP_MAP_UPDATE,	/* a map insert failed */
	DPLAB_CNT_DROP_REWRITE,		/* a helper failed to rewrite */
	DPLAB_CNT_PASS_TTL_EXPIRED,	/* a router may not forward it: to the stack */
	DPLAB_CNT_DROP_DELIBERATE,	/* a measuring program dropped it on purpose */
	DPLAB_CNT_MAX,
};

#define DPLAB_COUNTER_NAMES {						\
	"pass", "rewrite", "redirect", "tx",				\
	"ct_new", "ct_hit", "ct_closed", "rev_nat", "nat_port_remapped", \
	"encap", "decap", "fib_miss",					\
	"pass_not_ipv4", "pass_fragment", "pass_ip_options",		\
	"pass_unknown_proto", "pass_no_match",				\
	"drop_truncated", "drop_no_backend", "drop_nat_no_port",	\
	"drop_map_update", "drop_rewrite",				\
	"pass_ttl_expired", "drop_deliberate",				\
}

#endif /* DPLAB_COUNTERS_H */
