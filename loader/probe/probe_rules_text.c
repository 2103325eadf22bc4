// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The text of a finding: templates with {placeholders} filled from the facts and trials. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netdev.h>

#include "util/log.h"
#include "probe/probe_rules_int.h"

/* ------------------------------------------------------------ templates */

/* Append to BUF of SIZE bytes holding *N of them; output that does not fit is cut. */
void __attribute__((format(printf, 4, 5)))
pr_put(char *buf, size_t size, size_t *n, const char *fmt, ...)
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

int pr_first_trial(unsigned int mask)
{
	return mask ? __builtin_ctz(mask) : -1;
}

/* "native XDP via bpf_link, netlink; tc via tcx" */
void pr_trial_list(char *buf, size_t size, unsigned int mask)
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
				pr_put(buf, size, &n, "%s%s via %s", n ? "; " : "", family[fam],
				    trial_what[i].mech);
			else
				pr_put(buf, size, &n, ", %s", trial_what[i].mech);
			first = false;
		}
	}
}

void pr_kernel_msg(char *buf, size_t size, const struct ctx *c, int i)
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
	int t = pr_first_trial(c->seen);

#define IS(s) (len == sizeof(s) - 1 && !memcmp(name, s, len))
	if (IS("iface"))
		snprintf(buf, size, "%s", f->ifname);
	else if (IS("driver"))
		snprintf(buf, size, "%s", f->driver[0] ? f->driver : "unknown");
	else if (IS("mtu"))
		snprintf(buf, size, "%d", f->mtu);
	else if (IS("xdp_max_mtu"))
		snprintf(buf, size, "%ld", pr_xdp_max_mtu(f));
	else if (IS("page_size"))
		snprintf(buf, size, "%ld", pr_page_size(f));
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
		snprintf(buf, size, "%u", pr_rx_queues(f));
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
		pr_trial_list(buf, size, c->seen);
	else if (IS("errno") && t >= 0)
		snprintf(buf, size, "%s", errno_name(c->tr->t[t].err));
	else if (IS("kernel_msg") && t >= 0)
		pr_kernel_msg(buf, size, c, t);
	else if (IS("note"))
		snprintf(buf, size, "%s", c->tr->t[TRIAL_XDP_LIBXDP_NATIVE].note);
	else
		snprintf(buf, size, "{%.*s}", (int)len, name);
#undef IS
}

void pr_expand(char *out, size_t size, const char *tpl, const struct ctx *c)
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
		pr_put(out, size, &n, "%s", val);
		tpl = end + 1;
	}
	out[n] = '\0';
}

