/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dplab probe: facts about an interface, attach trials, and the diagnosis
 * that maps both to a verdict and a fix.
 *
 *   probe_facts.c   collect facts (ethtool ioctls, rtnetlink, bpf_xdp_query)
 *   probe_trials.c  attach a pass-through program by each mechanism, detach
 *   probe_rules.c   the rule table: facts + trials -> findings
 *   probe_output.c  human table and JSON
 *   cli/cmd_probe.c the `dplab probe` subcommand
 */
#ifndef DPLAB_LOADER_PROBE_H
#define DPLAB_LOADER_PROBE_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>
#include <jansson.h>

#define PROBE_STR 64
#define PROBE_MSG 256

/* A tri-state for facts that may be unknown (ioctl not supported, ...). */
enum probe_tristate {
	PROBE_UNKNOWN = -1,
	PROBE_OFF = 0,
	PROBE_ON = 1,
};

struct probe_kernel {
	char release[PROBE_STR];	/* uname -r */
	int major, minor;
	bool btf;			/* /sys/kernel/btf/vmlinux */
	bool bpffs;			/* bpffs mounted at /sys/fs/bpf */
	bool tcx;			/* kernel >= 6.6 (tcx links) */
	bool xdp_link;			/* kernel >= 5.9 (XDP bpf_link) */
	bool xdp_attach_failed_tp;	/* kernel >= 6.6 tracepoint present */
	long page_size;
};

struct probe_channels {
	bool known;			/* ETHTOOL_GCHANNELS answered */
	__u32 rx, tx, other, combined;
	__u32 max_rx, max_tx, max_other, max_combined;
};

/* What is attached before the probe touches anything. */
struct probe_attached {
	__u32 xdp_attached;			/* XDP_ATTACHED_* from linux/if_link.h */
	__u32 xdp_prog_id;		/* the one program (or 0 when MULTI) */
	__u32 xdp_drv_prog_id, xdp_skb_prog_id, xdp_hw_prog_id;
	__u32 xdp_link_id;		/* !=0: owned by a bpf_link */
	bool libxdp_dispatcher;		/* the attached program is libxdp's */
	__u32 tcx_ingress, tcx_egress;	/* programs on the tcx hooks */
	bool clsact;			/* a clsact qdisc exists */
	__u32 tc_ingress_filters, tc_egress_filters; /* legacy bpf filters */
};

struct probe_facts {
	char ifname[IF_NAMESIZE];
	int ifindex;
	char netns[PROBE_STR];		/* "" = the caller's namespace */
	char kind[PROBE_STR];		/* rtnl link kind ("veth", ...), "" if none */

	/* ethtool GDRVINFO */
	char driver[PROBE_STR], version[PROBE_STR];
	char fw_version[PROBE_STR], bus_info[PROBE_STR];

	int mtu, min_mtu, max_mtu;
	__u32 num_rx_queues, num_tx_queues;
	struct probe_channels channels;
	enum probe_tristate lro, rx_gro_hw, gro;

	/* veth: the other end (IFLA_LINK), when it lives in this namespace */
	bool has_peer;			/* a veth that has a peer at all */
	bool peer_known;		/* the peer's facts below were read */
	char peer_ifname[IF_NAMESIZE];
	int peer_mtu;
	__u32 peer_real_tx_queues;	/* peer's channels.tx (veth reports real) */
	enum probe_tristate peer_gro;	/* the peer receives in NAPI mode when */
	bool peer_xdp;			/* ...GRO is on or it has XDP of its own */

	bool xdp_features_known;
	__u64 xdp_features;		/* NETDEV_XDP_ACT_* */

	struct probe_attached attached;
	struct probe_kernel kernel;
};

enum probe_trial_id {
	TRIAL_XDP_NATIVE_LINK,
	TRIAL_XDP_NATIVE_NETLINK,
	TRIAL_XDP_GENERIC_LINK,
	TRIAL_XDP_GENERIC_NETLINK,
	TRIAL_XDP_LIBXDP_NATIVE,
	TRIAL_TC_TCX,
	TRIAL_TC_LEGACY,
	TRIAL_COUNT,
};

enum probe_outcome {
	OUTCOME_NOT_RUN,	/* --read-only */
	OUTCOME_OK,
	OUTCOME_FAILED,
	OUTCOME_SKIPPED,	/* would have replaced something; see note */
};

struct probe_trial {
	enum probe_outcome outcome;
	int err;			/* positive errno when FAILED */
	char kernel_msg[PROBE_MSG];	/* extack / tracepoint text, "" if none */
	char note[PROBE_MSG];		/* skip reason, libxdp details, ... */
};

struct probe_trials {
	struct probe_trial t[TRIAL_COUNT];
};

enum probe_severity {
	SEV_INFO,	/* worth knowing, nothing to fix */
	SEV_WARN,	/* works, but not the way one wants (slow, locked tx) */
	SEV_BLOCK,	/* stops an XDP/tc mechanism from working */
};

struct probe_finding {
	const char *rule;		/* stable rule id */
	enum probe_severity severity;
	char reason[PROBE_MSG * 2];	/* the real reason, facts filled in */
	char fix[PROBE_MSG * 2];	/* a concrete command, "" if none */
};

#define PROBE_MAX_FINDINGS 16

struct probe_diagnosis {
	int n;
	struct probe_finding f[PROBE_MAX_FINDINGS];
	char verdict[PROBE_MSG];	/* one line: what works, by which mechanism */
};

struct probe_result {
	struct probe_facts facts;
	struct probe_trials trials;
	struct probe_diagnosis diag;
};

/* probe_facts.c: 0 or negative errno (-ENODEV for an unknown interface). */
int probe_kernel_facts(struct probe_kernel *k);
int probe_collect_facts(const char *ifname, struct probe_facts *f);

/* probe_trials.c: runs every trial the facts allow; never replaces. */
int probe_run_trials(const struct probe_facts *f, struct probe_trials *tr);

/* probe_rules.c: pure function of facts and trials (unit-tested). */
void probe_diagnose(const struct probe_facts *f, const struct probe_trials *tr,
		    bool trials_run, struct probe_diagnosis *d);

/* probe_output.c */
const char *probe_trial_name(enum probe_trial_id id);
const char *probe_outcome_name(enum probe_outcome o);
void probe_print_table(const struct probe_result *r, bool trials_run);
json_t *probe_to_json(const struct probe_result *r, bool trials_run);

#endif /* DPLAB_LOADER_PROBE_H */
