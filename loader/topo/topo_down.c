// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `topo down`: everything topology NAME left, found from the name alone
 * (namespaces by prefix, pins, cgroups and state by path), so it works
 * after `up` crashed or was killed.  A real NIC mapped as a node's uplink
 * goes back first, under its own name, to the namespace dplab runs in (the
 * root namespace, where `up` took it from): deleting the node's namespace
 * would return it to the root namespace as "eth0", or under a kernel-made
 * name when that is taken.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mount.h>

#include "util/fsutil.h"
#include "util/netns.h"
#include "util/runcmd.h"
#include "topo/topo.h"
#include "dplab/fmt.h"

#define NETNS_RUN_DIR "/run/netns"
#define ERR_LEN 768

/* Keep the first error: 0 when *first already holds one. */
static void keep(int *first, int ret, char *err, size_t err_len, const char *msg)
{
	if (!ret || *first)
		return;
	*first = ret;
	snprintf(err, err_len, "%s", msg);
}

static int release_real_uplinks(const struct topo *t, char *err, size_t err_len)
{
	char why[ERR_LEN];
	int i, saved, ret, first = 0;

	for (i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		bool there;

		if (!n->real_dev[0] || netns_enter(n->ns, &saved))
			continue;
		there = if_nametoindex("eth0");
		netns_leave(saved);
		if (!there)
			continue;
		ret = runcmd(why, sizeof(why), "ip -n %s link set dev eth0 down", n->ns) ?:
		      runcmd(why, sizeof(why), "ip -n %s link set dev eth0 name %s", n->ns,
			     n->real_dev) ?:
		      runcmd(why, sizeof(why), "ip -n %s link set dev %s netns %d", n->ns,
			     n->real_dev, getpid());
		keep(&first, ret, err, err_len, why);
	}
	return first;
}

/*
 * What `ip netns del` does (detach the bind mount, remove the name) for
 * every "dplab-NAME-*" namespace that no other topology that is up
 * declares: "dplab-two-node-x" may be topology two's pod x on node "node".
 */
static int delete_namespaces(const char *name, char *err, size_t err_len)
{
	char prefix[TOPO_NAME + 8], path[PATH_MAX], why[ERR_LEN];
	struct topo *others;
	struct dirent *d;
	int first = 0, n_others;
	size_t len;
	DIR *dir;

	dir = opendir(NETNS_RUN_DIR);
	if (!dir) {
		if (errno == ENOENT)
			return 0;
		first = -errno;
		snprintf(err, err_len, "listing namespaces in %s: %s", NETNS_RUN_DIR,
			 strerror(-first));
		return first;
	}
	if (fmt_fit(prefix, sizeof(prefix), "dplab-%s-", name)) {
		closedir(dir);
		snprintf(err, err_len, "'%s': name too long", name);
		return -ENAMETOOLONG;
	}
	len = strlen(prefix);
	others = topo_others_up(name, &n_others);
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, prefix, len) || topo_ns_claimed(others, n_others, d->d_name))
			continue;
		fmt_fit(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, d->d_name);
		umount2(path, MNT_DETACH);
		if (unlink(path) && errno != ENOENT) {
			int ret = -errno;

			snprintf(why, sizeof(why), "deleting namespace %s: %s", d->d_name,
				 strerror(-ret));
			keep(&first, ret, err, err_len, why);
		}
	}
	closedir(dir);
	free(others);
	return first;
}

/* "123 456" from DIR/cgroup.procs, for the message of a busy cgroup. */
static void cgroup_pids(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX], pid[32];
	size_t used = 0;
	FILE *f;

	fmt_fit(path, sizeof(path), "%s/cgroup.procs", dir);
	buf[0] = '\0';
	f = fopen(path, "r");
	while (f && used < len && fgets(pid, sizeof(pid), f)) {
		pid[strcspn(pid, "\n")] = '\0';
		used += snprintf(buf + used, len - used, "%s%s", used ? " " : "", pid);
	}
	if (f)
		fclose(f);
}

static int remove_cgroup(const char *dir, char *why, size_t why_len)
{
	char pids[128];
	int ret;

	if (!rmdir(dir) || errno == ENOENT)
		return 0;
	ret = -errno;
	cgroup_pids(dir, pids, sizeof(pids));
	if (ret == -EBUSY && pids[0])
		snprintf(why, why_len, "cgroup %s still holds processes %s (started with dplab "
			 "exec?): stop them and run down again", dir, pids);
	else
		snprintf(why, why_len, "removing cgroup %s: %s", dir, strerror(-ret));
	return ret;
}

/* Cgroups cannot be rm -r'd: each node's directory, then the topology's. */
static int remove_cgroups(const char *name, char *err, size_t err_len)
{
	char top[PATH_MAX], sub[PATH_MAX + 256], why[ERR_LEN];
	struct dirent *d;
	int first = 0;
	DIR *dir;

	topo_cgroup_path(name, NULL, top, sizeof(top));
	dir = opendir(top);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		fmt_fit(sub, sizeof(sub), "%s/%s", top, d->d_name);
		keep(&first, remove_cgroup(sub, why, sizeof(why)), err, err_len, why);
	}
	closedir(dir);
	keep(&first, remove_cgroup(top, why, sizeof(why)), err, err_len, why);
	rmdir(DPLAB_CGROUP_DIR);	/* when no other topology uses it */
	return first;
}

/* rm -r BASE/NAME, then BASE itself if no other topology uses it. */
static int remove_dir(const char *base, const char *name, const char *what, char *err,
		      size_t err_len)
{
	char path[PATH_MAX], failed[256] = "";
	int ret;

	ret = fmt_fit(path, sizeof(path), "%s/%s", base, name) ?: rm_tree(path, failed,
									  sizeof(failed));
	if (ret)
		snprintf(err, err_len, "removing %s %s: %s", what, failed[0] ? failed : name,
			 strerror(-ret));
	rmdir(base);
	return ret;
}

int topo_down(const char *name, char *err, size_t err_len)
{
	char why[ERR_LEN] = "";
	struct topo t;
	int first = 0;

	if (!topo_name_valid(name)) {
		snprintf(err, err_len, "'%s' is not a topology name", name);
		return -EINVAL;
	}
	if (!topo_state_load(name, &t, why, sizeof(why)))
		keep(&first, release_real_uplinks(&t, why, sizeof(why)), err, err_len, why);
	keep(&first, delete_namespaces(name, why, sizeof(why)), err, err_len, why);
	keep(&first, remove_dir(DPLAB_PIN_DIR, name, "pins", why, sizeof(why)), err, err_len, why);
	keep(&first, remove_cgroups(name, why, sizeof(why)), err, err_len, why);
	keep(&first, remove_dir(DPLAB_RUN_DIR, name, "state", why, sizeof(why)), err, err_len,
	     why);
	return first;
}
