/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the "attach" suite's files (test_attach*.c): a namespace with
 * a veth pair a/b, the test process inside it, the probe's pass-through
 * programs loaded, and a test-unique pin directory.  The runner's
 * unchecked teardown removes every pin directory of this runner, so pins
 * go also when a test fails half way (a failed check ends the process).
 */
#ifndef DPLAB_TESTS_ATTACH_ENV_H
#define DPLAB_TESTS_ATTACH_ENV_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "attach/attach.h"
#include "lib/testns.h"

struct probe_bpf;

struct attach_env {
	char ns[TESTNS_NAME];
	char pin_dir[128];		/* on bpffs; made by attach_prog */
	char plain_dir[128];		/* the same on tmpfs: links cannot pin */
	struct probe_bpf *skel;		/* xdp_pass, tc_pass */
	int ifindex;			/* of "a" */
};

/* NULL when the suite can run (root, namespaces, bpffs), else why not. */
const char *attach_env_missing(void);

/* Namespace with a up (peer b gets peer_opts, e.g. "mtu 9000"), entered. */
void attach_env_up(struct attach_env *e, const char *peer_opts);
/* Closes every fd of the programs: attachments must hold on their own. */
void attach_env_close_progs(struct attach_env *e);
void attach_env_down(struct attach_env *e);

/* A new empty file /tmp/dplabt-<runner>-attach-<what>-XXXXXX, its name in path. */
void attach_env_temp_file(char *path, size_t len, const char *what);

/* Runner side (unchecked fixture): remove this runner's pin dirs and temp files. */
void attach_env_remove_leftovers(void);

/* A request for device "a" in e's namespace; the pin is pin_dir/pin_name. */
void attach_env_request(struct attach_env *e, struct attach_request *req, enum attach_hook hook,
			int prog_fd, const char *pin_name);

/* What the kernel reports on a. */
__u32 xdp_attached_prog(int ifindex, __u8 *mode);
/* Programs on a tcx hook in order; how many (ids[] has room for max). */
int tcx_progs(int ifindex, bool ingress, __u32 *ids, int max);
/* Program of the legacy filter handle/prio, 0 when there is none. */
__u32 tc_filter_prog(int ifindex, bool ingress, __u32 handle, __u32 priority);
bool path_exists(const char *path);

/* One more program instance (another prog id), loaded; destroy it with probe_bpf__destroy. */
struct probe_bpf *attach_env_load_probe(void);

/* TCases of the other files of the suite. */
TCase *attach_tc_tcase(void);
TCase *attach_state_tcase(void);

#define attach_ok(req, a)                                                     \
	do {                                                                  \
		char err_[1024] = "";                                          \
		int rc_ = attach_prog(req, a, err_, sizeof(err_));            \
		ck_assert_msg(rc_ == 0, "attach_prog: %d: %s", rc_, err_);   \
	} while (0)

#define detach_ok(a)                                                          \
	do {                                                                  \
		char err_[1024] = "";                                          \
		int rc_ = attach_detach(a, err_, sizeof(err_));               \
		ck_assert_msg(rc_ == 0, "attach_detach: %d: %s", rc_, err_); \
	} while (0)

#define need_attach_env()                                                     \
	do {                                                                  \
		const char *why_ = attach_env_missing();                     \
		if (why_)                                                     \
			test_skip("%s", why_);                                \
	} while (0)

#endif /* DPLAB_TESTS_ATTACH_ENV_H */
