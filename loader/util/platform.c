// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Hypervisor, CPU model and steal time (platform.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "util/platform.h"

/*
 * Signatures as the hypervisors publish them in CPUID 0x40000000 (EBX, ECX,
 * EDX); the kernel (arch/x86/kernel/cpu/) and systemd-detect-virt match
 * the same strings.  "Linux KVM Hv" is KVM's own Hyper-V interface.
 */
static const struct platform_hv_id hv_ids[] = {
	{ "KVMKVMKVM\0\0\0", "kvm", "KVM" },
	{ "Linux KVM Hv", "kvm", "KVM" },
	{ "XenVMMXenVMM", "xen", "Xen" },
	{ "Microsoft Hv", "hyperv", "Hyper-V" },
	{ "VMwareVMware", "vmware", "VMware" },
	{ "bhyve bhyve ", "bhyve", "bhyve" },
	{ "TCGTCGTCGTCG", "qemu-tcg", "QEMU TCG" },
	{ "VBoxVBoxVBox", "virtualbox", "VirtualBox" },
	{ "ACRNACRNACRN", "acrn", "ACRN" },
	{ " lrpepyh  vr", "parallels", "Parallels" },
	{ "QNXQVMBSQG\0\0", "qnx", "QNX" },
};

void platform_cpuid_read(struct platform_cpuid *c)
{
	memset(c, 0, sizeof(*c));
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, cx, d, i;

	c->available = true;
	__cpuid(1, a, b, cx, d);
	c->hv_bit = cx & (1u << 31);
	for (i = 0; c->hv_bit && i < PLATFORM_HV_BASES; i++) {
		__cpuid(0x40000000 + 0x100 * i, a, b, cx, d);
		memcpy(c->sig[i], &b, 4);
		memcpy(c->sig[i] + 4, &cx, 4);
		memcpy(c->sig[i] + 8, &d, 4);
	}
#endif
}

const struct platform_hv_id *platform_hv_by_signature(const char *sig)
{
	size_t i;

	for (i = 0; i < sizeof(hv_ids) / sizeof(hv_ids[0]); i++)
		if (!memcmp(sig, hv_ids[i].sig, 12))
			return &hv_ids[i];
	return NULL;
}

/* sig as text: non-printable bytes as '?', trailing NULs and blanks cut. */
static void printable_sig(const char *sig, char out[13])
{
	int i, end = 0;

	for (i = 0; i < 12; i++) {
		out[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? sig[i] : '?';
		if (sig[i] && sig[i] != ' ')
			end = i + 1;
	}
	out[end] = '\0';
}

bool platform_hv_pick(const struct platform_cpuid *c, const struct platform_hv_id **id,
		      char raw[13])
{
	const struct platform_hv_id *k;
	int i;

	*id = NULL;
	raw[0] = '\0';
	if (!c->available || !c->hv_bit)
		return false;
	printable_sig(c->sig[0], raw);
	*id = platform_hv_by_signature(c->sig[0]);
	/* Past the first base only known names count: unused leaves hold junk. */
	for (i = 1; i < PLATFORM_HV_BASES && (!*id || !strcmp((*id)->key, "hyperv")); i++) {
		k = platform_hv_by_signature(c->sig[i]);
		if (k && strcmp(k->key, "hyperv"))
			*id = k;
	}
	return true;
}

bool platform_hypervisor(char *buf, size_t len)
{
	const struct platform_hv_id *id;
	struct platform_cpuid c;
	char raw[13];

	platform_cpuid_read(&c);
	if (!platform_hv_pick(&c, &id, raw)) {
		snprintf(buf, len, "%s", "");
		return false;
	}
	snprintf(buf, len, "%s", id ? id->name : raw[0] ? raw : "unknown hypervisor");
	return true;
}

/* s without leading and trailing white space, in place. */
static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int platform_cpu_model(const char *root, char *buf, size_t len)
{
	char path[PATH_MAX], line[512], *colon;
	int err = -ENOENT;
	FILE *f;

	snprintf(buf, len, "%s", "");
	snprintf(path, sizeof(path), "%s/proc/cpuinfo", root);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	/* "model name\t: AMD EPYC": the key padded with tabs, the value after ": ". */
	while (err && fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (strcmp(trim(line), "model name") || !*trim(colon + 1))
			continue;
		snprintf(buf, len, "%s", trim(colon + 1));
		err = 0;
	}
	fclose(f);
	return err;
}

int platform_cpu_ticks(struct cpu_ticks *t)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n, i;

	*t = (struct cpu_ticks){ 0 };
	if (!f)
		return -errno;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return -EIO;
	for (i = 0; i < 8; i++)
		t->total += v[i];
	t->steal = v[7];
	t->idle = v[3] + v[4];
	return 0;
}

double platform_steal_pct(const struct cpu_ticks *a, const struct cpu_ticks *b)
{
	if (b->total <= a->total)
		return NAN;
	return 100.0 * (double)(b->steal - a->steal) / (double)(b->total - a->total);
}

double platform_busy_pct(const struct cpu_ticks *a, const struct cpu_ticks *b)
{
	if (b->total <= a->total)
		return NAN;
	return 100.0 - 100.0 * (double)(b->idle - a->idle) / (double)(b->total - a->total);
}
