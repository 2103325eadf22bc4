/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The frames of an Ethernet pcap file, held in memory for --pcap replay.
 * Only pcap_replay.c includes libpcap: <pcap/pcap.h> and <linux/bpf.h>
 * both define struct bpf_insn, so this header includes neither.
 */
#ifndef DPLAB_PKTGEN_PCAP_REPLAY_H
#define DPLAB_PKTGEN_PCAP_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define PG_PCAP_MIN_LEN 14	/* an Ethernet header */
#define PG_PCAP_MAX_LEN 1514	/* PG_FRAME_MAX: fits one mbuf */
#define PG_PCAP_MAX_FRAMES (1u << 20)

struct pg_pcap {
	unsigned n;		/* frames */
	uint8_t **frame;
	uint16_t *len;		/* captured bytes, without FCS */
};

/*
 * Load path (DLT_EN10MB only; frames of 14..1514 captured bytes, at most
 * PG_PCAP_MAX_FRAMES); 0, or -errno with the reason in err.
 */
int pg_pcap_load(const char *path, struct pg_pcap *p, char *err, size_t err_len);
void pg_pcap_free(struct pg_pcap *p);

#endif /* DPLAB_PKTGEN_PCAP_REPLAY_H */
