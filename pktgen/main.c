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
#include "guard.h"
#include "recv.h"
#include "pcap_replay.h"

#define NB_MBUFS 8191

static volatile int stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* A search trial: the measuring loop at pps for the trial's secs. */
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
	tc->rc.duration_s = t->secs;
	err = pg_run(&tc->rc, r, &stop);
	if (err)
		return err;
	if (stop)
		return -EINTR;
	t->achieved_pps = r->achieved_pps;
	t->sent = r->sent;
	t->received = r->received;
	/* Over what the pacer offered; a generator that fell short is the search's to judge. */
	t->loss_ratio = r->offered > r->received ?
			(double)(r->offered - r->received) / r->offered : 0;
	t->p50_ns = pg_hist_percentile(&r->lat, 50);
	t->p99_ns = pg_hist_percentile(&r->lat, 99);
	t->max_ns = pg_hist_max(&r->lat);
	return 0;
}

/* After the search judged the trial: its line, and its run kept if it is the result. */
static void trial_print(void *ctx, int i, const struct pg_trial_result *t)
{
	struct trial_ctx *tc = ctx;

	pg_trial_line(tc->out, i, t);
	/* a passing confirmation (always last) is the result, not a faster short trial */
	if (t->pass && (t->final || t->offered_pps > tc->best_pps)) {
		tc->best_pps = t->offered_pps;
		memcpy(tc->best, tc->r, sizeof(*tc->r));
	}
}

static const char *search_note(int err)
{
	return err == -ERANGE ? " (even the lowest rate lost too much)" :
	       err == -E2BIG ? " (--max-iter reached before the resolution)" :
	       err == -EAGAIN ? " (the generator fell short twice in a row)" : "";
}

static int search(const struct pg_opts *o, const struct pg_run_cfg *rc,
		  struct pg_run_result *res, FILE *out)
{
	static struct pg_run_result scratch;
	static struct pg_ndr_result ndr;
	struct pg_ndr_cfg nc = { .lo_pps = o->lo, .hi_pps = o->hi,
				 .min_pps = o->lo < o->max_rate / 1000 ? o->lo : o->max_rate / 1000,
				 .max_pps = o->max_rate,
				 .resolution_pps = o->res_pps, .resolution_rel = o->res_rel,
				 .loss_tolerance = o->tolerance, .max_iterations = o->max_iter,
				 .trial_secs = o->trial_secs, .final_secs = o->final_secs,
				 .print = trial_print };
	struct trial_ctx tc = { .o = o, .rc = *rc, .r = &scratch, .best = res, .out = out };
	int err;

	tc.rc.live = NULL;
	fprintf(out, "%s search: %.0f .. %.0f pps (widening to %.0f .. %.0f), %g s trials%s, "
		"loss tolerance %g%%\n", o->tolerance ? "PDR" : "NDR", o->lo, o->hi, nc.min_pps,
		nc.max_pps, o->trial_secs, o->final_secs ? ", then a confirmation" : "",
		100 * o->tolerance);
	err = pg_ndr_search(&nc, trial, &tc, &ndr);
	if (err && err != -ERANGE && err != -E2BIG && err != -EAGAIN) {
		fprintf(stderr, "dplab-pktgen: search: %s\n", strerror(-err));
		return err;
	}
	if (!ndr.found)
		memcpy(res, &scratch, sizeof(*res));
	fprintf(out, "%s: %.0f pps after %d trials%s%s\n%s\n", o->tolerance ? "PDR" : "NDR",
		ndr.pps, ndr.n_trials, search_note(err),
		o->final_secs && !err ? (ndr.confirmed ? ", confirmed" : ", NOT confirmed") : "",
		ndr.stop_reason);
	pg_summary(out, o, res);
	return o->json ? pg_write_json(o, res, &ndr, err) : 0;
}

/* The two ports of a run and what was set up for them. */
struct ports {
	struct pg_port tx, rx;
	bool physical, eal;
};

static bool has_rx(const struct ports *p)
{
	return p->rx.iface || p->rx.pci;
}

/* Guard both ports and check the rate limits; 0 or the exit status. */
static int guard_ports(struct pg_opts *o, struct ports *p)
{
	p->tx = (struct pg_port){ .iface = o->iface, .pci = o->pci, .netns = o->netns,
				  .saved_flags = -1 };
	p->rx = (struct pg_port){ .iface = o->rx_iface, .pci = o->rx_pci, .netns = o->rx_netns,
				  .saved_flags = -1 };
	if (has_rx(p) && pg_guard(o, &p->rx, 1, &p->physical))
		return EXIT_FAILURE;
	if (pg_guard(o, &p->tx, 0, &p->physical))	/* leaves us in tx.netns for EAL init */
		return EXIT_FAILURE;
	if (!o->max_rate && p->physical) {
		fprintf(stderr, "dplab-pktgen: a physical port needs an explicit --max-rate\n");
		return 2;
	}
	if (!o->max_rate)
		o->max_rate = PG_DEFAULT_MAX_RATE;
	if (pg_opts_search_bounds(o))
		return 2;
	if (o->rate > o->max_rate) {
		fprintf(stderr, "dplab-pktgen: rate %.0f pps is above --max-rate %.0f: refusing\n",
			o->rate, o->max_rate);
		return 2;
	}
	return 0;
}

/*
 * EAL init and both ports started; 0 or -errno (said why).  The vdevs bind
 * their interface in the namespace current at probe time: a receiving vdev
 * in another namespace is made after EAL init.
 */
static int start_ports(const struct pg_opts *o, const char *prog, struct ports *p, FILE *out)
{
	struct pg_port *both[2] = { &p->tx, &p->rx };
	bool rx_apart = p->rx.iface && (!p->rx.netns != !p->tx.netns ||
					(p->tx.netns && strcmp(p->tx.netns, p->rx.netns)));
	struct pg_eal_args ea;
	char rx_args[96];
	int err = 0;

	err = pg_eal_args_build(&ea, prog, o->lcore, o->pmd, both, has_rx(p) && !rx_apart ? 2 : 1);
	if (err)
		return err;
	if (ea.no_huge)
		fprintf(out, "note: no hugepages reserved (/proc/sys/vm/nr_hugepages is 0): "
			"running with --no-huge%s\n",
			o->pmd == PG_PMD_AF_XDP || p->tx.pci || p->rx.pci ?
			"; af_xdp and PCI devices may need hugepages" : "");
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "dplab-pktgen: EAL init: %s\n", rte_strerror(rte_errno));
		return -EIO;
	}
	p->eal = true;
	if (rx_apart) {
		err = p->rx.netns ? pg_netns_enter(p->rx.netns) : pg_netns_restore();
		if (!err)
			err = pg_vdev_args(o->pmd, p->rx.iface, rx_args, sizeof(rx_args));
		if (!err)
			err = rte_vdev_init(p->rx.dev, rx_args);
		if (err) {
			fprintf(stderr, "dplab-pktgen: %s on %s: %s\n", p->rx.dev, p->rx.iface,
				strerror(err < 0 ? -err : EINVAL));
			return err < 0 ? err : -EINVAL;
		}
	}
	err = pg_port_start(&p->tx, NB_MBUFS);
	if (!err)
		err = pg_guard_verify(&p->tx);
	if (!err && has_rx(p))
		err = pg_port_start(&p->rx, NB_MBUFS);
	if (!err && has_rx(p))
		err = pg_guard_verify(&p->rx);
	return err;
}

/* The measuring loop's configuration from the options and the started ports. */
static void run_cfg(const struct pg_opts *o, struct ports *p, struct pg_pcap *pcap, FILE *out,
		    struct pg_run_cfg *rc)
{
	*rc = (struct pg_run_cfg){
		.rx_port = -1, .tx_port = p->tx.port_id, .pool = p->tx.pool,
		.frame_len = o->size ? o->size - 4 : 0, .traffic = o->traffic, .pcap = pcap,
		.flows = o->flows, .pps = o->rate, .duration_s = o->duration, .live = out,
		.saddr = o->src_ip, .daddr = o->dst_ip, .dport = o->dst_port,
	};
	rte_eth_macaddr_get(p->tx.port_id, (struct rte_ether_addr *)rc->src_mac);
	if (has_rx(p)) {
		rc->rx_port = p->rx.port_id;
		rte_eth_macaddr_get(p->rx.port_id, (struct rte_ether_addr *)rc->dst_mac);
	} else {
		memset(rc->dst_mac, 0xff, 6);
	}
	if (o->dst_mac_set)	/* the next hop of a routed path */
		memcpy(rc->dst_mac, o->dst_mac, 6);
	if (o->reflect) {
		rc->rx_port = p->tx.port_id;
		rc->reflect = true;
	}
}

/* A fixed-rate run (or the search), its summary and JSON; 0 or -errno. */
static int measure(const struct pg_opts *o, const struct pg_run_cfg *rc, FILE *out)
{
	static struct pg_run_result res;
	int err;

	if (stop)
		return -EINTR;
	if (o->search)
		return search(o, rc, &res, out);
	err = pg_run(rc, &res, &stop);
	if (err) {
		fprintf(stderr, "dplab-pktgen: run: %s\n", strerror(-err));
		return err;
	}
	pg_summary(out, o, &res);
	return o->json ? pg_write_json(o, &res, NULL, 0) : 0;
}

int main(int argc, char **argv)
{
	static struct pg_pcap pcap;
	static struct ports p;
	struct pg_run_cfg rc;
	char perr[256];
	struct pg_opts o;
	FILE *out;
	int err;

	err = pg_opts_parse(argc, argv, &o);
	if (err)
		return err == PG_OPTS_HELP ? EXIT_SUCCESS : 2;
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
	err = guard_ports(&o, &p);
	if (err) {
		pg_pcap_free(&pcap);
		return err;
	}
	err = start_ports(&o, argv[0], &p, out);
	if (!err) {
		run_cfg(&o, &p, &pcap, out, &rc);
		err = measure(&o, &rc, out);
	}
	pg_port_stop(&p.rx);
	pg_port_stop(&p.tx);
	if (p.eal)
		rte_eal_cleanup();
	pg_eal_runtime_dir_remove();
	pg_pcap_free(&pcap);
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
