// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* dplab: the loader and experiment driver.  One file per subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"
#include "util/version.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "probe", cmd_probe, "does XDP / tc BPF work on an interface; if not, why and the fix" },
	{ "topo", cmd_topo, "build, remove or show an emulated cluster (topologies/*.topo)" },
	{ "exec", cmd_exec, "run a command in a node, pod or external host of a topology" },
	{ "up", cmd_up, "bring the cluster up with a profile (presets A-E) and knobs" },
	{ "set", cmd_set, "switch knobs on the running cluster (transactional)" },
	{ "status", cmd_status, "knobs in force, programs attached and how, map fill, counters" },
	{ "down", cmd_down, "detach everything and remove the cluster" },
	{ "run", cmd_run, "measure every knob alone and scenarios A-E; write a report" },
	{ "compare", cmd_compare, "two results.json side by side, with differences" },
	{ "fleet-report", cmd_fleet, "probe documents of many nodes, grouped by instance type" },
	{ "tcpload", cmd_tcpload, "TCP workloads of `run`: serve, connect rate, request latency" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dplab COMMAND [ARGS]   (dplab COMMAND --help for more)\n"
		     "       dplab --version\n\n"
		     "commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_SUCCESS;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("dplab %s\n", dplab_version());
		return EXIT_SUCCESS;
	}
	log_init();
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "dplab: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_BAD_INPUT;
}
