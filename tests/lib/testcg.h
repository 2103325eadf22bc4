/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Throwaway cgroup v2 directories for tests of cgroup BPF programs: attach
 * to cg.fd, move the test process in with testcg_join(), and programs see
 * the sockets it makes from then on (a socket belongs to the cgroup of the
 * process that made it).  A helper process removes the directory when the
 * test process ends however it ends (failed check, timeout); directories
 * of runners that are gone are removed by the next testcg_create().
 */
#ifndef DPLAB_TESTS_TESTCG_H
#define DPLAB_TESTS_TESTCG_H

#include <stdbool.h>

#define TESTCG_PATH 512

struct testcg {
	char path[TESTCG_PATH];	/* <v2 root>/dplabt-<runner pid>-<pid>-<n> */
	char home[TESTCG_PATH];	/* cgroup.procs of the cgroup the test came from */
	int fd;			/* the directory, to attach programs to */
	int reaper_fd;		/* its EOF tells the helper to remove the directory */
	bool joined;
};

/* Mount point of the cgroup v2 hierarchy (hybrid: .../unified), or NULL. */
const char *testcg_root(void);
/* Create a uniquely named cgroup; 0 or -errno. */
int testcg_create(struct testcg *cg);
/* Move the calling process into it; 0 or -errno. */
int testcg_join(struct testcg *cg);
/* Move back where it came from if joined, remove it; 0 or -errno. */
int testcg_remove(struct testcg *cg);

#endif /* DPLAB_TESTS_TESTCG_H */
