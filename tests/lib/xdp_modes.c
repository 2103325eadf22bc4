// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* XDP attach in native and generic mode (see xdp_modes.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/testns.h"
#include "lib/xdp_modes.h"

static const struct {
	const char *name;
	__u32 flag;
	__u8 attached;
} modes[] = {
	{ "native", XDP_FLAGS_DRV_MODE, XDP_ATTACHED_DRV },
	{ "generic", XDP_FLAGS_SKB_MODE, XDP_ATTACHED_SKB },
};

int testns_enter(const char *ns)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

/* The program attached to ifindex in this mode is prog_id (or none: 0). */
static bool attached_as(int ifindex, int m, __u32 prog_id, const char *how, const char *what,
			char *err, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id;
	int rc;

	rc = bpf_xdp_query(ifindex, 0, &q);
	if (rc) {
		snprintf(err, len, "%s: XDP query after %s (%s): %s", what, how,
			 modes[m].name, strerror(-rc));
		return false;
	}
	id = modes[m].flag == XDP_FLAGS_DRV_MODE ? q.drv_prog_id : q.skb_prog_id;
	if (id != prog_id || (prog_id && q.attach_mode != modes[m].attached)) {
		snprintf(err, len, "%s: after %s (%s) the kernel reports program %u in mode "
			 "%u, expected program %u", what, how, modes[m].name, id,
			 q.attach_mode, prog_id);
		return false;
	}
	return true;
}

static bool try_mode(int ifindex, int prog_fd, __u32 prog_id, int m, const char *what,
		     char *err, size_t len)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .flags = modes[m].flag);
	int rc, link;

	rc = bpf_xdp_attach(ifindex, prog_fd, modes[m].flag, NULL);
	if (rc) {
		snprintf(err, len, "%s: netlink attach (%s) to veth: %s", what, modes[m].name,
			 strerror(-rc));
		return false;
	}
	if (!attached_as(ifindex, m, prog_id, "netlink attach", what, err, len))
		return false;
	rc = bpf_xdp_detach(ifindex, modes[m].flag, NULL);
	if (rc) {
		snprintf(err, len, "%s: netlink detach (%s): %s", what, modes[m].name,
			 strerror(-rc));
		return false;
	}
	if (!attached_as(ifindex, m, 0, "netlink detach", what, err, len))
		return false;
	link = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lopts);
	if (link < 0) {
		snprintf(err, len, "%s: bpf_link attach (%s) to veth: %s", what,
			 modes[m].name, strerror(errno));
		return false;
	}
	if (!attached_as(ifindex, m, prog_id, "bpf_link attach", what, err, len)) {
		close(link);
		return false;
	}
	close(link);	/* the only reference: detaches */
	return attached_as(ifindex, m, 0, "bpf_link close", what, err, len);
}

bool xdp_modes_try(int prog_fd, const char *what, char *err, size_t err_len)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	char ns[TESTNS_NAME];
	int ifindex = 0, m, rc, home;
	bool ok = true;

	err[0] = '\0';
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &info_len)) {
		snprintf(err, err_len, "%s: program info: %s", what, strerror(errno));
		return false;
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || testns_create(ns)) {
		snprintf(err, err_len, "%s: cannot create a namespace", what);
		if (home >= 0)
			close(home);
		return false;
	}
	if (sh("ip -n %1$s link add name a type veth peer name b && "
	       "ip -n %1$s link set dev a up && ip -n %1$s link set dev b up", ns)) {
		snprintf(err, err_len, "%s: veth pair in %s could not be made", what, ns);
		ok = false;
	} else if ((rc = testns_enter(ns))) {
		snprintf(err, err_len, "%s: entering %s: %s", what, ns, strerror(-rc));
		ok = false;
	} else if (!(ifindex = if_nametoindex("a"))) {
		snprintf(err, err_len, "%s: veth a in %s: %s", what, ns, strerror(errno));
		ok = false;
	}
	for (m = 0; ok && m < (int)(sizeof(modes) / sizeof(modes[0])); m++)
		ok = try_mode(ifindex, prog_fd, info.id, m, what, err, err_len);
	if (setns(home, CLONE_NEWNET) && ok) {
		snprintf(err, err_len, "%s: back to the test's namespace: %s", what,
			 strerror(errno));
		ok = false;
	}
	close(home);
	testns_delete(ns);	/* takes the veth and anything left on it */
	return ok;
}
