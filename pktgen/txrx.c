// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Paced TX and same-lcore RX.  Packet n of the trial has sequence number n
 * (one stream, 0) and is scheduled at pg_pacer_due(n); the frame carries
 * that time, and the receiver records now - scheduled, so a sender that
 * stalls shows up as latency instead of hiding it (coordinated omission).
 * Frames too short for the timestamp (60..65 bytes without FCS, packet.h)
 * still carry seq; as sender and receiver share the pacer here, their
 * scheduled time is recomputed from it.  So are a TCP SYN's: its ISN is
 * the low 32 bits of n, its source port 1024 + n % 64512.
 *
 * Replayed (--pcap): frame n is the pcap's frame n % count, as captured;
 * it carries no sequence number, so the receiver counts it in foreign
 * (received_other) only.
 *
 * Reflected (rx port == tx port): the port also sees copies of what it
 * sends (af_packet), so only frames with the ports swapped (from c->dport)
 * and not from our own MAC are ours: with --dst-port among the source
 * ports (--flows, --syn) a copy would pass the port test alone.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "pacing.h"
#include "packet.h"
#include "pcap_replay.h"
#include "txrx.h"

#define BURST 32
#define TX_RETRIES 64			/* tries for a burst before dropping */
#define DRAIN_IDLE_MS 100		/* after TX: stop RX when idle this long */
#define DRAIN_MAX_MS 1000
#define FLUSH_MAX_MS 100		/* after TX: late frames of the window */
#define SPORT 1024
#define SYN_PORTS (65536 - SPORT)

/* Frame templates of a run: the UDP sizes in use, or the SYN fields. */
struct tx_ctx {
	struct pg_pkt_cfg pc;
	struct pg_flow_cfg fc;
	struct pg_imix im;
	unsigned n_tmpl, len[3];
	unsigned pcap_pos;		/* next frame of c->pcap */
	uint8_t tmpl[3][PG_FRAME_MAX];
};

struct live {
	uint64_t next_tsc, offered, sent, received;
	struct pg_hist lat;		/* of this second */
};

static uint64_t tsc_to_ns(uint64_t ticks, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / hz);
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sent back to us by the reflector: from the port we sent to, not our copy. */
static bool reflected(const struct pg_run_cfg *c, const uint8_t *f)
{
	return be16(f + PG_L4_OFF) == c->dport && memcmp(f + 6, c->src_mac, 6);
}

/* A TCP SYN of ours (reflected: ports swapped): its ISN as seq. */
static bool syn_ours(const struct pg_run_cfg *c, const uint8_t *f, unsigned len,
		     uint64_t *seq)
{
	const uint8_t *th = f + PG_L4_OFF;

	if (len < PG_L4_OFF + 20 || be16(f + 12) != 0x0800 || f[PG_IP_OFF] != 0x45 ||
	    f[PG_IP_OFF + 9] != 6 || (th[13] & 0x12) != 0x02 ||
	    (c->reflect ? !reflected(c, f) : be16(th + 2) != c->dport))
		return false;
	*seq = (uint64_t)be16(th + 4) << 16 | be16(th + 6);
	return true;
}

/* Seq and scheduled TSC (0: recompute it) of a frame of ours; false if not. */
static bool rx_ours(const struct pg_run_cfg *c, const uint8_t *f, unsigned len,
		    uint64_t *seq, uint64_t *sched)
{
	struct pg_payload pl;

	*sched = 0;
	if (c->traffic == PG_TRAFFIC_PCAP)
		return false;
	if (c->traffic == PG_TRAFFIC_SYN)
		return syn_ours(c, f, len, seq);
	if (!pg_payload_parse(f, len, &pl) || pl.stream != 0 ||
	    (c->reflect && !reflected(c, f)))
		return false;
	*seq = pl.seq;
	if (!(pl.flags & PG_PF_NO_TSC))
		*sched = pl.sched_tsc;
	return true;
}

static void rx_poll(const struct pg_run_cfg *c, const struct pg_pacer *pacer,
		    struct pg_run_result *r, struct live *lv, uint64_t *last_rx_tsc)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t n, i;
	uint64_t now, seq, sched, ns;

	if (c->rx_port < 0)
		return;
	n = rte_eth_rx_burst(c->rx_port, 0, pkts, BURST);
	if (!n)
		return;
	now = rte_rdtsc();
	*last_rx_tsc = now;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (!rx_ours(c, rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m),
			     &seq, &sched)) {
			r->foreign++;
			continue;
		}
		pg_rx_account(&r->rx, seq);
		r->received = r->rx.unique;
		if (!sched)
			sched = pg_pacer_due(pacer, seq);
		ns = now > sched ? tsc_to_ns(now - sched, r->tsc_hz) : 0;
		pg_hist_record(&r->lat, ns);
		pg_hist_record(&lv->lat, ns);
	}
	rte_pktmbuf_free_bulk(pkts, n);
}

static int tx_ctx_init(const struct pg_run_cfg *c, struct tx_ctx *t)
{
	static const unsigned imix_len[] = { 60, 566, 1514 };
	unsigned i;
	int err;

	memset(t, 0, sizeof(*t));
	t->pc = (struct pg_pkt_cfg){ .saddr = c->saddr, .daddr = c->daddr, .sport = SPORT,
				     .dport = c->dport, .udp_csum = true, .stream = 0,
				     .flags = PG_PF_LATENCY };
	t->fc = (struct pg_flow_cfg){ .saddr_base = c->saddr, .n_saddr = 1,
				      .sport_base = SPORT, .n_sport = c->flows };
	memcpy(t->pc.src_mac, c->src_mac, 6);
	memcpy(t->pc.dst_mac, c->dst_mac, 6);
	pg_imix_init(&t->im);
	if (c->traffic == PG_TRAFFIC_SYN)
		return 0;
	if (c->traffic == PG_TRAFFIC_PCAP)
		return c->pcap && c->pcap->n ? 0 : -EINVAL;
	t->n_tmpl = c->traffic == PG_TRAFFIC_IMIX ? 3 : 1;
	for (i = 0; i < t->n_tmpl; i++) {
		t->len[i] = c->traffic == PG_TRAFFIC_IMIX ? imix_len[i] : c->frame_len;
		err = pg_build_udp(t->tmpl[i], PG_FRAME_MAX, &t->pc, t->len[i]);
		if (err < 0)
			return err;
	}
	return 0;
}

static unsigned next_len(const struct pg_run_cfg *c, struct tx_ctx *t)
{
	if (c->traffic == PG_TRAFFIC_SYN)
		return PG_TCP_SYN_LEN;
	if (c->traffic == PG_TRAFFIC_PCAP)
		return c->pcap->len[t->pcap_pos];
	return c->traffic == PG_TRAFFIC_IMIX ? pg_imix_next(&t->im) : c->frame_len;
}

/* Frame seq into f (len bytes, from next_len()). */
static void frame_make(const struct pg_run_cfg *c, struct tx_ctx *t, uint8_t *f,
		       unsigned len, uint64_t seq, uint64_t due)
{
	unsigned i = 0;

	if (c->traffic == PG_TRAFFIC_PCAP) {
		rte_memcpy(f, c->pcap->frame[t->pcap_pos], len);
		if (++t->pcap_pos == c->pcap->n)
			t->pcap_pos = 0;
		return;
	}
	if (c->traffic == PG_TRAFFIC_SYN) {
		pg_build_tcp_syn(f, len, &t->pc, SPORT + seq % SYN_PORTS, (uint32_t)seq);
		return;
	}
	while (i + 1 < t->n_tmpl && t->len[i] != len)
		i++;
	rte_memcpy(f, t->tmpl[i], len);
	pg_payload_stamp(f, len, seq, due);
	if (c->flows > 1)
		pg_flow_apply(&t->fc, f, (uint32_t)(seq % c->flows));
}

/* Offer n packets from seq first on; how many the port took (their bytes in *bytes). */
static unsigned tx_burst(const struct pg_run_cfg *c, const struct pg_pacer *pacer,
			 struct tx_ctx *t, uint64_t first, unsigned n, uint64_t *bytes)
{
	struct rte_mbuf *pkts[BURST];
	unsigned i, done = 0, tries, len[BURST];

	if (rte_pktmbuf_alloc_bulk(c->pool, pkts, n))
		return 0;
	for (i = 0; i < n; i++) {
		uint8_t *f;

		len[i] = next_len(c, t);
		f = (uint8_t *)rte_pktmbuf_append(pkts[i], len[i]);
		frame_make(c, t, f, len[i], first + i, pg_pacer_due(pacer, first + i));
	}
	for (tries = 0; done < n && tries < TX_RETRIES; tries++)
		done += rte_eth_tx_burst(c->tx_port, 0, pkts + done, n - done);
	if (done < n)
		rte_pktmbuf_free_bulk(pkts + done, n - done);
	for (i = 0; i < done; i++)
		*bytes += len[i];
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

/*
 * Send what fell due in the window but is not out yet (the loop stalled
 * near its end), for at most FLUSH_MAX_MS; the TSC when done, or 0.
 */
static uint64_t flush(const struct pg_run_cfg *c, struct pg_pacer *pacer, struct tx_ctx *t,
		      struct pg_run_result *r, struct live *lv, uint64_t *last_rx,
		      uint64_t offered, volatile int *stop)
{
	uint64_t now = 0, first = rte_rdtsc();
	unsigned n, done;

	while (!*stop && pacer->sent < offered) {
		now = rte_rdtsc();
		if (now - first > r->tsc_hz / 1000 * FLUSH_MAX_MS)
			break;
		n = offered - pacer->sent < BURST ? offered - pacer->sent : BURST;
		pacer->sent += n;
		done = tx_burst(c, pacer, t, pacer->sent - n, n, &r->tx_bytes);
		r->sent += done;
		r->tx_fail += n - done;
		rx_poll(c, pacer, r, lv, last_rx);
	}
	return now ? rte_rdtsc() : 0;
}

int pg_run(const struct pg_run_cfg *c, struct pg_run_result *r, volatile int *stop)
{
	static struct live lv;
	static struct tx_ctx t;
	struct pg_pacer pacer;
	uint64_t start, end, now = 0, last_rx, window;
	int err;

	err = tx_ctx_init(c, &t);
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
			done = tx_burst(c, &pacer, &t, pacer.sent - n, n, &r->tx_bytes);
			r->sent += done;
			r->tx_fail += n - done;
		}
		rx_poll(c, &pacer, r, &lv, &last_rx);
		if (now >= lv.next_tsc) {
			r->offered = pg_pacer_due_count(&pacer, now);
			live_line(c, r, &lv, now, start);
		}
	}
	window = (*stop && now < end ? now : end) - start;
	/* Offered: all due in the window, whether or not the loop kept up. */
	r->offered = pg_pacer_due_count(&pacer, start + window - 1);
	now = flush(c, &pacer, &t, r, &lv, &last_rx, r->offered, stop);
	/* Late frames lengthen the TX window: the rate achieved is what it is. */
	r->tx_elapsed_tsc = (now > start + window ? now - start : window);
	/* Frames still in flight: drain until the port is idle. */
	while (c->rx_port >= 0 && !*stop && r->received < r->sent) {
		now = rte_rdtsc();
		if (now - last_rx > r->tsc_hz / 1000 * DRAIN_IDLE_MS ||
		    now - end > r->tsc_hz / 1000 * DRAIN_MAX_MS)
			break;
		rx_poll(c, &pacer, r, &lv, &last_rx);
	}
	pg_rx_finish(&r->rx, pacer.sent);
	r->offered_pps = pg_achieved_pps(r->offered, window, r->tsc_hz);
	r->achieved_pps = pg_achieved_pps(r->sent, r->tx_elapsed_tsc, r->tsc_hz);
	r->rx_pps = pg_achieved_pps(r->received, r->tx_elapsed_tsc, r->tsc_hz);
	return 0;
}
