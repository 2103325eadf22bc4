// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The two-node topology of the features suite and its helpers (features_env.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "lib/features_env.h"
#include "util/netns.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define TOPO_FILE "topologies/two-node.topo"

struct fenv fenv;
static char topo_copy[64];	/* /tmp/dplab-<name>.topo */
static char our_name[TOPO_NAME];	/* set when topo_build() may have begun */

/* The default topology under a name of our own, in /tmp. */
static int copy_topology(const char *name)
{
	snprintf(topo_copy, sizeof(topo_copy), "/tmp/dplab-%s.topo", name);
	return sh("sed -E 's/^(topology[[:space:]](.*[[:space:]])?name=)[^[:space:]]+/\\1%s/' "
		  "%s > %s", name, TOPO_FILE, topo_copy);
}

void fenv_up(void)
{
	char name[TOPO_NAME], err[sizeof(fenv.setup_err) - 64];
	int rc;

	memset(&fenv, 0, sizeof(fenv));
	if (test_needs_root())
		return;
	snprintf(name, sizeof(name), "f%d", (int)getpid());
	if (copy_topology(name)) {
		snprintf(fenv.setup_err, sizeof(fenv.setup_err), "copying %s to %s failed",
			 TOPO_FILE, topo_copy);
		return;
	}
	rc = topo_parse(topo_copy, &fenv.t, err, sizeof(err));
	if (rc) {
		snprintf(fenv.setup_err, sizeof(fenv.setup_err), "topo_parse: %s", err);
		return;
	}
	if (strcmp(fenv.t.name, name)) {
		snprintf(fenv.setup_err, sizeof(fenv.setup_err),
			 "%s: the topology is named %s, not %s", topo_copy, fenv.t.name, name);
		return;
	}
	snprintf(our_name, sizeof(our_name), "%s", name);
	rc = topo_build(&fenv.t, err, sizeof(err));
	if (rc) {
		snprintf(fenv.setup_err, sizeof(fenv.setup_err), "topo_build: %s", err);
		return;
	}
	knobs_default(&fenv.k);
	fenv.k.ct_max = FENV_CT_MAX;
	fenv.k.services = fenv.t.n_services + FENV_FILLERS;
	fenv.n_svcs = services_expand(&fenv.t, fenv.k.services, fenv.svcs,
				      TOPO_MAX_SERVICES + FENV_FILLERS);
	if (fenv.n_svcs < 0)
		snprintf(fenv.setup_err, sizeof(fenv.setup_err), "services_expand: %s",
			 strerror(-fenv.n_svcs));
}

void fenv_down(void)
{
	char err[512];

	if (topo_copy[0])
		unlink(topo_copy);
	if (!our_name[0])
		return;
	if (topo_down(our_name, err, sizeof(err)))
		fprintf(stderr, "features: topo_down %s: %s\n", our_name, err);
	sh("rm -rf %s/%s", DPLAB_PIN_DIR, our_name);
	our_name[0] = '\0';
}

void fenv_need(void)
{
	ck_assert_msg(fenv.t.name[0] && !fenv.setup_err[0],
		      "the two-node topology is not up: %s", fenv.setup_err);
}

const char *fenv_ns(enum feature_id f, int node)
{
	return f == FEAT_XDP_PEER ? fenv.t.fabric_ns : fenv.t.nodes[node].ns;
}

void fenv_load(enum feature_id f, int node, const struct knobs *k)
{
	struct feature_env env = {
		.t = &fenv.t,
		.node = node,
		.k = k ? k : &fenv.k,
		.svcs = fenv.svcs,
		.n_svcs = fenv.n_svcs,
	};
	char err[1024] = "";
	int saved, rc;

	rc = netns_enter(fenv_ns(f, node), &saved);
	ck_assert_msg(!rc, "entering %s: %s", fenv_ns(f, node), strerror(-rc));
	rc = feature_load(f, &env, err, sizeof(err));
	netns_leave(saved);
	ck_assert_msg(!rc, "feature_load %s on node %s: %d: %s", feature_name(f),
		      fenv.t.nodes[node].name, rc, err);
}

int fenv_pin_fd(enum feature_id f, int node, const char *sub)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int fd;

	feature_dir(&fenv.t, node, f, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

bool fenv_pinned(enum feature_id f, int node, const char *sub)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];

	feature_dir(&fenv.t, node, f, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	return access(path, F_OK) == 0;
}

static int map_fd(enum feature_id f, int node, const char *name)
{
	char sub[64];
	int fd;

	snprintf(sub, sizeof(sub), "maps/%s", name);
	fd = fenv_pin_fd(f, node, sub);
	ck_assert_msg(fd >= 0, "%s of node %d: no pinned map %s: %s", feature_name(f), node,
		      name, strerror(-fd));
	return fd;
}

void fenv_map_value0(enum feature_id f, int node, const char *name, void *buf, size_t len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info), key = 0;
	int fd = map_fd(f, node, name);
	char value[4096];

	/* A datasec has no tail padding and may hold more than its variables. */
	ck_assert_int_eq(bpf_map_get_info_by_fd(fd, &info, &info_len), 0);
	ck_assert_msg(info.value_size <= sizeof(value) && info.value_size + 8 > len,
		      "%s: map %s holds %u bytes, the skeleton says %zu", feature_name(f), name,
		      info.value_size, len);
	ck_assert_msg(!bpf_map_lookup_elem(fd, &key, value), "%s: reading map %s: %s",
		      feature_name(f), name, strerror(errno));
	memset(buf, 0, len);
	memcpy(buf, value, len < info.value_size ? len : info.value_size);
	close(fd);
}

__u32 fenv_map_max(enum feature_id f, int node, const char *name)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	int fd = map_fd(f, node, name);

	ck_assert_int_eq(bpf_map_get_info_by_fd(fd, &info, &info_len), 0);
	close(fd);
	return info.max_entries;
}

int fenv_ifindex(const char *ns, const char *dev)
{
	char out[512];
	int ifindex = 0;

	if (sh_out(out, sizeof(out), 0, "ip -n %s -o link show dev %s", ns, dev))
		return 0;
	sscanf(out, "%d:", &ifindex);
	return ifindex;
}

void fenv_mac(const char *ns, const char *dev, __u8 mac[6])
{
	unsigned int m[6];
	char out[512];
	int i, rc;

	rc = sh_out(out, sizeof(out), 1, "ip -n %s -br link show dev %s | awk '{print $3}'", ns,
		    dev);
	ck_assert_msg(!rc && sscanf(out, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
				     &m[5]) == 6,
		      "no MAC address of %s in %s: %s", dev, ns, out);
	for (i = 0; i < 6; i++)
		mac[i] = m[i];
}

int fenv_backends_on(const struct topo_service *svc, int node, bool local_only)
{
	int i, n = 0;

	for (i = 0; i < svc->n_backends; i++)
		n += !local_only || fenv.t.pods[svc->backends[i].pod].node == node;
	return n;
}
