// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fleet fixtures (fleet_fixture.h): a small fleet of nodes whose
 * interfaces carry the facts the rule tests hold, with each node's kernel
 * applied the way the probe reads it (tcx and the attach-failed tracepoint
 * from 6.6, xdp_features from 6.3) and trials recorded as the probe records
 * them on that kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/testlib.h"
#include "lib/probe_fixture.h"
#include "lib/fleet_fixture.h"

#define PROBE_VERSION "fixture"

/* ------------------------------------------------------------ interfaces */

static void set_fw(struct probe_facts *f, const char *fw, const char *bus)
{
	snprintf(f->fw_version, sizeof(f->fw_version), "%s", fw);
	snprintf(f->bus_info, sizeof(f->bus_info), "%s", bus);
}

/* The probe trying every mechanism: all work, native as FAIL says. */
static void tried(struct probe_result *r, int err, const char *msg)
{
	r->trials = pf_trials_all(OUTCOME_OK);
	if (err)
		pf_fail_native(&r->trials, err, msg);
}

/* EKS's MTU 9001 on ENA: above the 3498 single-buffer XDP limit. */
static int ena_mtu_9001(struct probe_result *r)
{
	r->facts = pf_ena(9001, 4, 8);
	set_fw(&r->facts, "", "0000:00:05.0");
	tried(r, EINVAL, ENA_MTU_MSG);
	return 1;
}

static int ena_mtu_3498(struct probe_result *r)
{
	r->facts = pf_ena(3498, 4, 8);
	set_fw(&r->facts, "", "0000:00:05.0");
	tried(r, 0, NULL);
	return 1;
}

/* Every channel in use: ENA has no room left for XDP TX queues. */
static int ena_8_of_8(struct probe_result *r)
{
	r->facts = pf_ena(1500, 8, 8);
	set_fw(&r->facts, "", "0000:00:05.0");
	tried(r, EINVAL, ENA_CH_MSG);
	return 1;
}

static int ena_9001_8_of_8(struct probe_result *r)
{
	r->facts = pf_ena(9001, 8, 8);
	set_fw(&r->facts, "", "0000:00:05.0");
	tried(r, EINVAL, ENA_MTU_MSG);
	return 1;
}

/* mlx5 refuses XDP while LRO is on and says so in dmesg only. */
static int mlx5_lro(struct probe_result *r)
{
	r->facts = pf_iface("ens1f0np0", "mlx5_core");
	r->facts.lro = PROBE_ON;
	set_fw(&r->facts, "22.39.1002 (DEL0000000027)", "0000:31:00.0");
	tried(r, EINVAL, "");
	return 1;
}

/* GCE: the host implements guest offloads; MTU 1460. */
static int virtio_offloads(struct probe_result *r)
{
	r->facts = pf_iface("ens4", "virtio_net");
	r->facts.mtu = 1460;
	r->facts.lro = PROBE_ON;
	set_fw(&r->facts, "", "0000:00:04.0");
	tried(r, EOPNOTSUPP, VIRTIO_OFFLOADS_MSG);
	return 1;
}

/* GCE with jumbo frames: MTU 8896 does not fit a page. */
static int virtio_mtu(struct probe_result *r)
{
	virtio_offloads(r);
	r->facts.mtu = 8896;
	return 1;
}

static int veth_peer_mtu(struct probe_result *r)
{
	r->facts = pf_veth(9000, 1, 1);
	tried(r, ERANGE, VETH_PEER_MTU_MSG);
	return 1;
}

/* A bare-metal host with an ixgbe and an ice port: both work. */
static int ixgbe_ice(struct probe_result *r)
{
	r[0].facts = pf_iface("eno1", "ixgbe");
	set_fw(&r[0].facts, "0x800009e0", "0000:18:00.0");
	tried(&r[0], 0, NULL);
	r[1].facts = pf_iface("ens2f0", "ice");
	r[1].facts.ifindex = 4;
	set_fw(&r[1].facts, "4.40 0x8001c967 1.3534.0", "0000:3b:00.0");
	tried(&r[1], 0, NULL);
	return 2;
}

static int ixgbe(struct probe_result *r)
{
	ixgbe_ice(r);
	return 1;
}

/* ------------------------------------------------------------ the fleet */

#define EC2 "Amazon EC2"
#define AL2023_612 "6.12.37-61.105.amzn2023.x86_64"
#define ICELAKE "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz"
#define GCE "Google Compute Engine"

const struct fleet_fixture fleet_fixtures[] = {
	{ "ena-m6i-a.json", "ip-10-0-1-11.ec2.internal", EC2, "m6i.xlarge", "kvm", ICELAKE,
	  AL2023_612, false, ena_mtu_9001 },
	{ "ena-m6i-b.json", "ip-10-0-1-12.ec2.internal", EC2, "m6i.xlarge", "kvm", ICELAKE,
	  AL2023_612, false, ena_mtu_9001 },
	{ "ena-m6i-c.json", "ip-10-0-1-13.ec2.internal", EC2, "m6i.xlarge", "kvm", ICELAKE,
	  AL2023_612, false, ena_mtu_3498 },
	{ "ena-c6in-a.json", "ip-10-0-2-21.ec2.internal", EC2, "c6in.2xlarge", "kvm", ICELAKE,
	  "6.1.141-155.222.amzn2023.x86_64", true, ena_8_of_8 },
	{ "ena-c6in-b.json", "ip-10-0-2-22.ec2.internal", EC2, "c6in.2xlarge", "kvm", ICELAKE,
	  "5.10.238-231.953.amzn2.x86_64", true, ena_9001_8_of_8 },
	{ "mlx5-a.json", "metal-a1", "Dell Inc.", "PowerEdge R650", "none",
	  "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "6.8.0-45-generic", false, mlx5_lro },
	{ "mlx5-b.json", "metal-a2", "Dell Inc.", "PowerEdge R650", "none",
	  "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "6.8.0-45-generic", false, mlx5_lro },
	{ "virtio-gce-a.json", "gke-pool-1-a", "Google", GCE, "kvm", "Intel(R) Xeon(R) CPU @ 2.80GHz",
	  "6.1.0-28-cloud-amd64", false, virtio_offloads },
	{ "virtio-gce-b.json", "gke-pool-1-b", "Google", GCE, "kvm", "Intel(R) Xeon(R) CPU @ 2.80GHz",
	  "6.1.0-28-cloud-amd64", true, virtio_mtu },
	{ "veth-dev.json", "dev-vm-1", "QEMU", "Standard PC (Q35 + ICH9, 2009)", "kvm",
	  "AMD EPYC 7B13", "6.12.12+bpo-amd64", false, veth_peer_mtu },
	{ "baremetal-ixgbe-ice.json", "bm-01", "Supermicro", "SYS-1029P-WTR", "none",
	  "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", "6.8.0-45-generic", false, ixgbe_ice },
	{ "old-probe.json", NULL, NULL, NULL, NULL, NULL, "5.15.0-119-generic", true, ixgbe },
};

const size_t fleet_fixtures_n = sizeof(fleet_fixtures) / sizeof(fleet_fixtures[0]);

/* ------------------------------------------------------------ documents */

/* The kernel's release as the probe reads it, and trials as it records them there. */
static void on_kernel(struct probe_result *r, const char *release, bool trials)
{
	struct probe_facts *f = &r->facts;
	struct probe_kernel *k = &f->kernel;
	struct probe_trial *link;
	int v;

	snprintf(k->release, sizeof(k->release), "%s", release);
	sscanf(release, "%d.%d", &k->major, &k->minor);
	snprintf(f->version, sizeof(f->version), "%s", release);	/* in-tree drivers */
	v = k->major * 100 + k->minor;
	k->tcx = k->xdp_attach_failed_tp = v >= 606;
	k->xdp_link = v >= 509;
	if (v < 603) {
		f->xdp_features_known = false;
		f->xdp_features = 0;
	}
	if (!trials)
		return;
	if (!k->tcx) {
		r->trials.t[TRIAL_TC_TCX] = (struct probe_trial){ .outcome = OUTCOME_SKIPPED };
		snprintf(r->trials.t[TRIAL_TC_TCX].note, PROBE_MSG, "tcx needs kernel >= 6.6");
	}
	/* The bpf_link trial's message comes from a tracepoint (xdp_errmsg.c). */
	link = &r->trials.t[TRIAL_XDP_NATIVE_LINK];
	if (link->outcome != OUTCOME_FAILED)
		return;
	if (!k->xdp_attach_failed_tp) {
		link->kernel_msg[0] = '\0';
		snprintf(link->note, PROBE_MSG, "kernel message not available before 6.6");
	} else if (!link->kernel_msg[0]) {
		snprintf(link->note, PROBE_MSG, "the kernel gave no message");
	}
}

/* The machine as probe_platform_collect() would have read it there. */
static void platform_of(const struct fleet_fixture *x, struct probe_platform *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->probe_version, sizeof(p->probe_version), "%s", PROBE_VERSION);
	snprintf(p->node, sizeof(p->node), "%s", x->node);
	p->dmi = true;
	snprintf(p->dmi_vendor, sizeof(p->dmi_vendor), "%s", x->vendor);
	snprintf(p->dmi_product, sizeof(p->dmi_product), "%s", x->product);
	snprintf(p->hypervisor, sizeof(p->hypervisor), "%s", x->hypervisor);
	p->hypervisor_source = "cpuid";
	snprintf(p->cpu_model, sizeof(p->cpu_model), "%s", x->cpu);
	snprintf(p->kernel_release, sizeof(p->kernel_release), "%s", x->kernel);
	snprintf(p->kernel_version, sizeof(p->kernel_version), "#1 SMP PREEMPT_DYNAMIC");
}

/*
 * As the DaemonSet runs it: no interface named, so the default route's, or
 * every physical one (--all) on the host with two ports.
 */
static void targets_of(int n, struct probe_targets *t, char (*lo)[IF_NAMESIZE])
{
	memset(t, 0, sizeof(*t));
	if (n == 1) {
		t->by = PROBE_SELECT_DEFAULT_ROUTE;
		snprintf(t->detail, sizeof(t->detail),
			 "the IPv4 default route's (via 10.0.0.1, metric 0)");
		return;
	}
	t->by = PROBE_SELECT_ALL;
	snprintf(t->detail, sizeof(t->detail), "every physical interface (%d; 1 virtual skipped)",
		 n);	/* probe_select.c's words */
	snprintf(lo[0], IF_NAMESIZE, "lo");
	t->skipped = lo;
	t->n_skipped = 1;
}

json_t *fleet_fixture_doc(const struct fleet_fixture *x)
{
	struct probe_result r[FLEET_MAX_IFACES];
	json_t *ifaces = json_array(), *doc;
	char lo[1][IF_NAMESIZE];
	struct probe_platform p;
	struct probe_targets t;
	int i, n;

	memset(r, 0, sizeof(r));
	n = x->make(r);
	for (i = 0; i < n; i++) {
		on_kernel(&r[i], x->kernel, !x->read_only);
		probe_diagnose(&r[i].facts, x->read_only ? NULL : &r[i].trials, !x->read_only,
			       &r[i].diag);
		json_array_append_new(ifaces, probe_to_json(&r[i], !x->read_only));
	}
	doc = json_pack("{s:s}", "schema", "dplab.probe/1");
	if (x->node) {
		platform_of(x, &p);
		targets_of(n, &t, lo);
		ck_assert_int_eq(probe_platform_to_json(doc, &p, &t, x->read_only), 0);
	}
	json_object_set_new(doc, "interfaces", ifaces);
	return doc;
}

char *fleet_fixture_text(const struct fleet_fixture *x)
{
	json_t *doc = fleet_fixture_doc(x);
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *text = NULL;

	json_decref(doc);
	if (s && asprintf(&text, "%s\n", s) < 0)
		text = NULL;
	free(s);
	return text;
}
