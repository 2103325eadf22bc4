/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Command-line options from a table, in the style of xdp-tools'
 * lib/util/params.c: a command declares each option once (name, short
 * letter, kind, range, metavar, help, where the value goes) and
 * opts_parse() builds the getopt_long arrays, stores the values, checks
 * ranges and prints --help from the same table.
 *
 *	struct probe_opts { const char *netns; bool json; int verbose; };
 *	static const struct opt probe_table[] = {
 *		OPT_STR_ENTRY("netns", 'n', "NAME", "the interfaces' namespace",
 *			      struct probe_opts, netns),
 *		...
 *		OPT_END,
 *	};
 *	static const struct opt_cmd probe_cmd = {
 *		.name = "dplab probe", .usage = "dplab probe IFACE... [--json]",
 *		.description = "...", .opts = probe_table,
 *	};
 *	first = opts_parse(&probe_cmd, argc, argv, &o, NULL);
 *	if (first < 0)
 *		return opts_exit_code(first);
 */
#ifndef DPLAB_LOADER_CLI_OPTS_H
#define DPLAB_LOADER_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,	/* bool, set to true */
	OPT_COUNT,	/* int, one more each time given (-v -v) */
	OPT_STR,	/* const char *, the argument itself (points into argv) */
	OPT_INT,	/* int in [min, max] */
	OPT_UINT,	/* unsigned int in [min, max] */
	OPT_DOUBLE,	/* double in [min, max], or (min, max] with above_min */
};

struct opt {
	const char *name;	/* long name without "--"; NULL ends the table */
	int short_name;		/* letter, or 0 for none */
	enum opt_kind kind;
	const char *metavar;	/* shown in --help for options with an argument */
	const char *help;	/* may hold '\n': later lines are indented */
	size_t offset;		/* of the value in the caller's struct */
	double min, max;	/* OPT_INT, OPT_UINT, OPT_DOUBLE; both 0: the type's range */
	bool above_min;		/* OPT_DOUBLE: min itself is refused */
};

/* Table rows; T is the caller's options struct, F the member. */
#define OPT_ROW(n, s, k, mv, h, T, F, ...)                                    \
	{ .name = (n), .short_name = (s), .kind = (k), .metavar = (mv),       \
	  .help = (h), .offset = offsetof(T, F), __VA_ARGS__ }
#define OPT_FLAG_ENTRY(n, s, h, T, F) OPT_ROW(n, s, OPT_FLAG, NULL, h, T, F)
#define OPT_COUNT_ENTRY(n, s, h, T, F) OPT_ROW(n, s, OPT_COUNT, NULL, h, T, F)
#define OPT_STR_ENTRY(n, s, mv, h, T, F) OPT_ROW(n, s, OPT_STR, mv, h, T, F)
#define OPT_INT_ENTRY(n, s, mv, h, T, F, lo, hi)                              \
	OPT_ROW(n, s, OPT_INT, mv, h, T, F, .min = (lo), .max = (hi))
#define OPT_UINT_ENTRY(n, s, mv, h, T, F, lo, hi)                             \
	OPT_ROW(n, s, OPT_UINT, mv, h, T, F, .min = (lo), .max = (hi))
#define OPT_DOUBLE_ENTRY(n, s, mv, h, T, F, lo, hi)                           \
	OPT_ROW(n, s, OPT_DOUBLE, mv, h, T, F, .min = (lo), .max = (hi))
#define OPT_END { .name = NULL }

struct opt_cmd {
	const char *name;	/* prefix of messages: "dplab probe" */
	const char *usage;	/* after "usage: ", may span lines */
	const char *description; /* paragraph after the usage in --help, or NULL */
	const struct opt *opts;	/* ended by OPT_END */
	const char *epilogue;	/* printed after the option list, or NULL */
	void (*extra_help)(FILE *out); /* called after the epilogue, or NULL */
};

/* Most options a table may hold (the bits of opts_parse()'s *given). */
#define OPTS_MAX 63

/* opts_parse() results below 0. */
#define OPTS_HELP (-1)		/* --help printed to stdout: exit 0 */
#define OPTS_ERROR (-2)		/* message and usage on stderr: exit 2 */

/*
 * Parse argv[1..argc-1] (argv[0] is the command's name) with GNU
 * permutation: options and positionals may mix, "--" ends the options.
 * Values go to dst + opts[i].offset; bit i of *given (if not NULL) is
 * set when opts[i] was on the command line.  --help and -h are always
 * there.  Returns the index in argv of the first positional (argc when
 * none), OPTS_HELP or OPTS_ERROR.
 */
int opts_parse(const struct opt_cmd *cmd, int argc, char **argv, void *dst,
	       unsigned long long *given);

/* EXIT_SUCCESS for OPTS_HELP, EXIT_BAD_INPUT (2) for OPTS_ERROR. */
int opts_exit_code(int parse_result);

/* "usage: ..." alone, and the whole --help text. */
void opts_usage(const struct opt_cmd *cmd, FILE *out);
void opts_help(const struct opt_cmd *cmd, FILE *out);

#endif /* DPLAB_LOADER_CLI_OPTS_H */
