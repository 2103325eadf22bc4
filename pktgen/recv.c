// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen --receive: a receiver in a process of its own.  It binds one
 * port and counts the frames of a generator elsewhere (stream 0 of
 * struct pg_payload) for --duration, or until SIGINT/SIGTERM, then reports.
 *
 * It does not know how many the sender sent: lost is estimated as the
 * highest sequence number seen + 1 - unique, so frames lost after the last
 * one received are not counted.  Latency is from the frame's sched_tsc to
 * the TSC on receipt: this holds across processes because the TSC is one
 * clock for the whole machine (invariant, synchronised TSC assumed); frames
 * under PG_FRAME_MIN_TSC (66 bytes, 70 with FCS) have no sched_tsc and give
 * no sample.  Each EAL process has a --file-prefix of its own pid
 * (port.c), so this one and the generator coexist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "guard.h"
#include "recv.h"
#include "packet.h"

#define NB_MBUFS 8191
#define BURST 32

struct recv_result {
	struct pg_rx_stream rx;		/* stream 0 */
	uint64_t other;			/* frames without a pg_payload of stream 0 */
	uint64_t tsc_hz, elapsed_tsc;
	struct pg_hist lat;
};

static uint64_t tsc_to_ns(uint64_t ticks, uint64_t hz)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / hz);
}

static void recv_loop(uint16_t port, double duration, struct recv_result *r,
		      volatile int *stop)
{
	struct rte_mbuf *pkts[BURST];
	struct pg_payload pl;
	uint64_t start, end, now;
	uint16_t n, i;

	r->tsc_hz = rte_get_tsc_hz();
	start = now = rte_rdtsc();
	end = start + (uint64_t)(duration * r->tsc_hz);
	while (!*stop && (now = rte_rdtsc()) < end) {
		n = rte_eth_rx_burst(port, 0, pkts, BURST);
		if (!n)
			continue;
		now = rte_rdtsc();
		for (i = 0; i < n; i++) {
			if (!pg_payload_parse(rte_pktmbuf_mtod(pkts[i], uint8_t *),
					      rte_pktmbuf_data_len(pkts[i]), &pl) || pl.stream) {
				r->other++;
				continue;
			}
			pg_rx_account(&r->rx, pl.seq);
			if (!(pl.flags & PG_PF_NO_TSC) && pl.sched_tsc)
				pg_hist_record(&r->lat, now > pl.sched_tsc ?
					       tsc_to_ns(now - pl.sched_tsc, r->tsc_hz) : 0);
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	r->elapsed_tsc = (now < end ? now : end) - start;
}

static void summary(FILE *f, const struct recv_result *r)
{
	const struct pg_rx_stream *s = &r->rx;

	fprintf(f, "received %lu (unique %lu), lost %lu (estimated: highest seq + 1 - unique), "
		"reordered %lu, duplicates %lu, received_other %lu\n", s->received, s->unique,
		s->lost, s->reordered, s->duplicates, r->other);
	fprintf(f, "latency ns (%lu samples): min %lu p50 %lu p90 %lu p99 %lu p99.9 %lu max %lu\n",
		pg_hist_count(&r->lat), pg_hist_min(&r->lat), pg_hist_percentile(&r->lat, 50),
		pg_hist_percentile(&r->lat, 90), pg_hist_percentile(&r->lat, 99),
		pg_hist_percentile(&r->lat, 99.9), pg_hist_max(&r->lat));
}

static int write_json(const struct pg_opts *o, const struct recv_result *r)
{
	const struct pg_rx_stream *s = &r->rx;
	double secs = r->tsc_hz ? (double)r->elapsed_tsc / r->tsc_hz : 0;
	json_t *j;

	j = json_pack("{s:s,s:s,s:{s:s?,s:s?,s:s?,s:s,s:i,s:f},"
		      "s:{s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:f,s:f},s:o}",
		      "tool", "dplab-pktgen", "mode", "receive",
		      "config", "iface", o->iface, "pci", o->pci, "netns", o->netns,
		      "pmd", o->pmd == PG_PMD_AF_XDP ? "af_xdp" : "af_packet",
		      "lcore", o->lcore, "duration_s", o->duration,
		      "totals", "received", (json_int_t)s->received,
		      "unique", (json_int_t)s->unique, "lost", (json_int_t)s->lost,
		      "lost_estimate", "max_seq_plus_1_minus_unique",
		      "reordered", (json_int_t)s->reordered,
		      "duplicates", (json_int_t)s->duplicates,
		      "too_old", (json_int_t)s->too_old,
		      "received_other", (json_int_t)r->other,
		      "rx_pps", secs > 0 ? s->received / secs : 0.0, "elapsed_s", secs,
		      "latency_ns", pg_latency_json(&r->lat, false));
	return pg_json_emit(o, j);
}

int pg_receive_main(const struct pg_opts *o, const char *prog, volatile int *stop)
{
	static struct recv_result res;
	struct pg_port rx = { .iface = o->iface, .pci = o->pci, .netns = o->netns,
			      .saved_flags = -1 };
	FILE *out = o->json && !strcmp(o->json, "-") ? stderr : stdout;
	struct pg_port *ports[1] = { &rx };
	struct pg_eal_args ea;
	bool physical = false;
	int err;

	err = pg_guard(o, &rx, 0, &physical);
	if (err)
		return err;
	err = pg_eal_args_build(&ea, prog, o->lcore, o->pmd, ports, 1);
	if (err)
		return err;
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		fprintf(stderr, "dplab-pktgen: EAL init: %s\n", rte_strerror(rte_errno));
		pg_eal_runtime_dir_remove();
		return -EIO;
	}
	err = pg_port_start(&rx, NB_MBUFS);
	if (!err)
		err = pg_guard_verify(&rx);
	if (!err) {
		pg_rx_init(&res.rx);
		pg_hist_init(&res.lat);
		fprintf(out, "receiving on %s (CPU %u) for %g s\n", pg_port_what(&rx), o->lcore,
			o->duration);
		fflush(out);
		recv_loop(rx.port_id, o->duration, &res, stop);
		summary(out, &res);
		if (o->json)
			err = write_json(o, &res);
	}
	pg_port_stop(&rx);
	rte_eal_cleanup();
	pg_eal_runtime_dir_remove();
	return err;
}
