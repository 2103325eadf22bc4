// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab exec TOPO NODE | NODE/POD | EXTERNAL | fabric [--] CMD [ARG...]
 *
 * Like `kubectl exec`: CMD runs in that network namespace of a topology
 * that is up and, for a pod, in its node's cgroup, so the node's socket
 * LB programs see its connect()/sendmsg().  dplab execs CMD in place: its
 * exit status is CMD's (127: CMD not found, 126: not executable).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/netns.h"
#include "topo/topo.h"

#define ERR_LEN 1024
#define LIST_LEN 2048

static void exec_usage(FILE *out)
{
	fprintf(out,
		"usage: dplab exec TOPO NODE|NODE/POD|EXTERNAL|fabric [--] CMD [ARG...]\n\n"
		"Runs CMD in a network namespace of topology TOPO (which is up): a node, a\n"
		"pod (also in its node's cgroup, where socket LB applies), an external host\n"
		"or the fabric (the bridge joining the uplinks). The exit status is CMD's.\n\n"
		"  dplab exec two-node node1/pod1 -- ping -c1 10.244.1.1\n"
		"  dplab exec two-node fabric -- tcpdump -ni br0 udp port 4789\n");
}

/* "nodes: a b; pods: a/x; externals: e" for an unknown target. */
static void targets(const struct topo *t, char *buf, size_t len)
{
	size_t used;
	int i;

	used = snprintf(buf, len, "nodes:");
	for (i = 0; i < t->n_nodes && used < len; i++)
		used += snprintf(buf + used, len - used, " %s", t->nodes[i].name);
	used += snprintf(buf + used, used < len ? len - used : 0, "; pods:");
	for (i = 0; i < t->n_pods && used < len; i++)
		used += snprintf(buf + used, len - used, " %s/%s", t->nodes[t->pods[i].node].name,
				 t->pods[i].name);
	used += snprintf(buf + used, used < len ? len - used : 0, "; externals:");
	for (i = 0; i < t->n_externals && used < len; i++)
		used += snprintf(buf + used, len - used, " %s", t->externals[i].name);
	if (used < len)
		snprintf(buf + used, len - used, "; fabric");
}

/* The namespace of TARGET; *node is the pod's node, else -1.  NULL: none. */
static const char *target_ns(const struct topo *t, const char *target, int *node)
{
	int i;

	*node = -1;
	if (strchr(target, '/')) {
		i = topo_pod_by_name(t, target);
		if (i < 0)
			return NULL;
		*node = t->pods[i].node;
		return t->pods[i].ns;
	}
	if (!strcmp(target, "fabric"))
		return t->fabric_ns;
	i = topo_node_by_name(t, target);
	if (i >= 0)
		return t->nodes[i].ns;
	for (i = 0; i < t->n_externals; i++)
		if (!strcmp(t->externals[i].name, target))
			return t->externals[i].ns;
	return NULL;
}

static int join_cgroup(const struct topo *t, int node)
{
	char path[PATH_MAX];
	FILE *f;
	int ret = 0;

	topo_cgroup_path(t->name, t->nodes[node].name, path, sizeof(path));
	strncat(path, "/cgroup.procs", sizeof(path) - strlen(path) - 1);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0)
		ret = -errno;
	if (f && fclose(f) && !ret)
		ret = -errno;
	if (ret)
		fprintf(stderr, "dplab exec: joining cgroup %s: %s\n", path, strerror(-ret));
	return ret;
}

int cmd_exec(int argc, char **argv)
{
	char err[ERR_LEN], list[LIST_LEN];
	const char *ns, *topo, *target;
	struct topo t;
	int node, saved, ret, first_cmd = 3;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		exec_usage(stdout);
		return EXIT_SUCCESS;
	}
	if (argc > 3 && !strcmp(argv[3], "--"))
		first_cmd = 4;
	if (argc <= first_cmd) {
		exec_usage(stderr);
		return EXIT_BAD_INPUT;
	}
	topo = argv[1];
	target = argv[2];
	if (topo_state_load(topo, &t, err, sizeof(err))) {
		fprintf(stderr, "dplab exec: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	ns = target_ns(&t, target, &node);
	if (!ns) {
		targets(&t, list, sizeof(list));
		fprintf(stderr, "dplab exec: topology %s has no node, pod or external host '%s' "
			"(%s)\n", topo, target, list);
		return EXIT_BAD_INPUT;
	}
	if (geteuid()) {
		fprintf(stderr, "dplab exec: must run as root (entering a network namespace)\n");
		return EXIT_BAD_INPUT;
	}
	if (node >= 0 && join_cgroup(&t, node))
		return EXIT_FAILURE;
	ret = netns_enter(ns, &saved);
	if (ret) {
		fprintf(stderr, "dplab exec: entering namespace %s of %s: %s (is topology %s up? "
			"dplab topo up)\n", ns, target, strerror(-ret), topo);
		return EXIT_FAILURE;
	}
	execvp(argv[first_cmd], argv + first_cmd);
	ret = errno;
	fprintf(stderr, "dplab exec: %s: %s\n", argv[first_cmd], strerror(ret));
	return ret == ENOENT ? 127 : 126;
}
