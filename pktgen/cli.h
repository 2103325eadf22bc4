/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * dplab-pktgen's command line and its reports: the options, --help, the
 * text summary and the JSON result (schema in docs/pktgen-json.md).
 */
#ifndef DPLAB_PKTGEN_CLI_H
#define DPLAB_PKTGEN_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ndr.h"
#include "port.h"
#include "txrx.h"

#define PG_DEFAULT_MAX_RATE 1e6	/* pps, when every interface is virtual */

struct pg_opts {
	const char *iface, *netns, *rx_iface, *rx_netns, *json;
	const char *pci, *rx_pci;	/* PCI ports instead of iface / rx_iface */
	const char *pcap;		/* --pcap: replay its frames (traffic pcap) */
	unsigned int lcore;		/* the CPU EAL's lcore runs on */
	bool receive;			/* --receive: a receiver process only */
	enum pg_pmd pmd;
	enum pg_traffic traffic;
	double rate, bps, max_rate, duration;
	unsigned size, flows;		/* size with FCS; imix/syn: 0 */
	/* Frame addresses (host order; PG_DEFAULT_* unless given) */
	uint32_t src_ip, dst_ip;
	uint16_t dst_port;
	uint8_t dst_mac[6];		/* when dst_mac_set: instead of the rx port's */
	bool dst_mac_set;
	bool addressed;			/* any of --src-ip --dst-ip --dst-port --dst-mac */
	bool allow_physical, reflect;
	/* NDR/PDR search (search set): rates in pps */
	bool search;
	double tolerance;		/* loss ratio: 0 NDR, 0.001 for --pdr 0.1 */
	double trial_secs, lo, hi, res_pps, res_rel;
	double final_secs;		/* confirmation trial's length; 0: none */
	int max_iter;
};

void pg_usage(FILE *f);
#define PG_OPTS_HELP 1	/* --help: usage printed, nothing to run */
/*
 * 0, PG_OPTS_HELP, or -EINVAL after telling stderr why.  It never exits,
 * so it can be called again (getopt's state: optind = 0 first).
 */
int pg_opts_parse(int argc, char **argv, struct pg_opts *o);
/* After --max-rate is known: fill the search bounds; -EINVAL if bad. */
int pg_opts_search_bounds(struct pg_opts *o);

/* Whether frames come back to a receiver (a second port or the reflector). */
static inline bool pg_opts_receives(const struct pg_opts *o)
{
	return o->rx_iface || o->rx_pci || o->reflect;
}

struct json_t;
/* The "latency_ns" object of a histogram. */
struct json_t *pg_latency_json(const struct pg_hist *h, bool round_trip);
/* The "search" object of a search's result (err: pg_ndr_search's). */
struct json_t *pg_search_json(const struct pg_ndr_result *ndr, int ndr_err);
/* Write j (consumed) to o->json; 0 or -EIO. */
int pg_json_emit(const struct pg_opts *o, struct json_t *j);

void pg_summary(FILE *f, const struct pg_opts *o, const struct pg_run_result *r);
void pg_trial_line(FILE *f, int i, const struct pg_trial_result *t);
/* The JSON result to o->json; ndr is NULL without a search.  0 or -errno. */
int pg_write_json(const struct pg_opts *o, const struct pg_run_result *r,
		  const struct pg_ndr_result *ndr, int ndr_err);

#endif /* DPLAB_PKTGEN_CLI_H */
