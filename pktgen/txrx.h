/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The measuring loop of dplab-pktgen: paced TX of stamped UDP frames (or
 * IMIX sizes, or TCP SYNs) on one port and, when a receiving port is given,
 * RX of them in the same lcore: counts, loss and latency from each frame's
 * scheduled send time.  The receiving port may be the TX port itself when
 * a reflector at the far end sends the frames back (latency: round trip).
 */
#ifndef DPLAB_PKTGEN_TXRX_H
#define DPLAB_PKTGEN_TXRX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "histogram.h"
#include "rxstats.h"

struct rte_mempool;

enum pg_traffic {
	PG_TRAFFIC_UDP,			/* frame_len bytes each */
	PG_TRAFFIC_IMIX,		/* pg_imix_next() sizes */
	PG_TRAFFIC_SYN,			/* TCP SYN, a new source port each */
	PG_TRAFFIC_PCAP,		/* the frames of a pcap file, looping */
};

struct pg_pcap;

/* Addresses of the generated frames unless --src-ip, --dst-ip, --dst-port. */
#define PG_DEFAULT_SADDR 0x0a000001	/* 10.0.0.1 */
#define PG_DEFAULT_DADDR 0x0a000002	/* 10.0.0.2 */
#define PG_DEFAULT_DPORT 9		/* discard */

struct pg_run_cfg {
	uint16_t tx_port;
	int rx_port;			/* -1: no receiver in this process */
	bool reflect;			/* rx_port == tx_port: reflected frames */
	enum pg_traffic traffic;
	struct rte_mempool *pool;	/* of the TX port */
	unsigned frame_len;		/* without FCS (60..1514) */
	uint32_t flows;			/* source ports 1024 .. 1024 + flows - 1 */
	const struct pg_pcap *pcap;	/* PG_TRAFFIC_PCAP: its frames */
	double pps;
	double duration_s;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t saddr, daddr;		/* host order; saddr: of flow 0 */
	uint16_t dport;			/* UDP or TCP destination port */
	FILE *live;			/* a line each second; NULL: none */
};

struct pg_run_result {
	uint64_t tsc_hz;
	uint64_t offered;		/* due by the pacer in the window */
	uint64_t sent;			/* accepted by the TX port */
	uint64_t tx_fail;		/* offered, not accepted (TX ring full) */
	uint64_t received;		/* distinct frames of ours received */
	struct pg_rx_stream rx;		/* stream 0: duplicates, reordering */
	uint64_t foreign;		/* other frames seen there (received_other) */
	uint64_t tx_bytes;		/* of the frames sent, without FCS */
	uint64_t tx_elapsed_tsc;	/* the TX window */
	double offered_pps, achieved_pps, rx_pps;
	struct pg_hist lat;		/* ns from scheduled send to receive */
};

/* Run one trial; 0 or -errno.  volatile *stop ends it early (signal). */
int pg_run(const struct pg_run_cfg *c, struct pg_run_result *r, volatile int *stop);

#endif /* DPLAB_PKTGEN_TXRX_H */
