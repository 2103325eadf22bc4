// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen: paced IPv4 UDP generator and same-process receiver on
 * af_packet / af_xdp vdevs bound to (virtual) interfaces, optionally in
 * named network namespaces.  Reports offered vs achieved rate, loss and
 * latency percentiles (from the scheduled send time), live and as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "pacing.h"
#include "packet.h"
#include "port.h"
#include "txrx.h"

#define DEFAULT_MAX_RATE 1e6	/* pps, when every interface is virtual */
#define NB_MBUFS 8191

struct opts {
	const char *iface, *netns, *rx_iface, *rx_netns, *json;
	enum pg_pmd pmd;
	double rate, bps, max_rate, duration;
	unsigned size, flows;
	bool allow_physical;
};

static volatile int stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dplab-pktgen --iface IF [--netns NS] [--pmd af_packet|af_xdp]\n"
		"         [--rx-iface IF2 [--rx-netns NS2]] --rate PPS | --bps BPS\n"
		"         [--size 64..1518] [--flows N] [--duration S] [--max-rate PPS]\n"
		"         [--allow-physical] [--json FILE|-]\n"
		"  --iface IF       send on IF (an af_packet or af_xdp vdev is bound to it)\n"
		"  --netns NS       IF is in network namespace NS (/run/netns/NS)\n"
		"  --pmd P          af_packet (default; works without hugepages) or af_xdp\n"
		"  --rx-iface IF2   receive on IF2 in this process: loss and latency\n"
		"  --rx-netns NS2   IF2 is in NS2 (default: NS)\n"
		"  --rate PPS       packets per second; or --bps BPS (on-wire bit/s)\n"
		"  --size N         frame size with FCS, 64..1518 (default 64)\n"
		"  --flows N        N UDP source ports (default 1)\n"
		"  --duration S     seconds of traffic (default 10)\n"
		"  --max-rate PPS   refuse a higher rate (default 1e6 on virtual interfaces;\n"
		"                   required with --allow-physical)\n"
		"  --allow-physical allow a non-virtual interface\n"
		"  --json FILE|-    write config, totals and latency percentiles as JSON\n");
}

/* Parse a positive number; false if it is not one. */
static bool num(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && *out > 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "iface", 1, NULL, 'i' }, { "netns", 1, NULL, 'n' }, { "pmd", 1, NULL, 'p' },
		{ "rx-iface", 1, NULL, 'I' }, { "rx-netns", 1, NULL, 'N' },
		{ "rate", 1, NULL, 'r' }, { "bps", 1, NULL, 'b' }, { "size", 1, NULL, 's' },
		{ "flows", 1, NULL, 'f' }, { "duration", 1, NULL, 'd' },
		{ "max-rate", 1, NULL, 'm' }, { "allow-physical", 0, NULL, 'P' },
		{ "json", 1, NULL, 'j' }, { "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	double v;
	int c;

	*o = (struct opts){ .size = 64, .flows = 1, .duration = 10 };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'n': o->netns = optarg; break;
		case 'I': o->rx_iface = optarg; break;
		case 'N': o->rx_netns = optarg; break;
		case 'j': o->json = optarg; break;
		case 'P': o->allow_physical = true; break;
		case 'p':
			if (!strcmp(optarg, "af_packet"))
				o->pmd = PG_PMD_AF_PACKET;
			else if (!strcmp(optarg, "af_xdp"))
				o->pmd = PG_PMD_AF_XDP;
			else
				goto bad;
			break;
		case 'h': usage(stdout); exit(EXIT_SUCCESS);
		default:
			if (!num(optarg, &v))
				goto bad;
			if (c == 'r') o->rate = v;
			else if (c == 'b') o->bps = v;
			else if (c == 'm') o->max_rate = v;
			else if (c == 'd') o->duration = v;
			else if (c == 's' && v >= 64 && v <= 1518 && v == (unsigned)v) o->size = v;
			else if (c == 'f' && v <= 65535 && v == (unsigned)v) o->flows = v;
			else goto bad;
		}
	}
	if (optind < argc || !o->iface || (o->rate > 0) == (o->bps > 0)) {
		fprintf(stderr, "dplab-pktgen: need --iface and exactly one of --rate, --bps\n");
		usage(stderr);
		return -EINVAL;
	}
	if (!o->rx_netns)
		o->rx_netns = o->netns;
	if (o->bps > 0)
		o->rate = pg_bps_to_pps(o->bps, o->size - 4);
	return 0;
bad:
	fprintf(stderr, "dplab-pktgen: bad option %s%s%s\n", argv[optind - 1],
		optarg ? " " : "", optarg ? optarg : "");
	usage(stderr);
	return -EINVAL;
}

/* Enter ns (if any) and apply the virtual-interface guard to iface there. */
static int guard(const struct opts *o, struct pg_port *port, bool *physical)
{
	const char *ns = port->netns, *iface = port->iface;
	char drv[32] = "";
	int err = ns ? pg_netns_enter(ns) : pg_netns_restore(), virt;

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

static json_t *result_json(const struct opts *o, const struct pg_run_result *r)
{
	static const double pct[] = { 50, 90, 99, 99.9 };
	static const char *const key[] = { "p50", "p90", "p99", "p99_9" };
	json_t *lat = json_pack("{s:I,s:I,s:I,s:f}", "count", (json_int_t)pg_hist_count(&r->lat),
				"min", (json_int_t)pg_hist_min(&r->lat),
				"max", (json_int_t)pg_hist_max(&r->lat), "mean", pg_hist_mean(&r->lat));
	unsigned i;

	for (i = 0; i < 4; i++)
		json_object_set_new(lat, key[i],
				    json_integer((json_int_t)pg_hist_percentile(&r->lat, pct[i])));
	return json_pack("{s:s,s:{s:s,s:s?,s:s,s:s?,s:s?,s:f,s:I,s:I,s:f,s:f},"
			 "s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f},s:o}",
			 "tool", "dplab-pktgen",
			 "config", "iface", o->iface, "netns", o->netns,
			 "pmd", o->pmd == PG_PMD_AF_XDP ? "af_xdp" : "af_packet",
			 "rx_iface", o->rx_iface, "rx_netns", o->rx_iface ? o->rx_netns : NULL,
			 "rate_pps", o->rate, "size", (json_int_t)o->size,
			 "flows", (json_int_t)o->flows, "duration_s", o->duration,
			 "max_rate_pps", o->max_rate,
			 "totals", "offered", (json_int_t)r->offered, "sent", (json_int_t)r->sent,
			 "tx_fail", (json_int_t)r->tx_fail, "received", (json_int_t)r->received,
			 "lost", (json_int_t)(o->rx_iface ? (int64_t)(r->sent - r->received) : 0),
			 "duplicates", (json_int_t)r->rx.duplicates,
			 "reordered", (json_int_t)r->rx.reordered,
			 "foreign", (json_int_t)r->foreign, "offered_pps", r->offered_pps,
			 "achieved_pps", r->achieved_pps, "rx_pps", r->rx_pps,
			 "elapsed_s", (double)r->tx_elapsed_tsc / r->tsc_hz,
			 "latency_ns", lat);
}

static void summary(FILE *f, const struct opts *o, const struct pg_run_result *r)
{
	fprintf(f, "offered %lu (%.0f pps), sent %lu (%.1f pps achieved), tx_fail %lu\n",
		r->offered, r->offered_pps, r->sent, r->achieved_pps, r->tx_fail);
	if (!o->rx_iface)
		return;
	fprintf(f, "received %lu (%.1f pps), lost %ld (%.4f%%), reordered %lu, duplicates %lu, "
		"foreign %lu\n", r->received, r->rx_pps, (long)(r->sent - r->received),
		r->sent ? 100.0 * (double)(r->sent - r->received) / r->sent : 0.0,
		r->rx.reordered, r->rx.duplicates, r->foreign);
	fprintf(f, "latency ns: min %lu p50 %lu p90 %lu p99 %lu p99.9 %lu max %lu\n",
		pg_hist_min(&r->lat), pg_hist_percentile(&r->lat, 50),
		pg_hist_percentile(&r->lat, 90), pg_hist_percentile(&r->lat, 99),
		pg_hist_percentile(&r->lat, 99.9), pg_hist_max(&r->lat));
}

static int write_json(const struct opts *o, const struct pg_run_result *r)
{
	json_t *j = result_json(o, r);
	int err;

	if (!j)
		return -ENOMEM;
	if (!strcmp(o->json, "-")) {
		err = json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
	} else {
		err = json_dump_file(j, o->json, JSON_INDENT(2));
	}
	json_decref(j);
	if (err)
		fprintf(stderr, "dplab-pktgen: %s: cannot write JSON\n", o->json);
	return err ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static struct pg_run_result res;
	struct pg_port tx = { .saved_flags = -1 }, rx = { .saved_flags = -1 };
	struct pg_run_cfg rc = { .rx_port = -1 };
	struct pg_eal_args ea;
	const char *vdevs[2];
	char args[2][96], vd[2][160];
	bool physical = false, rx_apart, eal = false;
	struct opts o;
	FILE *out;
	int err, n = 1;

	if (parse(argc, argv, &o))
		return 2;
	out = o.json && !strcmp(o.json, "-") ? stderr : stdout;
	tx.iface = o.iface;
	tx.netns = o.netns;
	rx.iface = o.rx_iface;
	rx.netns = o.rx_netns;
	if (o.rx_iface && guard(&o, &rx, &physical))
		return EXIT_FAILURE;
	if (guard(&o, &tx, &physical))	/* leaves us in tx.netns for EAL init */
		return EXIT_FAILURE;
	if (!o.max_rate && physical) {
		fprintf(stderr, "dplab-pktgen: a physical interface needs an explicit --max-rate\n");
		return 2;
	}
	if (!o.max_rate)
		o.max_rate = DEFAULT_MAX_RATE;
	if (o.rate > o.max_rate) {
		fprintf(stderr, "dplab-pktgen: rate %.0f pps is above --max-rate %.0f: refusing\n",
			o.rate, o.max_rate);
		return 2;
	}

	/* The vdevs bind their interface in the namespace current at probe time. */
	snprintf(tx.vdev, sizeof(tx.vdev), "%s0", pg_pmd_name(o.pmd));
	pg_vdev_args(o.pmd, o.iface, args[0], sizeof(args[0]));
	snprintf(vd[0], sizeof(vd[0]), "%s,%s", tx.vdev, args[0]);
	vdevs[0] = vd[0];
	rx_apart = o.rx_iface && (!o.rx_netns != !o.netns ||
				  (o.netns && strcmp(o.netns, o.rx_netns)));
	if (o.rx_iface) {
		snprintf(rx.vdev, sizeof(rx.vdev), "%s1", pg_pmd_name(o.pmd));
		pg_vdev_args(o.pmd, o.rx_iface, args[1], sizeof(args[1]));
		snprintf(vd[1], sizeof(vd[1]), "%s,%s", rx.vdev, args[1]);
		if (!rx_apart)
			vdevs[n++] = vd[1];
	}
	pg_eal_args_build(&ea, argv[0], 1, vdevs, n);
	if (ea.no_huge)
		fprintf(out, "note: no hugepages reserved (/proc/sys/vm/nr_hugepages is 0): "
			"running with --no-huge%s\n",
			o.pmd == PG_PMD_AF_XDP ? "; af_xdp may need hugepages" : "");
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "dplab-pktgen: EAL init: %s\n", rte_strerror(rte_errno));
		pg_eal_runtime_dir_remove();
		return EXIT_FAILURE;
	}
	eal = true;
	if (rx_apart) {
		err = o.rx_netns ? pg_netns_enter(o.rx_netns) : pg_netns_restore();
		if (!err)
			err = rte_vdev_init(rx.vdev, args[1]);
		if (err) {
			fprintf(stderr, "dplab-pktgen: %s on %s: %s\n", rx.vdev, o.rx_iface,
				strerror(err < 0 ? -err : EINVAL));
			goto out;
		}
	}
	err = pg_port_start(&tx, NB_MBUFS);
	if (!err && o.rx_iface)
		err = pg_port_start(&rx, NB_MBUFS);
	if (err)
		goto out;

	rc.tx_port = tx.port_id;
	rc.pool = tx.pool;
	rc.frame_len = o.size - 4;
	rc.flows = o.flows;
	rc.pps = o.rate;
	rc.duration_s = o.duration;
	rc.live = out;
	rte_eth_macaddr_get(tx.port_id, (struct rte_ether_addr *)rc.src_mac);
	if (o.rx_iface) {
		rc.rx_port = rx.port_id;
		rte_eth_macaddr_get(rx.port_id, (struct rte_ether_addr *)rc.dst_mac);
	} else {
		memset(rc.dst_mac, 0xff, 6);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = pg_run(&rc, &res, &stop);
	if (err) {
		fprintf(stderr, "dplab-pktgen: run: %s\n", strerror(-err));
		goto out;
	}
	summary(out, &o, &res);
	if (o.json)
		err = write_json(&o, &res);
out:
	pg_port_stop(&rx);
	pg_port_stop(&tx);
	if (eal)
		rte_eal_cleanup();
	pg_eal_runtime_dir_remove();
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
