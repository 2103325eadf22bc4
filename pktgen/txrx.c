// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Paced TX and same-lcore RX.  Packet n of the trial has sequence number n
 * (one stream, 0) and is scheduled at pg_pacer_due(n); the frame carries
 * that time, and the receiver records now - scheduled, so a sender that
 * stalls shows up as latency instead of hiding it (coordinated omission).
 * Frames too short for the timestamp (60..65 bytes without FCS, packet.h)
 * still carry seq; as sender and receiver share the pacer here, their
 * scheduled time is recomputed from it.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "pacing.h"
#include "packet.h"
#include "txrx.h"

#define BURST 32
#define TX_RETRIES 64			/* tries for a burst before dropping */
#define DRAIN_IDLE_MS 100		/* after TX: stop RX when idle this long */
#define DRAIN_MAX_MS 1000

struct live {
	uint64_t next_tsc, offered, sent, received;
	struct pg_hist lat;		/* of this second */
};

static uint64_t tsc_to_ns(uint64_t ticks, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / hz);
}

static void rx_poll(const struct pg_run_cfg *c, const struct pg_pacer *pacer,
		    struct pg_run_result *r, struct live *lv, uint64_t *last_rx_tsc)
{
	struct rte_mbuf *pkts[BURST];
	struct pg_payload pl;
	uint16_t n, i;
	uint64_t now, sched, ns;

	/* The TX port's own RX queue is drained so its ring never stalls. */
	n = rte_eth_rx_burst(c->tx_port, 0, pkts, BURST);
	rte_pktmbuf_free_bulk(pkts, n);
	if (c->rx_port < 0)
		return;
	n = rte_eth_rx_burst(c->rx_port, 0, pkts, BURST);
	if (!n)
		return;
	now = rte_rdtsc();
	*last_rx_tsc = now;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (!pg_payload_parse(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m),
				      &pl) || pl.stream != 0) {
			r->foreign++;
			continue;
		}
		pg_rx_account(&r->rx, pl.seq);
		r->received = r->rx.unique;
		sched = pl.flags & PG_PF_NO_TSC ? pg_pacer_due(pacer, pl.seq) : pl.sched_tsc;
		ns = now > sched ? tsc_to_ns(now - sched, r->tsc_hz) : 0;
		pg_hist_record(&r->lat, ns);
		pg_hist_record(&lv->lat, ns);
	}
	rte_pktmbuf_free_bulk(pkts, n);
}

/* Offer n packets from seq first on; returns how many the port took. */
static unsigned tx_burst(const struct pg_run_cfg *c, const struct pg_pacer *pacer,
			 const uint8_t *tmpl, uint64_t first, unsigned n)
{
	struct pg_flow_cfg fc = { .saddr_base = 0x0a000001, .n_saddr = 1,
				  .sport_base = 1024, .n_sport = c->flows };
	struct rte_mbuf *pkts[BURST];
	unsigned i, done = 0, tries;

	if (rte_pktmbuf_alloc_bulk(c->pool, pkts, n))
		return 0;
	for (i = 0; i < n; i++) {
		uint8_t *f = (uint8_t *)rte_pktmbuf_append(pkts[i], c->frame_len);

		rte_memcpy(f, tmpl, c->frame_len);
		pg_payload_stamp(f, c->frame_len, first + i, pg_pacer_due(pacer, first + i));
		if (c->flows > 1)
			pg_flow_apply(&fc, f, (uint32_t)((first + i) % c->flows));
	}
	for (tries = 0; done < n && tries < TX_RETRIES; tries++)
		done += rte_eth_tx_burst(c->tx_port, 0, pkts + done, n - done);
	if (done < n)
		rte_pktmbuf_free_bulk(pkts + done, n - done);
	return done;
}

static void live_line(const struct pg_run_cfg *c, const struct pg_run_result *r,
		      struct live *lv, uint64_t now, uint64_t start)
{
	double secs = (double)(now - start) / r->tsc_hz;

	if (c->live) {
		fprintf(c->live, "%6.1fs  offered %9lu pps  achieved %9lu pps", secs,
			r->offered - lv->offered, r->sent - lv->sent);
		if (c->rx_port >= 0)
			fprintf(c->live, "  rx %9lu pps  loss %lu  p99 %lu ns",
				r->received - lv->received,
				r->sent > r->received ? r->sent - r->received : 0,
				pg_hist_percentile(&lv->lat, 99));
		fprintf(c->live, "\n");
		fflush(c->live);
	}
	lv->offered = r->offered;
	lv->sent = r->sent;
	lv->received = r->received;
	lv->next_tsc += r->tsc_hz;
	pg_hist_init(&lv->lat);
}

int pg_run(const struct pg_run_cfg *c, struct pg_run_result *r, volatile int *stop)
{
	static struct live lv;
	struct pg_pkt_cfg pc = { .saddr = 0x0a000001, .daddr = 0x0a000002, .sport = 1024,
				 .dport = 9, .udp_csum = true, .stream = 0,
				 .flags = PG_PF_LATENCY };
	uint8_t tmpl[PG_FRAME_MAX];
	struct pg_pacer pacer;
	uint64_t start, end, now = 0, last_rx;
	int err;

	memcpy(pc.src_mac, c->src_mac, 6);
	memcpy(pc.dst_mac, c->dst_mac, 6);
	err = pg_build_udp(tmpl, sizeof(tmpl), &pc, c->frame_len);
	if (err < 0)
		return err;
	memset(r, 0, sizeof(*r));
	pg_hist_init(&r->lat);
	pg_rx_init(&r->rx);
	r->tsc_hz = rte_get_tsc_hz();
	start = now = rte_rdtsc();
	err = pg_pacer_init(&pacer, r->tsc_hz, c->pps, start);
	if (err)
		return err;
	end = start + (uint64_t)(c->duration_s * r->tsc_hz);
	memset(&lv, 0, sizeof(lv));
	pg_hist_init(&lv.lat);
	lv.next_tsc = start + r->tsc_hz;
	last_rx = start;

	while (!*stop && (now = rte_rdtsc()) < end) {
		unsigned n = pg_pacer_burst(&pacer, now, BURST), done;

		/* Never schedule past the end of the window. */
		while (n && pg_pacer_due(&pacer, pacer.sent - 1) >= end) {
			pacer.sent--;
			n--;
		}
		if (n) {
			done = tx_burst(c, &pacer, tmpl, pacer.sent - n, n);
			r->sent += done;
			r->tx_fail += n - done;
		}
		rx_poll(c, &pacer, r, &lv, &last_rx);
		if (now >= lv.next_tsc) {
			r->offered = pg_pacer_due_count(&pacer, now);
			live_line(c, r, &lv, now, start);
		}
	}
	r->tx_elapsed_tsc = (*stop && now < end ? now : end) - start;
	/* Offered: all due in the window, whether or not the loop kept up. */
	r->offered = pg_pacer_due_count(&pacer, start + r->tx_elapsed_tsc - 1);
	/* Frames still in flight: drain until the port is idle. */
	while (c->rx_port >= 0 && !*stop && r->received < r->sent) {
		now = rte_rdtsc();
		if (now - last_rx > r->tsc_hz / 1000 * DRAIN_IDLE_MS ||
		    now - end > r->tsc_hz / 1000 * DRAIN_MAX_MS)
			break;
		rx_poll(c, &pacer, r, &lv, &last_rx);
	}
	pg_rx_finish(&r->rx, pacer.sent);
	r->offered_pps = pg_achieved_pps(r->offered, r->tx_elapsed_tsc, r->tsc_hz);
	r->achieved_pps = pg_achieved_pps(r->sent, r->tx_elapsed_tsc, r->tsc_hz);
	r->rx_pps = pg_achieved_pps(r->received, r->tx_elapsed_tsc, r->tsc_hz);
	return 0;
}
