/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The subcommands of `dplab`, one file each, dispatched by main.c. */
#ifndef DPLAB_LOADER_CLI_H
#define DPLAB_LOADER_CLI_H

/* Exit statuses at the CLI boundary. */
#define EXIT_BAD_INPUT 2

/* Each returns an exit status; argv[0] is the subcommand name. */
int cmd_probe(int argc, char **argv);
int cmd_topo(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_tcpload(int argc, char **argv);
int cmd_fleet(int argc, char **argv);

#endif /* DPLAB_LOADER_CLI_H */
