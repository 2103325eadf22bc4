// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's reports: the text summary, a line per search trial and
 * the JSON result (docs/pktgen-json.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static const char *traffic_name(enum pg_traffic t)
{
	return t == PG_TRAFFIC_IMIX ? "imix" : t == PG_TRAFFIC_SYN ? "syn" :
	       t == PG_TRAFFIC_PCAP ? "pcap" : "udp";
}

static uint64_t lost(const struct pg_opts *o, const struct pg_run_result *r)
{
	/* pcap frames carry no sequence numbers: loss is not known. */
	return pg_opts_receives(o) && !o->pcap && r->sent > r->received ?
	       r->sent - r->received : 0;
}

void pg_summary(FILE *f, const struct pg_opts *o, const struct pg_run_result *r)
{
	fprintf(f, "offered %lu (%.0f pps), sent %lu (%.1f pps achieved), tx_fail %lu\n",
		r->offered, r->offered_pps, r->sent, r->achieved_pps, r->tx_fail);
	if (!pg_opts_receives(o))
		return;
	if (o->pcap) {
		fprintf(f, "received_other %lu (pcap frames carry no sequence numbers)\n",
			r->foreign);
		return;
	}
	fprintf(f, "received %lu (%.1f pps), lost %lu (%.4f%%), reordered %lu, duplicates %lu, "
		"foreign %lu\n", r->received, r->rx_pps, lost(o, r),
		r->sent ? 100.0 * (double)lost(o, r) / r->sent : 0.0,
		r->rx.reordered, r->rx.duplicates, r->foreign);
	fprintf(f, "%s ns: min %lu p50 %lu p90 %lu p99 %lu p99.9 %lu max %lu\n",
		o->reflect ? "round trip" : "latency",
		pg_hist_min(&r->lat), pg_hist_percentile(&r->lat, 50),
		pg_hist_percentile(&r->lat, 90), pg_hist_percentile(&r->lat, 99),
		pg_hist_percentile(&r->lat, 99.9), pg_hist_max(&r->lat));
}

void pg_trial_line(FILE *f, int i, const struct pg_trial_result *t)
{
	fprintf(f, "%s %2d: rate %10.0f pps  achieved %10.0f pps  sent %lu  received %lu  "
		"loss %.4f%%  p99 %lu ns  %s%s\n", t->final ? "final" : "trial", i + 1,
		t->offered_pps, t->achieved_pps, t->sent, t->received, 100 * t->loss_ratio,
		t->p99_ns, !t->valid ? "invalid: " : t->pass ? "pass" : "fail", t->why);
	fflush(f);
}

/* Addresses of the frames: dotted IPv4, the port, the MAC given or null. */
static json_t *addresses_json(const struct pg_opts *o)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], mac[18];
	struct in_addr in;
	const uint8_t *m = o->dst_mac;

	in.s_addr = htonl(o->src_ip);
	inet_ntop(AF_INET, &in, src, sizeof(src));
	in.s_addr = htonl(o->dst_ip);
	inet_ntop(AF_INET, &in, dst, sizeof(dst));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	return json_pack("{s:s,s:s,s:i,s:s?}", "src_ip", src, "dst_ip", dst,
			 "dst_port", o->dst_port, "dst_mac", o->dst_mac_set ? mac : NULL);
}

static json_t *config_json(const struct pg_opts *o)
{
	json_t *c = json_pack("{s:s?,s:s?,s:s,s:s?,s:s?,s:b,s:s,s:f,s:I,s:f,s:f}",
			      "iface", o->iface, "netns", o->netns,
			      "pmd", o->pmd == PG_PMD_AF_XDP ? "af_xdp" : "af_packet",
			      "rx_iface", o->rx_iface,
			      "rx_netns", o->rx_iface ? o->rx_netns : NULL,
			      "reflect", o->reflect, "traffic", traffic_name(o->traffic),
			      "rate_pps", o->rate, "flows", (json_int_t)o->flows,
			      "duration_s", o->duration, "max_rate_pps", o->max_rate);

	if (c)
		json_object_update_new(c, json_pack("{s:s?,s:s?,s:i}", "pci", o->pci,
						    "rx_pci", o->rx_pci, "lcore", o->lcore));
	if (c)
		json_object_update_new(c, addresses_json(o));
	if (c && o->traffic == PG_TRAFFIC_UDP)
		json_object_set_new(c, "size", json_integer(o->size));
	if (c && o->pcap)
		json_object_set_new(c, "pcap", json_string(o->pcap));
	if (c && o->search)
		json_object_set_new(c, "search",
				    json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:i}",
					      "loss_tolerance", o->tolerance,
					      "trial_secs", o->trial_secs,
					      "final_secs", o->final_secs,
					      "lo_pps", o->lo, "hi_pps", o->hi,
					      "resolution_pps", o->res_pps,
					      "resolution_rel", o->res_rel,
					      "max_iter", o->max_iter));
	return c;
}

json_t *pg_latency_json(const struct pg_hist *h, bool round_trip)
{
	static const double pct[] = { 50, 90, 99, 99.9 };
	static const char *const key[] = { "p50", "p90", "p99", "p99_9" };
	json_t *lat = json_pack("{s:I,s:I,s:I,s:f,s:b}", "count", (json_int_t)pg_hist_count(h),
				"min", (json_int_t)pg_hist_min(h),
				"max", (json_int_t)pg_hist_max(h), "mean", pg_hist_mean(h),
				"round_trip", round_trip);
	unsigned i;

	for (i = 0; lat && i < 4; i++)
		json_object_set_new(lat, key[i],
				    json_integer((json_int_t)pg_hist_percentile(h, pct[i])));
	return lat;
}

static json_t *trials_json(const struct pg_ndr_result *ndr)
{
	json_t *a = json_array();
	int i;

	for (i = 0; a && i < ndr->n_trials; i++) {
		const struct pg_trial_result *t = &ndr->trials[i];

		json_array_append_new(a, json_pack("{s:f,s:f,s:I,s:I,s:f,s:I,s:I,s:I,s:b,"
						   "s:b,s:s?,s:b,s:f}",
						   "rate_pps", t->offered_pps,
						   "achieved_pps", t->achieved_pps,
						   "sent", (json_int_t)t->sent,
						   "received", (json_int_t)t->received,
						   "loss_ratio", t->loss_ratio,
						   "p50_ns", (json_int_t)t->p50_ns,
						   "p99_ns", (json_int_t)t->p99_ns,
						   "max_ns", (json_int_t)t->max_ns,
						   "pass", t->pass, "valid", t->valid,
						   "why", t->valid ? NULL : t->why,
						   "final", t->final, "secs", t->secs));
	}
	return a;
}

static const char *search_outcome(int err)
{
	return !err ? "converged" : err == -ERANGE ? "no_passing_rate" :
	       err == -E2BIG ? "max_iter" : err == -EAGAIN ? "generator_short" : "error";
}

json_t *pg_search_json(const struct pg_ndr_result *ndr, int ndr_err)
{
	return json_pack("{s:b,s:b,s:i,s:s,s:b,s:f,s:i,s:s}", "found", ndr->found,
			 "converged", ndr->converged, "n_trials", ndr->n_trials,
			 "outcome", search_outcome(ndr_err), "confirmed", ndr->confirmed,
			 "resolution_pps", ndr->resolution_pps, "iterations", ndr->iterations,
			 "stop_reason", ndr->stop_reason);
}

static json_t *result_json(const struct pg_opts *o, const struct pg_run_result *r,
			   const struct pg_ndr_result *ndr, int ndr_err)
{
	json_t *j = json_pack("{s:s,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f},"
			      "s:o}",
			      "tool", "dplab-pktgen", "config", config_json(o),
			      "totals", "offered", (json_int_t)r->offered,
			      "sent", (json_int_t)r->sent, "tx_fail", (json_int_t)r->tx_fail,
			      "received", (json_int_t)r->received, "lost", (json_int_t)lost(o, r),
			      "duplicates", (json_int_t)r->rx.duplicates,
			      "reordered", (json_int_t)r->rx.reordered,
			      "foreign", (json_int_t)r->foreign,
			      "tx_bytes", (json_int_t)r->tx_bytes,
			      "offered_pps", r->offered_pps, "achieved_pps", r->achieved_pps,
			      "rx_pps", r->rx_pps,
			      "elapsed_s", r->tsc_hz ? (double)r->tx_elapsed_tsc / r->tsc_hz : 0.0,
			      "latency_ns", pg_latency_json(&r->lat, o->reflect));

	if (j)
		json_object_set_new(json_object_get(j, "totals"), "received_other",
				    json_integer((json_int_t)r->foreign));
	if (j && ndr) {
		json_object_set_new(j, "trials", trials_json(ndr));
		json_object_set_new(j, "ndr_pps", json_real(ndr->pps));
		json_object_set_new(j, "search", pg_search_json(ndr, ndr_err));
	}
	return j;
}

int pg_write_json(const struct pg_opts *o, const struct pg_run_result *r,
		  const struct pg_ndr_result *ndr, int ndr_err)
{
	return pg_json_emit(o, result_json(o, r, ndr, ndr_err));
}

int pg_json_emit(const struct pg_opts *o, json_t *j)
{
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
