// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Drop programs for measuring with dplab-pktgen, on the far end of a path:
 *
 *   xdp_drop_all       every frame is dropped (and counted): the sink of
 *                      a maximum-rate benchmark.
 *   xdp_drop_fraction  the generator's UDP frames whose payload sequence
 *                      number is a multiple of `every` are dropped, so a
 *                      known fraction 1/every is lost, deterministically;
 *                      every = 0 drops none.  Everything else passes.
 *
 * The generator's payload (pktgen/packet.h, struct pg_payload) follows an
 * IPv4 header without options and the UDP header: magic "DPLG", stream,
 * flags, then the 64-bit sequence number, all big endian.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "lib/counters.h"
#include "lib/parse.h"
#include "lib/verdict.h"

#define PG_MAGIC 0x44504c47u	/* pktgen/packet.h */

/* The leading part of struct pg_payload: the fields read here. */
struct pg_payload_head {
	__be32 magic;
	__be16 stream;
	__be16 flags;
	__be64 seq;
} __attribute__((packed));

/* Set by the loader before load: drop 1 in `every` of the generator's frames. */
const volatile __u64 every;

SEC("xdp")
int xdp_drop_all(struct xdp_md *ctx)
{
	count(DPLAB_CNT_DROP_DELIBERATE);
	return XDP_DROP;
}

SEC("xdp")
int xdp_drop_fraction(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct pg_payload_head *pl;
	struct pkt_v4 p = {};
	int reason;

	reason = parse_v4(data, data_end, &p);
	if (reason)
		return xdp_unparsed(&counters, reason);
	if (p.t.proto != IPPROTO_UDP)
		goto pass;
	pl = p.l4 + sizeof(struct udphdr);
	if ((void *)(pl + 1) > data_end || pl->magic != bpf_htonl(PG_MAGIC))
		goto pass;
	if (every && bpf_be64_to_cpu(pl->seq) % every == 0) {
		count(DPLAB_CNT_DROP_DELIBERATE);
		return XDP_DROP;
	}
pass:
	count(DPLAB_CNT_PASS);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
