/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Test frames: IPv4 UDP (any size), IMIX sizes, TCP SYN, N flows.
 *
 * Frame lengths are as held in memory, WITHOUT the 4-byte FCS the NIC
 * appends: an RFC 2544 "64-byte frame" is PG_FRAME_MIN = 60 bytes here,
 * "1518" is PG_FRAME_MAX = 1514.  pg_bps_to_pps() (pacing.h) takes the same
 * convention.
 *
 * Layout: Ethernet (14) | IPv4 without options (20) | UDP (8) | struct
 * pg_payload at PG_PAYLOAD_OFF = 42 | zero padding.  All multi-byte fields
 * of pg_payload are in network byte order (big endian), like the headers.
 * A 60..65-byte frame has only 18..23 bytes of UDP payload, so its
 * pg_payload is cut after seq (16 bytes): flags carries PG_PF_NO_TSC and
 * there is no sched_tsc (loss/reorder counted, no latency sample).  From
 * PG_FRAME_MIN_TSC = 66 bytes (70 on the wire with FCS) on it is whole.
 */
#ifndef DPLAB_PKTGEN_PACKET_H
#define DPLAB_PKTGEN_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG_FRAME_MIN 60		/* RFC 2544 64 bytes minus FCS */
#define PG_FRAME_MAX 1514	/* RFC 2544 1518 bytes minus FCS */
#define PG_ETH_LEN 14
#define PG_IP_OFF PG_ETH_LEN
#define PG_L4_OFF (PG_IP_OFF + 20)
#define PG_PAYLOAD_OFF (PG_L4_OFF + 8)
#define PG_FRAME_MIN_TSC (PG_PAYLOAD_OFF + (int)sizeof(struct pg_payload))
#define PG_TCP_SYN_LEN 60	/* Eth + IP + TCP with MSS option, padded */

#define PG_MAGIC 0x44504c47u	/* "DPLG" */
#define PG_PF_NO_TSC 0x0001	/* frame too short for sched_tsc */
#define PG_PF_LATENCY 0x0002	/* sender asks for a latency sample */

struct pg_payload {
	uint32_t magic;		/* PG_MAGIC */
	uint16_t stream;
	uint16_t flags;		/* PG_PF_* */
	uint64_t seq;		/* per stream, from 0 */
	uint64_t sched_tsc;	/* the pacer's due time of this frame */
} __attribute__((packed));

/* What a template frame carries; addresses and ports in host byte order. */
struct pg_pkt_cfg {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t saddr, daddr;		/* e.g. 0x0a000001 for 10.0.0.1 */
	uint16_t sport, dport;
	uint8_t ttl;			/* 0 means 64 */
	uint8_t tos;
	bool udp_csum;			/* false: UDP checksum 0 (none) */
	uint16_t stream;
	uint16_t flags;			/* PG_PF_* for the payload */
};

/*
 * Build an IPv4 UDP frame of frame_len (60..1514, no FCS) into buf with
 * seq 0 and sched_tsc 0; frame_len on success, -EINVAL (bad length) or
 * -ENOSPC (buf too small).
 */
int pg_build_udp(uint8_t *buf, size_t buf_len, const struct pg_pkt_cfg *cfg,
		 unsigned frame_len);

/*
 * Write seq and sched_tsc into a frame from pg_build_udp() (frame_len as
 * built), updating a non-zero UDP checksum incrementally.  The hot path.
 */
void pg_payload_stamp(uint8_t *frame, unsigned frame_len, uint64_t seq,
		      uint64_t sched_tsc);

/*
 * Read the payload of a received frame of len bytes into host order.
 * false unless it is IPv4 UDP carrying PG_MAGIC; sched_tsc is 0 and
 * PG_PF_NO_TSC set when the frame is too short for it.
 */
bool pg_payload_parse(const uint8_t *frame, size_t len, struct pg_payload *out);

/*
 * N flows: flow i gets sport = sport_base + i % n_sport and
 * saddr = saddr_base + (i / n_sport) % n_saddr (host order; a count of 0
 * counts as 1), so n_sport * n_saddr distinct flows.
 */
struct pg_flow_cfg {
	uint32_t saddr_base;
	uint32_t n_saddr;
	uint16_t sport_base;
	uint32_t n_sport;
};

/*
 * Rewrite source address and port of a UDP or TCP frame built here to
 * flow flow_index, fixing the IP checksum and the L4 checksum (if not 0)
 * incrementally.
 */
void pg_flow_apply(const struct pg_flow_cfg *fc, uint8_t *frame, uint32_t flow_index);

/*
 * Simple IMIX 7:4:1 of 64, 570 and 1518-byte frames (60, 566, 1514 here),
 * interleaved in a cycle of 12.  Average on-wire size 353.83 + 20 bytes.
 */
#define PG_IMIX_CYCLE 12
struct pg_imix {
	unsigned pos;
};
void pg_imix_init(struct pg_imix *im);
unsigned pg_imix_next(struct pg_imix *im);	/* next frame length (no FCS) */
double pg_imix_avg_len(void);			/* mean frame length (no FCS) */

/*
 * TCP SYN of cfg's addresses and dport with the given sport and ISN, an
 * MSS option of 1460, window 64240, checksums right; PG_TCP_SYN_LEN
 * bytes (IP total length 44, padded to 60), or -ENOSPC.
 */
int pg_build_tcp_syn(uint8_t *buf, size_t buf_len, const struct pg_pkt_cfg *cfg,
		     uint16_t sport, uint32_t seq);

#endif /* DPLAB_PKTGEN_PACKET_H */
