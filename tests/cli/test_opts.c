// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/cli/opts.c on its own: values from a table, GNU permutation,
 * the messages of refused arguments and --help made from the table.
 * stdout and stderr of each parse are captured in temporary files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "lib/testlib.h"

#define OUT_LEN 4096

struct t_opts {
	bool json;
	int verbose;
	const char *name;
	int count;
	unsigned port;
	double rate;
};

static const struct opt t_table[] = {
	OPT_FLAG_ENTRY("json", 'j', "one JSON document", struct t_opts, json),
	OPT_COUNT_ENTRY("verbose", 'v', "more messages\n(twice: debug)", struct t_opts, verbose),
	OPT_STR_ENTRY("name", 'n', "NAME", "what to call it", struct t_opts, name),
	OPT_INT_ENTRY("count", 0, "N", "how many", struct t_opts, count, 1, 10),
	OPT_UINT_ENTRY("port", 'p', "P", "a TCP port", struct t_opts, port, 0, 65535),
	OPT_ROW("rate", 0, OPT_DOUBLE, "R", "per second", struct t_opts, rate,
		.min = 0, .max = 1000, .above_min = true),
	OPT_END,
};

static void t_extra(FILE *out)
{
	fprintf(out, "extra: from the callback\n");
}

static const struct opt_cmd t_cmd = {
	.name = "dplab t",
	.usage = "dplab t [--json] [--name NAME] ARG...",
	.description = "A command for the tests.\n",
	.opts = t_table,
	.epilogue = "Exit status: 0 or 2.\n",
	.extra_help = t_extra,
};

struct captured {
	char out[OUT_LEN], err[OUT_LEN];
	int ret;
};

static void slurp(FILE *f, char *buf)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, OUT_LEN - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* opts_parse() of the NULL-ended args with stdout and stderr captured. */
static void parse(struct captured *c, struct t_opts *o, unsigned long long *given,
		  char **args)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int argc = 0, saved_out, saved_err;

	while (args[argc])
		argc++;
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	c->ret = opts_parse(&t_cmd, argc, args, o, given);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp(out, c->out);
	slurp(err, c->err);
}

#define ARGS(...) ((char *[]){ "t", __VA_ARGS__, NULL })

/* A refused command line: OPTS_ERROR, exit 2, message and usage on stderr. */
static void refused(char **args, const char *message)
{
	struct t_opts o = { 0 };
	struct captured c;

	parse(&c, &o, NULL, args);
	ck_assert_int_eq(c.ret, OPTS_ERROR);
	ck_assert_int_eq(opts_exit_code(c.ret), 2);
	ck_assert_msg(strstr(c.err, message), "expected '%s' in:\n%s", message, c.err);
	ck_assert_msg(strstr(c.err, "usage: dplab t [--json]"), "no usage in:\n%s", c.err);
	ck_assert_str_eq(c.out, "");
}

START_TEST(test_values)
{
	struct t_opts o = { .count = 3 };
	unsigned long long given;
	struct captured c;

	parse(&c, &o, &given, ARGS("--json", "-v", "-v", "--name", "abc", "--count", "10",
				   "-p", "8080", "--rate=0.5"));
	ck_assert_int_eq(c.ret, 11);
	ck_assert(o.json);
	ck_assert_int_eq(o.verbose, 2);
	ck_assert_str_eq(o.name, "abc");
	ck_assert_int_eq(o.count, 10);
	ck_assert_uint_eq(o.port, 8080);
	ck_assert_double_eq(o.rate, 0.5);
	ck_assert_uint_eq(given, 0x3f);
	ck_assert_str_eq(c.err, "");
	ck_assert_str_eq(c.out, "");
}
END_TEST

START_TEST(test_defaults_kept)
{
	struct t_opts o = { .count = 3, .name = "default" };
	unsigned long long given;
	struct captured c;

	parse(&c, &o, &given, ARGS("-jn", "short"));
	ck_assert_int_eq(c.ret, 3);
	ck_assert(o.json);
	ck_assert_str_eq(o.name, "short");
	ck_assert_int_eq(o.count, 3);
	ck_assert_uint_eq(given, 1 << 0 | 1 << 2);
}
END_TEST

START_TEST(test_positionals_in_order)
{
	struct t_opts o = { 0 };
	char **args = ARGS("a", "--json", "b", "-n", "x", "c", "--", "-v", "d");
	struct captured c;

	parse(&c, &o, NULL, args);
	ck_assert_int_eq(c.ret, 5);
	ck_assert(o.json);
	ck_assert_str_eq(o.name, "x");
	ck_assert_int_eq(o.verbose, 0);
	ck_assert_str_eq(args[5], "a");
	ck_assert_str_eq(args[6], "b");
	ck_assert_str_eq(args[7], "c");
	ck_assert_str_eq(args[8], "-v");
	ck_assert_str_eq(args[9], "d");
}
END_TEST

START_TEST(test_out_of_range)
{
	refused(ARGS("--count", "11"), "dplab t: --count: '11' is not a number from 1 to 10\n");
	refused(ARGS("--count", "0"), "dplab t: --count: '0' is not a number from 1 to 10\n");
	refused(ARGS("-p", "-1"), "dplab t: --port: '-1' is not a number from 0 to 65535\n");
	refused(ARGS("--rate", "0"),
		"dplab t: --rate: '0' is not a number above 0, at most 1000\n");
}
END_TEST

START_TEST(test_not_a_number)
{
	refused(ARGS("x", "--count", "abc"),
		"dplab t: --count: 'abc' is not a number from 1 to 10\n");
	refused(ARGS("--count", "5x"), "dplab t: --count: '5x' is not a number from 1 to 10\n");
	refused(ARGS("--count="), "dplab t: --count: '' is not a number from 1 to 10\n");
	refused(ARGS("--rate", "nan"),
		"dplab t: --rate: 'nan' is not a number above 0, at most 1000\n");
}
END_TEST

START_TEST(test_missing_argument)
{
	refused(ARGS("--name"), "dplab t: --name: missing argument\n");
	refused(ARGS("x", "-n"), "dplab t: --name: missing argument\n");
	refused(ARGS("--count"), "dplab t: --count: missing argument\n");
}
END_TEST

START_TEST(test_unknown_option)
{
	refused(ARGS("--bogus"), "dplab t: unknown option '--bogus'\n");
	refused(ARGS("--bogus=1"), "dplab t: unknown option '--bogus'\n");
	refused(ARGS("-z"), "dplab t: unknown option '-z'\n");
	refused(ARGS("--json=yes"), "dplab t: --json: takes no argument\n");
}
END_TEST

START_TEST(test_help_from_table)
{
	static const char *const want =
		"usage: dplab t [--json] [--name NAME] ARG...\n"
		"\n"
		"A command for the tests.\n"
		"\n"
		"options:\n"
		"  -j, --json       one JSON document\n"
		"  -v, --verbose    more messages\n"
		"                   (twice: debug)\n"
		"  -n, --name NAME  what to call it\n"
		"      --count N    how many\n"
		"  -p, --port P     a TCP port\n"
		"      --rate R     per second\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 or 2.\n"
		"\n"
		"extra: from the callback\n";
	struct t_opts o = { 0 };
	struct captured c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	parse(&c, &o, NULL, ARGS("x", "--help", "--bogus"));
	ck_assert_int_eq(c.ret, OPTS_HELP);
	ck_assert_int_eq(opts_exit_code(c.ret), 0);
	ck_assert_str_eq(c.out, want);
	ck_assert_str_eq(c.err, "");
	parse(&c, &o, NULL, ARGS("-h"));
	ck_assert_int_eq(c.ret, OPTS_HELP);
	ck_assert_str_eq(c.out, want);

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	opts_help(&t_cmd, f);
	fclose(f);
	ck_assert_str_eq(buf, want);
	free(buf);
}
END_TEST

static Suite *opts_suite(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_defaults_kept);
	tcase_add_test(tc, test_positionals_in_order);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_test(tc, test_not_a_number);
	tcase_add_test(tc, test_missing_argument);
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_help_from_table);
	suite_add_tcase(s, tc);
	return s;
}
TEST_SUITE(opts_suite)
