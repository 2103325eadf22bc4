/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Receiver accounting of one stream's sequence numbers (from 0).
 *
 * A bitmap remembers which of the last PG_RX_WINDOW sequence numbers below
 * next_expected (highest seen + 1) have arrived.  For each frame:
 *   seq == next_expected    in order;
 *   seq >  next_expected    a gap: the skipped numbers are missing;
 *   seq <  next_expected    seen already: a duplicate; else it fills a gap
 *                           and counts as reordered.  Older than the
 *                           window, it cannot be told from a duplicate:
 *                           counted in too_old (and in reordered and
 *                           unique, as if it were late).
 * lost is the running count of missing numbers (next_expected - unique);
 * pg_rx_finish() with the sender's count makes it final: sent - unique.
 */
#ifndef DPLAB_PKTGEN_RXSTATS_H
#define DPLAB_PKTGEN_RXSTATS_H

#include <stdint.h>

#define PG_RX_WINDOW 4096	/* a power of two */

struct pg_rx_stream {
	uint64_t received;	/* every frame, duplicates included */
	uint64_t unique;	/* distinct sequence numbers */
	uint64_t lost;		/* missing; final after pg_rx_finish() */
	uint64_t reordered;	/* arrived after a higher number */
	uint64_t duplicates;	/* arrived again, within the window */
	uint64_t too_old;	/* below the window: late or duplicate */
	uint64_t next_expected;	/* highest seen + 1 */
	uint64_t seen[PG_RX_WINDOW / 64];	/* bit seq % WINDOW */
};

void pg_rx_init(struct pg_rx_stream *s);
void pg_rx_account(struct pg_rx_stream *s, uint64_t seq);
/* Final figures once the sender has sent frames 0 .. sent - 1. */
void pg_rx_finish(struct pg_rx_stream *s, uint64_t sent);

#endif /* DPLAB_PKTGEN_RXSTATS_H */
