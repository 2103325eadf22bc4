// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Ethernet pcap files through libpcap (see pcap_file.h). */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <pcap/pcap.h>

#include "lib/pcap_file.h"

int pcap_file_write(const char *path, const uint8_t *const *frames, const size_t *lens,
		    int n, char *err, size_t err_len)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	struct pcap_pkthdr h = {};
	pcap_dumper_t *d;
	int i, rc = 0;

	if (!p) {
		snprintf(err, err_len, "%s: pcap_open_dead failed", path);
		return -1;
	}
	d = pcap_dump_open(p, path);
	if (!d) {
		snprintf(err, err_len, "%s", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	gettimeofday(&h.ts, NULL);
	for (i = 0; i < n; i++) {
		h.caplen = h.len = lens[i];
		pcap_dump((u_char *)d, &h, frames[i]);
		if (++h.ts.tv_usec == 1000000) {
			h.ts.tv_sec++;
			h.ts.tv_usec = 0;
		}
	}
	if (pcap_dump_flush(d)) {
		snprintf(err, err_len, "%s: write failed", path);
		rc = -1;
	}
	pcap_dump_close(d);
	pcap_close(p);
	return rc;
}

int pcap_file_read(const char *path, uint8_t *frames, size_t cap, size_t *lens, int max,
		   char *err, size_t err_len)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, ebuf);
	int n = 0;

	if (!p) {
		snprintf(err, err_len, "%s", ebuf);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, err_len, "%s: link type %d, not Ethernet", path, pcap_datalink(p));
		pcap_close(p);
		return -1;
	}
	while (n < max && pcap_next_ex(p, &h, &data) == 1) {
		lens[n] = h->caplen < cap ? h->caplen : cap;
		memcpy(frames + (size_t)n * cap, data, lens[n]);
		n++;
	}
	pcap_close(p);
	return n;
}
