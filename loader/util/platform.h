/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What this machine runs on (platform.c): the hypervisor named by CPUID's
 * hypervisor leaf, or bare metal, and the CPU time stolen from its vCPUs
 * (the steal column of /proc/stat).
 */
#ifndef DPLAB_LOADER_UTIL_PLATFORM_H
#define DPLAB_LOADER_UTIL_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The hypervisor's name ("KVM", "bhyve", "Hyper-V", "Xen", "VMware",
 * "QEMU TCG", or its 12-character signature) into buf; false (and "")
 * on bare metal, where CPUID's hypervisor bit is clear.
 */
bool platform_hypervisor(char *buf, size_t len);

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
