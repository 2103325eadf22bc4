/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What this machine runs on (platform.c): the hypervisor named by CPUID's
 * hypervisor leaves, or bare metal, the CPU model, and the CPU time stolen
 * from its vCPUs (the steal column of /proc/stat).  The one place CPUID is
 * executed; `dplab run` and `dplab probe` both report from here.
 */
#ifndef DPLAB_LOADER_UTIL_PLATFORM_H
#define DPLAB_LOADER_UTIL_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

/* CPUID's hypervisor leaves are scanned at 0x40000000 + 0x100 * i, i < this. */
#define PLATFORM_HV_BASES 16

/* What CPUID says about a hypervisor (platform_cpuid_read). */
struct platform_cpuid {
	bool available;		/* false: not x86, CPUID does not exist here */
	bool hv_bit;		/* CPUID.1:ECX bit 31: running under a hypervisor */
	/* The 12-byte vendor signature (EBX, ECX, EDX) of each base leaf,
	 * NUL-terminated; read only when hv_bit is set. */
	char sig[PLATFORM_HV_BASES][13];
};

/* A hypervisor CPUID names: its stable key ("kvm") and display name ("KVM"). */
struct platform_hv_id {
	const char *sig;	/* 12 bytes, NUL-padded ("KVMKVMKVM\0\0\0") */
	const char *key;
	const char *name;
};

/* Execute CPUID (x86 only; elsewhere c->available = false). */
void platform_cpuid_read(struct platform_cpuid *c);

/* The known hypervisor with this 12-byte signature, or NULL. */
const struct platform_hv_id *platform_hv_by_signature(const char *sig);

/*
 * The hypervisor the CPUID facts name, as the kernel decides it: a known
 * signature at a later base beats "Microsoft Hv" at the first (KVM and Xen
 * offer Hyper-V's interface there).  *id is the known entry or NULL; raw
 * gets base 0's signature, printable, trailing NULs cut ("" if none).
 * false when CPUID is absent or its hypervisor bit is clear.
 */
bool platform_hv_pick(const struct platform_cpuid *c, const struct platform_hv_id **id,
		      char raw[13]);

/*
 * The hypervisor's display name ("KVM", "bhyve", "Hyper-V", "Xen", "VMware",
 * "QEMU TCG", or its 12-character signature) into buf; false (and "")
 * on bare metal, where CPUID's hypervisor bit is clear.
 */
bool platform_hypervisor(char *buf, size_t len);

/*
 * The first "model name" of ROOT/proc/cpuinfo (root "" for this machine),
 * white space trimmed, into buf; 0, -ENOENT when there is none (arm64
 * has no such line), or -errno when the file cannot be read.
 */
int platform_cpu_model(const char *root, char *buf, size_t len);

/* Cumulative CPU time of all CPUs from /proc/stat, in its ticks. */
struct cpu_ticks {
	unsigned long long total, steal, idle;	/* idle includes iowait */
};

/* 0, or -errno when /proc/stat cannot be read. */
int platform_cpu_ticks(struct cpu_ticks *t);

/* Percent of the CPU time between a and b that was stolen; NAN without ticks. */
double platform_steal_pct(const struct cpu_ticks *a, const struct cpu_ticks *b);

/* Percent of the CPU time between a and b that was not idle; NAN without ticks. */
double platform_busy_pct(const struct cpu_ticks *a, const struct cpu_ticks *b);

#endif /* DPLAB_LOADER_UTIL_PLATFORM_H */
