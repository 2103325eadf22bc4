// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pcap files for `dplab-pktgen --pcap` (pg_pcap_load, through libpcap).
 * Seeds: small captures (UDP, TCP SYN, VLAN, a non-Ethernet link type,
 * truncated records) made by tests/fuzz/make_pcaps.py.
 */
#include "pcap_replay.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_pcap p = { 0 };
	char err[256];

	if (!pg_pcap_load(fuzz_file(data, size), &p, err, sizeof(err)))
		pg_pcap_free(&p);
	return 0;
}
