// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Host-wide facts of a probe run: what machine this is (DMI: on EC2 Nitro
 * the product name is the instance type), under which hypervisor (CPUID,
 * or /sys/hypervisor/type for a Xen PV guest whose CPUID says nothing),
 * the CPU model, the kernel, the node's name and the probe's version.
 * A fleet report groups nodes by these.  Files are read under a root
 * directory so tests can give a made-up tree; a missing fact is "" with
 * the reason where one is useful, never a guess.  A container shares the
 * host's CPUID and kernel, so it is not (and cannot be) the hypervisor.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "util/log.h"
#include "util/platform.h"
#include "util/version.h"
#include "probe/probe.h"

#define DMI_DIR "/sys/class/dmi/id"
#define SYS_HYPERVISOR_TYPE "/sys/hypervisor/type"

/*
 * ROOT/rel, white space at both ends cut, into buf: 0, -ENODATA when it
 * holds nothing else, or -errno (the file is absent, unreadable, a
 * directory ...).  sysfs attributes are small: one read is all of it.
 */
static int read_trimmed(const char *root, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX], raw[512];
	size_t start = 0, end;
	ssize_t n;
	int fd, err;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, raw, sizeof(raw) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err) {
		log_debug("probe: %s: %s\n", path, strerror(-err));
		return err;
	}
	raw[n] = '\0';
	end = strlen(raw);	/* a NUL inside ends the value */
	while (start < end && strchr(" \t\r\n", raw[start]))
		start++;
	while (end > start && strchr(" \t\r\n", raw[end - 1]))
		end--;
	if (end == start)
		return -ENODATA;
	snprintf(buf, len, "%.*s", (int)(end - start), raw + start);
	return 0;
}

static void dmi_read(const char *root, struct probe_platform *p)
{
	char path[PATH_MAX];
	struct stat st;
	int err;

	snprintf(path, sizeof(path), "%s%s", root, DMI_DIR);
	err = stat(path, &st) ? errno : 0;
	if (err && err != ENOENT) {
		snprintf(p->dmi_missing_reason, sizeof(p->dmi_missing_reason), "%s: %s",
			 DMI_DIR, strerror(err));
		return;
	}
	if (err == ENOENT || !S_ISDIR(st.st_mode)) {
		/* Firecracker, bhyve without an SMBIOS table, most arm64 boards. */
		snprintf(p->dmi_missing_reason, sizeof(p->dmi_missing_reason),
			 "no DMI tables: %s is absent", DMI_DIR);
		return;
	}
	p->dmi = true;
	/* Each attribute on its own: an unreadable one is unknown, not fatal. */
	read_trimmed(root, DMI_DIR "/sys_vendor", p->dmi_vendor, sizeof(p->dmi_vendor));
	read_trimmed(root, DMI_DIR "/product_name", p->dmi_product, sizeof(p->dmi_product));
	read_trimmed(root, DMI_DIR "/product_version", p->dmi_version, sizeof(p->dmi_version));
}

static void set_hv(struct probe_platform *p, const char *name, const char *source)
{
	snprintf(p->hypervisor, sizeof(p->hypervisor), "%s", name);
	p->hypervisor_source = source;
}

/* CPUID first; /sys/hypervisor/type where CPUID cannot tell (Xen PV, not x86). */
static void hypervisor_read(const char *root, const struct platform_cpuid *c,
			    struct probe_platform *p)
{
	const struct platform_hv_id *id;
	char sys_type[PROBE_STR], raw[13];
	bool sys = !read_trimmed(root, SYS_HYPERVISOR_TYPE, sys_type, sizeof(sys_type));
	struct utsname u;

	if (platform_hv_pick(c, &id, raw)) {
		if (id || raw[0])
			set_hv(p, id ? id->key : raw, "cpuid");
		else if (sys)
			set_hv(p, sys_type, "sys_hypervisor");
		else
			snprintf(p->hypervisor_missing_reason, sizeof(p->hypervisor_missing_reason),
				 "CPUID's hypervisor bit is set but leaf 0x40000000 holds no "
				 "vendor signature, and %s is absent", SYS_HYPERVISOR_TYPE);
		return;
	}
	if (sys) {
		set_hv(p, sys_type, "sys_hypervisor");
	} else if (c->available) {
		/* Bit 31 of CPUID.1:ECX is reserved for hypervisors to set. */
		set_hv(p, "none", "cpuid");
	} else {
		if (uname(&u))
			snprintf(u.machine, sizeof(u.machine), "%s", "?");
		snprintf(p->hypervisor_missing_reason, sizeof(p->hypervisor_missing_reason),
			 "CPUID is x86 only (this machine is %s) and %s is absent", u.machine,
			 SYS_HYPERVISOR_TYPE);
	}
}

void probe_platform_read(const char *root, const struct platform_cpuid *cpuid,
			 struct probe_platform *p)
{
	dmi_read(root, p);
	hypervisor_read(root, cpuid, p);
	if (platform_cpu_model(root, p->cpu_model, sizeof(p->cpu_model)))
		p->cpu_model[0] = '\0';
}

/* $NODE_NAME (a DaemonSet's downward API: the Kubernetes node), else the host name. */
static void node_name(char *buf, size_t len)
{
	const char *env = getenv("NODE_NAME");

	if (env && env[0]) {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (gethostname(buf, len - 1))
		buf[0] = '\0';
	buf[len - 1] = '\0';
}

void probe_platform_collect(struct probe_platform *p)
{
	struct platform_cpuid c;
	struct utsname u;

	memset(p, 0, sizeof(*p));
	snprintf(p->probe_version, sizeof(p->probe_version), "%s", dplab_version());
	node_name(p->node, sizeof(p->node));
	platform_cpuid_read(&c);
	probe_platform_read("", &c, p);
	if (!uname(&u)) {
		snprintf(p->kernel_release, sizeof(p->kernel_release), "%s", u.release);
		snprintf(p->kernel_version, sizeof(p->kernel_version), "%s", u.version);
	}
}
