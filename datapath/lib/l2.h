/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet addresses of a frame an XDP program sends back out of the
 * interface it came in on (XDP_TX): the reflector and the NodePort LB's
 * hairpin.  The caller has bounds-checked the Ethernet header.
 */
#ifndef DPLAB_LIB_L2_H
#define DPLAB_LIB_L2_H

#define ETH_ALEN 6

static __always_inline void mac_copy(__u8 *dst, const __u8 *src)
{
	__builtin_memcpy(dst, src, ETH_ALEN);
}

static __always_inline bool mac_is_zero(const volatile __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* Back to where it came from: destination and source swapped. */
static __always_inline void eth_swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	mac_copy(tmp, eth->h_source);
	mac_copy(eth->h_source, eth->h_dest);
	mac_copy(eth->h_dest, tmp);
}

/*
 * Out again through the same interface towards next_hop, or, when
 * next_hop is all zero, back to the sender (the router the frame came
 * from).  Either way the new source is the address the frame was sent to:
 * this interface's.
 */
static __always_inline void eth_hairpin(struct ethhdr *eth, const volatile __u8 *next_hop)
{
	int i;

	if (mac_is_zero(next_hop)) {
		eth_swap_macs(eth);
		return;
	}
	mac_copy(eth->h_source, eth->h_dest);
	for (i = 0; i < ETH_ALEN; i++)
		eth->h_dest[i] = next_hop[i];
}

#endif /* DPLAB_LIB_L2_H */
