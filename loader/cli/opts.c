// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Options from a table (opts.h): the getopt_long arrays, the values, the
 * range checks, the messages and --help all come from struct opt rows.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"

#define LONG_VAL_BASE 256	/* getopt_long's val of row i: LONG_VAL_BASE + i */
#define HELP_VAL (LONG_VAL_BASE + OPTS_MAX)
#define HELP_COL_MAX 30		/* wider option names put their help on the next line */

static int n_opts(const struct opt *opts)
{
	int n = 0;

	while (opts[n].name)
		n++;
	return n;
}

static bool takes_arg(const struct opt *o)
{
	return o->kind != OPT_FLAG && o->kind != OPT_COUNT;
}

/* The table's range of o, or that of its C type when min and max are 0. */
static void range(const struct opt *o, double *min, double *max)
{
	*min = o->min;
	*max = o->max;
	if (o->min || o->max)
		return;
	switch (o->kind) {
	case OPT_INT:
		*min = INT_MIN;
		*max = INT_MAX;
		break;
	case OPT_UINT:
		*min = 0;
		*max = UINT_MAX;
		break;
	default:
		*min = -HUGE_VAL;
		*max = HUGE_VAL;
	}
}

/* v as "86400" or "0.5": whole numbers without an exponent. */
static const char *fmt_num(double v, char *buf, size_t len)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%g", v);
	return buf;
}

static void range_error(const struct opt_cmd *cmd, const struct opt *o, const char *arg)
{
	char lo[32], hi[32];
	double min, max;

	range(o, &min, &max);
	fmt_num(min, lo, sizeof(lo));
	fmt_num(max, hi, sizeof(hi));
	if (isinf(max) && isinf(min))
		fprintf(stderr, "%s: --%s: '%s' is not a number\n", cmd->name, o->name, arg);
	else if (o->kind == OPT_DOUBLE && o->above_min)
		fprintf(stderr, "%s: --%s: '%s' is not a number above %s, at most %s\n",
			cmd->name, o->name, arg, lo, hi);
	else
		fprintf(stderr, "%s: --%s: '%s' is not a number from %s to %s\n", cmd->name,
			o->name, arg, lo, hi);
}

/* Store arg (NULL for a flag) as o's value in dst; false if out of range. */
static bool store(const struct opt *o, const char *arg, void *dst)
{
	void *p = (char *)dst + o->offset;
	double min, max, d;
	long long ll;
	char *end;

	range(o, &min, &max);
	errno = 0;
	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)p = true;
		return true;
	case OPT_COUNT:
		(*(int *)p)++;
		return true;
	case OPT_STR:
		*(const char **)p = arg;
		return true;
	case OPT_INT:
	case OPT_UINT:
		ll = strtoll(arg, &end, 10);
		if (errno || end == arg || *end || ll < min || ll > max)
			return false;
		if (o->kind == OPT_INT)
			*(int *)p = (int)ll;
		else
			*(unsigned int *)p = (unsigned int)ll;
		return true;
	case OPT_DOUBLE:
		d = strtod(arg, &end);
		if (errno || end == arg || *end || isnan(d) || d < min || d > max ||
		    (o->above_min && d <= min))
			return false;
		*(double *)p = d;
		return true;
	}
	return false;
}

/* The getopt_long arrays of the table, with --help / -h at the end. */
static void build_getopt(const struct opt *opts, int n, struct option *lo, char *shorts)
{
	char *s = shorts;
	int i;

	*s++ = ':';	/* ':' for a missing argument, '?' for an unknown option */
	for (i = 0; i < n; i++) {
		lo[i] = (struct option){ opts[i].name, takes_arg(&opts[i]) ? required_argument :
					 no_argument, NULL, LONG_VAL_BASE + i };
		if (opts[i].short_name) {
			*s++ = (char)opts[i].short_name;
			if (takes_arg(&opts[i]))
				*s++ = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, HELP_VAL };
	lo[n + 1] = (struct option){ 0 };
	*s++ = 'h';
	*s = 0;
}

/* The row of getopt_long's result c (a long option's val or a letter), or -1. */
static int row_of(const struct opt *opts, int n, int c)
{
	int i;

	if (c >= LONG_VAL_BASE && c < LONG_VAL_BASE + n)
		return c - LONG_VAL_BASE;
	for (i = 0; i < n; i++)
		if (c && opts[i].short_name == c)
			return i;
	return -1;
}

static int fail(const struct opt_cmd *cmd)
{
	opts_usage(cmd, stderr);
	return OPTS_ERROR;
}

/* The argument getopt_long could not match: a letter, or the long option. */
static int unknown(const struct opt_cmd *cmd, char **argv)
{
	const char *arg = argv[optind - 1];
	int i = optopt - LONG_VAL_BASE;

	if (optopt == HELP_VAL)
		fprintf(stderr, "%s: --help: takes no argument\n", cmd->name);
	else if (optopt >= LONG_VAL_BASE && i < n_opts(cmd->opts))
		fprintf(stderr, "%s: --%s: takes no argument\n", cmd->name, cmd->opts[i].name);
	else if (optopt && optopt < LONG_VAL_BASE)
		fprintf(stderr, "%s: unknown option '-%c'\n", cmd->name, optopt);
	else
		fprintf(stderr, "%s: unknown option '%.*s'\n", cmd->name,
			(int)strcspn(arg, "="), arg);
	return fail(cmd);
}

/* getopt_long over argv with the arrays of build_getopt(); opts_parse()'s result. */
static int parse_loop(const struct opt_cmd *cmd, int n, int argc, char **argv,
		      const struct option *lo, const char *shorts, void *dst,
		      unsigned long long *given)
{
	const struct opt *o;
	int c, i;

	optind = 0;	/* glibc: start over, also for a second parse in one process */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (c == HELP_VAL || c == 'h') {
			opts_help(cmd, stdout);
			return OPTS_HELP;
		}
		if (c == '?')
			return unknown(cmd, argv);
		i = row_of(cmd->opts, n, c == ':' ? optopt : c);
		if (i < 0)
			continue;
		o = &cmd->opts[i];
		if (c == ':') {
			fprintf(stderr, "%s: --%s: missing argument\n", cmd->name, o->name);
			return fail(cmd);
		}
		if (!store(o, optarg, dst)) {
			range_error(cmd, o, optarg);
			return fail(cmd);
		}
		if (given)
			*given |= 1ull << i;
	}
	return optind;
}

int opts_parse(const struct opt_cmd *cmd, int argc, char **argv, void *dst,
	       unsigned long long *given)
{
	int n = n_opts(cmd->opts), saved_opterr = opterr, ret;
	char shorts[3 * OPTS_MAX + 3];
	struct option lo[OPTS_MAX + 2];

	if (n > OPTS_MAX) {
		fprintf(stderr, "%s: %d options, at most %d\n", cmd->name, n, OPTS_MAX);
		return OPTS_ERROR;
	}
	build_getopt(cmd->opts, n, lo, shorts);
	if (given)
		*given = 0;
	opterr = 0;	/* the messages are ours */
	ret = parse_loop(cmd, n, argc, argv, lo, shorts, dst, given);
	opterr = saved_opterr;
	return ret;
}

int opts_exit_code(int parse_result)
{
	return parse_result == OPTS_HELP ? EXIT_SUCCESS : EXIT_BAD_INPUT;
}

void opts_usage(const struct opt_cmd *cmd, FILE *out)
{
	fprintf(out, "usage: %s\n", cmd->usage);
}

/* "-v, --verbose" or "    --out FILE": the left column of o's help line. */
static int opt_label(const struct opt *o, char *buf, size_t len)
{
	char s[8] = "    ";

	if (o->short_name)
		snprintf(s, sizeof(s), "-%c, ", o->short_name);
	return snprintf(buf, len, "%s--%s%s%s", s, o->name, takes_arg(o) ? " " : "",
			takes_arg(o) ? (o->metavar ?: "ARG") : "");
}

/* Help text at column col, each of its lines indented to that column. */
static void print_help_text(FILE *out, const char *help, int col)
{
	const char *nl;

	while ((nl = strchr(help, '\n'))) {
		fprintf(out, "%.*s\n%*s", (int)(nl - help), help, col, "");
		help = nl + 1;
	}
	fprintf(out, "%s\n", help);
}

static void print_options(const struct opt_cmd *cmd, FILE *out)
{
	static const struct opt help = { .name = "help", .short_name = 'h',
					 .kind = OPT_FLAG, .help = "this text" };
	int i, n = n_opts(cmd->opts), width = 0, len;
	char label[128];

	for (i = 0; i <= n; i++) {
		len = opt_label(i < n ? &cmd->opts[i] : &help, label, sizeof(label));
		if (len <= HELP_COL_MAX && len > width)
			width = len;
	}
	fprintf(out, "options:\n");
	for (i = 0; i <= n; i++) {
		const struct opt *o = i < n ? &cmd->opts[i] : &help;

		len = opt_label(o, label, sizeof(label));
		if (len > width)
			fprintf(out, "  %s\n%*s", label, width + 4, "");
		else
			fprintf(out, "  %-*s  ", width, label);
		print_help_text(out, o->help ?: "", width + 4);
	}
}

void opts_help(const struct opt_cmd *cmd, FILE *out)
{
	opts_usage(cmd, out);
	if (cmd->description)
		fprintf(out, "\n%s", cmd->description);
	if (cmd->description && cmd->description[0] &&
	    cmd->description[strlen(cmd->description) - 1] != '\n')
		fputc('\n', out);
	fputc('\n', out);
	print_options(cmd, out);
	if (cmd->epilogue)
		fprintf(out, "\n%s", cmd->epilogue);
	if (cmd->extra_help) {
		fputc('\n', out);
		cmd->extra_help(out);
	}
}
