/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the probe's diagnosis (probe_rules.c): the rule type, the table
 * and its predicates (probe_rules_table.c), and the text of findings with
 * their {placeholders} (probe_rules_text.c).
 */
#ifndef DPLAB_LOADER_PROBE_RULES_INT_H
#define DPLAB_LOADER_PROBE_RULES_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "probe/probe.h"


/*
 * Sizes behind the single-buffer XDP MTU limits (x86-64, 6.x kernels).
 * SHINFO is SKB_DATA_ALIGN(sizeof(struct skb_shared_info)).
 */
#define XDP_HEADROOM	256
#define SHINFO		320
#define VLAN_HLEN	4
#define ENA_MAX_PAGE	16384	/* ENA_PAGE_SIZE: PAGE_SIZE capped at 16K */

#define T(id)		(1u << (id))
#define XDP_NATIVE	(T(TRIAL_XDP_NATIVE_LINK) | T(TRIAL_XDP_NATIVE_NETLINK) | \
			 T(TRIAL_XDP_LIBXDP_NATIVE))
#define XDP_GENERIC	(T(TRIAL_XDP_GENERIC_LINK) | T(TRIAL_XDP_GENERIC_NETLINK))
#define XDP_LINKS	(T(TRIAL_XDP_NATIVE_LINK) | T(TRIAL_XDP_GENERIC_LINK))
#define XDP_ALL		(XDP_NATIVE | XDP_GENERIC)
#define TC_ALL		(T(TRIAL_TC_TCX) | T(TRIAL_TC_LEGACY))
#define ALL_TRIALS	(XDP_ALL | TC_ALL)

struct ctx {
	const struct probe_facts *f;
	const struct probe_trials *tr;
	bool trials_run;
	unsigned int failed, ok;	/* trial masks */
	unsigned int seen;		/* failures the current finding explains */
};

enum rule_flags {
	R_UNEXPLAINED = 1 << 0,		/* only failures nothing explained yet */
	R_NOTE = 1 << 1,		/* a fact, not a failure successes refute */
	R_FAILURE_ONLY = 1 << 2,	/* never fires from the facts alone */
	R_PER_FAILURE = 1 << 3,		/* one finding per distinct failure */
};

struct rule {
	const char *id;
	const char *driver;
	unsigned int trials;
	int err[3];			/* 0-terminated; empty: any errno */
	const char *msg;
	bool (*when)(const struct ctx *c);
	unsigned int flags;
	enum probe_severity severity;
	const char *reason;
	const char *fix;
};


/* probe_rules_table.c: the rules, in the order they are tried. */
extern const struct rule probe_rules[];
extern const size_t probe_rules_n;

/* Facts the rules and the texts both use. */
long pr_page_size(const struct probe_facts *f);
long pr_xdp_max_mtu(const struct probe_facts *f);
__u32 pr_rx_queues(const struct probe_facts *f);

/* probe_rules_text.c */
void __attribute__((format(printf, 4, 5)))
pr_put(char *buf, size_t size, size_t *n, const char *fmt, ...);
int pr_first_trial(unsigned int mask);
void pr_trial_list(char *buf, size_t size, unsigned int mask);
void pr_kernel_msg(char *buf, size_t size, const struct ctx *c, int i);
void pr_expand(char *out, size_t size, const char *tpl, const struct ctx *c);

/* probe_rules.c */
bool pr_err_matches(const struct rule *r, int err);

#endif /* DPLAB_LOADER_PROBE_RULES_INT_H */
