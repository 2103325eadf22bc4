// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The probe's rtnetlink parsing (probe_nl_parse_link/_tc/_routes: the
 * callbacks every reply goes through).  The first byte picks the parser
 * (bit 0 set: a qdisc/filter dump, bit 1 then kind "bpf" or "clsact", the
 * rest the ifindex to match, 0 any; bit 0 clear: RTM_NEWLINK, or with
 * bit 1 a route dump), the rest is a buffer of messages, copied to an
 * aligned buffer of exactly their size.  Seeds: replies recorded on this
 * machine (tests/fuzz/record_nl.py): a veth with XDP, lo, a bridge, clsact
 * with bpf filters, default routes.
 */
#include "probe/probe_facts_nl.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_nl_routes rs;
	struct probe_nl_link l;
	uint32_t *buf;		/* exactly the messages, aligned: ASan sees any read past them */
	__u32 count;

	if (!size)
		return 0;
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	if (data[0] & 1)
		probe_nl_parse_tc(buf, size - 1, data[0] >> 2, data[0] & 2 ? "bpf" : "clsact",
				  &count);
	else if (data[0] & 2)
		probe_nl_parse_routes(buf, size - 1, &rs);
	else
		probe_nl_parse_link(buf, size - 1, &l);
	free(buf);
	return 0;
}
