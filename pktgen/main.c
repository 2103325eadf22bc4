// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen: paced IPv4 UDP (or IMIX, or TCP SYN) generator and
 * same-process receiver on af_packet / af_xdp vdevs bound to (virtual)
 * interfaces, optionally in named network namespaces, or on PCI devices
 * (allowed explicitly), or through an XDP reflector at the far end.  Reports offered vs achieved rate, loss and
 * latency percentiles (from the scheduled send time), live and as JSON;
 * or searches for the NDR/PDR rate (RFC 2544), a trial at a time.  Or
 * replays a pcap file's frames instead; or, with --receive, is only the
 * receiver, in a process of its own (recv.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "cli.h"
#include "pcap_replay.h"

#define NB_MBUFS 8191
#define SHORTFALL 0.01	/* a trial's achieved rate may fall short by this */

static volatile int stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* A search trial: the measuring loop at pps for trial_secs. */
struct trial_ctx {
	const struct pg_opts *o;
	struct pg_run_cfg rc;
	struct pg_run_result *r, *best;	/* best: of the fastest passing trial */
	double best_pps;
	FILE *out;
};

static int trial(void *ctx, double pps, struct pg_trial_result *t)
{
	struct trial_ctx *tc = ctx;
	struct pg_run_result *r = tc->r;
	int err;

	tc->rc.pps = pps;
	err = pg_run(&tc->rc, r, &stop);
	if (err)
		return err;
	if (stop)
		return -EINTR;
	t->achieved_pps = r->achieved_pps;
	t->sent = r->sent;
	t->received = r->received;
	/* Over what the pacer offered: a generator that fell behind fails too. */
	t->loss_ratio = r->offered > r->received ?
			(double)(r->offered - r->received) / r->offered : 0;
	/* So does one that sent it all, but late: the rate was not offered. */
	if (r->achieved_pps < pps * (1 - SHORTFALL) &&
	    1 - r->achieved_pps / pps > t->loss_ratio)
		t->loss_ratio = 1 - r->achieved_pps / pps;
	t->p50_ns = pg_hist_percentile(&r->lat, 50);
	t->p99_ns = pg_hist_percentile(&r->lat, 99);
	t->max_ns = pg_hist_max(&r->lat);
	if (t->loss_ratio <= tc->o->tolerance && pps > tc->best_pps) {
		tc->best_pps = pps;
		memcpy(tc->best, r, sizeof(*r));
	}
	return 0;
}

static void trial_print(void *ctx, int i, const struct pg_trial_result *t)
{
	pg_trial_line(((struct trial_ctx *)ctx)->out, i, t);
}

static int search(const struct pg_opts *o, const struct pg_run_cfg *rc,
		  struct pg_run_result *res, FILE *out)
{
	static struct pg_run_result scratch;
	static struct pg_ndr_result ndr;
	struct pg_ndr_cfg nc = { .lo_pps = o->lo, .hi_pps = o->hi,
				 .resolution_pps = o->res_pps, .resolution_rel = o->res_rel,
				 .loss_tolerance = o->tolerance, .max_iterations = o->max_iter,
				 .print = trial_print };
	struct trial_ctx tc = { .o = o, .rc = *rc, .r = &scratch, .best = res, .out = out };
	int err;

	tc.rc.duration_s = o->trial_secs;
	tc.rc.live = NULL;
	fprintf(out, "%s search: %.0f .. %.0f pps, %g s trials, loss tolerance %g%%\n",
		o->tolerance ? "PDR" : "NDR", o->lo, o->hi, o->trial_secs, 100 * o->tolerance);
	err = pg_ndr_search(&nc, trial, &tc, &ndr);
	if (err && err != -ERANGE && err != -E2BIG) {
		fprintf(stderr, "dplab-pktgen: search: %s\n", strerror(-err));
		return err;
	}
	if (!ndr.found)
		memcpy(res, &scratch, sizeof(*res));
	fprintf(out, "%s: %.0f pps after %d trials%s\n", o->tolerance ? "PDR" : "NDR", ndr.pps,
		ndr.n_trials, err == -ERANGE ? " (even --lo lost too much)" :
		err == -E2BIG ? " (--max-iter reached before the resolution)" : "");
	pg_summary(out, o, res);
	return o->json ? pg_write_json(o, res, &ndr, err) : 0;
}

/* A PCI device is physical by definition: refused unless allowed. */
static int pci_guard(const struct pg_opts *o, struct pg_port *port, bool *physical)
{
	if (!o->allow_physical) {
		fprintf(stderr, "dplab-pktgen: PCI device %s: generated floods on a real network "
			"are an outage: refusing without --allow-physical\n", port->pci);
		return -EPERM;
	}
	*physical = true;
	return pg_netns_restore();
}

/*
 * Enter ns (if any) and apply the virtual-interface guard to iface there;
 * name the port's ethdev (index: the vdev's number).
 */
int pg_guard(const struct pg_opts *o, struct pg_port *port, int index, bool *physical)
{
	const char *ns = port->netns, *iface = port->iface;
	char drv[32] = "";
	int err, virt;

	if (pg_port_name(port, o->pmd, index)) {
		fprintf(stderr, "dplab-pktgen: --pci %s: not a PCI address (like 0000:00:06.0)\n",
			port->pci);
		return -EINVAL;
	}
	if (port->pci)
		return pci_guard(o, port, physical);
	err = ns ? pg_netns_enter(ns) : pg_netns_restore();
	if (err) {
		fprintf(stderr, "dplab-pktgen: netns %s: %s\n", ns, strerror(-err));
		return err;
	}
	virt = pg_iface_is_virtual(iface, drv, sizeof(drv));
	if (virt < 0) {
		fprintf(stderr, "dplab-pktgen: %s%s%s: cannot read its driver (ethtool): %s\n",
			iface, ns ? " in netns " : "", ns ? ns : "", strerror(-virt));
		return virt;
	}
	if (!virt && !o->allow_physical) {
		fprintf(stderr, "dplab-pktgen: %s (driver %s) is not a virtual interface; "
			"generated floods on a real network are an outage: refusing without "
			"--allow-physical\n", iface, drv);
		return -EPERM;
	}
	*physical |= !virt;
	port->saved_flags = pg_iface_flags(iface);
	return 0;
}

int main(int argc, char **argv)
{
	static struct pg_run_result res;
	static struct pg_pcap pcap;
	char perr[256];
	struct pg_port tx = { .saved_flags = -1 }, rx = { .saved_flags = -1 };
	struct pg_run_cfg rc = { .rx_port = -1 };
	struct pg_eal_args ea;
	struct pg_port *ports[2] = { &tx, &rx };
	char rx_args[96];
	bool physical = false, rx_apart, eal = false;
	struct pg_opts o;
	FILE *out;
	int err, n = 1;

	if (pg_opts_parse(argc, argv, &o))
		return 2;
	/*
	 * From here on a signal only asks to stop: EAL init and port setup
	 * run to their end, and the cleanup removes what they made (the
	 * default action would leave EAL's runtime directory behind).
	 */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o.receive)
		return pg_receive_main(&o, argv[0], &stop) ? EXIT_FAILURE : EXIT_SUCCESS;
	if (o.pcap && pg_pcap_load(o.pcap, &pcap, perr, sizeof(perr))) {
		fprintf(stderr, "dplab-pktgen: --pcap %s\n", perr);
		return EXIT_FAILURE;
	}
	out = o.json && !strcmp(o.json, "-") ? stderr : stdout;
	tx.iface = o.iface;
	tx.pci = o.pci;
	tx.netns = o.netns;
	rx.iface = o.rx_iface;
	rx.pci = o.rx_pci;
	rx.netns = o.rx_netns;
	if ((rx.iface || rx.pci) && pg_guard(&o, &rx, 1, &physical))
		return EXIT_FAILURE;
	if (pg_guard(&o, &tx, 0, &physical))	/* leaves us in tx.netns for EAL init */
		return EXIT_FAILURE;
	if (!o.max_rate && physical) {
		fprintf(stderr, "dplab-pktgen: a physical port needs an explicit --max-rate\n");
		return 2;
	}
	if (!o.max_rate)
		o.max_rate = PG_DEFAULT_MAX_RATE;
	if (pg_opts_search_bounds(&o))
		return 2;
	if (o.rate > o.max_rate) {
		fprintf(stderr, "dplab-pktgen: rate %.0f pps is above --max-rate %.0f: refusing\n",
			o.rate, o.max_rate);
		return 2;
	}

	/*
	 * The vdevs bind their interface in the namespace current at probe
	 * time: a receiving vdev in another namespace is made after EAL init.
	 */
	rx_apart = rx.iface && (!rx.netns != !tx.netns ||
				(tx.netns && strcmp(tx.netns, rx.netns)));
	if ((rx.iface || rx.pci) && !rx_apart)
		n = 2;
	pg_eal_args_build(&ea, argv[0], o.lcore, o.pmd, ports, n);
	if (ea.no_huge)
		fprintf(out, "note: no hugepages reserved (/proc/sys/vm/nr_hugepages is 0): "
			"running with --no-huge%s\n",
			o.pmd == PG_PMD_AF_XDP || tx.pci || rx.pci ?
			"; af_xdp and PCI devices may need hugepages" : "");
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "dplab-pktgen: EAL init: %s\n", rte_strerror(rte_errno));
		pg_eal_runtime_dir_remove();
		return EXIT_FAILURE;
	}
	eal = true;
	if (rx_apart) {
		err = rx.netns ? pg_netns_enter(rx.netns) : pg_netns_restore();
		pg_vdev_args(o.pmd, rx.iface, rx_args, sizeof(rx_args));
		if (!err)
			err = rte_vdev_init(rx.dev, rx_args);
		if (err) {
			fprintf(stderr, "dplab-pktgen: %s on %s: %s\n", rx.dev, rx.iface,
				strerror(err < 0 ? -err : EINVAL));
			goto out;
		}
	}
	err = pg_port_start(&tx, NB_MBUFS);
	if (!err && (rx.iface || rx.pci))
		err = pg_port_start(&rx, NB_MBUFS);
	if (err)
		goto out;

	rc.tx_port = tx.port_id;
	rc.pool = tx.pool;
	rc.frame_len = o.size ? o.size - 4 : 0;
	rc.traffic = o.traffic;
	rc.pcap = &pcap;
	rc.flows = o.flows;
	rc.pps = o.rate;
	rc.duration_s = o.duration;
	rc.live = out;
	rc.saddr = o.src_ip;
	rc.daddr = o.dst_ip;
	rc.dport = o.dst_port;
	rte_eth_macaddr_get(tx.port_id, (struct rte_ether_addr *)rc.src_mac);
	if (rx.iface || rx.pci) {
		rc.rx_port = rx.port_id;
		rte_eth_macaddr_get(rx.port_id, (struct rte_ether_addr *)rc.dst_mac);
	} else {
		memset(rc.dst_mac, 0xff, 6);
	}
	if (o.dst_mac_set)	/* the next hop of a routed path */
		memcpy(rc.dst_mac, o.dst_mac, 6);
	if (o.reflect) {
		rc.rx_port = tx.port_id;
		rc.reflect = true;
	}
	if (stop) {
		err = -EINTR;
		goto out;
	}
	if (o.search) {
		err = search(&o, &rc, &res, out);
		goto out;
	}
	err = pg_run(&rc, &res, &stop);
	if (err) {
		fprintf(stderr, "dplab-pktgen: run: %s\n", strerror(-err));
		goto out;
	}
	pg_summary(out, &o, &res);
	if (o.json)
		err = pg_write_json(&o, &res, NULL, 0);
out:
	pg_port_stop(&rx);
	pg_port_stop(&tx);
	if (eal)
		rte_eal_cleanup();
	pg_eal_runtime_dir_remove();
	pg_pcap_free(&pcap);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
