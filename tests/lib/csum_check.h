/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Independent checksum checker for test frames: every checksum recomputed
 * in full from the bytes (never incrementally), so it judges the
 * datapath's incremental updates and the builder alike.
 */
#ifndef DPLAB_TESTS_CSUM_CHECK_H
#define DPLAB_TESTS_CSUM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * true when every checksum in the Ethernet frame is right: the IPv4 header
 * checksum, then TCP and UDP (with the pseudo-header) or ICMP.  UDP
 * checksum 0 means "none" and is valid; a computed 0 must be sent as
 * 0xffff.  For TCP, ICMP and the IP header, 0x0000 and 0xffff are the same
 * ones' complement zero and both are accepted.  VXLAN (UDP dport 4789):
 * the outer frame, then the inner one.  Fragments: the IP header only.
 * Frames that are not IPv4: true, nothing to check.
 *
 * why (may be NULL) says what was checked, or exactly what is wrong:
 * "inner TCP checksum: expected 0x1c2d, found 0x1c2e", "IPv4 header
 * checksum: ...", "truncated: IP total length 60, frame holds 40".
 */
bool pkt_csum_verify(const uint8_t *frame, size_t len, char *why, size_t why_len);

#endif /* DPLAB_TESTS_CSUM_CHECK_H */
