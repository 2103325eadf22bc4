// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab topo up FILE | down FILE|NAME | show FILE|NAME [--json]
 *
 * `up` parses the whole file before it creates anything, and removes what
 * it built when a step fails or it is interrupted (SIGINT, SIGTERM and
 * SIGHUP are held while it builds and acted on between steps).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "util/log.h"
#include "util/netns.h"
#include "topo/topo.h"
#include "dplab/fmt.h"

#define TOPO_JSON_SCHEMA "dplab.topo/1"
#define EXIT_INTERRUPTED 130
#define ERR_LEN 1024

struct topo_opts {
	bool json;
	bool allow_physical;
	int verbose;
};

struct topo_cmd {
	const char *name;
	int (*run)(const char *arg, const struct topo_opts *o);
	const char *args;
	const char *help;
};

static int topo_up(const char *file, const struct topo_opts *o);
static int topo_down_cmd(const char *file_or_name, const struct topo_opts *o);
static int topo_show(const char *file_or_name, const struct topo_opts *o);

static const struct topo_cmd topo_cmds[] = {
	{ "up", topo_up, "FILE",
	  "Build the topology FILE describes: a network namespace per node, pod and\n"
	  "external host, joined by veths and the fabric bridge (topologies/README.md).\n"
	  "The whole file is checked first: a malformed one builds nothing (exit 2,\n"
	  "FILE:LINE: FIELD: reason). Running it again on a topology that is up is\n"
	  "fine. If a step fails, or on Ctrl-C, what was built is removed again.\n" },
	{ "down", topo_down_cmd, "FILE|NAME",
	  "Remove every namespace, cgroup, pin and state of the topology, found from\n"
	  "its name (also after `up` crashed or was killed). Nothing there is fine.\n" },
	{ "show", topo_show, "FILE|NAME",
	  "Print the topology (nodes, pods, namespaces, addresses, host interfaces,\n"
	  "external hosts, services) and whether it is up. NAME: one that is up.\n" },
};

#define N_TOPO_CMDS (sizeof(topo_cmds) / sizeof(topo_cmds[0]))

static const struct opt topo_table[] = {
	OPT_FLAG_ENTRY("json", 'j', "show: one JSON document (schema dplab.topo/1,\n"
		       "topologies/README.md)", struct topo_opts, json),
	OPT_FLAG_ENTRY("allow-physical", 0, "up: let uplink_dev= move a host interface into the\n"
		       "topology (never the default route's)", struct topo_opts, allow_physical),
	OPT_COUNT_ENTRY("verbose", 'v', "show every command run (twice: debug)",
			struct topo_opts, verbose),
	OPT_END,
};

/* The opts command of c: its name, usage line and help, the shared table. */
static void topo_opt_cmd(const struct topo_cmd *c, struct opt_cmd *oc, char *name,
			 char *usage, size_t len)
{
	snprintf(name, len, "dplab topo %s", c->name);
	snprintf(usage, len, "dplab topo %s %s%s [-v]", c->name, c->args,
		 c->run == topo_show ? " [--json]" : "");
	*oc = (struct opt_cmd){ .name = name, .usage = usage, .description = c->help,
				.opts = topo_table };
}

static void topo_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dplab topo COMMAND ARG   (dplab topo COMMAND --help for more)\n\n");
	for (i = 0; i < N_TOPO_CMDS; i++)
		fprintf(out, "  %-5s %s\n", topo_cmds[i].name, topo_cmds[i].args);
	fprintf(out, "\nExit status: 0 done, 1 failed, 2 bad input, 130 interrupted.\n");
}

static bool need_root(const char *what)
{
	if (!geteuid())
		return true;
	fprintf(stderr, "dplab topo %s: must run as root (network namespaces, cgroups)\n", what);
	return false;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static int topo_up(const char *file, const struct topo_opts *o)
{
	char err[ERR_LEN], down_err[ERR_LEN];
	struct topo t;
	struct timespec start;
	sigset_t hold, old;
	int ret, status;

	if (topo_parse(file, &t, err, sizeof(err))) {
		fprintf(stderr, "dplab topo up: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (!need_root("up"))
		return EXIT_BAD_INPUT;
	if (topo_guard_real_devs(&t, o->allow_physical, err, sizeof(err))) {
		fprintf(stderr, "dplab topo up: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigprocmask(SIG_BLOCK, &hold, &old);
	clock_gettime(CLOCK_MONOTONIC, &start);
	fprintf(stderr, "dplab topo up: building %s (nodes %d, pods %d, external hosts %d)\n",
		t.name, t.n_nodes, t.n_pods, t.n_externals);
	ret = topo_build(&t, err, sizeof(err));
	if (!ret) {
		printf("topology %s is up (%.2f s); dplab topo show %s\n", t.name,
		       seconds_since(&start), t.name);
		status = EXIT_SUCCESS;
		goto out;
	}
	status = ret == -EINTR ? EXIT_INTERRUPTED : EXIT_FAILURE;
	fprintf(stderr, "dplab topo up: %s; removing what was built\n", err);
	if (topo_down(t.name, down_err, sizeof(down_err)))
		fprintf(stderr, "dplab topo up: removing %s: %s (run dplab topo down %s)\n",
			t.name, down_err, t.name);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

static int topo_down_cmd(const char *file_or_name, const struct topo_opts *o)
{
	char err[ERR_LEN], name[TOPO_NAME];
	struct topo t;
	sigset_t hold, old;
	struct stat st;
	int ret;


	if ((!stat(file_or_name, &st) && S_ISREG(st.st_mode)) || strchr(file_or_name, '/')) {
		if (topo_parse(file_or_name, &t, err, sizeof(err))) {
			fprintf(stderr, "dplab topo down: %s\n", err);
			return EXIT_BAD_INPUT;
		}
		fmt_fit(name, sizeof(name), "%s", t.name);
	} else if (topo_name_valid(file_or_name)) {
		fmt_fit(name, sizeof(name), "%s", file_or_name);
	} else {
		fprintf(stderr, "dplab topo down: '%s' is neither a topology file nor a topology "
			"name\n", file_or_name);
		return EXIT_BAD_INPUT;
	}
	if (!need_root("down"))
		return EXIT_BAD_INPUT;
	sigfillset(&hold);
	sigprocmask(SIG_BLOCK, &hold, &old);
	ret = topo_down(name, err, sizeof(err));
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		fprintf(stderr, "dplab topo down: %s: %s\n", name, err);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* "up": recorded and every namespace there; "down": nothing; else "partial". */
static const char *topo_state(const struct topo *t)
{
	const char *ns[TOPO_MAX_NS];
	int i, there = 0, all = topo_namespaces(t, ns);
	char path[PATH_MAX];
	bool recorded;

	topo_state_path(t->name, "topology", path, sizeof(path));
	recorded = !access(path, F_OK);
	for (i = 0; i < all; i++)
		there += netns_exists(ns[i]);
	if (recorded && there == all)
		return "up";
	return !recorded && !there ? "down" : "partial";
}

static int topo_show(const char *file_or_name, const struct topo_opts *o)
{
	bool json = o->json;
	char err[ERR_LEN];
	struct topo t;
	json_t *doc;
	int ret;

	ret = topo_open(file_or_name, &t, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "dplab topo show: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (!json) {
		topo_print(&t);
		printf("\nstate: %s\n", topo_state(&t));
		return EXIT_SUCCESS;
	}
	doc = json_pack("{s:s,s:s,s:o}", "schema", TOPO_JSON_SCHEMA, "state", topo_state(&t),
			"topology", topo_to_json(&t));
	ret = doc ? json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
	putchar('\n');
	json_decref(doc);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_topo(int argc, char **argv)
{
	char name[64], usage[128];
	struct topo_opts o = { 0 };
	const struct topo_cmd *c = NULL;
	struct opt_cmd oc;
	int first;
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		topo_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_BAD_INPUT : EXIT_SUCCESS;
	}
	for (i = 0; i < N_TOPO_CMDS; i++)
		if (!strcmp(argv[1], topo_cmds[i].name))
			c = &topo_cmds[i];
	if (!c) {
		fprintf(stderr, "dplab topo: unknown command '%s'\n", argv[1]);
		topo_usage(stderr);
		return EXIT_BAD_INPUT;
	}
	topo_opt_cmd(c, &oc, name, usage, sizeof(name));
	first = opts_parse(&oc, argc - 1, argv + 1, &o, NULL);
	if (first < 0)
		return opts_exit_code(first);
	if (o.json && c->run != topo_show) {
		fprintf(stderr, "dplab topo %s: --json is for show\n", c->name);
		return EXIT_BAD_INPUT;
	}
	if (first != argc - 2) {
		fprintf(stderr, "dplab topo %s: expected one %s\n", c->name, c->args);
		opts_usage(&oc, stderr);
		return EXIT_BAD_INPUT;
	}
	log_set_verbosity(o.verbose);
	return c->run(argv[1 + first], &o);
}
