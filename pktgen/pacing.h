/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * TSC pacing arithmetic.  The rate is held as a fraction of integers,
 * pps = rate_num / rate_den, and packet n (from 0) is scheduled at
 *
 *	due(n) = start_tsc + floor(n * hz * rate_den / rate_num)
 *
 * computed from n each time (never by adding a period, so nothing drifts)
 * in 128-bit integers: exact for any n < 2^64 (hz < 2^33, rate_den < 2^30).
 * pg_pacer_init() takes pps as a double and rounds it to 0.001 pps
 * (rate_den 1000); a rate given in bit/s is exact with pg_pacer_init_bps()
 * (10 Gb/s of 64-byte frames: 168 ticks of a 2.5 GHz TSC per packet,
 * exactly, where 14880952.381 pps is 0.0000003 ticks short per packet).
 *
 * Frame lengths here are as held in memory, without the 4-byte FCS
 * (60..1514 for the RFC 2544 sizes 64..1518).  On the wire every frame
 * also takes FCS 4 + preamble/SFD 8 + inter-frame gap 12 = 24 bytes.
 */
#ifndef DPLAB_PKTGEN_PACING_H
#define DPLAB_PKTGEN_PACING_H

#include <stdint.h>

#define PG_WIRE_OVERHEAD 24	/* FCS + preamble + IFG, bytes per frame */

struct pg_pacer {
	uint64_t hz;		/* TSC ticks per second */
	uint64_t start_tsc;	/* due time of packet 0 */
	double pps;		/* the rate asked for */
	uint64_t sent;		/* packets handed out by pg_pacer_burst() */
	uint64_t rate_num;	/* the rate used: rate_num / rate_den pps */
	uint64_t rate_den;
};

/* 0, or -EINVAL when tsc_hz is 0 or pps is not in (0, 1e12]. */
int pg_pacer_init(struct pg_pacer *p, uint64_t tsc_hz, double pps, uint64_t now_tsc);
/* Exactly num / den pps; -EINVAL unless 1 <= num < 2^60, 1 <= den < 2^30. */
int pg_pacer_init_ratio(struct pg_pacer *p, uint64_t tsc_hz, uint64_t num,
			uint64_t den, uint64_t now_tsc);
/* Exactly bps bit/s of frames of frame_len bytes (no FCS, see below). */
int pg_pacer_init_bps(struct pg_pacer *p, uint64_t tsc_hz, uint64_t bps,
		      unsigned frame_len, uint64_t now_tsc);

/* The scheduled TSC of packet n (UINT64_MAX if it would overflow). */
uint64_t pg_pacer_due(const struct pg_pacer *p, uint64_t n);

/* How many packets are due by now_tsc in all (due(k) <= now for k < result). */
uint64_t pg_pacer_due_count(const struct pg_pacer *p, uint64_t now_tsc);

/*
 * How many packets to send now: those due by now_tsc and not yet handed
 * out, at most max; adds them to p->sent.  The caller sends packets
 * p->sent - result .. p->sent - 1 (their due times are their sched_tsc).
 */
unsigned pg_pacer_burst(struct pg_pacer *p, uint64_t now_tsc, unsigned max);

/* Packets per second of frames of frame_len bytes (no FCS) at bps bit/s. */
double pg_bps_to_pps(double bps, unsigned frame_len);
/* The inverse: on-wire bit/s of pps frames of frame_len bytes (no FCS). */
double pg_pps_to_bps(double pps, unsigned frame_len);

/* Achieved rate: packets over tsc_elapsed ticks of an hz TSC (0 if none). */
double pg_achieved_pps(uint64_t packets, uint64_t tsc_elapsed, uint64_t hz);

#endif /* DPLAB_PKTGEN_PACING_H */
