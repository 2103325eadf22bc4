// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Hypervisor and steal time (platform.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

#include "util/platform.h"

bool platform_hypervisor(char *buf, size_t len)
{
	static const struct {
		const char *sig, *name;
	} known[] = {
		{ "KVMKVMKVM", "KVM" }, { "bhyve bhyve ", "bhyve" }, { "Microsoft Hv", "Hyper-V" },
		{ "XenVMMXenVMM", "Xen" }, { "VMwareVMware", "VMware" },
		{ "TCGTCGTCGTCG", "QEMU TCG" }, { "ACRNACRNACRN", "ACRN" },
		{ " lrpepyh vr", "Parallels" }, { "QNXQVMBSQG", "QNX" },
	};
	char sig[13] = "";
	unsigned int i;

	snprintf(buf, len, "%s", "");
#ifdef __x86_64__
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return false;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
#else
	return false;
#endif
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strncmp(sig, known[i].sig, 12)) {
			snprintf(buf, len, "%s", known[i].name);
			return true;
		}
	snprintf(buf, len, "%s", sig[0] ? sig : "unknown hypervisor");
	return true;
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
