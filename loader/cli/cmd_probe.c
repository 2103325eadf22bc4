// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab probe [IFACE... | --all] [--netns NAME] [--json] [--read-only | --trials] [-v]
 *
 * Every input is checked before anything is attached; trials run with
 * SIGINT/SIGTERM blocked so an interrupted probe cannot leave a program
 * behind (the signal is acted on once the interface is as it was).
 * Interfaces the user did not name (the default route's, --all) may carry
 * a node's production traffic, and a trial attach re-configures queues on
 * ENA and mlx5: those are probed read-only unless --trials says otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "util/log.h"
#include "dplab/names.h"
#include "util/netns.h"
#include "probe/probe.h"
#include "dplab/fmt.h"

#define PROBE_JSON_SCHEMA "dplab.probe/1"

struct probe_opts {
	const char *netns;
	bool json;
	bool read_only;
	bool trials;
	bool all;
	int verbose;
	char **ifaces;
	int n_ifaces;
};

static const struct opt probe_table[] = {
	OPT_STR_ENTRY("netns", 'n', "NAME",
		      "the interfaces live in network namespace NAME (ip netns)",
		      struct probe_opts, netns),
	OPT_FLAG_ENTRY("json", 'j', "one JSON document (schema: docs/probe-json.md)",
		       struct probe_opts, json),
	OPT_FLAG_ENTRY("all", 'a', "probe every physical interface (one with a device under\n"
		       "it; virtual ones are skipped, -v lists them)", struct probe_opts, all),
	OPT_FLAG_ENTRY("read-only", 'r', "report facts and diagnosis only; attach nothing",
		       struct probe_opts, read_only),
	OPT_FLAG_ENTRY("trials", 't', "run the attach trials also on interfaces chosen for\n"
		       "you (the default route's, --all); they are read-only\n"
		       "without it", struct probe_opts, trials),
	OPT_COUNT_ENTRY("verbose", 'v', "show libbpf/libxdp messages (twice: debug)",
			struct probe_opts, verbose),
	OPT_END,
};

static const struct opt_cmd probe_cmd = {
	.name = "dplab probe",
	.usage = "dplab probe [IFACE... | --all] [--netns NAME] [--json] [--read-only | --trials] [-v]",
	.description =
		"Reports whether XDP and tc BPF work on each interface, by which mechanism\n"
		"(bpf_link, netlink, libxdp, tcx, legacy clsact) and, where they do not,\n"
		"the kernel's reason and the command that fixes it; and the machine it ran\n"
		"on (DMI product - the instance type on EC2 -, hypervisor, CPU, kernel).\n"
		"With no IFACE it probes the uplink: the device of the IPv4 default route\n"
		"of the main table (the lowest metric of several).\n",
	.opts = probe_table,
	.epilogue =
		"Trials attach a pass-through program by each mechanism and detach it;\n"
		"the interface is left as found and an existing attachment is never\n"
		"replaced. Interfaces not named on the command line (the uplink, --all)\n"
		"are probed read-only unless --trials is given: a trial attach re-configures\n"
		"the queues of some NICs (ENA, mlx5) and can drop a production node's\n"
		"traffic. Needs root.\n"
		"Exit status: 0 probed, 1 probe failed, 2 bad input - an unknown interface\n"
		"or namespace, not root, no bpffs, --trials with --read-only, and no default\n"
		"route (or, with --all, no physical interface): the command cannot be met\n"
		"as given on this host, and nothing was probed or attached.\n",
};

/* 0, or OPTS_HELP / OPTS_ERROR (opts_exit_code() makes them exit statuses). */
static int parse_args(int argc, char **argv, struct probe_opts *o)
{
	int first = opts_parse(&probe_cmd, argc, argv, o, NULL);

	if (first < 0)
		return first;
	log_set_verbosity(o->verbose);
	o->ifaces = argv + first;
	o->n_ifaces = argc - first;
	if (o->trials && o->read_only) {
		fprintf(stderr, "dplab probe: --trials and --read-only contradict each other: "
				"--trials attaches programs, --read-only attaches none\n");
		return OPTS_ERROR;
	}
	if (o->all && o->n_ifaces) {
		fprintf(stderr, "dplab probe: --all probes every physical interface: "
				"name interfaces or give --all, not both\n");
		return OPTS_ERROR;
	}
	return 0;
}

static const char *where(const struct probe_opts *o, char *buf, size_t len)
{
	if (o->netns)
		snprintf(buf, len, "network namespace '%s'", o->netns);
	else
		snprintf(buf, len, "this network namespace");
	return buf;
}

/* The named interfaces, checked: -EINVAL (a bad name) or -ENODEV. */
static int take_named(const struct probe_opts *o, struct probe_targets *t)
{
	char ns[PROBE_STR + 32];
	const char *why;
	int i;

	memset(t, 0, sizeof(*t));
	t->by = PROBE_SELECT_NAMED;
	t->names = calloc(o->n_ifaces, sizeof(*t->names));
	if (!t->names)
		return -ENOMEM;
	for (i = 0; i < o->n_ifaces; i++) {
		why = dplab_ifname_invalid(o->ifaces[i]);
		if (why) {
			fprintf(stderr, "dplab probe: interface '%s': %s\n", o->ifaces[i], why);
			return -EINVAL;
		}
		if (!if_nametoindex(o->ifaces[i])) {
			fprintf(stderr, "dplab probe: interface '%s' not found in %s: %s\n",
				o->ifaces[i], where(o, ns, sizeof(ns)), strerror(errno));
			return -ENODEV;
		}
		snprintf(t->names[t->n++], IF_NAMESIZE, "%s", o->ifaces[i]);
	}
	return 0;
}

/*
 * The interfaces to probe, and whether they are read-only.  Negative errno;
 * what the user can fix (no default route, no physical interface) is
 * -ENETUNREACH / -ENODEV / -EOPNOTSUPP / -EINVAL.
 */
static int choose_targets(struct probe_opts *o, struct probe_targets *t)
{
	char err[PROBE_MSG * 2], ns[PROBE_STR + 32];
	int e;

	if (o->n_ifaces)
		return take_named(o, t);
	if (!o->trials)
		o->read_only = true;
	e = o->all ? probe_select_all(t, o->netns != NULL, err, sizeof(err)) :
		     probe_select_default_route(t, err, sizeof(err));
	if (e)
		fprintf(stderr, "dplab probe: no interface named, and in %s: %s\n",
			where(o, ns, sizeof(ns)), err);
	return e;
}

/* Everything that makes the request impossible, found before any trial. */
static int check_inputs(const struct probe_opts *o)
{
	struct probe_kernel k;

	probe_kernel_facts(&k);
	if (!o->read_only && !k.bpffs) {
		fprintf(stderr, "dplab probe: bpffs is not mounted at /sys/fs/bpf (the libxdp trial "
				"pins there): mount -t bpf bpf /sys/fs/bpf, or use --read-only\n");
		return -ENOENT;
	}
	return 0;
}

static int check_root(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "dplab probe: must run as root: reading bpf_links and "
				"attaching programs need CAP_SYS_ADMIN, CAP_BPF and CAP_NET_ADMIN\n");
		return -EPERM;
	}
	return 0;
}

static int probe_one(const char *ifname, const struct probe_opts *o, struct probe_result *r)
{
	sigset_t block, old;
	int err;

	memset(r, 0, sizeof(*r));
	err = probe_collect_facts(ifname, &r->facts);
	if (err) {
		fprintf(stderr, "dplab probe: %s: reading interface facts failed: %s\n",
			ifname, strerror(-err));
		return err;
	}
	fmt_fit(r->facts.netns, sizeof(r->facts.netns), "%s", o->netns ? o->netns : "");
	if (!o->read_only) {
		sigemptyset(&block);
		sigaddset(&block, SIGINT);
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGHUP);
		sigprocmask(SIG_BLOCK, &block, &old);
		err = probe_run_trials(&r->facts, &r->trials);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (err) {
			fprintf(stderr, "dplab probe: %s: trials could not run: %s\n",
				ifname, strerror(-err));
			return err;
		}
	}
	probe_diagnose(&r->facts, &r->trials, !o->read_only, &r->diag);
	return 0;
}

static int print_json(json_t *doc)
{
	int err = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	putchar('\n');
	return err ? -EIO : 0;
}

/* Probe every target into doc's "interfaces" (JSON) or as tables. */
static int probe_targets_run(const struct probe_opts *o, const struct probe_targets *t,
			     json_t *doc)
{
	struct probe_result r;
	json_t *ifaces = NULL;
	int i;

	if (doc) {
		ifaces = json_array();
		if (json_object_set_new(doc, "interfaces", ifaces))
			return -ENOMEM;
	}
	for (i = 0; i < t->n; i++) {
		if (probe_one(t->names[i], o, &r))
			return -EIO;
		if (doc) {
			json_array_append_new(ifaces, probe_to_json(&r, !o->read_only));
		} else {
			if (i)
				printf("\n");
			probe_print_table(&r, !o->read_only);
		}
	}
	return doc ? print_json(doc) : 0;
}

/* A selection error the user can act on: bad input (2), not a failure (1). */
static bool user_fixable(int err)
{
	return err == -EINVAL || err == -ENODEV || err == -ENETUNREACH || err == -EOPNOTSUPP;
}

int cmd_probe(int argc, char **argv)
{
	struct probe_opts o = { 0 };
	struct probe_targets t = { 0 };
	struct probe_platform plat;
	json_t *doc = NULL;
	int saved_ns = -1, err, status = EXIT_BAD_INPUT;

	err = parse_args(argc, argv, &o);
	if (err)
		return opts_exit_code(err);
	if (o.netns && dplab_netns_invalid(o.netns)) {
		fprintf(stderr, "dplab probe: --netns '%s': %s\n", o.netns,
			dplab_netns_invalid(o.netns));
		return EXIT_BAD_INPUT;
	}
	if (geteuid() == 0 && o.netns) {
		err = netns_enter(o.netns, &saved_ns);
		if (err) {
			fprintf(stderr, "dplab probe: network namespace '%s': /run/netns/%s: %s\n",
				o.netns, o.netns, strerror(-err));
			return EXIT_BAD_INPUT;
		}
	}
	if (check_root())
		goto out;
	err = choose_targets(&o, &t);
	if (err) {
		if (!user_fixable(err))
			status = EXIT_FAILURE;
		goto out;
	}
	if (check_inputs(&o))
		goto out;

	status = EXIT_FAILURE;
	probe_platform_collect(&plat);
	if (o.json) {
		doc = json_pack("{s:s}", "schema", PROBE_JSON_SCHEMA);
		if (!doc || probe_platform_to_json(doc, &plat, &t, o.read_only))
			goto out;
	} else {
		probe_print_header(&plat, &t, o.read_only, o.verbose);
	}
	if (probe_targets_run(&o, &t, doc))
		goto out;
	status = EXIT_SUCCESS;
out:
	json_decref(doc);
	probe_targets_free(&t);
	netns_leave(saved_ns);
	return status;
}
