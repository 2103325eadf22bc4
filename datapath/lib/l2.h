/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet addresses of a frame an XDP program sends back out of the
 * interface it came in on (XDP_TX): the reflector's swap, the NodePort
 * LB's copy of the FIB's next hop.  The caller has bounds-checked the
 * Ethernet header.
 */
#ifndef DPLAB_LIB_L2_H
#define DPLAB_LIB_L2_H

#define ETH_ALEN 6

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, ETH_ALEN);
}

/* Back to where it came from: destination and source swapped. */
static __always_inline void eth_swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	mac_copy(tmp, eth->h_source);
	mac_copy(eth->h_source, eth->h_dest);
	mac_copy(eth->h_dest, tmp);
}

#endif /* DPLAB_LIB_L2_H */
