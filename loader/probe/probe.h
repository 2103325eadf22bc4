/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dplab probe: facts about an interface, attach trials, and the diagnosis
 * that maps both to a verdict and a fix.
 *
 *   probe_platform.c  host-wide facts: DMI, hypervisor, CPU, kernel, node
 *   probe_select.c  the interfaces to probe when none is named
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
	/* Owner unreadable (link and program ids need CAP_SYS_ADMIN). */
	bool xdp_owner_unknown;
	__u32 tcx_ingress, tcx_egress;	/* programs on the tcx hooks */
	bool tcx_unknown;		/* BPF_PROG_QUERY refused: no CAP_NET_ADMIN */
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

/*
 * The machine, once per run.  A string "" is unknown (JSON null).  On EC2
 * Nitro DMI's product name is the instance type ("m6i.xlarge").
 */
#define PROBE_DMI_STR 128
struct probe_platform {
	char probe_version[PROBE_STR];
	char node[256];				/* $NODE_NAME, else the host name */
	bool dmi;				/* /sys/class/dmi/id exists */
	char dmi_vendor[PROBE_DMI_STR];		/* sys_vendor */
	char dmi_product[PROBE_DMI_STR];	/* product_name */
	char dmi_version[PROBE_DMI_STR];	/* product_version */
	char dmi_missing_reason[PROBE_MSG];	/* why !dmi */
	char hypervisor[PROBE_STR];		/* "kvm", ..., "none" on bare metal */
	const char *hypervisor_source;		/* "cpuid", "sys_hypervisor", NULL */
	char hypervisor_missing_reason[PROBE_MSG]; /* why hypervisor is "" */
	char cpu_model[PROBE_MSG];
	char kernel_release[80];		/* uname -r (65 bytes in utsname) */
	char kernel_version[PROBE_MSG];		/* uname -v */
};

/* How the interfaces of a run were chosen (probe_select.c). */
enum probe_select_by {
	PROBE_SELECT_NAMED,		/* on the command line */
	PROBE_SELECT_DEFAULT_ROUTE,	/* the IPv4 default route's, main table */
	PROBE_SELECT_ALL,		/* --all: every physical interface */
};

struct probe_targets {
	enum probe_select_by by;
	int n;
	char (*names)[IF_NAMESIZE];	/* n names, heap */
	int n_skipped;
	char (*skipped)[IF_NAMESIZE];	/* --all: the virtual ones left out */
	char detail[PROBE_MSG * 2];	/* one line: why these ("" when named) */
};

struct probe_result {
	struct probe_facts facts;
	struct probe_trials trials;
	struct probe_diagnosis diag;
};

struct platform_cpuid;

/*
 * probe_platform.c.  probe_platform_read() takes the files under root
 * ("" for this machine) and the CPUID facts given; probe_platform_collect()
 * is it on this machine with its CPUID, uname, node name and our version.
 */
void probe_platform_read(const char *root, const struct platform_cpuid *cpuid,
			 struct probe_platform *p);
void probe_platform_collect(struct probe_platform *p);

/*
 * probe_select.c, in the calling thread's network namespace: 0, or
 * negative errno with the reason in err (-ENETUNREACH: no default route;
 * -ENODEV: no physical interface).
 */
int probe_select_default_route(struct probe_targets *t, char *err, size_t err_len);
int probe_select_all(struct probe_targets *t, bool in_netns, char *err, size_t err_len);
void probe_targets_free(struct probe_targets *t);

/* probe_facts.c: 0 or negative errno (-ENODEV for an unknown interface). */
int probe_kernel_facts(struct probe_kernel *k);
int probe_collect_facts(const char *ifname, struct probe_facts *f);

/* probe_trials.c: runs every trial the facts allow; never replaces. */
int probe_run_trials(const struct probe_facts *f, struct probe_trials *tr);

/* probe_trial_record.c: failed bpf_link XDP trials without the kernel's
 * message (before 6.6) take the netlink trial's, same mode and errno. */
void probe_trials_link_msgs(struct probe_trials *tr);

/* probe_rules.c: pure function of facts and trials (unit-tested). */
void probe_diagnose(const struct probe_facts *f, const struct probe_trials *tr,
		    bool trials_run, struct probe_diagnosis *d);

/* probe_output.c */
const char *probe_trial_name(enum probe_trial_id id);
const char *probe_outcome_name(enum probe_outcome o);
void probe_print_table(const struct probe_result *r, bool trials_run);
json_t *probe_to_json(const struct probe_result *r, bool trials_run);
/* The run's header: the probe, node and platform; how interfaces were chosen. */
void probe_print_header(const struct probe_platform *p, const struct probe_targets *t,
			bool read_only, int verbose);
/* Top-level "probe", "node", "platform" and "selection" into doc. */
int probe_platform_to_json(json_t *doc, const struct probe_platform *p,
			   const struct probe_targets *t, bool read_only);

#endif /* DPLAB_LOADER_PROBE_H */
