// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab probe: the libxdp trial.  libxdp loads xdp_pass from the
 * skeleton's embedded ELF and attaches it in native mode, through its
 * multi-program dispatcher when it can build one, else directly (libxdp
 * 1.3.1 falls back so when the dispatcher's freplace compatibility check
 * fails).  libxdp keeps its pins under <bpffs>/xdp/ (and locks there, or in
 * /run/xdp/ without a bpffs); what the trial leaves there is removed, and
 * a directory libxdp made, when the process exits.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "attach/libxdp_report.h"
#include "util/log.h"
#include "probe/probe.h"
#include "probe/probe_trials.h"
#include "probe.skel.h"
#include "dplab/fmt.h"

#define XDP_PROG_NAME "xdp_pass"
#define LIBXDP_BPFFS_DEFAULT "/sys/fs/bpf"
#define LIBXDP_RUNDIR "/run"
#define STATE_MAX_ENTRIES 128

/* The entries of one libxdp state directory, before or after the trial. */
struct libxdp_state {
	char dir[PATH_MAX];
	bool exists;
	int n;
	char name[STATE_MAX_ENTRIES][NAME_MAX + 1];
};

static void state_read(struct libxdp_state *s)
{
	struct dirent *de;
	DIR *d;

	s->n = 0;
	d = opendir(s->dir);
	s->exists = d != NULL;
	if (!d)
		return;
	while ((de = readdir(d)) && s->n < STATE_MAX_ENTRIES) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		fmt_fit(s->name[s->n++], NAME_MAX + 1, "%s", de->d_name);
	}
	closedir(d);
}

static bool state_has(const struct libxdp_state *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return true;
	return false;
}

static int remove_entry(const char *path, const struct stat *sb, int type,
			struct FTW *ftw)
{
	return remove(path) ? -errno : 0;
}

/*
 * The state directories libxdp created during a trial, removed (when empty)
 * as the process exits, not after the trial: libxdp resolves its directory
 * once per process and never creates it again, so removing it between two
 * interfaces' trials made the second fail with ENOENT ("Couldn't open lock
 * directory") where the dispatcher loads (seen on 6.1 under make
 * check-kernels).
 */
static char created_dirs[2][PATH_MAX];

static void remove_created_dirs(void)
{
	size_t i;

	for (i = 0; i < sizeof(created_dirs) / sizeof(created_dirs[0]); i++)
		if (created_dirs[i][0] && !rmdir(created_dirs[i]))
			log_debug("probe: removed %s, created by libxdp\n", created_dirs[i]);
}

static void remove_at_exit(const char *dir)
{
	static bool registered;
	size_t i;

	for (i = 0; i < sizeof(created_dirs) / sizeof(created_dirs[0]); i++) {
		if (!strcmp(created_dirs[i], dir))
			return;
		if (!created_dirs[i][0]) {
			fmt_fit(created_dirs[i], sizeof(created_dirs[i]), "%s", dir);
			break;
		}
	}
	if (!registered && !atexit(remove_created_dirs))
		registered = true;
}

/*
 * Remove what appeared in the directory during the trial: the dispatcher
 * pins of this interface (dispatch-<ifindex>-<id>), and the directory
 * itself when the trial created it and it is empty again.  Other new
 * entries may belong to another process and are only reported.
 */
static void state_clean_up(const struct libxdp_state *before, int ifindex,
			   struct probe_trial *t)
{
	struct libxdp_state *after;
	char prefix[32], path[PATH_MAX + NAME_MAX + 2];
	int i, err;

	after = calloc(1, sizeof(*after));
	if (!after)
		return;
	fmt_fit(after->dir, sizeof(after->dir), "%s", before->dir);
	state_read(after);
	fmt_fit(prefix, sizeof(prefix), "dispatch-%d-", ifindex);
	for (i = 0; i < after->n; i++) {
		if (state_has(before, after->name[i]))
			continue;
		fmt_fit(path, sizeof(path), "%s/%s", after->dir, after->name[i]);
		if (strncmp(after->name[i], prefix, strlen(prefix))) {
			log_warn("probe: %s appeared during the libxdp trial; not ours, left alone\n",
				 path);
			continue;
		}
		err = nftw(path, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
		trial_note(t, "libxdp left %s pinned: %s", path,
			   err ? errno_name(errno) : "removed");
	}
	if (!before->exists && after->exists)
		remove_at_exit(after->dir);
	free(after);
}

/* A bpf_object of the probe's ELF in which only the XDP program loads. */
static struct bpf_object *open_xdp_only_object(void)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "probe_libxdp");
	struct bpf_program *prog;
	struct bpf_object *obj;
	const void *elf;
	size_t sz;

	elf = probe_bpf__elf_bytes(&sz);
	obj = bpf_object__open_mem(elf, sz, &opts);
	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog),
							XDP_PROG_NAME));
	return obj;
}

static void note_how_loaded(int ifindex, const char *msgs, struct probe_trial *t)
{
	char how[PROBE_MSG];

	libxdp_report_how_loaded(ifindex, msgs, how, sizeof(how));
	trial_note(t, "%s", how);
}

static void attach_and_detach(struct xdp_program *prog, int ifindex,
			      struct probe_trial *t)
{
	char msgs[PROBE_MSG];
	int err;

	log_capture_begin();
	err = xdp_program__attach(prog, ifindex, XDP_MODE_NATIVE, 0);
	if (err)
		log_capture_extack(t->kernel_msg, sizeof(t->kernel_msg));
	libxdp_report_messages(msgs, sizeof(msgs));
	log_capture_end();
	if (err) {
		trial_failed(t, err);
		if (msgs[0])
			trial_note(t, "%s", msgs);
		return;
	}
	trial_ok(t);
	note_how_loaded(ifindex, msgs, t);

	log_capture_begin();
	err = xdp_program__detach(prog, ifindex, XDP_MODE_NATIVE, 0);
	libxdp_report_messages(msgs, sizeof(msgs));
	log_capture_end();
	if (err) {
		log_err("probe: ifindex %d: libxdp could not detach %s: %s (%s)\n",
			ifindex, XDP_PROG_NAME, errno_name(err), msgs);
		trial_note(t, "detaching it failed: %s", errno_name(err));
	}
}

void probe_trial_libxdp(const struct trial_env *env, struct probe_trial *t)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .prog_name = XDP_PROG_NAME);
	struct libxdp_state *state = NULL;
	struct xdp_program *prog = NULL;
	struct bpf_object *obj;
	const char *bpffs;
	int err, i;

	obj = open_xdp_only_object();
	if (!obj) {
		trial_failed(t, errno);
		trial_note(t, "opening the probe's BPF object failed");
		return;
	}
	opts.obj = obj;
	prog = xdp_program__create(&opts);
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		trial_failed(t, err);
		trial_note(t, "libxdp could not use %s", XDP_PROG_NAME);
		goto out;
	}
	state = calloc(2, sizeof(*state));
	if (!state) {
		trial_failed(t, ENOMEM);
		goto out;
	}
	bpffs = secure_getenv("LIBXDP_BPFFS") ?: LIBXDP_BPFFS_DEFAULT;
	fmt_fit(state[0].dir, sizeof(state[0].dir), "%s/xdp", bpffs);
	fmt_fit(state[1].dir, sizeof(state[1].dir), "%s/xdp", LIBXDP_RUNDIR);
	for (i = 0; i < 2; i++)
		state_read(&state[i]);

	attach_and_detach(prog, env->f->ifindex, t);

	for (i = 0; i < 2; i++)
		state_clean_up(&state[i], env->f->ifindex, t);
out:
	free(state);
	xdp_program__close(prog);
	bpf_object__close(obj);
}
