// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The test runner: every Check suite, fork mode, then one summary line
 * "N passed, N failed, N skipped".  Skips are counted in a page shared with
 * the forked test processes.  Namespaces made by tests carry this runner's
 * prefix (testns.h) and any a crashed test left are removed at the end.
 * --pcap-dir DIR makes packet fixtures write their frames there (fixture.h).
 *
 * A run that tested nothing is not green: it fails when no test passed, and
 * when more than --max-skip percent (default MAX_SKIP_PERCENT) of the tests
 * skipped on a machine that has what they need (root, ip netns, bpffs), so
 * a broken environment check cannot turn the suite into skips.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "lib/testlib.h"
#include "lib/testns.h"

#define MAX_SUITES 64
#define MAX_SKIP_PERCENT 5

static int max_skip_percent = MAX_SKIP_PERCENT;

static int *skipped;
static struct {
	Suite *(*make)(void);
	const char *name;
} suites[MAX_SUITES];
static int n_suites;

void test_register_suite(Suite *(*make)(void), const char *name)
{
	if (n_suites == MAX_SUITES) {
		fprintf(stderr, "tests: more than %d suites; raise MAX_SUITES\n", MAX_SUITES);
		exit(EXIT_FAILURE);
	}
	suites[n_suites].make = make;
	suites[n_suites++].name = name;
}

/* Constructors run in link order; run suites in name order instead. */
static int by_name(const void *a, const void *b)
{
	return strcmp(((const typeof(suites[0]) *)a)->name, ((const typeof(suites[0]) *)b)->name);
}

void test_mark_skipped(const char *test, const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	__atomic_add_fetch(skipped, 1, __ATOMIC_SEQ_CST);
}

/* What the machine lacks for root tests, or NULL. */
static const char *root_env_missing(void)
{
	if (geteuid() != 0)
		return "needs root (network namespaces, BPF attach)";
	if (access("/run/netns", F_OK) && system("ip netns list >/dev/null 2>&1"))
		return "ip netns does not work here";
	return NULL;
}

/*
 * DPLAB_TEST_SIMULATE_MISSING=reason makes every root test skip with that
 * reason on a machine that has what they need: it is how the runner's own
 * test (tests/runner) shows that a broken environment check fails the run.
 */
const char *test_needs_root(void)
{
	const char *sim = getenv("DPLAB_TEST_SIMULATE_MISSING");

	return sim && sim[0] ? sim : root_env_missing();
}

const char *test_dplab_path(void)
{
	const char *p = getenv("DPLAB");

	return p && p[0] ? p : "build/dplab";
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [--pcap-dir DIR] [--max-skip PCT] [--help]\n"
		"  --pcap-dir DIR  each packet fixture writes DIR/<description>.pcap (input\n"
		"                  frame, then output frame); same as DPLAB_PCAP_DIR=DIR\n"
		"  --max-skip PCT  fail when more than PCT%% of the tests skip on a machine\n"
		"                  with root, ip netns and bpffs (default %d)\n"
		"  --help          this text\n"
		"environment: CK_RUN_SUITE=name, CK_RUN_CASE=name run a subset (Check);\n"
		"  DPLAB=path the dplab binary under test (default build/dplab)\n", prog,
		MAX_SKIP_PERCENT);
}

/* mkdir -p; 0 or -1 with errno. */
static int mkdir_p(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		path[i] = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

/* A percentage 0-100 for --max-skip; exits 2 on anything else. */
static int parse_percent(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 100) {
		fprintf(stderr, "tests: --max-skip '%s': not a percentage from 0 to 100\n", arg);
		exit(2);
	}
	return (int)v;
}

/* NULL when this machine has what the tests need, else what it lacks. */
static const char *machine_lacks(void)
{
	const char *why = root_env_missing();
	struct statfs st;

	if (why)
		return why;
	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPF_FS_MAGIC)
		return "/sys/fs/bpf is not a bpffs";
	return NULL;
}

/*
 * The run's exit status: failures fail it, and so does a run that tested
 * nothing, or that skipped too much where nothing should skip.
 */
static int verdict(int run, int failed, int skipped)
{
	const char *lacks = machine_lacks();
	int passed = run - failed - skipped;

	if (failed)
		return EXIT_FAILURE;
	if (passed <= 0) {
		fprintf(stderr, "tests: FAILED: no test passed (%d run, %d skipped)%s%s\n",
			run, skipped, lacks ? ": this machine lacks what they need: " : "",
			lacks ? lacks : "");
		return EXIT_FAILURE;
	}
	if (!lacks && skipped * 100 > run * max_skip_percent) {
		fprintf(stderr, "tests: FAILED: %d of %d tests skipped (more than %d%%) on a "
			"machine with root, ip netns and bpffs; the SKIP lines above say why\n",
			skipped, run, max_skip_percent);
		return EXIT_FAILURE;
	}
	if (lacks && skipped)
		fprintf(stderr, "tests: %d skipped because this machine lacks what they need: "
			"%s\n", skipped, lacks);
	return EXIT_SUCCESS;
}

/* Options; exits on --help or a bad one. */
static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pcap-dir", required_argument, NULL, 'p' },
		{ "max-skip", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char real[PATH_MAX];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (mkdir_p(optarg) || !realpath(optarg, real)) {
				fprintf(stderr, "tests: --pcap-dir %s: %s\n", optarg,
					strerror(errno));
				exit(2);
			}
			setenv("DPLAB_PCAP_DIR", real, 1);
			break;
		case 's':
			max_skip_percent = parse_percent(optarg);
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(EXIT_SUCCESS);
		default:
			usage(stderr, argv[0]);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tests: unexpected argument '%s'\n", argv[optind]);
		usage(stderr, argv[0]);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	SRunner *sr;
	int i, run, failed;

	parse_args(argc, argv);

	skipped = mmap(NULL, sizeof(*skipped), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (skipped == MAP_FAILED) {
		perror("mmap");
		return EXIT_FAILURE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!n_suites) {
		fprintf(stderr, "tests: no suite registered\n");
		return EXIT_FAILURE;
	}
	qsort(suites, n_suites, sizeof(suites[0]), by_name);
	sr = srunner_create(suites[0].make());
	for (i = 1; i < n_suites; i++)
		srunner_add_suite(sr, suites[i].make());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	testns_remove_leftovers();
	printf("%d passed, %d failed, %d skipped\n", run - failed - *skipped, failed, *skipped);
	return verdict(run, failed, *skipped);
}
