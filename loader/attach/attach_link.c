// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pinned bpf_links, shared by the XDP, tcx and cgroup mechanisms, and the
 * cgroup sock_addr hooks themselves.  A link lives as long as something
 * holds it: the pin keeps it after the process exits, and unpinning it
 * (with no fd open elsewhere) detaches the program.  To detach it also
 * while another process holds an fd, bpf_link_detach() comes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "attach/attach_int.h"
#include "util/log.h"
#include "dplab/fmt.h"

/* mkdir -p of the directory that holds path; 0 or -errno. */
static int mkdir_parents(const char *path)
{
	char dir[PATH_MAX];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	for (p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/*
 * Before the link is made (so that nothing is attached even for a moment
 * when it could not be kept): the pin's directory exists and is on a
 * bpffs, and nothing is pinned there yet.
 */
int link_pin_prepare(const char *pin, char *why, size_t len)
{
	char dir[PATH_MAX];
	struct statfs st;
	char *slash;
	int err;

	if (!pin || !pin[0]) {
		snprintf(why, len, "no pin path given: the link would not outlive this process");
		return -EINVAL;
	}
	err = mkdir_parents(pin);
	if (err) {
		snprintf(why, len, "creating the directory of pin %s: %s", pin, errno_name(err));
		return err;
	}
	if (fmt_fit(dir, sizeof(dir), "%s", pin)) {
		snprintf(why, len, "pin %s: name too long", pin);
		return -ENAMETOOLONG;
	}
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0';	/* "/pin" keeps "/" */
	if (statfs(dir, &st)) {
		err = -errno;
		snprintf(why, len, "pin directory %s: %s", dir, errno_name(err));
		return err;
	}
	if (st.f_type != BPF_FS_MAGIC) {
		snprintf(why, len, "cannot pin at %s: %s is not on a bpffs (EPERM)", pin, dir);
		return -EPERM;
	}
	if (!access(pin, F_OK)) {
		snprintf(why, len, "pin %s exists already (a link of an earlier run?)", pin);
		return -EEXIST;
	}
	return 0;
}

/* Pin link_fd and close it: without the pin the link goes with the fd. */
int link_pin_and_close(int link_fd, const char *pin, char *why, size_t len)
{
	int err = bpf_obj_pin(link_fd, pin);

	if (err)
		snprintf(why, len, "pinning the link at %s: %s", pin, errno_name(err));
	close(link_fd);
	return err;
}

int link_create_pinned(int prog_fd, int target_fd, enum bpf_attach_type type, __u32 flags,
		       const char *pin, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int link_fd, err;

	err = link_pin_prepare(pin, why, len);
	if (err)
		return err;
	link_fd = bpf_link_create(prog_fd, target_fd, type, &opts);
	if (link_fd < 0) {
		attach_why(why, len, link_fd, NULL);
		return link_fd;
	}
	return link_pin_and_close(link_fd, pin, why, len);
}

int link_detach_pinned(const char *pin, __u32 prog_id, char *why, size_t len)
{
	struct bpf_link_info info;
	__u32 info_len = sizeof(info);
	int fd, err;

	fd = bpf_obj_get(pin);
	if (fd < 0) {
		if (fd == -ENOENT)
			return 0;
		snprintf(why, len, "opening pin %s: %s", pin, errno_name(fd));
		return fd;
	}
	memset(&info, 0, sizeof(info));
	err = bpf_link_get_info_by_fd(fd, &info, &info_len);
	if (err) {
		snprintf(why, len, "%s is not a link: %s", pin, errno_name(err));
		goto out;
	}
	if (info.prog_id != prog_id) {
		/* Pinned again since, with another program: not ours to remove. */
		log_debug("attach: %s now holds link %u of program %u, not %u; left alone\n",
			  pin, info.id, info.prog_id, prog_id);
		goto out;
	}
	err = bpf_link_detach(fd);
	if (err) {
		snprintf(why, len, "detaching link %u (%s): %s", info.id, pin, errno_name(err));
		goto out;
	}
	if (unlink(pin) && errno != ENOENT) {
		err = -errno;
		snprintf(why, len, "removing pin %s: %s", pin, errno_name(err));
	}
out:
	close(fd);
	return err;
}

int detach_link(const struct attachment *a, char *why, size_t len)
{
	return link_detach_pinned(a->pin, a->prog_id, why, len);
}

static enum bpf_attach_type cgroup_attach_type(enum attach_hook hook)
{
	switch (hook) {
	case HOOK_CGROUP_CONNECT4:
		return BPF_CGROUP_INET4_CONNECT;
	case HOOK_CGROUP_SENDMSG4:
		return BPF_CGROUP_UDP4_SENDMSG;
	case HOOK_CGROUP_RECVMSG4:
		return BPF_CGROUP_UDP4_RECVMSG;
	case HOOK_CGROUP_CONNECT6:
		return BPF_CGROUP_INET6_CONNECT;
	case HOOK_CGROUP_RECVMSG6:
		return BPF_CGROUP_UDP6_RECVMSG;
	case HOOK_CGROUP_GETPEERNAME6:
		return BPF_CGROUP_INET6_GETPEERNAME;
	case HOOK_CGROUP_GETPEERNAME4:
	default:	/* device hooks never come here (attach_mech_fits_hook) */
		return BPF_CGROUP_INET4_GETPEERNAME;
	}
}

int attach_cgroup_link(const struct attach_target *t, struct attachment *a,
		       char *why, size_t len)
{
	const struct attach_request *req = t->req;
	int cg_fd, err;

	cg_fd = open(req->ifname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg_fd < 0) {
		err = -errno;
		snprintf(why, len, "opening the cgroup directory: %s", errno_name(err));
		return err;
	}
	err = link_create_pinned(req->prog_fd, cg_fd, cgroup_attach_type(req->hook), 0,
				 req->pin_path, why, len);
	close(cg_fd);
	if (!err)
		snprintf(a->pin, sizeof(a->pin), "%s", req->pin_path);
	return err;
}
