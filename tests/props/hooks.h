/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the hooks test (props.h, "hook programs"): its lanes and worlds
 * (hooks.c), the differences kept and reported (hooks_report.c), a program
 * of hooks.bpf.c loaded on a world's maps (hooks_load.c).
 */
#ifndef DPLAB_TESTS_PROPS_HOOKS_H
#define DPLAB_TESTS_PROPS_HOOKS_H

#include "dplab/counters.h"
#include "props/props.h"

struct hooks_bpf;

#define HOOKS_SAMPLES 3
#define HOOKS_SAMPLE_LEN 4096

/* A hook and its chain (hook_plan.h), each step with world A's program. */
struct hook_def {
	const char *prog;		/* hooks.bpf.c */
	const char *dev;		/* the device it is on (progs.c's node) */
	bool ingress;
	unsigned int n;
	struct {
		unsigned int step;	/* enum hook_step */
		const char *chain_prog;	/* progs.c's name of the chain's program */
	} chain[4];
};

struct lane {
	const struct hook_def *hook;	/* NULL: the XDP feeder */
	unsigned int positions;		/* bits: hook->chain[k] runs */
	unsigned int objs;		/* bits: props_obj whose counters it changes */
	char name[80];
	struct hooks_bpf *skel;
	int fd;				/* B's program */
	int chain[4];			/* A's programs (props index) by position */
	int ifindex;
	uint64_t frames, next, ok, shot, redirect, other, changed, differ;
	char sample[HOOKS_SAMPLES][HOOKS_SAMPLE_LEN];
};

struct props_hooks {
	struct props_env a, b;
	struct lane *lane;
	unsigned int n_lane;
	uint64_t seed;
	uint64_t differ_total;		/* totals of counters that differed */
	char total_sample[HOOKS_SAMPLE_LEN];
	int ncpu;
	/* the counters last read, per world and object: a frame's increments */
	uint64_t last[2][PROPS_OBJ_N][DPLAB_CNT_MAX];
};

/* One world's run of a frame. */
struct run {
	int verdict;			/* -errno when the test run failed */
	size_t len;
	const uint8_t *out;
	const char *stop;		/* A: the program whose verdict it is */
};

extern const char *const hooks_obj_name[PROPS_OBJ_N];
void hooks_app(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A difference of lane l (its l->differ-th), kept with both runs. */
void hooks_keep(struct props_hooks *h, struct lane *l, const char *why, const uint8_t *in,
		size_t in_len, const char *what, const struct run *a, const struct run *b);

/*
 * Program prog of hooks.bpf.c with steps (enum hook_step bits) on the maps
 * of world, configured as world's objects are (opts); its fd in *fd.  The
 * skeleton, or NULL with err set.
 */
struct hooks_bpf *hooks_load(const struct props_env *world, const struct props_opts *opts,
			     const char *prog, unsigned int steps, int *fd, char *err,
			     size_t err_len);
void hooks_unload(struct hooks_bpf *s);

#endif /* DPLAB_TESTS_PROPS_HOOKS_H */
