// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The diagnosis of `dplab probe`: one table of rules that maps the facts of
 * an interface and the outcomes of the attach trials to findings (the real
 * reason and a concrete fix) and a one-line verdict.  Pure: no I/O.
 *
 * A rule fires when its driver matches (NULL: any) and either
 *  - it explains a failure: a trial in .trials failed with an errno in .err
 *    (any errno when .err is empty), and the kernel's message contains .msg,
 *    or .when is NULL, or .when() holds.  With R_UNEXPLAINED only failures
 *    no earlier rule explained are considered; or
 *  - it holds from the facts alone: .when() holds and no trial in .trials
 *    succeeded (R_NOTE: whatever the trials did; R_FAILURE_ONLY: never).
 * Order matters: driver rules first, then rules of any driver, then the
 * fallback, which quotes every failure nothing else explained.  A rule id
 * gives at most one finding; a second entry with the same id covers another
 * case of the same cause (another kernel, or facts instead of a failure).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netdev.h>

#include "util/log.h"
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

/* ------------------------------------------------------------ facts */

static long page_size(const struct probe_facts *f)
{
	return f->kernel.page_size > 0 ? f->kernel.page_size : 4096;
}

/* The largest MTU the driver accepts for a program without frags. */
static long xdp_max_mtu(const struct probe_facts *f)
{
	long page = page_size(f);

	if (!strcmp(f->driver, "ena"))
		return (page > ENA_MAX_PAGE ? ENA_MAX_PAGE : page) - ETH_HLEN -
		       ETH_FCS_LEN - VLAN_HLEN - XDP_HEADROOM - SHINFO;
	if (!strcmp(f->driver, "mlx5_core"))	/* linear RQ; approximate */
		return page - XDP_HEADROOM - SHINFO - ETH_HLEN - VLAN_HLEN - ETH_FCS_LEN;
	/* veth: SKB_WITH_OVERHEAD(PAGE - headroom) - ETH_HLEN; virtio_net alike */
	return page - XDP_HEADROOM - SHINFO - ETH_HLEN;
}

static bool kernel_before(const struct probe_facts *f, int major, int minor)
{
	const struct probe_kernel *k = &f->kernel;

	return k->major && (k->major < major || (k->major == major && k->minor < minor));
}

static __u32 rx_queues(const struct probe_facts *f)
{
	return f->channels.known && f->channels.rx ? f->channels.rx : f->num_rx_queues;
}

static bool mtu_too_big(const struct ctx *c)
{
	return c->f->mtu > xdp_max_mtu(c->f);
}

static bool ena_channels(const struct ctx *c)
{
	const struct probe_channels *ch = &c->f->channels;

	return ch->known && ch->max_combined && 2 * ch->combined > ch->max_combined;
}

static bool hw_merge_on(const struct ctx *c)
{
	return c->f->lro == PROBE_ON || c->f->rx_gro_hw == PROBE_ON;
}

/*
 * virtio_net wants curr_queue_pairs + nr_cpu_ids <= max_queue_pairs.  The
 * CPU count is not a fact here; curr_queue_pairs defaults to the CPU count,
 * so 2 * combined > max is the case that is sure to be short.
 */
static bool virtio_tx_short(const struct ctx *c)
{
	return ena_channels(c);
}

static bool virtio_tx_short_old(const struct ctx *c)
{
	return virtio_tx_short(c) && kernel_before(c->f, 5, 12);
}

static bool virtio_tx_short_new(const struct ctx *c)
{
	return virtio_tx_short(c) && c->f->kernel.major && !kernel_before(c->f, 5, 12);
}

static bool veth_detached(const struct ctx *c)
{
	return !c->f->has_peer;
}

static bool veth_peer_mtu(const struct ctx *c)
{
	return c->f->peer_known && c->f->peer_mtu > xdp_max_mtu(c->f);
}

static bool veth_queues(const struct ctx *c)
{
	return c->f->peer_known && rx_queues(c->f) < c->f->peer_real_tx_queues;
}

/* Native works (trials), or nothing in the facts stops it (read-only). */
static bool veth_native_works(const struct ctx *c)
{
	if (c->trials_run)
		return c->ok & (T(TRIAL_XDP_NATIVE_LINK) | T(TRIAL_XDP_NATIVE_NETLINK));
	return c->f->has_peer && !veth_peer_mtu(c) && !veth_queues(c);
}

/* XDP works here, but the peer would drop what XDP sends towards it. */
static bool veth_peer_not_napi(const struct ctx *c)
{
	return veth_native_works(c) && !c->f->peer_xdp;
}

static bool owned_by_libxdp(const struct ctx *c)
{
	return c->f->attached.xdp_attached != XDP_ATTACHED_NONE &&
	       c->f->attached.libxdp_dispatcher;
}

static bool owned_by_netlink(const struct ctx *c)
{
	const struct probe_attached *a = &c->f->attached;

	return a->xdp_attached != XDP_ATTACHED_NONE && !a->xdp_link_id && !a->libxdp_dispatcher;
}

static bool owned_by_link(const struct ctx *c)
{
	return c->f->attached.xdp_link_id && !c->f->attached.libxdp_dispatcher;
}

static bool no_xdp_link(const struct ctx *c)
{
	return c->f->kernel.major && !c->f->kernel.xdp_link;
}

static bool no_tcx(const struct ctx *c)
{
	return c->f->kernel.major && !c->f->kernel.tcx;
}

static bool generic_not_failed(const struct ctx *c)
{
	return !(c->failed & XDP_GENERIC);
}

static bool features_no_native(const struct ctx *c)
{
	return c->f->xdp_features_known && !(c->f->xdp_features & NETDEV_XDP_ACT_BASIC);
}

static bool libxdp_no_dispatcher(const struct ctx *c)
{
	const struct probe_trial *t = &c->tr->t[TRIAL_XDP_LIBXDP_NATIVE];

	return c->trials_run && t->outcome == OUTCOME_OK &&
	       (strcasestr(t->note, "without dispatcher") ||
		strcasestr(t->note, "dispatcher unavailable"));
}

static bool no_btf(const struct ctx *c)
{
	return c->f->kernel.major && !c->f->kernel.btf;
}

/* ------------------------------------------------------------ the table */

#define GENERIC_COST							\
	"Generic (skb) XDP works in its place but runs after the kernel has " \
	"allocated an skb for every frame, so it forgoes XDP's main saving: " \
	"expect several times fewer packets per second than native XDP on " \
	"the same CPU (an expectation, not measured here)."
#define GENERIC_FIX							\
	"use generic mode (xdp_lb=generic; ip link set dev {iface} xdpgeneric " \
	"obj PROG.o sec xdp), or a NIC whose driver has native XDP"
#define VIRTIO_OFFLOAD_FIX						\
	"turn the guest offloads off in the VMM, e.g. QEMU -device "	\
	"virtio-net-pci,...,guest_tso4=off,guest_tso6=off,guest_ecn=off,"	\
	"guest_ufo=off,guest_csum=off; where the host lets the guest do it: " \
	"ethtool -K {iface} lro off rx-gro-hw off"
#define VIRTIO_TXQ_REASON						\
	"virtio_net wants one XDP TX queue per CPU on top of the {combined} " \
	"queue pairs in use, but {iface} has only {max_channels}; "
#define VIRTIO_TXQ_FIX							\
	"ethtool -L {iface} combined N with N plus the number of CPUs at most " \
	"{max_channels}, or give the VM more queue pairs (QEMU: queues=N on the " \
	"-netdev, mq=on on the virtio-net device)"

static const struct rule rules[] = {
	/* ENA: the same driver check refuses bpf_link and netlink alike. */
	{ "ena-mtu", "ena", XDP_NATIVE, { EINVAL }, "MTU is larger than the max",
	  mtu_too_big, 0, SEV_BLOCK,
	  "{iface} has MTU {mtu}, above ENA's single-buffer XDP limit "
	  "{xdp_max_mtu} ({page_size}-byte page - 14 Ethernet - 4 FCS - 4 VLAN "
	  "- 256 XDP headroom - 320 skb_shared_info), so ENA refuses XDP, via "
	  "bpf_link and netlink alike. EKS's default MTU 9001 triggers this.",
	  "ip link set dev {iface} mtu {xdp_max_mtu} (or a multi-buffer, "
	  "frags-aware program where the driver advertises rx-sg)" },
	{ "ena-channels", "ena", XDP_NATIVE, { EINVAL }, "no enough space for allocating XDP queues",
	  ena_channels, 0, SEV_BLOCK,
	  "{iface} uses {combined} of {max_channels} combined channels; ENA "
	  "needs a spare XDP TX queue for every channel in use, so with XDP at "
	  "most half the maximum ({half_channels}) may be in use.",
	  "ethtool -L {iface} combined {half_channels}" },

	/* mlx5 logs its reasons to dmesg only: match on the facts. */
	{ "mlx5-lro", "mlx5_core", XDP_NATIVE, { EINVAL }, "HW-GRO/LRO",
	  hw_merge_on, 0, SEV_BLOCK,
	  "{iface} has LRO or hardware GRO (rx-gro-hw) on; mlx5 refuses XDP "
	  "while the NIC merges packets (dmesg: \"can't set XDP while "
	  "HW-GRO/LRO is on\").",
	  "ethtool -K {iface} lro off rx-gro-hw off" },
	{ "mlx5-mtu", "mlx5_core", XDP_NATIVE, { EINVAL }, "not allowed while XDP enabled",
	  mtu_too_big, 0, SEV_BLOCK,
	  "{iface} has MTU {mtu}, above what mlx5 fits in one page for a "
	  "program without frags: about {xdp_max_mtu} with {page_size}-byte "
	  "pages (the page minus 256 XDP headroom, 320 skb_shared_info and 22 "
	  "Ethernet/VLAN/FCS bytes; the exact limit depends on the RQ type and "
	  "mlx5 logs it to dmesg).",
	  "ip link set dev {iface} mtu {xdp_max_mtu}, or load a frags-aware "
	  "program (SEC(\"xdp.frags\")), which mlx5 accepts at larger MTUs on "
	  "recent kernels" },

	/* virtio_net */
	{ "virtio-guest-offloads", "virtio_net", XDP_NATIVE, { EOPNOTSUPP }, "is implementing",
	  NULL, R_FAILURE_ONLY, SEV_BLOCK,
	  "the host implements guest offloads (TSO/ECN/UFO towards the guest, "
	  "or checksum) on {iface} and does not let the guest switch them off, "
	  "so virtio_net refuses XDP.",
	  VIRTIO_OFFLOAD_FIX },
	{ "virtio-guest-offloads", "virtio_net", XDP_NATIVE, { EOPNOTSUPP }, "is implementing",
	  hw_merge_on, 0, SEV_WARN,
	  "{iface} shows host guest offloads on (LRO or rx-gro-hw); virtio_net "
	  "switches them off itself when XDP is attached if the host allows "
	  "it, and refuses XDP (EOPNOTSUPP) if it does not.",
	  VIRTIO_OFFLOAD_FIX },
	{ "virtio-mtu", "virtio_net", XDP_NATIVE, { EINVAL }, "MTU too large to enable XDP",
	  mtu_too_big, 0, SEV_BLOCK,
	  "{iface} has MTU {mtu}, above the {xdp_max_mtu} virtio_net can take "
	  "into one page for a program without frags (a {page_size}-byte page "
	  "minus 256 XDP headroom, 320 skb_shared_info and 14 Ethernet bytes).",
	  "ip link set dev {iface} mtu {xdp_max_mtu}, or load a frags-aware "
	  "program (SEC(\"xdp.frags\")) on a kernel whose virtio_net has "
	  "multi-buffer XDP" },
	{ "virtio-tx-queues", "virtio_net", XDP_NATIVE, { ENOMEM }, "Too few free TX rings",
	  virtio_tx_short_old, 0, SEV_BLOCK,
	  VIRTIO_TXQ_REASON "kernels before 5.12 then refuse XDP (ENOMEM, "
	  "\"Too few free TX rings available\").",
	  VIRTIO_TXQ_FIX },
	{ "virtio-tx-queues", "virtio_net", 0, { 0 }, NULL,
	  virtio_tx_short_new, R_NOTE, SEV_WARN,
	  VIRTIO_TXQ_REASON "XDP attaches, but XDP_TX and redirects out of "
	  "{iface} then share TX queues under a lock, which is slower.",
	  VIRTIO_TXQ_FIX },

	/* veth */
	{ "veth-peer-detached", "veth", XDP_NATIVE, { ENOTCONN }, "peer is detached",
	  veth_detached, 0, SEV_BLOCK,
	  "{iface} is a veth whose peer is detached (the pair is being torn "
	  "down); veth refuses XDP then (ENOTCONN).",
	  "recreate the pair: ip link del {iface}; ip link add {iface} type "
	  "veth peer name PEER" },
	{ "veth-peer-mtu", "veth", XDP_NATIVE, { ERANGE }, "Peer MTU is too large",
	  veth_peer_mtu, 0, SEV_BLOCK,
	  "the peer {peer} of {iface} has MTU {peer_mtu}; veth receives an XDP "
	  "frame into one page, so for a program without frags the peer's MTU "
	  "may be at most {xdp_max_mtu} (a {page_size}-byte page minus 256 XDP "
	  "headroom, 320 skb_shared_info and the peer's 14-byte Ethernet "
	  "header); the attach fails with ERANGE.",
	  "ip link set dev {peer} mtu {xdp_max_mtu}, or load a frags-aware "
	  "program (SEC(\"xdp.frags\"))" },
	{ "veth-rx-queues", "veth", XDP_NATIVE, { ENOSPC }, "rx queues not less than peer tx queues",
	  veth_queues, 0, SEV_BLOCK,
	  "{iface} has {rx_queues} rx queue(s) but its peer {peer} sends on "
	  "{peer_tx_queues} tx queues; veth needs at least as many rx queues "
	  "as the peer has tx queues for XDP (ENOSPC).",
	  "ethtool -L {peer} tx {rx_queues}, or ethtool -L {iface} rx "
	  "{peer_tx_queues} if the pair was created with enough queues (ip link "
	  "add ... numrxqueues N)" },
	{ "veth-no-napi", "veth", 0, { 0 }, NULL,
	  veth_peer_not_napi, R_NOTE, SEV_INFO,
	  "{peer} has no XDP program, so frames an XDP program on {iface} sends "
	  "back with XDP_TX never reach it: veth wakes the peer's NAPI for them "
	  "only when the peer has XDP of its own (GRO on is not enough for "
	  "XDP_TX, seen on 6.18). Frames redirected into {iface} need {peer} to "
	  "have XDP or GRO on.",
	  "attach an XDP program to {peer}, a pass-through will do: "
	  "ip link set dev {peer} xdpdrv obj build/probe.bpf.o sec xdp" },

	/* Any driver: the hook is already owned.  The probe replaces nothing. */
	{ "hook-owned-libxdp", NULL, XDP_ALL, { EBUSY, EEXIST }, NULL,
	  owned_by_libxdp, R_NOTE, SEV_INFO,
	  "XDP on {iface} is held by a libxdp dispatcher (program {prog_id}, "
	  "{xdp_mode} mode); the probe replaces nothing, so XDP trials that "
	  "would replace it were skipped or refused.",
	  "xdp-loader unload {iface} --all (only if those programs are yours "
	  "to remove), then probe again" },
	{ "hook-owned-netlink", NULL, XDP_ALL, { EBUSY, EEXIST }, NULL,
	  owned_by_netlink, R_NOTE, SEV_INFO,
	  "XDP on {iface} is already owned by program {prog_id}, attached via "
	  "netlink in {xdp_mode} mode; the probe replaces nothing, so XDP "
	  "trials that would replace it were skipped or refused.",
	  "ip link set dev {iface} {xdp_off} off (only if that program is yours "
	  "to remove), then probe again" },
	{ "hook-owned-link", NULL, XDP_ALL, { EBUSY, EEXIST }, NULL,
	  owned_by_link, R_NOTE, SEV_INFO,
	  "XDP on {iface} is owned by bpf_link {link_id} (program {prog_id}, "
	  "{xdp_mode} mode); a link-owned hook cannot be replaced by netlink "
	  "or another link and the probe replaces nothing, so XDP trials that "
	  "would replace it were skipped or refused.",
	  "bpftool link detach id {link_id} (only if that link is yours), then "
	  "probe again" },

	/* Any driver: the kernel. */
	{ "kernel-no-xdp-link", NULL, XDP_LINKS, { 0 }, NULL,
	  no_xdp_link, 0, SEV_WARN,
	  "kernel {kernel} predates XDP bpf_link (5.9), so attaching through a "
	  "bpf_link fails whatever the driver; netlink reaches the same driver "
	  "call and works.",
	  "attach via netlink: xdp_attach=netlink (xdp_attach=auto falls back "
	  "to it), e.g. ip link set dev {iface} xdpdrv obj PROG.o sec xdp" },
	{ "tcx-unsupported", NULL, T(TRIAL_TC_TCX), { 0 }, NULL,
	  no_tcx, 0, SEV_WARN,
	  "kernel {kernel} predates tcx links (6.6); tc programs attach through "
	  "a clsact qdisc and netlink filters instead.",
	  "tc_attach=legacy (tc_attach=auto falls back to it), e.g. tc qdisc "
	  "add dev {iface} clsact; tc filter add dev {iface} ingress bpf da obj "
	  "PROG.o sec tc" },

	/* Any driver: no native XDP at all. */
	{ "native-unsupported", NULL, XDP_NATIVE, { EOPNOTSUPP }, NULL,
	  generic_not_failed, R_UNEXPLAINED | R_FAILURE_ONLY, SEV_WARN,
	  "the {driver} driver of {iface} has no native XDP (EOPNOTSUPP in "
	  "native mode). " GENERIC_COST,
	  GENERIC_FIX },
	{ "native-unsupported", NULL, XDP_NATIVE, { EOPNOTSUPP }, NULL,
	  features_no_native, 0, SEV_WARN,
	  "the {driver} driver of {iface} advertises no XDP features, so native "
	  "XDP is expected to fail with EOPNOTSUPP. " GENERIC_COST,
	  GENERIC_FIX },

	{ "libxdp-no-dispatcher", NULL, 0, { 0 }, NULL,
	  libxdp_no_dispatcher, R_NOTE, SEV_INFO,
	  "libxdp loaded the program on {iface} without its multi-program "
	  "dispatcher ({note}); one program works, chaining several through "
	  "libxdp does not here.",
	  "nothing for a single program; to chain programs, a libxdp whose "
	  "dispatcher loads on this kernel, or xdp_attach=link" },
	{ "no-btf", NULL, 0, { 0 }, NULL,
	  no_btf, R_NOTE, SEV_WARN,
	  "kernel {kernel} has no BTF (/sys/kernel/btf/vmlinux): dplab's build "
	  "(vmlinux.h) and the tracepoint that gives the kernel's reason for a "
	  "failed bpf_link attach need it.",
	  "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y" },

	/* Last: every failure nothing above explained, quoted as is. */
	{ "attach-failed", NULL, ALL_TRIALS, { 0 }, NULL,
	  NULL, R_UNEXPLAINED | R_FAILURE_ONLY | R_PER_FAILURE, SEV_BLOCK,
	  "{trial} failed with {errno}, {kernel_msg}. No rule of the probe "
	  "explains it from the facts; the errno and the kernel's message are "
	  "the evidence.",
	  "dmesg | tail (drivers such as ena and mlx5 log their reason there)" },
};

/* ------------------------------------------------------------ templates */

/* Append to BUF of SIZE bytes holding *N of them; output that does not fit is cut. */
static void __attribute__((format(printf, 4, 5)))
put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= size)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + w < size ? *n + w : size - 1;
}

/* Trials by family and mechanism, as listed in findings. */
static const char *const family[] = { "native XDP", "generic XDP", "tc" };
static const struct {
	int family;
	const char *mech;
} trial_what[TRIAL_COUNT] = {
	[TRIAL_XDP_NATIVE_LINK] = { 0, "bpf_link" },
	[TRIAL_XDP_NATIVE_NETLINK] = { 0, "netlink" },
	[TRIAL_XDP_LIBXDP_NATIVE] = { 0, "libxdp" },
	[TRIAL_XDP_GENERIC_LINK] = { 1, "bpf_link" },
	[TRIAL_XDP_GENERIC_NETLINK] = { 1, "netlink" },
	[TRIAL_TC_TCX] = { 2, "tcx" },
	[TRIAL_TC_LEGACY] = { 2, "clsact" },
};

static int first_trial(unsigned int mask)
{
	return mask ? __builtin_ctz(mask) : -1;
}

/* "native XDP via bpf_link, netlink; tc via tcx" */
static void trial_list(char *buf, size_t size, unsigned int mask)
{
	size_t n = 0;
	int fam, i;

	buf[0] = '\0';
	for (fam = 0; fam < (int)(sizeof(family) / sizeof(family[0])); fam++) {
		bool first = true;

		for (i = 0; i < TRIAL_COUNT; i++) {
			if (!(mask & T(i)) || trial_what[i].family != fam)
				continue;
			if (first)
				put(buf, size, &n, "%s%s via %s", n ? "; " : "", family[fam],
				    trial_what[i].mech);
			else
				put(buf, size, &n, ", %s", trial_what[i].mech);
			first = false;
		}
	}
}

static void kernel_msg(char *buf, size_t size, const struct ctx *c, int i)
{
	const char *msg = c->tr->t[i].kernel_msg;

	if (msg[0])
		snprintf(buf, size, "kernel message \"%s\"", msg);
	else if ((T(i) & XDP_LINKS) && !c->f->kernel.xdp_attach_failed_tp)
		snprintf(buf, size, "no kernel message (bpf_link attaches get one from 6.6)");
	else
		snprintf(buf, size, "no kernel message");
}

static const char *xdp_mode(__u32 mode, bool ip_keyword)
{
	switch (mode) {
	case XDP_ATTACHED_DRV:
		return ip_keyword ? "xdpdrv" : "native";
	case XDP_ATTACHED_SKB:
		return ip_keyword ? "xdpgeneric" : "generic";
	case XDP_ATTACHED_HW:
		return ip_keyword ? "xdpoffload" : "offload";
	default:
		return ip_keyword ? "xdp" : "multiple";
	}
}

static __u32 prog_id(const struct probe_attached *a)
{
	return a->xdp_prog_id ? a->xdp_prog_id :
	       a->xdp_drv_prog_id ? a->xdp_drv_prog_id :
	       a->xdp_skb_prog_id ? a->xdp_skb_prog_id : a->xdp_hw_prog_id;
}

/* The value of placeholder NAME (LEN bytes); unknown ones stay as written. */
static void var(char *buf, size_t size, const char *name, size_t len, const struct ctx *c)
{
	const struct probe_facts *f = c->f;
	int t = first_trial(c->seen);

#define IS(s) (len == sizeof(s) - 1 && !memcmp(name, s, len))
	if (IS("iface"))
		snprintf(buf, size, "%s", f->ifname);
	else if (IS("driver"))
		snprintf(buf, size, "%s", f->driver[0] ? f->driver : "unknown");
	else if (IS("mtu"))
		snprintf(buf, size, "%d", f->mtu);
	else if (IS("xdp_max_mtu"))
		snprintf(buf, size, "%ld", xdp_max_mtu(f));
	else if (IS("page_size"))
		snprintf(buf, size, "%ld", page_size(f));
	else if (IS("combined"))
		snprintf(buf, size, "%u", f->channels.combined);
	else if (IS("max_channels"))
		snprintf(buf, size, "%u", f->channels.max_combined);
	else if (IS("half_channels"))
		snprintf(buf, size, "%u", f->channels.max_combined / 2);
	else if (IS("peer"))
		snprintf(buf, size, "%s", f->peer_ifname[0] ? f->peer_ifname : "PEER");
	else if (IS("peer_mtu") && f->peer_known)
		snprintf(buf, size, "%d", f->peer_mtu);
	else if (IS("peer_mtu"))
		snprintf(buf, size, "(not visible from here)");
	else if (IS("rx_queues"))
		snprintf(buf, size, "%u", rx_queues(f));
	else if (IS("peer_tx_queues"))
		snprintf(buf, size, "%u", f->peer_real_tx_queues);
	else if (IS("prog_id"))
		snprintf(buf, size, "%u", prog_id(&f->attached));
	else if (IS("link_id"))
		snprintf(buf, size, "%u", f->attached.xdp_link_id);
	else if (IS("xdp_mode"))
		snprintf(buf, size, "%s", xdp_mode(f->attached.xdp_attached, false));
	else if (IS("xdp_off"))
		snprintf(buf, size, "%s", xdp_mode(f->attached.xdp_attached, true));
	else if (IS("kernel") && f->kernel.release[0])
		snprintf(buf, size, "%s", f->kernel.release);
	else if (IS("kernel"))
		snprintf(buf, size, "%d.%d", f->kernel.major, f->kernel.minor);
	else if (IS("trial"))
		trial_list(buf, size, c->seen);
	else if (IS("errno") && t >= 0)
		snprintf(buf, size, "%s", errno_name(c->tr->t[t].err));
	else if (IS("kernel_msg") && t >= 0)
		kernel_msg(buf, size, c, t);
	else if (IS("note"))
		snprintf(buf, size, "%s", c->tr->t[TRIAL_XDP_LIBXDP_NATIVE].note);
	else
		snprintf(buf, size, "{%.*s}", (int)len, name);
#undef IS
}

static void expand(char *out, size_t size, const char *tpl, const struct ctx *c)
{
	size_t n = 0;
	char val[PROBE_MSG * 2];

	while (*tpl && n + 1 < size) {
		const char *end = *tpl == '{' ? strchr(tpl, '}') : NULL;

		if (!end) {
			out[n++] = *tpl++;
			continue;
		}
		var(val, sizeof(val), tpl + 1, end - tpl - 1, c);
		put(out, size, &n, "%s", val);
		tpl = end + 1;
	}
	out[n] = '\0';
}

/* ------------------------------------------------------------ matching */

static bool err_matches(const struct rule *r, int err)
{
	size_t i;

	if (!r->err[0])
		return true;
	for (i = 0; i < sizeof(r->err) / sizeof(r->err[0]) && r->err[i]; i++)
		if (r->err[i] == err)
			return true;
	return false;
}

/* The failures among CANDIDATES this rule explains. */
static unsigned int explains(const struct ctx *c, const struct rule *r, unsigned int candidates)
{
	unsigned int hit = 0;
	int i;

	for (i = 0; i < TRIAL_COUNT; i++) {
		const struct probe_trial *t = &c->tr->t[i];

		if (!(candidates & r->trials & T(i)) || !err_matches(r, t->err))
			continue;
		if ((r->msg && strcasestr(t->kernel_msg, r->msg)) || !r->when || r->when(c))
			hit |= T(i);
	}
	return hit;
}

static bool from_facts(const struct ctx *c, const struct rule *r)
{
	if (!r->when || (r->flags & R_FAILURE_ONLY))
		return false;
	if (!(r->flags & R_NOTE) && (c->ok & r->trials))
		return false;
	return r->when(c);
}

static bool driver_is(const struct probe_facts *f, const char *driver)
{
	return !driver || !strcmp(f->driver, driver);
}

static bool has_finding(const struct probe_diagnosis *d, const char *id)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].rule, id))
			return true;
	return false;
}

/* Add the finding of rule R for the failures in c->seen (may be none). */
static void add(struct probe_diagnosis *d, const struct rule *r, const struct ctx *c)
{
	char who[PROBE_MSG], msg[PROBE_MSG + 8];
	struct probe_finding *fd;
	int t = first_trial(c->seen);
	size_t n;

	if (d->n >= PROBE_MAX_FINDINGS || (!(r->flags & R_PER_FAILURE) && has_finding(d, r->id)))
		return;
	fd = &d->f[d->n++];
	fd->rule = r->id;
	fd->severity = r->severity;
	expand(fd->reason, sizeof(fd->reason), r->reason, c);
	expand(fd->fix, sizeof(fd->fix), r->fix, c);
	if (t < 0 || (r->flags & R_PER_FAILURE))
		return;
	/* The evidence: which trials the kernel refused, and how. */
	trial_list(who, sizeof(who), c->seen);
	kernel_msg(msg, sizeof(msg), c, t);
	n = strlen(fd->reason);
	put(fd->reason, sizeof(fd->reason), &n, " Seen: %s failed with %s, %s.",
	    who, errno_name(c->tr->t[t].err), msg);
}

/* The fallback: one finding per distinct (errno, message) failure. */
static void add_per_failure(struct probe_diagnosis *d, const struct rule *r,
			    struct ctx *c, unsigned int hit)
{
	while (hit) {
		const struct probe_trial *a = &c->tr->t[first_trial(hit)];
		unsigned int same = 0;
		int i;

		for (i = 0; i < TRIAL_COUNT; i++)
			if ((hit & T(i)) && c->tr->t[i].err == a->err &&
			    !strcmp(c->tr->t[i].kernel_msg, a->kernel_msg))
				same |= T(i);
		c->seen = same;
		add(d, r, c);
		hit &= ~same;
	}
}

/* ------------------------------------------------------------ verdict */

/* "works (bpf_link and netlink)", "works (netlink only)", "fails", ... */
static const char *state(char *buf, size_t size, const struct probe_trials *tr,
			 int a, const char *an, int b, const char *bn)
{
	enum probe_outcome oa = tr->t[a].outcome, ob = tr->t[b].outcome;

	if (oa == OUTCOME_OK && ob == OUTCOME_OK)
		snprintf(buf, size, "works (%s and %s)", an, bn);
	else if (oa == OUTCOME_OK || ob == OUTCOME_OK)
		snprintf(buf, size, "works (%s only)", oa == OUTCOME_OK ? an : bn);
	else if (oa == OUTCOME_FAILED || ob == OUTCOME_FAILED)
		snprintf(buf, size, "fails (see findings)");
	else if (oa == OUTCOME_SKIPPED || ob == OUTCOME_SKIPPED)
		snprintf(buf, size, "not tried (hook in use)");
	else
		snprintf(buf, size, "not tested");
	return buf;
}

static void verdict(struct probe_diagnosis *d, const struct probe_trials *tr, bool trials_run)
{
	char native[64], generic[64], tc[64];
	int i, blocked = 0, warned = 0;
	size_t n = 0;

	if (!trials_run) {
		put(d->verdict, sizeof(d->verdict), &n, "not tested (--read-only); facts show ");
		for (i = 0; i < d->n; i++)
			if (d->f[i].severity == SEV_BLOCK)
				put(d->verdict, sizeof(d->verdict), &n, "%s%s",
				    blocked++ ? ", " : "a blocker: ", d->f[i].rule);
		if (!blocked)
			put(d->verdict, sizeof(d->verdict), &n, "no blocker");
		for (i = 0; i < d->n; i++)
			if (d->f[i].severity == SEV_WARN)
				put(d->verdict, sizeof(d->verdict), &n, "%s%s",
				    warned++ ? ", " : "; warnings: ", d->f[i].rule);
		return;
	}
	state(native, sizeof(native), tr, TRIAL_XDP_NATIVE_LINK, "bpf_link",
	      TRIAL_XDP_NATIVE_NETLINK, "netlink");
	state(generic, sizeof(generic), tr, TRIAL_XDP_GENERIC_LINK, "bpf_link",
	      TRIAL_XDP_GENERIC_NETLINK, "netlink");
	state(tc, sizeof(tc), tr, TRIAL_TC_TCX, "tcx", TRIAL_TC_LEGACY, "legacy");
	if (!strncmp(native, "works", 5))
		snprintf(d->verdict, sizeof(d->verdict), "native XDP %s; tc %s", native, tc);
	else
		snprintf(d->verdict, sizeof(d->verdict), "native XDP %s; generic XDP %s; tc %s",
			 native, generic, tc);
}

void probe_diagnose(const struct probe_facts *f, const struct probe_trials *tr,
		    bool trials_run, struct probe_diagnosis *d)
{
	static const struct probe_trials none;
	struct ctx c = { .f = f, .tr = tr ? tr : &none, .trials_run = trials_run && tr };
	unsigned int explained = 0;
	size_t i;
	int t;

	memset(d, 0, sizeof(*d));
	tr = c.tr;
	trials_run = c.trials_run;
	for (t = 0; trials_run && t < TRIAL_COUNT; t++) {
		if (tr->t[t].outcome == OUTCOME_FAILED)
			c.failed |= T(t);
		else if (tr->t[t].outcome == OUTCOME_OK)
			c.ok |= T(t);
	}
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		unsigned int hit;

		if (!driver_is(f, r->driver))
			continue;
		c.seen = 0;
		hit = explains(&c, r, c.failed & ~(r->flags & R_UNEXPLAINED ? explained : 0));
		explained |= hit;
		if (r->flags & R_PER_FAILURE) {
			add_per_failure(d, r, &c, hit);
			continue;
		}
		if (!hit && !from_facts(&c, r))
			continue;
		c.seen = hit;
		add(d, r, &c);
	}
	verdict(d, tr, trials_run);
}
