// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `dplab probe` output: a table per interface (in the spirit of
 * `xdp-loader status`) and the JSON object documented in docs/probe-json.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/netdev.h>

#include "util/log.h"
#include "probe/probe.h"

static const struct {
	enum probe_trial_id id;
	const char *key;	/* JSON key, stable */
	const char *label;	/* table label */
} trial_names[TRIAL_COUNT] = {
	{ TRIAL_XDP_NATIVE_LINK, "xdp_native_link", "XDP native, bpf_link" },
	{ TRIAL_XDP_NATIVE_NETLINK, "xdp_native_netlink", "XDP native, netlink" },
	{ TRIAL_XDP_GENERIC_LINK, "xdp_generic_link", "XDP generic, bpf_link" },
	{ TRIAL_XDP_GENERIC_NETLINK, "xdp_generic_netlink", "XDP generic, netlink" },
	{ TRIAL_XDP_LIBXDP_NATIVE, "xdp_libxdp_native", "XDP native, libxdp" },
	{ TRIAL_TC_TCX, "tc_tcx", "tc ingress, tcx link" },
	{ TRIAL_TC_LEGACY, "tc_legacy", "tc ingress, clsact" },
};

static const struct {
	__u64 bit;
	const char *name;
} xdp_feature_names[] = {
	{ NETDEV_XDP_ACT_BASIC, "BASIC" },
	{ NETDEV_XDP_ACT_REDIRECT, "REDIRECT" },
	{ NETDEV_XDP_ACT_NDO_XMIT, "NDO_XMIT" },
	{ NETDEV_XDP_ACT_XSK_ZEROCOPY, "XSK_ZEROCOPY" },
	{ NETDEV_XDP_ACT_HW_OFFLOAD, "HW_OFFLOAD" },
	{ NETDEV_XDP_ACT_RX_SG, "RX_SG" },
	{ NETDEV_XDP_ACT_NDO_XMIT_SG, "NDO_XMIT_SG" },
};

static const char *const xdp_attached_names[] = {
	[XDP_ATTACHED_NONE] = "none",
	[XDP_ATTACHED_DRV] = "native",
	[XDP_ATTACHED_SKB] = "generic",
	[XDP_ATTACHED_HW] = "offload",
	[XDP_ATTACHED_MULTI] = "multi",
};

static const char *const severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARN] = "warn",
	[SEV_BLOCK] = "block",
};

const char *probe_trial_name(enum probe_trial_id id)
{
	return id < TRIAL_COUNT ? trial_names[id].key : "?";
}

const char *probe_outcome_name(enum probe_outcome o)
{
	switch (o) {
	case OUTCOME_OK:
		return "ok";
	case OUTCOME_FAILED:
		return "failed";
	case OUTCOME_SKIPPED:
		return "skipped";
	default:
		return "not_run";
	}
}

static const char *xdp_attached_name(__u32 mode)
{
	return mode <= XDP_ATTACHED_MULTI ? xdp_attached_names[mode] : "?";
}

static const char *attached_by(const struct probe_attached *a)
{
	if (a->xdp_owner_unknown)
		return "unknown";
	if (a->libxdp_dispatcher)
		return "libxdp";
	return a->xdp_link_id ? "link" : "netlink";
}

static const char *tristate(enum probe_tristate t)
{
	return t == PROBE_ON ? "on" : t == PROBE_OFF ? "off" : "?";
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/* ------------------------------------------------------------ table */

static void print_features(const struct probe_facts *f)
{
	size_t i;
	int sep = 0;

	printf("  %-14s", "XDP features");
	if (!f->xdp_features_known) {
		printf("unknown (kernel < 6.3 does not report them)\n");
		return;
	}
	if (!f->xdp_features)
		printf("none");
	for (i = 0; i < sizeof(xdp_feature_names) / sizeof(xdp_feature_names[0]); i++)
		if (f->xdp_features & xdp_feature_names[i].bit)
			printf("%s%s", sep++ ? " " : "", xdp_feature_names[i].name);
	printf("\n");
}

static void print_attached(const struct probe_attached *a)
{
	printf("  %-14s", "attached");
	if (a->xdp_attached == XDP_ATTACHED_NONE)
		printf("XDP none");
	else
		printf("XDP %s prog %u by %s", xdp_attached_name(a->xdp_attached),
		       a->xdp_prog_id ? a->xdp_prog_id : a->xdp_drv_prog_id, attached_by(a));
	if (a->xdp_link_id)
		printf(" (link %u)", a->xdp_link_id);
	if (a->tcx_unknown)
		printf("; tcx unknown (needs CAP_NET_ADMIN)");
	else
		printf("; tcx ingress %u egress %u", a->tcx_ingress, a->tcx_egress);
	printf("; clsact %s", yes_no(a->clsact));
	if (a->clsact)
		printf(" (bpf filters ingress %u egress %u)", a->tc_ingress_filters,
		       a->tc_egress_filters);
	printf("\n");
}

static void print_facts(const struct probe_facts *f)
{
	const struct probe_channels *c = &f->channels;
	const struct probe_kernel *k = &f->kernel;

	printf("%s (ifindex %d%s%s)\n", f->ifname, f->ifindex,
	       f->netns[0] ? ", netns " : "", f->netns);
	printf("  %-14s%s %s, firmware %s, bus %s\n", "driver", or_dash(f->driver),
	       or_dash(f->version), or_dash(f->fw_version), or_dash(f->bus_info));
	if (f->kind[0])
		printf("  %-14s%s\n", "kind", f->kind);
	if (f->peer_known)
		printf("  %-14s%s, MTU %d, tx queues %u, rx-gro %s, XDP %s\n", "peer",
		       f->peer_ifname, f->peer_mtu, f->peer_real_tx_queues,
		       tristate(f->peer_gro), f->peer_xdp ? "attached" : "none");
	else if (f->has_peer)
		printf("  %-14sin another namespace (not inspected)\n", "peer");
	printf("  %-14s%d (min %d, max %d)\n", "MTU", f->mtu, f->min_mtu, f->max_mtu);
	printf("  %-14srx %u, tx %u\n", "queues", f->num_rx_queues, f->num_tx_queues);
	if (c->known)
		printf("  %-14scombined %u/%u, rx %u/%u, tx %u/%u (current/max)\n",
		       "channels", c->combined, c->max_combined, c->rx, c->max_rx,
		       c->tx, c->max_tx);
	else
		printf("  %-14snot reported by the driver\n", "channels");
	printf("  %-14slro %s, rx-gro-hw %s, rx-gro %s\n", "offloads", tristate(f->lro),
	       tristate(f->rx_gro_hw), tristate(f->gro));
	printf("  %-14s%s, BTF %s, bpffs %s, tcx %s, XDP link %s, attach-failed tracepoint %s\n",
	       "kernel", k->release, yes_no(k->btf), yes_no(k->bpffs), yes_no(k->tcx),
	       yes_no(k->xdp_link), yes_no(k->xdp_attach_failed_tp));
	print_features(f);
	print_attached(&f->attached);
}

static void print_trials(const struct probe_trials *tr)
{
	int i;

	printf("\n  %-24s %-8s %-11s %s\n", "trial", "result", "errno", "kernel message / note");
	for (i = 0; i < TRIAL_COUNT; i++) {
		const struct probe_trial *t = &tr->t[i];
		const char *text = t->kernel_msg[0] ? t->kernel_msg : t->note;

		printf("  %-24s %-8s %-11s %s\n", trial_names[i].label,
		       probe_outcome_name(t->outcome),
		       t->outcome == OUTCOME_FAILED ? errno_name(t->err) : "-", or_dash(text));
		if (t->kernel_msg[0] && t->note[0])
			printf("  %-24s %-8s %-11s %s\n", "", "", "", t->note);
	}
}

static void print_diagnosis(const struct probe_diagnosis *d)
{
	int i;

	printf("\n  verdict: %s\n", d->verdict);
	for (i = 0; i < d->n; i++) {
		const struct probe_finding *x = &d->f[i];

		printf("  [%s] %s: %s\n", severity_names[x->severity], x->rule, x->reason);
		if (x->fix[0])
			printf("         fix: %s\n", x->fix);
	}
}

void probe_print_table(const struct probe_result *r, bool trials_run)
{
	print_facts(&r->facts);
	if (trials_run)
		print_trials(&r->trials);
	else
		printf("\n  trials: not run (read-only)\n");
	print_diagnosis(&r->diag);
}

/* ------------------------------------------------------------ JSON */

/*
 * s, or null when empty.  Text from firmware (DMI) or the environment may
 * not be UTF-8, which JSON needs: such a string goes out with every byte
 * outside printable ASCII as '?', rather than failing the document.
 */
static json_t *json_str_or_null(const char *s)
{
	char clean[PROBE_MSG * 2];
	json_t *j;
	size_t i;

	if (!s || !s[0])
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	snprintf(clean, sizeof(clean), "%s", s);
	for (i = 0; clean[i]; i++)
		if (clean[i] < 0x20 || clean[i] >= 0x7f)
			clean[i] = '?';
	return json_string(clean);
}

static json_t *json_tristate(enum probe_tristate t)
{
	return t == PROBE_UNKNOWN ? json_null() : json_boolean(t == PROBE_ON);
}

static json_t *channels_json(const struct probe_channels *c)
{
	if (!c->known)
		return json_null();
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}",
			 "rx", c->rx, "tx", c->tx, "other", c->other, "combined", c->combined,
			 "max_rx", c->max_rx, "max_tx", c->max_tx, "max_other", c->max_other,
			 "max_combined", c->max_combined);
}

static json_t *features_json(const struct probe_facts *f)
{
	json_t *arr;
	size_t i;

	if (!f->xdp_features_known)
		return json_null();
	arr = json_array();
	for (i = 0; i < sizeof(xdp_feature_names) / sizeof(xdp_feature_names[0]); i++)
		if (f->xdp_features & xdp_feature_names[i].bit)
			json_array_append_new(arr, json_string(xdp_feature_names[i].name));
	return arr;
}

static json_t *attached_json(const struct probe_attached *a)
{
	json_t *xdp;

	if (a->xdp_attached == XDP_ATTACHED_NONE)
		xdp = json_null();
	else
		xdp = json_pack("{s:s,s:i,s:i,s:i,s:i,s:s,s:o}",
				"mode", xdp_attached_name(a->xdp_attached), "prog_id", a->xdp_prog_id,
				"native_prog_id", a->xdp_drv_prog_id,
				"generic_prog_id", a->xdp_skb_prog_id,
				"offload_prog_id", a->xdp_hw_prog_id, "by", attached_by(a),
				"link_id", a->xdp_link_id ? json_integer(a->xdp_link_id) : json_null());
	/* null counts: the kernel would not say (no CAP_NET_ADMIN), not zero. */
	return json_pack("{s:o,s:{s:o,s:o},s:b,s:{s:i,s:i}}", "xdp", xdp, "tcx",
			 "ingress", a->tcx_unknown ? json_null() : json_integer(a->tcx_ingress),
			 "egress", a->tcx_unknown ? json_null() : json_integer(a->tcx_egress),
			 "clsact", a->clsact,
			 "tc_bpf_filters", "ingress", a->tc_ingress_filters,
			 "egress", a->tc_egress_filters);
}

static json_t *kernel_json(const struct probe_kernel *k)
{
	return json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:i}", "release", k->release,
			 "btf", k->btf, "bpffs", k->bpffs, "tcx", k->tcx, "xdp_link", k->xdp_link,
			 "xdp_attach_failed_tracepoint", k->xdp_attach_failed_tp,
			 "page_size", (int)k->page_size);
}

static json_t *peer_json(const struct probe_facts *f)
{
	if (!f->has_peer)
		return json_null();
	if (!f->peer_known)
		return json_pack("{s:n,s:n,s:n,s:n,s:n}", "ifname", "mtu", "tx_queues",
				 "rx_gro", "xdp");
	return json_pack("{s:s,s:i,s:i,s:o,s:b}", "ifname", f->peer_ifname, "mtu", f->peer_mtu,
			 "tx_queues", f->peer_real_tx_queues, "rx_gro", json_tristate(f->peer_gro),
			 "xdp", f->peer_xdp);
}

static json_t *facts_json(const struct probe_facts *f)
{
	return json_pack("{s:s,s:i,s:o,s:o,s:{s:o,s:o,s:o,s:o},s:{s:i,s:i,s:i},"
			 "s:{s:i,s:i},s:o,s:{s:o,s:o,s:o},s:o,s:o,s:o,s:o}",
			 "ifname", f->ifname, "ifindex", f->ifindex,
			 "netns", json_str_or_null(f->netns), "kind", json_str_or_null(f->kind),
			 "driver", "name", json_str_or_null(f->driver),
			 "version", json_str_or_null(f->version),
			 "firmware", json_str_or_null(f->fw_version),
			 "bus", json_str_or_null(f->bus_info),
			 "mtu", "current", f->mtu, "min", f->min_mtu, "max", f->max_mtu,
			 "queues", "rx", f->num_rx_queues, "tx", f->num_tx_queues,
			 "channels", channels_json(&f->channels),
			 "offloads", "lro", json_tristate(f->lro),
			 "rx_gro_hw", json_tristate(f->rx_gro_hw), "rx_gro", json_tristate(f->gro),
			 "peer", peer_json(f), "kernel", kernel_json(&f->kernel),
			 "xdp_features", features_json(f), "attached", attached_json(&f->attached));
}

static json_t *trials_json(const struct probe_trials *tr)
{
	json_t *obj = json_object();
	int i;

	for (i = 0; i < TRIAL_COUNT; i++) {
		const struct probe_trial *t = &tr->t[i];

		json_object_set_new(obj, trial_names[i].key,
			json_pack("{s:s,s:o,s:o,s:o}", "result", probe_outcome_name(t->outcome),
				  "errno", t->outcome == OUTCOME_FAILED ?
					   json_string(errno_name(t->err)) : json_null(),
				  "kernel_message", json_str_or_null(t->kernel_msg),
				  "note", json_str_or_null(t->note)));
	}
	return obj;
}

static json_t *findings_json(const struct probe_diagnosis *d)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; i < d->n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o}",
			"rule", d->f[i].rule, "severity", severity_names[d->f[i].severity],
			"reason", d->f[i].reason, "fix", json_str_or_null(d->f[i].fix)));
	return arr;
}

json_t *probe_to_json(const struct probe_result *r, bool trials_run)
{
	json_t *obj = facts_json(&r->facts);

	if (!obj)
		return NULL;
	json_object_set_new(obj, "trials", trials_run ? trials_json(&r->trials) : json_null());
	json_object_set_new(obj, "verdict", json_string(r->diag.verdict));
	json_object_set_new(obj, "findings", findings_json(&r->diag));
	return obj;
}

/* ------------------------------------------------- platform, selection */

static const char *const select_names[] = {
	[PROBE_SELECT_NAMED] = "named",
	[PROBE_SELECT_DEFAULT_ROUTE] = "default_route",
	[PROBE_SELECT_ALL] = "all",
};

static void print_names(const char *label, char (*names)[IF_NAMESIZE], int n)
{
	int i;

	printf("%-12s", label);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", names[i]);
	printf("%s\n", n ? "" : "none");
}

void probe_print_header(const struct probe_platform *p, const struct probe_targets *t,
			bool read_only, int verbose)
{
	printf("dplab probe %s on %s%s\n", p->probe_version, or_dash(p->node),
	       read_only ? ", read-only" : "");
	if (p->dmi)
		printf("%-12s%s / %s / %s\n", "machine", or_dash(p->dmi_vendor),
		       or_dash(p->dmi_product), or_dash(p->dmi_version));
	else
		printf("%-12sunknown (%s)\n", "machine", p->dmi_missing_reason);
	if (p->hypervisor[0])
		printf("%-12s%s (from %s)\n", "hypervisor", p->hypervisor, p->hypervisor_source);
	else
		printf("%-12sunknown (%s)\n", "hypervisor", p->hypervisor_missing_reason);
	printf("%-12s%s\n", "cpu", or_dash(p->cpu_model));
	printf("%-12s%s %s\n", "kernel", p->kernel_release, p->kernel_version);
	if (t->by != PROBE_SELECT_NAMED) {
		print_names("probing", t->names, t->n);
		printf("%-12s%s%s\n", "because", t->detail,
		       read_only ? "; read-only: not named on the command line (--trials to attach)" : "");
	}
	if (t->by == PROBE_SELECT_ALL && verbose)
		print_names("skipped", t->skipped, t->n_skipped);
	printf("\n");
}

static json_t *dmi_json(const struct probe_platform *p)
{
	if (!p->dmi)
		return json_null();
	return json_pack("{s:o,s:o,s:o}", "vendor", json_str_or_null(p->dmi_vendor),
			 "product", json_str_or_null(p->dmi_product),
			 "version", json_str_or_null(p->dmi_version));
}

static json_t *names_json(char (*names)[IF_NAMESIZE], int n)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(names[i]));
	return arr;
}

int probe_platform_to_json(json_t *doc, const struct probe_platform *p,
			   const struct probe_targets *t, bool read_only)
{
	json_t *platform, *selection;

	platform = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:{s:o,s:o}}",
			     "dmi", dmi_json(p),
			     "dmi_missing_reason", json_str_or_null(p->dmi ? "" : p->dmi_missing_reason),
			     "hypervisor", json_str_or_null(p->hypervisor),
			     "hypervisor_source", json_str_or_null(p->hypervisor_source),
			     "hypervisor_missing_reason",
			     json_str_or_null(p->hypervisor[0] ? "" : p->hypervisor_missing_reason),
			     "cpu_model", json_str_or_null(p->cpu_model),
			     "kernel", "release", json_str_or_null(p->kernel_release),
			     "version", json_str_or_null(p->kernel_version));
	selection = json_pack("{s:s,s:o,s:o}", "by", select_names[t->by],
			      "detail", json_str_or_null(t->detail),
			      "skipped", t->by == PROBE_SELECT_ALL ?
					 names_json(t->skipped, t->n_skipped) : json_null());
	if (!platform || !selection) {
		json_decref(platform);
		json_decref(selection);
		return -ENOMEM;
	}
	/* Each set takes its value, also when it fails: all four are tried. */
	if (json_object_set_new(doc, "probe", json_pack("{s:o,s:b}", "version",
							 json_str_or_null(p->probe_version),
							 "read_only", read_only)) |
	    json_object_set_new(doc, "node", json_str_or_null(p->node)) |
	    json_object_set_new(doc, "platform", platform) |
	    json_object_set_new(doc, "selection", selection))
		return -ENOMEM;
	return 0;
}
