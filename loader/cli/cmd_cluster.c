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
#include "dplab/fmt.h"

#define DEFAULT_TOPOLOGY "topologies/two-node.topo"

struct cluster_opts {
	const char *topology;		/* file (up) or name (set, down, status) */
	const char *profile;
	bool json, allow_physical;
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
	OPT_FLAG_ENTRY("json", 'j', "up, set: what was applied, as JSON (docs/cluster-json.md)", struct cluster_opts, json),
	OPT_FLAG_ENTRY("allow-physical", 0, "up: let uplink_dev= move a host interface into the "
		       "topology (never the default route's)", struct cluster_opts, allow_physical),
	OPT_COUNT_ENTRY("verbose", 'v', "show every command run (twice: debug)",
			struct cluster_opts, verbose),
	OPT_END,
};

static const struct opt_cmd cluster_cmds[] = {
	{ .name = "dplab up",
	  .usage = "dplab up [--topology FILE] [--profile A-E|FILE] [--json] [KNOB=VALUE...]",
	  .description =
		"Builds the topology (default " DEFAULT_TOPOLOGY ") if it is not up\n"
		"and applies the profile (default A) with the assignments on top.\n",
	  .opts = cluster_table, .extra_help = knobs_help },
	{ .name = "dplab set",
	  .usage = "dplab set [--topology NAME] [--json] KNOB=VALUE...",
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

/* What an apply did: a line and the notes, or with --json the document. */
static void print_report(const struct cluster_opts *o, const char *cmd,
			 const struct cluster *c, const struct apply_report *r, int ret,
			 const char *err)
{
	json_t *j;

	if (o->json) {
		j = cluster_apply_json(cmd, c, r, ret, err);
		if (!j || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
			fprintf(stderr, "dplab %s: cannot write the JSON result\n", cmd);
		printf("\n");
		json_decref(j);
		return;
	}
	if (ret)
		return;
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

/* A cluster's state is a few hundred KB (its attachments): on the heap. */
static struct cluster *cluster_alloc(const char *cmd)
{
	struct cluster *c = calloc(1, sizeof(*c));

	if (!c)
		fprintf(stderr, "dplab %s: %s\n", cmd, strerror(ENOMEM));
	return c;
}

/* Build the topology if it is not up, then apply want; 0 or -errno. */
static int up_apply(const struct cluster_opts *o, struct topo *t, const struct knobs *want,
		    struct cluster *c, bool *built)
{
	char err[1024], state[PATH_MAX];
	struct apply_report r;
	int ret = 0;

	topo_state_path(t->name, "topology", state, sizeof(state));
	if (access(state, F_OK)) {
		ret = topo_guard_real_devs(t, o->allow_physical, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "dplab up: %s\n", err);
			return ret;
		}
		fprintf(stderr, "dplab up: building topology %s from %s\n", t->name, o->topology);
		ret = topo_build(t, err, sizeof(err));
		*built = true;
		if (ret) {
			fprintf(stderr, "dplab up: building %s failed: %s\n", t->name, err);
			return ret;
		}
	}
	ret = cluster_open(t->name, c, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dplab up: %s\n", err);
		return ret;
	}
	memset(&r, 0, sizeof(r));
	if (!interrupted())
		ret = cluster_apply(c, want, &r, err, sizeof(err));
	if (!ret && interrupted())
		ret = -EINTR, snprintf(err, sizeof(err), "interrupted");
	if (ret)
		fprintf(stderr, "dplab up: %s\n", err);
	print_report(o, "up", c, &r, ret, err);
	return ret;
}

int cmd_up(int argc, char **argv)
{
	struct cluster_opts o = { .topology = DEFAULT_TOPOLOGY, .profile = "A" };
	struct cluster *c = NULL;
	struct knobs want;
	char err[1024];
	struct topo t;
	bool built = false;
	sigset_t old;
	int ret = EXIT_BAD_INPUT;

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
	c = cluster_alloc("up");
	if (!c)
		return EXIT_FAILURE;
	hold_signals(&old);
	ret = up_apply(&o, &t, &want, c, &built) ? EXIT_FAILURE : EXIT_SUCCESS;
	if (ret && built) {
		fprintf(stderr, "dplab up: removing %s again\n", t.name);
		stack_restore_host(t.name);
		topo_down(t.name, err, sizeof(err));
	}
	if (!ret)
		sigprocmask(SIG_SETMASK, &old, NULL);
	free(c);
	return ret;
}

int cmd_set(int argc, char **argv)
{
	struct cluster_opts o = { 0 };
	struct apply_report r;
	struct cluster *c;
	struct knobs want;
	char err[1024];
	sigset_t old;
	int ret = EXIT_BAD_INPUT;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	ret = EXIT_BAD_INPUT;
	if (need_root("set"))
		return EXIT_BAD_INPUT;
	if (!o.n_assignments) {
		fprintf(stderr, "dplab set: no KNOB=VALUE given\n");
		opts_usage(cluster_cmd("set"), stderr);
		knobs_help(stderr);
		return EXIT_BAD_INPUT;
	}
	c = cluster_alloc("set");
	if (!c)
		return EXIT_FAILURE;
	if (cluster_open(o.topology, c, err, sizeof(err))) {
		fprintf(stderr, "dplab set: %s\n", err);
		goto out;
	}
	want = c->k;
	if (assign_all(&want, &o, "set"))
		goto out;
	hold_signals(&old);
	ret = cluster_apply(c, &want, &r, err, sizeof(err));
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret)
		fprintf(stderr, "dplab set: %s%s\n", err,
			r.unrecorded ? "" : "; the previous setting stays in force");
	print_report(&o, "set", c, &r, ret, err);
	ret = ret ? EXIT_FAILURE : EXIT_SUCCESS;
out:
	free(c);
	return ret;
}

int cmd_down(int argc, char **argv)
{
	struct cluster_opts o = { 0 };
	char err[1024], name[TOPO_NAME];
	struct cluster *c;
	sigset_t old;
	int ret;

	ret = parse(argc, argv, &o);
	if (ret)
		return opts_exit_code(ret);
	if (need_root("down"))
		return EXIT_BAD_INPUT;
	if (o.topology) {
		/* Validated before any use: the name becomes paths under /run/dplab. */
		if (!topo_name_valid(o.topology)) {
			fprintf(stderr, "dplab down: --topology '%s': not a topology name (letters, "
				"digits, - and _, at most %d characters)\n", o.topology,
				TOPO_NAME - 1);
			return EXIT_BAD_INPUT;
		}
		fmt_fit(name, sizeof(name), "%s", o.topology);
	} else {
		c = cluster_alloc("down");
		if (!c)
			return EXIT_FAILURE;
		ret = cluster_open(NULL, c, err, sizeof(err));
		fmt_fit(name, sizeof(name), "%s", c->t.name);
		free(c);
		if (ret) {
			printf("dplab down: nothing is up\n");
			return EXIT_SUCCESS;
		}
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
