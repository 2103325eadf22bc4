// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Frames of an Ethernet pcap file for --pcap replay (libpcap only here). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "pcap_replay.h"

static int add(struct pg_pcap *p, const u_char *data, unsigned len)
{
	uint8_t **fr;
	uint16_t *ln;
	uint8_t *f;

	/* Grow by doubling: n is a power of two when full. */
	if (!(p->n & (p->n - 1))) {
		fr = realloc(p->frame, sizeof(*fr) * (p->n ? 2 * p->n : 1));
		if (!fr)
			return -ENOMEM;
		p->frame = fr;
		ln = realloc(p->len, sizeof(*ln) * (p->n ? 2 * p->n : 1));
		if (!ln)
			return -ENOMEM;
		p->len = ln;
	}
	f = malloc(len);
	if (!f)
		return -ENOMEM;
	memcpy(f, data, len);
	p->frame[p->n] = f;
	p->len[p->n++] = len;
	return 0;
}

int pg_pcap_load(const char *path, struct pg_pcap *p, char *err, size_t err_len)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc = pcap_open_offline(path, ebuf);
	int rc, ret = 0;

	memset(p, 0, sizeof(*p));
	if (!pc) {
		snprintf(err, err_len, "%s", ebuf);
		return -EINVAL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		snprintf(err, err_len, "%s: link type %s (%d), not Ethernet (EN10MB)", path,
			 pcap_datalink_val_to_name(pcap_datalink(pc)) ?: "?", pcap_datalink(pc));
		pcap_close(pc);
		return -EINVAL;
	}
	while (!ret && (rc = pcap_next_ex(pc, &h, &data)) == 1) {
		if (h->caplen < PG_PCAP_MIN_LEN || h->caplen > PG_PCAP_MAX_LEN) {
			snprintf(err, err_len, "%s: frame %u has %u bytes, not %d..%d", path,
				 p->n + 1, h->caplen, PG_PCAP_MIN_LEN, PG_PCAP_MAX_LEN);
			ret = -EINVAL;
		} else if (p->n >= PG_PCAP_MAX_FRAMES) {
			snprintf(err, err_len, "%s: more than %u frames", path, PG_PCAP_MAX_FRAMES);
			ret = -E2BIG;
		} else if (add(p, data, h->caplen)) {
			snprintf(err, err_len, "%s: out of memory", path);
			ret = -ENOMEM;
		}
	}
	if (!ret && rc == -1) {
		snprintf(err, err_len, "%s: %s", path, pcap_geterr(pc));
		ret = -EIO;
	}
	if (!ret && !p->n) {
		snprintf(err, err_len, "%s: no frames", path);
		ret = -ENODATA;
	}
	pcap_close(pc);
	if (ret)
		pg_pcap_free(p);
	return ret;
}

void pg_pcap_free(struct pg_pcap *p)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		free(p->frame[i]);
	free(p->frame);
	free(p->len);
	memset(p, 0, sizeof(*p));
}
