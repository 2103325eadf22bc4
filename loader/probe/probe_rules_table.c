// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The diagnosis rule table of `dplab probe` and the predicates its rules use (see probe_rules.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netdev.h>

#include "util/log.h"
#include "probe/probe_rules_int.h"

/* ------------------------------------------------------------ facts */

long pr_page_size(const struct probe_facts *f)
{
	return f->kernel.page_size > 0 ? f->kernel.page_size : 4096;
}

/* The largest MTU the driver accepts for a program without frags. */
long pr_xdp_max_mtu(const struct probe_facts *f)
{
	long page = pr_page_size(f);

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

__u32 pr_rx_queues(const struct probe_facts *f)
{
	return f->channels.known && f->channels.rx ? f->channels.rx : f->num_rx_queues;
}

static bool mtu_too_big(const struct ctx *c)
{
	return c->f->mtu > pr_xdp_max_mtu(c->f);
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
	return c->f->peer_known && c->f->peer_mtu > pr_xdp_max_mtu(c->f);
}

static bool veth_queues(const struct ctx *c)
{
	return c->f->peer_known && pr_rx_queues(c->f) < c->f->peer_real_tx_queues;
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

	return a->xdp_attached != XDP_ATTACHED_NONE && !a->xdp_link_id && !a->libxdp_dispatcher &&
	       !a->xdp_owner_unknown;
}

static bool owner_unknown(const struct ctx *c)
{
	return c->f->attached.xdp_attached != XDP_ATTACHED_NONE &&
	       c->f->attached.xdp_owner_unknown;
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

const struct rule probe_rules[] = {
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
	{ "hook-owner-unknown", NULL, XDP_ALL, { EBUSY, EEXIST }, NULL,
	  owner_unknown, R_NOTE, SEV_INFO,
	  "XDP on {iface} is already attached (program {prog_id}, {xdp_mode} "
	  "mode); whether by a bpf_link, netlink or libxdp needs CAP_SYS_ADMIN "
	  "to read, which this probe lacks; the probe replaces nothing, so XDP "
	  "trials that would replace it were skipped or refused.",
	  "probe again as root with CAP_SYS_ADMIN to name the owner" },

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

const size_t probe_rules_n = sizeof(probe_rules) / sizeof(probe_rules[0]);
