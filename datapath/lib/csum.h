/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Incremental Internet checksum updates (RFC 1624) on packet memory, for
 * XDP, which has no bpf_l3/l4_csum_replace.  tc programs use those helpers
 * instead (see nat.h): they honour skb->ip_summed.
 */
#ifndef DPLAB_LIB_CSUM_H
#define DPLAB_LIB_CSUM_H

static __always_inline __u16 csum_fold_complement(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* One's complement add with end-around carry. */
static __always_inline __u32 csum_add32(__u32 s, __u32 v)
{
	s += v;
	return s + (s < v);
}

/* HC' = ~(~HC + ~m + m'), for a 32-bit and a 16-bit field. */
static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u32 s = (__u16)~*sum;

	s = csum_add32(s, ~from);
	s = csum_add32(s, to);
	*sum = csum_fold_complement(s);
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	csum_replace4(sum, (__u32)from | 0xffff0000, (__u32)to | 0xffff0000);
}

#endif /* DPLAB_LIB_CSUM_H */
