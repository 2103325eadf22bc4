// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The probe's host-wide facts and its choice of interfaces, without a
 * machine of each kind: DMI trees, /sys/hypervisor and /proc/cpuinfo
 * made up under /tmp, CPUID answers given as data (loader/probe/
 * probe_platform.c, loader/util/platform.c), and rtnetlink route and link
 * messages built here for the parsers and the route choice
 * (loader/probe/probe_facts_nl.c, probe_select.c).  No root needed.
 * Then the binary on this machine, read-only: the default route's interface
 * is the only one of the caller's namespace a test may probe, and never
 * with trials; what it reports is checked against the machine itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/utsname.h>
#include <jansson.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "lib/testlib.h"
#include "lib/testns.h"
#include "probe/probe.h"
#include "probe/probe_facts_nl.h"
#include "util/fsutil.h"
#include "util/platform.h"

/* ------------------------------------------------------- made-up trees */

enum tf_kind { TF_END, TF_FILE, TF_DIR, TF_DANGLING };

/* One entry of a tree: a file with text, a directory, a dangling symlink. */
struct tf {
	enum tf_kind kind;
	const char *path;	/* under the root, from "/" */
	const char *text;
};

#define TF_MAX 6
#define DMI "/sys/class/dmi/id/"
#define F(p, t) { TF_FILE, (p), (t) }

static void tree_make(char root[64], const struct tf *files)
{
	char path[512], *slash;
	int i;

	snprintf(root, 64, "/tmp/dplab-platform-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	for (i = 0; i < TF_MAX && files[i].kind != TF_END; i++) {
		snprintf(path, sizeof(path), "%s%s", root, files[i].path);
		slash = strrchr(path, '/');
		*slash = '\0';
		ck_assert_int_eq(mkdir_p(path, 0755), 0);
		*slash = '/';
		if (files[i].kind == TF_DIR)
			ck_assert_int_eq(mkdir_p(path, 0755), 0);
		else if (files[i].kind == TF_DANGLING)
			ck_assert_int_eq(symlink("/nonexistent/dplab", path), 0);
		else
			ck_assert_int_eq(write_file(path, files[i].text), 0);
	}
}

static void tree_remove(const char *root)
{
	char failed[256];

	ck_assert_int_eq(rm_tree(root, failed, sizeof(failed)), 0);
}

/* got ("" = null) is what the fixture expects (NULL = null). */
static void expect_str(const char *desc, const char *field, const char *got, const char *want)
{
	if (!want)
		ck_assert_msg(!got || !got[0], "%s: %s: expected null, got '%s'", desc, field, got);
	else
		ck_assert_msg(got && !strcmp(got, want), "%s: %s: expected '%s', got '%s'", desc,
			      field, want, got ? got : "(null)");
}

/* ------------------------------------------------------- DMI and CPU */

static const struct platform_cpuid bhyve_cpuid = {
	.available = true, .hv_bit = true, .sig = { "bhyve bhyve " },
};

static const struct dmi_fx {
	const char *desc;
	struct tf files[TF_MAX];
	bool dmi;
	const char *vendor, *product, *version;
	const char *reason_has;		/* a part of dmi_missing_reason */
	const char *cpu;
} dmi_fx[] = {
	{ .desc = "EC2 Nitro: the product name is the instance type",
	  .files = { F(DMI "sys_vendor", "Amazon EC2\n"), F(DMI "product_name", "m6i.xlarge\n"),
		     F(DMI "product_version", "\n"),
		     F("/proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n"
		       "model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n") },
	  .dmi = true, .vendor = "Amazon EC2", .product = "m6i.xlarge",
	  .cpu = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" },
	{ .desc = "no DMI tables (this VM, Firecracker): null with the reason",
	  .files = { F("/proc/cpuinfo", "model name\t: AMD EPYC\n") },
	  .reason_has = "no DMI tables: /sys/class/dmi/id is absent", .cpu = "AMD EPYC" },
	{ .desc = "white space around values is not part of them",
	  .files = { F(DMI "sys_vendor", "  QEMU \t\n"),
		     F(DMI "product_name", "Standard PC (Q35 + ICH9, 2009)\n\n"),
		     F(DMI "product_version", "pc-q35-7.2 \r\n"),
		     F("/proc/cpuinfo", "model name\t:   AMD EPYC 7R13 Processor  \n") },
	  .dmi = true, .vendor = "QEMU", .product = "Standard PC (Q35 + ICH9, 2009)",
	  .version = "pc-q35-7.2", .cpu = "AMD EPYC 7R13 Processor" },
	{ .desc = "an unreadable attribute is null, the others are read",
	  .files = { { TF_DANGLING, DMI "sys_vendor" }, { TF_DIR, DMI "product_name" },
		     F(DMI "product_version", "1.0\n"),
		     F("/proc/cpuinfo", "model name\t: \nmodel name\t: second\n") },
	  .dmi = true, .version = "1.0", .cpu = "second" },
	{ .desc = "an empty DMI directory: DMI present, every value null",
	  .files = { { TF_DIR, "/sys/class/dmi/id" } },
	  .dmi = true },
	{ .desc = "arm64 /proc/cpuinfo has no model name: null",
	  .files = { F("/proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 50.00\n"
				       "CPU implementer\t: 0x41\nCPU part\t: 0xd0c\n") },
	  .reason_has = "/sys/class/dmi/id is absent" },
};

START_TEST(test_dmi_and_cpu_from_tree)
{
	const struct dmi_fx *fx = &dmi_fx[_i];
	struct probe_platform p;
	char root[64];

	tree_make(root, fx->files);
	memset(&p, 0, sizeof(p));
	probe_platform_read(root, &bhyve_cpuid, &p);
	tree_remove(root);
	ck_assert_msg(p.dmi == fx->dmi, "%s: dmi %d, expected %d", fx->desc, p.dmi, fx->dmi);
	expect_str(fx->desc, "vendor", p.dmi_vendor, fx->vendor);
	expect_str(fx->desc, "product", p.dmi_product, fx->product);
	expect_str(fx->desc, "version", p.dmi_version, fx->version);
	if (fx->reason_has)
		ck_assert_msg(strstr(p.dmi_missing_reason, fx->reason_has), "%s: reason '%s'",
			      fx->desc, p.dmi_missing_reason);
	else
		ck_assert_msg(fx->dmi, "%s: a fixture without DMI names the reason", fx->desc);
	expect_str(fx->desc, "cpu_model", p.cpu_model, fx->cpu);
}
END_TEST

/* ------------------------------------------------------- hypervisor */

/* CPUID answers: the hypervisor bit, then the signatures of the bases. */
#define HV(bit, ...) { .available = true, .hv_bit = (bit), .sig = { __VA_ARGS__ } }
#define NO_CPUID { .available = false }

static const struct hv_fx {
	const char *desc;
	struct platform_cpuid cpuid;
	struct tf files[TF_MAX];
	const char *hv, *source;	/* NULL: null */
	const char *reason_has;		/* a part of hypervisor_missing_reason */
} hv_fx[] = {
	{ .desc = "bhyve (this VM)", .cpuid = HV(true, "bhyve bhyve "),
	  .hv = "bhyve", .source = "cpuid" },
	{ .desc = "KVM (EC2 Nitro)", .cpuid = HV(true, "KVMKVMKVM\0\0\0"),
	  .hv = "kvm", .source = "cpuid" },
	{ .desc = "Hyper-V", .cpuid = HV(true, "Microsoft Hv"), .hv = "hyperv", .source = "cpuid" },
	{ .desc = "KVM offering Hyper-V's interface first: KVM, as the kernel decides",
	  .cpuid = HV(true, "Microsoft Hv", "KVMKVMKVM\0\0\0"), .hv = "kvm", .source = "cpuid" },
	{ .desc = "Xen HVM with viridian: Xen at the second base",
	  .cpuid = HV(true, "Microsoft Hv", "XenVMMXenVMM"), .hv = "xen", .source = "cpuid" },
	{ .desc = "junk past the first base is not a hypervisor",
	  .cpuid = HV(true, "bhyve bhyve ", "VMwareVMwarx", "KVMKVMKVM\0\0\0"),
	  .hv = "bhyve", .source = "cpuid" },
	{ .desc = "an unknown signature is reported raw, trailing NULs cut",
	  .cpuid = HV(true, "NewHyper\0\0\0\0"), .hv = "NewHyper", .source = "cpuid" },
	{ .desc = "bare metal: hypervisor bit clear, no /sys/hypervisor",
	  .cpuid = HV(false), .hv = "none", .source = "cpuid" },
	{ .desc = "bare metal in a container: the container is not a hypervisor",
	  .cpuid = HV(false), .files = { F("/.dockerenv", "") }, .hv = "none", .source = "cpuid" },
	{ .desc = "Xen PV: CPUID says nothing, /sys/hypervisor/type does",
	  .cpuid = HV(false), .files = { F("/sys/hypervisor/type", "xen\n") },
	  .hv = "xen", .source = "sys_hypervisor" },
	{ .desc = "hypervisor bit without a signature, /sys/hypervisor/type names it",
	  .cpuid = HV(true), .files = { F("/sys/hypervisor/type", "xen\n") },
	  .hv = "xen", .source = "sys_hypervisor" },
	{ .desc = "hypervisor bit without a signature and nothing else: cannot tell",
	  .cpuid = HV(true), .reason_has = "no vendor signature" },
	{ .desc = "not x86: no CPUID, no /sys/hypervisor: null and why",
	  .cpuid = NO_CPUID, .reason_has = "x86 only" },
	{ .desc = "not x86 with /sys/hypervisor/type",
	  .cpuid = NO_CPUID, .files = { F("/sys/hypervisor/type", "xen") },
	  .hv = "xen", .source = "sys_hypervisor" },
};

START_TEST(test_hypervisor_decision)
{
	const struct hv_fx *fx = &hv_fx[_i];
	struct probe_platform p;
	char root[64];

	tree_make(root, fx->files);
	memset(&p, 0, sizeof(p));
	probe_platform_read(root, &fx->cpuid, &p);
	tree_remove(root);
	expect_str(fx->desc, "hypervisor", p.hypervisor, fx->hv);
	expect_str(fx->desc, "hypervisor_source", p.hypervisor_source, fx->source);
	if (fx->reason_has)
		ck_assert_msg(strstr(p.hypervisor_missing_reason, fx->reason_has),
			      "%s: reason '%s'", fx->desc, p.hypervisor_missing_reason);
	else
		expect_str(fx->desc, "hypervisor_missing_reason", p.hypervisor_missing_reason, NULL);
}
END_TEST

/* The 12 bytes each hypervisor puts in EBX, ECX, EDX of leaf 0x40000000. */
static const struct {
	const char sig[13];
	const char *key;
} sig_fx[] = {
	{ "KVMKVMKVM\0\0\0", "kvm" }, { "Linux KVM Hv", "kvm" }, { "bhyve bhyve ", "bhyve" },
	{ "Microsoft Hv", "hyperv" }, { "VMwareVMware", "vmware" }, { "XenVMMXenVMM", "xen" },
	{ "TCGTCGTCGTCG", "qemu-tcg" }, { "VBoxVBoxVBox", "virtualbox" },
	{ "ACRNACRNACRN", "acrn" }, { " lrpepyh  vr", "parallels" },
};

START_TEST(test_cpuid_signature_table)
{
	const struct platform_hv_id *id = platform_hv_by_signature(sig_fx[_i].sig);
	char near[12];

	ck_assert_msg(id, "signature '%.12s' is not known", sig_fx[_i].sig);
	ck_assert_str_eq(id->key, sig_fx[_i].key);
	/* All 12 bytes count: one changed is another hypervisor. */
	memcpy(near, sig_fx[_i].sig, 12);
	near[11] ^= 0x20;
	ck_assert_ptr_null(platform_hv_by_signature(near));
}
END_TEST

/* ------------------------------------------------------- routes, links */

#define MSG_BUF 4096

struct route_spec {
	__u8 family, dst_len, table, type;
	__u32 table_attr;		/* RTA_TABLE, 0: none */
	__u32 oif, priority, nh_id;	/* 0: no attribute */
	const char *gw;			/* RTA_GATEWAY, NULL: none */
	__u32 hop_oif;			/* !0: RTA_MULTIPATH with one hop */
	const char *hop_gw;
};

static void put_gw(struct nlmsghdr *nlh, const char *gw)
{
	__u8 a[4];

	ck_assert_int_eq(inet_pton(AF_INET, gw, a), 1);
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(a), a);
}

static void put_multipath(struct nlmsghdr *nlh, const struct route_spec *s)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
	struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(nlh);

	memset(nh, 0, sizeof(*nh));
	nh->rtnh_ifindex = s->hop_oif;
	nlh->nlmsg_len += RTNH_ALIGN(sizeof(*nh));
	if (s->hop_gw)
		put_gw(nlh, s->hop_gw);
	nh->rtnh_len = (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nh;
	mnl_attr_nest_end(nlh, nest);
}

/* An RTM_NEWROUTE as the kernel dumps it, at buf + *off. */
static void put_route(char *buf, size_t *off, const struct route_spec *s)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *off);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = s->family;
	rtm->rtm_dst_len = s->dst_len;
	rtm->rtm_table = s->table;
	rtm->rtm_type = s->type;
	if (s->table_attr)
		mnl_attr_put_u32(nlh, RTA_TABLE, s->table_attr);
	if (s->priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, s->priority);
	if (s->gw)
		put_gw(nlh, s->gw);
	if (s->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, s->oif);
	if (s->nh_id)
		mnl_attr_put_u32(nlh, RTA_NH_ID, s->nh_id);
	if (s->hop_oif)
		put_multipath(nlh, s);
	*off += NLMSG_ALIGN(nlh->nlmsg_len);
}

#define V4_DEFAULT .family = AF_INET, .table = RT_TABLE_MAIN, .type = RTN_UNICAST
#define ROUTES_MAX 4

static const struct route_fx {
	const char *desc;
	struct route_spec in[ROUTES_MAX];
	int n_in;
	int n_kept;		/* default routes the parser keeps */
	int pick;		/* index probe_route_pick() chooses, -1: none */
	__u32 oif, priority;	/* of the pick */
	const char *gw;		/* of the pick, NULL: none */
} route_fx[] = {
	{ .desc = "one default route via a gateway",
	  .in = { { V4_DEFAULT, .oif = 4, .gw = "192.0.2.1" } }, .n_in = 1,
	  .n_kept = 1, .pick = 0, .oif = 4, .gw = "192.0.2.1" },
	{ .desc = "two default routes: the lowest metric, wherever it is in the dump",
	  .in = { { V4_DEFAULT, .oif = 3, .priority = 200, .gw = "10.0.0.1" },
		  { V4_DEFAULT, .oif = 5, .priority = 100, .gw = "10.1.0.1" } }, .n_in = 2,
	  .n_kept = 2, .pick = 1, .oif = 5, .priority = 100, .gw = "10.1.0.1" },
	{ .desc = "equal metrics: the first as dumped (the kernel's FIB order)",
	  .in = { { V4_DEFAULT, .oif = 7, .priority = 50 },
		  { V4_DEFAULT, .oif = 8, .priority = 50 } }, .n_in = 2,
	  .n_kept = 2, .pick = 0, .oif = 7, .priority = 50 },
	{ .desc = "not default routes, other tables, IPv6, unreachable: none kept",
	  .in = { { .family = AF_INET, .dst_len = 24, .table = RT_TABLE_MAIN,
		    .type = RTN_UNICAST, .oif = 4 },
		  { .family = AF_INET, .table = RT_TABLE_LOCAL, .type = RTN_UNICAST, .oif = 4 },
		  { .family = AF_INET6, .table = RT_TABLE_MAIN, .type = RTN_UNICAST, .oif = 4 },
		  { .family = AF_INET, .table = RT_TABLE_MAIN, .type = RTN_UNREACHABLE } },
	  .n_in = 4, .n_kept = 0, .pick = -1 },
	{ .desc = "table 1000 (RTA_TABLE, rtm_table says COMPAT) is not the main table",
	  .in = { { .family = AF_INET, .table = RT_TABLE_COMPAT, .type = RTN_UNICAST,
		    .table_attr = 1000, .oif = 9 },
		  { V4_DEFAULT, .table_attr = RT_TABLE_MAIN, .oif = 2, .priority = 600 } },
	  .n_in = 2, .n_kept = 1, .pick = 0, .oif = 2, .priority = 600 },
	{ .desc = "multipath: the first hop's device and gateway",
	  .in = { { V4_DEFAULT, .hop_oif = 6, .hop_gw = "10.2.0.1" } }, .n_in = 1,
	  .n_kept = 1, .pick = 0, .oif = 6, .gw = "10.2.0.1" },
	{ .desc = "a nexthop object: kept for the caller to resolve",
	  .in = { { V4_DEFAULT, .nh_id = 12, .priority = 10 } }, .n_in = 1,
	  .n_kept = 1, .pick = 0, .oif = 0, .priority = 10 },
};

START_TEST(test_default_route_parse_and_pick)
{
	const struct route_fx *fx = &route_fx[_i];
	static char buf[MSG_BUF];
	struct probe_nl_routes rs;
	char gw[INET_ADDRSTRLEN];
	size_t off = 0;
	int i, pick;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < fx->n_in; i++)
		put_route(buf, &off, &fx->in[i]);
	ck_assert_int_eq(probe_nl_parse_routes(buf, off, &rs), 0);
	ck_assert_msg(rs.n == fx->n_kept, "%s: %d routes kept, expected %d", fx->desc, rs.n,
		      fx->n_kept);
	pick = probe_route_pick(&rs);
	ck_assert_msg(pick == fx->pick, "%s: picked %d, expected %d", fx->desc, pick, fx->pick);
	if (pick < 0)
		return;
	ck_assert_uint_eq(rs.r[pick].oif, fx->oif);
	ck_assert_uint_eq(rs.r[pick].priority, fx->priority);
	ck_assert_msg(rs.r[pick].has_gateway == (fx->gw != NULL), "%s: gateway", fx->desc);
	if (fx->gw) {
		inet_ntop(AF_INET, rs.r[pick].gateway, gw, sizeof(gw));
		ck_assert_str_eq(gw, fx->gw);
	}
}
END_TEST

/*
 * A route dump as this kernel sent it (tests/fuzz/record_nl.py): default
 * routes of metric 200 and 100, a multipath one of 300 over va and vc, and
 * one by nexthop object 7 of metric 50, beside the namespace's others.
 */
#define RECORDED_ROUTES "tests/fuzz/corpus/probe_nl/route-default"

START_TEST(test_recorded_route_dump)
{
	bool seen[4] = { false };
	struct probe_nl_routes rs;
	char *raw;
	long len;
	int i, pick;

	len = read_file(RECORDED_ROUTES, &raw);
	ck_assert_msg(len > 1, "%s: %s", RECORDED_ROUTES, strerror(len < 0 ? -len : EINVAL));
	/* After the fuzz target's selector byte; copied to be aligned. */
	ck_assert_int_eq(raw[0], 2);
	memmove(raw, raw + 1, len - 1);
	ck_assert_int_eq(probe_nl_parse_routes(raw, len - 1, &rs), 0);
	free(raw);
	ck_assert_int_eq(rs.n, 4);
	for (i = 0; i < rs.n; i++) {
		const struct probe_nl_route *r = &rs.r[i];

		if (r->priority == 200 || r->priority == 100)
			seen[r->priority / 100 - 1] = r->oif && r->has_gateway && !r->multipath;
		else if (r->priority == 300)
			seen[2] = r->oif && r->multipath && r->has_gateway;
		else if (r->priority == 50)
			seen[3] = r->nh_id == 7;	/* the kernel adds its oif too */
	}
	ck_assert_msg(seen[0] && seen[1] && seen[2] && seen[3],
		      "routes: metric 100 %d, 200 %d, multipath %d, nexthop %d",
		      seen[0], seen[1], seen[2], seen[3]);
	pick = probe_route_pick(&rs);
	ck_assert_int_ge(pick, 0);
	ck_assert_uint_eq(rs.r[pick].nh_id, 7);
}
END_TEST

/* IFLA_PARENT_DEV_NAME is what makes a link physical for --all. */
START_TEST(test_link_parent_dev)
{
	static char buf[MSG_BUF];
	struct probe_nl_link l;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int with_parent;

	for (with_parent = 0; with_parent < 2; with_parent++) {
		memset(buf, 0, sizeof(buf));
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWLINK;
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_index = 4;
		mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
		if (with_parent)
			mnl_attr_put_strz(nlh, IFLA_PARENT_DEV_NAME, "virtio2");
		ck_assert_int_eq(probe_nl_parse_link(buf, nlh->nlmsg_len, &l), 0);
		ck_assert_int_eq(l.ifindex, 4);
		ck_assert_str_eq(l.ifname, "eth0");
		ck_assert_int_eq(l.has_parent_dev, with_parent);
	}
}
END_TEST

/* ------------------------------------------------------- this machine */

#define OUT_LEN (64 * 1024)

/* The shell's answer, first line, trimmed; "" if none. */
static void sh_line(char *buf, size_t len, const char *cmd)
{
	sh_out(buf, len, 0, "%s", cmd);
	buf[strcspn(buf, "\n")] = '\0';
}

/* The device of the lowest-metric IPv4 default route, as iproute2 shows it. */
static void oracle_uplink(char *buf, size_t len)
{
	sh_line(buf, len, "ip -4 -o route show default table main | awk '{m=0; "
		"for (i = 1; i < NF; i++) { if ($i == \"dev\") d = $(i+1); "
		"if ($i == \"metric\") m = $(i+1) } print m, d }' | sort -s -n -k1,1 | "
		"head -n1 | cut -d' ' -f2");
}

static json_t *run_json(const char *args)
{
	static char out[OUT_LEN];
	json_error_t jerr;
	json_t *doc;
	int rc;

	rc = sh_out(out, sizeof(out), 0, "env -u NODE_NAME %s probe --json %s", test_dplab_path(),
		    args);
	ck_assert_msg(rc == 0, "dplab probe --json %s: exit %d: %s", args, rc, out);
	doc = json_loads(out, 0, &jerr);
	ck_assert_msg(doc, "not JSON (%s): %s", jerr.text, out);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "schema")), "dplab.probe/1");
	return doc;
}

static const char *jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_string(v), "'%s' is not a string", key);
	return json_string_value(v);
}

static void check_platform(json_t *pl)
{
	char want[512];
	struct utsname u;
	json_t *dmi = json_object_get(pl, "dmi");

	ck_assert_int_eq(uname(&u), 0);
	ck_assert_str_eq(jstr(json_object_get(pl, "kernel"), "release"), u.release);
	ck_assert_str_eq(jstr(json_object_get(pl, "kernel"), "version"), u.version);
	if (access("/sys/class/dmi/id", F_OK)) {
		ck_assert_msg(json_is_null(dmi), "no /sys/class/dmi/id here, yet dmi is not null");
		ck_assert_ptr_nonnull(strstr(jstr(pl, "dmi_missing_reason"), "absent"));
	} else {
		ck_assert_msg(json_is_object(dmi), "DMI tables here, dmi is not an object");
		ck_assert(json_is_null(json_object_get(pl, "dmi_missing_reason")));
	}
	/* The kernel's own verdict: X86_FEATURE_HYPERVISOR, "hypervisor" in flags. */
	if (sh("grep -qw hypervisor /proc/cpuinfo") == 0)
		ck_assert_str_ne(jstr(pl, "hypervisor"), "none");
	else
		ck_assert_str_eq(jstr(pl, "hypervisor"), "none");
	ck_assert_str_eq(jstr(pl, "hypervisor_source"), "cpuid");
	sh_line(want, sizeof(want), "sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | "
		"head -n1 | sed 's/[[:space:]]*$//'");
	if (want[0])
		ck_assert_str_eq(jstr(pl, "cpu_model"), want);
}

START_TEST(test_this_machine_uplink_read_only)
{
	char uplink[64], host[256], version[128];
	json_t *doc, *probe, *ifc;

	need_root();
	oracle_uplink(uplink, sizeof(uplink));
	if (!uplink[0])
		test_skip("this machine has no IPv4 default route to probe");
	/* --read-only given, not only implied: this is the caller's uplink. */
	doc = run_json("--read-only");
	probe = json_object_get(doc, "probe");
	ck_assert(json_is_true(json_object_get(probe, "read_only")));
	sh_line(version, sizeof(version), "$DPLAB --version | cut -d' ' -f2");
	ck_assert_str_eq(jstr(probe, "version"), version[0] ? version : "?");
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_str_eq(jstr(doc, "node"), host);
	check_platform(json_object_get(doc, "platform"));
	ck_assert_str_eq(jstr(json_object_get(doc, "selection"), "by"), "default_route");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "interfaces")), 1);
	ifc = json_array_get(json_object_get(doc, "interfaces"), 0);
	ck_assert_str_eq(jstr(ifc, "ifname"), uplink);
	ck_assert(json_is_null(json_object_get(ifc, "trials")));
	json_decref(doc);
}
END_TEST

/* --all here, only where the uplink is this machine's one physical interface. */
START_TEST(test_this_machine_all_read_only)
{
	char uplink[64], phys[512], want[80];
	json_t *doc, *sel, *ifs, *v;
	bool lo_skipped = false;
	size_t i;

	need_root();
	oracle_uplink(uplink, sizeof(uplink));
	sh_out(phys, sizeof(phys), 0, "for d in /sys/class/net/*; do [ -e $d/device ] && "
	       "basename $d; done");
	snprintf(want, sizeof(want), "%s\n", uplink);
	if (!uplink[0] || strcmp(phys, want))
		test_skip("probing every physical interface here would touch more than the "
			  "uplink (physical: %s)", phys);
	doc = run_json("--all --read-only");
	sel = json_object_get(doc, "selection");
	ck_assert_str_eq(jstr(sel, "by"), "all");
	ifs = json_object_get(doc, "interfaces");
	ck_assert_uint_eq(json_array_size(ifs), 1);
	ck_assert_str_eq(jstr(json_array_get(ifs, 0), "ifname"), uplink);
	json_array_foreach(json_object_get(sel, "skipped"), i, v)
		lo_skipped |= !strcmp(json_string_value(v), "lo");
	ck_assert_msg(lo_skipped, "lo is virtual and must be listed as skipped");
	json_decref(doc);
}
END_TEST

static Suite *probe_platform_suite(void)
{
	Suite *s = suite_create("probe_platform");
	TCase *tc = tcase_create("facts");

	tcase_add_loop_test(tc, test_dmi_and_cpu_from_tree, 0, sizeof(dmi_fx) / sizeof(dmi_fx[0]));
	tcase_add_loop_test(tc, test_hypervisor_decision, 0, sizeof(hv_fx) / sizeof(hv_fx[0]));
	tcase_add_loop_test(tc, test_cpuid_signature_table, 0, sizeof(sig_fx) / sizeof(sig_fx[0]));
	tcase_add_loop_test(tc, test_default_route_parse_and_pick, 0,
			    sizeof(route_fx) / sizeof(route_fx[0]));
	tcase_add_test(tc, test_recorded_route_dump);
	tcase_add_test(tc, test_link_parent_dev);
	suite_add_tcase(s, tc);
	tc = tcase_create("this_machine");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_this_machine_uplink_read_only);
	tcase_add_test(tc, test_this_machine_all_read_only);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(probe_platform_suite)
