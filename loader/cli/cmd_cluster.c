// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab up | set | down: bring the emulated cluster up with a profile,
 * switch knobs on it, take it down.  Signals are held while a change is
 * being made, so Ctrl-C cannot leave half a knob; an interrupted `up`
 * tears the topology down.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cluster/cluster.h"
#include "util/log.h"
#include "cluster/stack.h"

#define DEFAULT_TOPOLOGY "topologies/two-node.topo"

struct cluster_opts {
	const char *topology;		/* file (up) or name (set, down, status) */
	const char *profile;
	int verbose;
	char **assignments;
	int n_assignments;
};

static const struct opt cluster_table[] = {
	OPT_STR_ENTRY("topology", 't', "FILE|NAME",
		      "up: the topology file; set, down: the name of the one up",
		      struct cluster_opts, topology),
	OPT_STR_ENTRY("profile", 'p', "A-E|FILE", "up: the knobs to start from (default A)",
		      struct cluster_opts, profile),
	OPT_COUNT_ENTRY("verbose", 'v', "show every command run (twice: debug)",
			struct cluster_opts, verbose),
	OPT_END,
};

static const struct opt_cmd cluster_cmds[] = {
	{ .name = "dplab up",
	  .usage = "dplab up [--topology FILE] [--profile A-E|FILE] [KNOB=VALUE...]",
	  .description =
		"Builds the topology (default " DEFAULT_TOPOLOGY ") if it is not up\n"
		"and applies the profile (default A) with the assignments on top.\n",
	  .opts = cluster_table, .extra_help = knobs_help },
	{ .name = "dplab set",
	  .usage = "dplab set [--topology NAME] KNOB=VALUE...",
	  .description =
		"Switches knobs on the running cluster; if one cannot be applied, the\n"
		"previous setting stays in force.\n",
	  .opts = cluster_table, .extra_help = knobs_help },
	{ .name = "dplab down",
	  .usage = "dplab down [--topology NAME]",
	  .description = "Detaches everything and removes the topology; fine when nothing is up.\n",
	  .opts = cluster_table },
};

static const struct opt_cmd *cluster_cmd(const char *cmd)
{
	if (!strcmp(cmd, "up"))
		return &cluster_cmds[0];
	return !strcmp(cmd, "set") ? &cluster_cmds[1] : &cluster_cmds[2];
}

/* 0, or OPTS_HELP / OPTS_ERROR (opts_exit_code() makes them exit statuses). */
static int parse(int argc, char **argv, struct cluster_opts *o)
{
	int first = opts_parse(cluster_cmd(argv[0]), argc, argv, o, NULL);

	if (first < 0)
		return first;
	log_set_verbosity(o->verbose);
	o->assignments = argv + first;
	o->n_assignments = argc - first;
	return 0;
}

static int assign_all(struct knobs *k, const struct cluster_opts *o, const char *cmd)
{
	char err[256];
	int i;

	for (i = 0; i < o->n_assignments; i++)
		if (knobs_assign(k, o->assignments[i], NULL, err, sizeof(err))) {
			fprintf(stderr, "dplab %s: %s\n", cmd, err);
			return -EINVAL;
		}
	return 0;
}

static void hold_signals(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, old);
}

static bool interrupted(void)
{
	sigset_t pending;

	sigpending(&pending);
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
	       sigismember(&pending, SIGHUP);
}

static void print_report(const struct cluster *c, const struct apply_report *r)
{
	printf("%s: %d attached, %d detached, %d objects loaded in %.2f s\n", c->t.name,
	       r->attached, r->detached, r->reloaded, r->seconds);
	if (r->notes[0])
		printf("notes:\n%s", r->notes);
}

static int need_root(const char *cmd)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "dplab %s: must run as root (namespaces, BPF, iptables)\n", cmd);
	return -EPERM;
}

int cmd_up(int argc, char **argv)
{
	struct cluster_opts o = { .topology = DEFAULT_TOPOLOGY, .profile = "A" };
	static struct cluster c;
	struct apply_report r;
	struct knobs want;
	char err[1024], state[PATH_MAX];
	static struct topo t;
	bool built = false;
	sigset_t old;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	if (need_root("up"))
		return EXIT_BAD_INPUT;
	if (knobs_profile(o.profile, &want, err, sizeof(err))) {
		fprintf(stderr, "dplab up: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (assign_all(&want, &o, "up"))
		return EXIT_BAD_INPUT;
	if (topo_parse(o.topology, &t, err, sizeof(err))) {
		fprintf(stderr, "dplab up: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	hold_signals(&old);
	topo_state_path(t.name, "topology", state, sizeof(state));
	if (access(state, F_OK)) {
		fprintf(stderr, "dplab up: building topology %s from %s\n", t.name, o.topology);
		ret = topo_build(&t, err, sizeof(err));
		built = true;
		if (ret) {
			fprintf(stderr, "dplab up: building %s failed: %s\n", t.name, err);
			goto fail;
		}
	}
	ret = cluster_open(t.name, &c, err, sizeof(err));
	if (!ret && !interrupted())
		ret = cluster_apply(&c, &want, &r, err, sizeof(err));
	if (!ret && interrupted())
		ret = -EINTR, snprintf(err, sizeof(err), "interrupted");
	if (ret) {
		fprintf(stderr, "dplab up: %s\n", err);
		goto fail;
	}
	print_report(&c, &r);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return EXIT_SUCCESS;
fail:
	if (built) {
		fprintf(stderr, "dplab up: removing %s again\n", t.name);
		stack_restore_host(t.name);
		topo_down(t.name, err, sizeof(err));
	}
	return EXIT_FAILURE;
}

int cmd_set(int argc, char **argv)
{
	struct cluster_opts o = { 0 };
	static struct cluster c;
	struct apply_report r;
	struct knobs want;
	char err[1024];
	sigset_t old;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	if (need_root("set"))
		return EXIT_BAD_INPUT;
	if (!o.n_assignments) {
		fprintf(stderr, "dplab set: no KNOB=VALUE given\n");
		opts_usage(cluster_cmd("set"), stderr);
		knobs_help(stderr);
		return EXIT_BAD_INPUT;
	}
	if (cluster_open(o.topology, &c, err, sizeof(err))) {
		fprintf(stderr, "dplab set: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	want = c.k;
	if (assign_all(&want, &o, "set"))
		return EXIT_BAD_INPUT;
	hold_signals(&old);
	ret = cluster_apply(&c, &want, &r, err, sizeof(err));
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		fprintf(stderr, "dplab set: %s; the previous setting stays in force\n", err);
		return EXIT_FAILURE;
	}
	print_report(&c, &r);
	return EXIT_SUCCESS;
}

int cmd_down(int argc, char **argv)
{
	struct cluster_opts o = { 0 };
	char err[1024], name[TOPO_NAME];
	static struct cluster c;
	sigset_t old;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	if (need_root("down"))
		return EXIT_BAD_INPUT;
	if (o.topology) {
		snprintf(name, sizeof(name), "%s", o.topology);
	} else if (cluster_open(NULL, &c, err, sizeof(err))) {
		printf("dplab down: nothing is up\n");
		return EXIT_SUCCESS;
	} else {
		snprintf(name, sizeof(name), "%s", c.t.name);
	}
	hold_signals(&old);
	stack_restore_host(name);
	ret = topo_down(name, err, sizeof(err));
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		fprintf(stderr, "dplab down: %s\n", err);
		return EXIT_FAILURE;
	}
	printf("%s: down\n", name);
	return EXIT_SUCCESS;
}
