// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The "attach" suite's environment (see attach_env.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/attach_env.h"
#include "util/log.h"
#include "probe.skel.h"
#include "lib/testlib.h"
#include "lib/xdp_modes.h"

#define BPFFS "/sys/fs/bpf"
#define PLAIN_ROOT "/tmp"

/* The runner's pid, taken before Check forks the tests (as testns.c does). */
static pid_t runner;

__attribute__((constructor)) static void remember_runner(void)
{
	runner = getpid();
}

const char *attach_env_missing(void)
{
	struct statfs st;
	const char *why = test_needs_root();

	if (why)
		return why;
	if (statfs(BPFFS, &st) || st.f_type != BPF_FS_MAGIC)
		return BPFFS " is not a bpffs (make check mounts it)";
	return NULL;
}

struct probe_bpf *attach_env_load_probe(void)
{
	struct probe_bpf *skel = probe_bpf__open();

	ck_assert_msg(skel, "probe.bpf.o: open: %s", strerror(errno));
	bpf_program__set_autoload(skel->progs.probe_xdp_link_attach_failed, false);
	ck_assert_msg(!probe_bpf__load(skel), "probe.bpf.o: load: %s", strerror(errno));
	return skel;
}

void attach_env_up(struct attach_env *e, const char *peer_opts)
{
	int err;

	memset(e, 0, sizeof(*e));
	log_init();
	snprintf(e->pin_dir, sizeof(e->pin_dir), BPFFS "/dplabt-%d-attach-%d", runner, getpid());
	snprintf(e->plain_dir, sizeof(e->plain_dir), PLAIN_ROOT "/dplabt-%d-attach-%d", runner,
		 getpid());
	ck_assert_int_eq(testns_create(e->ns), 0);
	ck_assert_int_eq(sh("ip -n %1$s link add name a type veth peer name b %2$s && "
			    "ip -n %1$s link set dev a up && ip -n %1$s link set dev b up",
			    e->ns, peer_opts ? peer_opts : ""), 0);
	err = testns_enter(e->ns);
	ck_assert_msg(!err, "entering %s: %s", e->ns, strerror(-err));
	e->ifindex = if_nametoindex("a");
	ck_assert_int_gt(e->ifindex, 0);
	e->skel = attach_env_load_probe();
}

void attach_env_close_progs(struct attach_env *e)
{
	probe_bpf__destroy(e->skel);
	e->skel = NULL;
}

void attach_env_down(struct attach_env *e)
{
	attach_env_close_progs(e);
	ck_assert_int_eq(sh("rm -rf %s %s", e->pin_dir, e->plain_dir), 0);
	testns_delete(e->ns);
}

void attach_env_temp_file(char *path, size_t len, const char *what)
{
	int fd;

	snprintf(path, len, PLAIN_ROOT "/dplabt-%d-attach-%s-XXXXXX", runner, what);
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	close(fd);
}

void attach_env_remove_leftovers(void)
{
	sh("rm -rf " BPFFS "/dplabt-%d-attach-* " PLAIN_ROOT "/dplabt-%d-attach-*", runner, runner);
}

void attach_env_request(struct attach_env *e, struct attach_request *req, enum attach_hook hook,
			int prog_fd, const char *pin_name)
{
	static char pin[PATH_MAX];

	snprintf(pin, sizeof(pin), "%s/%s", e->pin_dir, pin_name);
	memset(req, 0, sizeof(*req));
	req->ns = e->ns;
	req->ifname = "a";
	req->hook = hook;
	req->prog_fd = prog_fd;
	req->pin_path = pin;
	req->tc_priority = 1;
}

__u32 xdp_attached_prog(int ifindex, __u8 *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	ck_assert_int_eq(bpf_xdp_query(ifindex, 0, &q), 0);
	if (mode)
		*mode = q.attach_mode;
	return q.prog_id;
}

int tcx_progs(int ifindex, bool ingress, __u32 *ids, int max)
{
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .count = max);
	int err;

	err = bpf_prog_query_opts(ifindex, ingress ? BPF_TCX_INGRESS : BPF_TCX_EGRESS, &q);
	ck_assert_msg(!err, "tcx query: %s", strerror(-err));
	return q.count;
}

__u32 tc_filter_prog(int ifindex, bool ingress, __u32 handle, __u32 priority)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = handle, .priority = priority);
	int err;

	/* No filter: ENOENT, or EINVAL when its priority's chain is gone too. */
	log_capture_begin();
	err = bpf_tc_query(&hook, &q);
	log_capture_end();
	ck_assert_msg(!err || err == -ENOENT || err == -EINVAL, "tc filter query: %s",
		      strerror(-err));
	return err ? 0 : q.prog_id;
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
