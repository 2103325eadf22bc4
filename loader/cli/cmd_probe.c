// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab probe IFACE... [--netns NAME] [--json] [--read-only] [-v]
 *
 * Every input is checked before anything is attached; trials run with
 * SIGINT/SIGTERM blocked so an interrupted probe cannot leave a program
 * behind (the signal is acted on once the interface is as it was).
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
	OPT_FLAG_ENTRY("read-only", 'r', "report facts and diagnosis only; attach nothing",
		       struct probe_opts, read_only),
	OPT_COUNT_ENTRY("verbose", 'v', "show libbpf/libxdp messages (twice: debug)",
			struct probe_opts, verbose),
	OPT_END,
};

static const struct opt_cmd probe_cmd = {
	.name = "dplab probe",
	.usage = "dplab probe IFACE... [--netns NAME] [--json] [--read-only] [-v]",
	.description =
		"Reports whether XDP and tc BPF work on each interface, by which mechanism\n"
		"(bpf_link, netlink, libxdp, tcx, legacy clsact) and, where they do not,\n"
		"the kernel's reason and the command that fixes it.\n",
	.opts = probe_table,
	.epilogue =
		"Trials attach a pass-through program by each mechanism and detach it;\n"
		"the interface is left as found and an existing attachment is never\n"
		"replaced. Needs root. Exit status: 0 probed, 1 probe failed, 2 bad input.\n",
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
	if (!o->n_ifaces) {
		fprintf(stderr, "dplab probe: no interface given\n");
		opts_usage(&probe_cmd, stderr);
		return OPTS_ERROR;
	}
	return 0;
}

/* Everything that makes the request impossible, found before any trial. */
static int check_inputs(const struct probe_opts *o)
{
	struct probe_kernel k;
	const char *why;
	int i;

	if (geteuid() != 0) {
		fprintf(stderr, "dplab probe: must run as root: reading bpf_links and "
				"attaching programs need CAP_SYS_ADMIN, CAP_BPF and CAP_NET_ADMIN\n");
		return -EPERM;
	}
	for (i = 0; i < o->n_ifaces; i++) {
		why = dplab_ifname_invalid(o->ifaces[i]);
		if (why) {
			fprintf(stderr, "dplab probe: interface '%s': %s\n", o->ifaces[i], why);
			return -EINVAL;
		}
		if (!if_nametoindex(o->ifaces[i])) {
			fprintf(stderr, "dplab probe: interface '%s' not found in %s%s%s: %s\n",
				o->ifaces[i], o->netns ? "network namespace '" : "this network namespace",
				o->netns ? o->netns : "", o->netns ? "'" : "", strerror(errno));
			return -ENODEV;
		}
	}
	probe_kernel_facts(&k);
	if (!o->read_only && !k.bpffs) {
		fprintf(stderr, "dplab probe: bpffs is not mounted at /sys/fs/bpf (the libxdp trial "
				"pins there): mount -t bpf bpf /sys/fs/bpf, or use --read-only\n");
		return -ENOENT;
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

int cmd_probe(int argc, char **argv)
{
	struct probe_opts o = { 0 };
	struct probe_result r;
	json_t *doc = NULL, *ifaces = NULL;
	int i, saved_ns = -1, err, status = EXIT_BAD_INPUT;

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
	if (check_inputs(&o))
		goto out;

	status = EXIT_FAILURE;
	if (o.json) {
		ifaces = json_array();
		doc = json_pack("{s:s,s:O}", "schema", PROBE_JSON_SCHEMA, "interfaces", ifaces);
		if (!doc)
			goto out;
	}
	for (i = 0; i < o.n_ifaces; i++) {
		if (probe_one(o.ifaces[i], &o, &r))
			goto out;
		if (o.json) {
			json_array_append_new(ifaces, probe_to_json(&r, !o.read_only));
		} else {
			if (i)
				printf("\n");
			probe_print_table(&r, !o.read_only);
		}
	}
	if (o.json && print_json(doc))
		goto out;
	status = EXIT_SUCCESS;
out:
	json_decref(ifaces);
	json_decref(doc);
	netns_leave(saved_ns);
	return status;
}
