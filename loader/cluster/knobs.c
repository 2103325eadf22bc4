// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Knobs: one table row per knob (name, values, field), the presets A-E of
 * the published benchmark, profiles and the state file.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/fsutil.h"
#include "cluster/knobs.h"

#define MAX_VALUES 4

struct knob_def {
	const char *name;
	size_t offset;			/* of an int-sized field in struct knobs */
	const char *values[MAX_VALUES];	/* enum names in order; NULL: a number */
	__u32 min, max;			/* numbers only */
	const char *what;		/* one line for --help */
};

#define FIELD(f) offsetof(struct knobs, f)
_Static_assert(sizeof(enum routing_mode) == sizeof(__u32), "knob fields are 4 bytes");

static const struct knob_def knob_defs[KNOB_COUNT] = {
	[KNOB_ROUTING] = { "routing", FIELD(routing), { "native", "vxlan" }, 0, 0,
		"native routes between nodes, or VXLAN overlay" },
	[KNOB_HOST_ROUTING] = { "host_routing", FIELD(host_routing), { "legacy", "bpf" }, 0, 0,
		"host stack forwarding, or bpf_redirect_peer/neigh + fib lookup" },
	[KNOB_SERVICE_LB] = { "service_lb", FIELD(service_lb), { "iptables", "tc", "socket" }, 0, 0,
		"kube-proxy iptables, eBPF per-packet DNAT at tc, or socket LB at connect()" },
	[KNOB_MASQUERADE] = { "masquerade", FIELD(masquerade), { "iptables", "bpf" }, 0, 0,
		"iptables MASQUERADE, or BPF SNAT at the uplink" },
	[KNOB_XDP_LB] = { "xdp_lb", FIELD(xdp_lb), { "off", "native", "generic" }, 0, 0,
		"NodePort load balancing at XDP on the uplink" },
	[KNOB_VETH_NAPI] = { "veth_napi", FIELD(veth_napi), { "off", "on" }, 0, 0,
		"veth NAPI mode: XDP pass-through on each uplink's fabric side (xdp_lb=native "
		"has it)" },
	[KNOB_CT_MAX] = { "ct_max", FIELD(ct_max), { NULL }, 1024, 16777216,
		"entries of each conntrack/NAT table" },
	[KNOB_CONGESTION] = { "congestion", FIELD(congestion), { "cubic", "bbr" }, 0, 0,
		"TCP congestion control in the pods" },
	[KNOB_SERVICES] = { "services", FIELD(services), { NULL }, 0, 10000,
		"services programmed (fillers added before the declared ones)" },
	[KNOB_XDP_ATTACH] = { "xdp_attach", FIELD(xdp_attach),
		{ "auto", "link", "netlink", "libxdp" }, 0, 0,
		"XDP attach: bpf_link then netlink, or one of them, or libxdp" },
	[KNOB_TC_ATTACH] = { "tc_attach", FIELD(tc_attach), { "auto", "tcx", "legacy" }, 0, 0,
		"tc attach: tcx link then legacy clsact, or one of them" },
	[KNOB_BANDWIDTH_MANAGER] = { "bandwidth_manager", FIELD(bandwidth_manager),
		{ "off", "on" }, 0, 0, "EDT pacing with the fq qdisc" },
};

/* The presets: the published report's scenarios A-E. */
static const struct {
	char name;
	const char *what;
	const char *assignments;
} presets[] = {
	{ 'A', "VPC-CNI-like: native routing, legacy host routing, iptables services and masquerade",
	  "" },
	{ 'B', "overlay with kube-proxy iptables", "routing=vxlan" },
	{ 'C', "overlay, kube-proxy-less (tc + socket LB)", "routing=vxlan service_lb=socket" },
	{ 'D', "native routing, kube-proxy-less", "service_lb=socket" },
	{ 'E', "D + BPF host routing, BPF masquerade, BBR, larger CT tables, XDP LB",
	  "service_lb=socket host_routing=bpf masquerade=bpf congestion=bbr "
	  "ct_max=524288 xdp_lb=native" },
};

/* Every field is an enum or a __u32: four bytes. */
static __u32 field_get(const struct knobs *k, const struct knob_def *d)
{
	return *(const __u32 *)((const char *)k + d->offset);
}

static void field_set(struct knobs *k, const struct knob_def *d, __u32 v)
{
	*(__u32 *)((char *)k + d->offset) = v;
}

void knobs_default(struct knobs *k)
{
	memset(k, 0, sizeof(*k));
	k->ct_max = KNOBS_CT_MAX_DEFAULT;
	k->services = 0;	/* just the topology's own */
}

const char *knob_name(enum knob_id id)
{
	return id < KNOB_COUNT ? knob_defs[id].name : "?";
}

void knob_value(const struct knobs *k, enum knob_id id, char *buf, size_t len)
{
	const struct knob_def *d = &knob_defs[id];
	__u32 v = field_get(k, d);

	if (d->values[0])
		snprintf(buf, len, "%s", v < MAX_VALUES && d->values[v] ? d->values[v] : "?");
	else
		snprintf(buf, len, "%u", v);
}

bool knobs_equal(const struct knobs *a, const struct knobs *b, enum knob_id id)
{
	return field_get(a, &knob_defs[id]) == field_get(b, &knob_defs[id]);
}

static void values_text(const struct knob_def *d, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	if (!d->values[0]) {
		snprintf(buf, len, "a number from %u to %u", d->min, d->max);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < MAX_VALUES && d->values[i]; i++)
		used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				 i ? ", " : "", d->values[i]);
}

static int parse_value(const struct knob_def *d, const char *val, __u32 *out)
{
	char *end;
	unsigned long n;
	int i;

	if (d->values[0]) {
		for (i = 0; i < MAX_VALUES && d->values[i]; i++)
			if (!strcmp(val, d->values[i])) {
				*out = i;
				return 0;
			}
		return -EINVAL;
	}
	errno = 0;
	n = strtoul(val, &end, 10);
	if (errno || end == val || *end || n < d->min || n > d->max)
		return -EINVAL;
	*out = n;
	return 0;
}

int knobs_assign(struct knobs *k, const char *assignment, enum knob_id *changed,
		 char *err, size_t err_len)
{
	const char *eq = strchr(assignment, '=');
	char values[128];
	size_t name_len;
	__u32 v;
	int i;

	if (!eq) {
		snprintf(err, err_len, "'%s': expected KNOB=VALUE", assignment);
		return -EINVAL;
	}
	name_len = eq - assignment;
	for (i = 0; i < KNOB_COUNT; i++)
		if (strlen(knob_defs[i].name) == name_len &&
		    !strncmp(knob_defs[i].name, assignment, name_len))
			break;
	if (i == KNOB_COUNT) {
		snprintf(err, err_len, "'%.*s': no such knob (dplab set --help lists them)",
			 (int)name_len, assignment);
		return -EINVAL;
	}
	if (parse_value(&knob_defs[i], eq + 1, &v)) {
		values_text(&knob_defs[i], values, sizeof(values));
		snprintf(err, err_len, "%s: '%s' is not a value it takes (%s)",
			 knob_defs[i].name, eq + 1, values);
		return -EINVAL;
	}
	field_set(k, &knob_defs[i], v);
	if (changed)
		*changed = i;
	return 0;
}

static int apply_preset(char name, struct knobs *k)
{
	char list[256], *tok, *save = NULL, err[256];
	size_t i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		if (presets[i].name != name)
			continue;
		knobs_default(k);
		snprintf(list, sizeof(list), "%s", presets[i].assignments);
		for (tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			if (knobs_assign(k, tok, NULL, err, sizeof(err)))
				return -EINVAL;	/* the table above is wrong */
		return 0;
	}
	return -ENOENT;
}

static bool preset_name(const char *s, char *name)
{
	if (strlen(s) != 1)
		return false;
	*name = (char)(s[0] & ~0x20);	/* upper case */
	return *name >= 'A' && *name <= 'E';
}

/* Lines of a profile or state file: "preset X" or "KNOB=VALUE". */
static int read_lines(FILE *f, const char *path, struct knobs *k, char *err, size_t err_len)
{
	char line[256], msg[256], name;
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;

		lineno++;
		s[strcspn(s, "#\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*s)
			continue;
		if (!strncmp(s, "preset ", 7) && preset_name(s + 7, &name)) {
			apply_preset(name, k);
			continue;
		}
		if (knobs_assign(k, s, NULL, msg, sizeof(msg))) {
			snprintf(err, err_len, "%s:%d: %s", path, lineno, msg);
			return -EINVAL;
		}
	}
	return 0;
}

int knobs_profile(const char *name_or_file, struct knobs *k, char *err, size_t err_len)
{
	FILE *f;
	char name;
	int ret;

	knobs_default(k);
	if (preset_name(name_or_file, &name))
		return apply_preset(name, k);
	f = fopen(name_or_file, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, err_len, "profile '%s': not a preset (A-E) and not a readable file: %s",
			 name_or_file, strerror(errno));
		return ret;
	}
	ret = read_lines(f, name_or_file, k, err, err_len);
	fclose(f);
	return ret;
}

void knobs_print(const struct knobs *k, FILE *out)
{
	char v[32];
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		knob_value(k, i, v, sizeof(v));
		fprintf(out, "%s=%s\n", knob_defs[i].name, v);
	}
}

json_t *knobs_to_json(const struct knobs *k)
{
	json_t *o = json_object();
	char v[32];
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		if (knob_defs[i].values[0]) {
			knob_value(k, i, v, sizeof(v));
			json_object_set_new(o, knob_defs[i].name, json_string(v));
		} else {
			json_object_set_new(o, knob_defs[i].name,
					    json_integer(field_get(k, &knob_defs[i])));
		}
	}
	return o;
}

void knobs_help(FILE *out)
{
	char values[128];
	size_t i;

	fprintf(out, "knobs:\n");
	for (i = 0; i < KNOB_COUNT; i++) {
		values_text(&knob_defs[i], values, sizeof(values));
		fprintf(out, "  %-18s %s\n  %-18s   (%s)\n", knob_defs[i].name, knob_defs[i].what,
			"", values);
	}
	fprintf(out, "presets (--profile):\n");
	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		fprintf(out, "  %c  %s\n", presets[i].name, presets[i].what);
}

int knobs_save(const struct knobs *k, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	knobs_print(k, f);
	ret = fclose(f) ? -ENOMEM : write_file(path, text);
	free(text);
	return ret;
}

int knobs_load(struct knobs *k, const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return ret;
	}
	knobs_default(k);
	ret = read_lines(f, path, k, err, err_len);
	fclose(f);
	return ret;
}
