/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv4 fragments for the translators (Cilium's ipv4_frag_datagrams map).
 * Only the first fragment of a datagram carries its L4 header; the ports
 * it had are kept by {source, destination, IP id, protocol}, so the later
 * fragments of the datagram are translated as its first one was (their
 * addresses only: the L4 checksum, in the first fragment, covers the whole
 * datagram and was updated there).  A later fragment that arrives before
 * its first one, or whose entry is gone, has no ports:
 * parse_v4_flow() says so (DPLAB_CNT_PASS_FRAGMENT) and the caller decides
 * whether it may pass untranslated.
 */
#ifndef DPLAB_LIB_FRAG_H
#define DPLAB_LIB_FRAG_H

#include "lib/dp.h"
#include "lib/parse.h"

#define DPLAB_FRAGS_DEFAULT 8192

struct frag_key {
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	__u8 proto;
	__u8 pad;
};

struct frag_ports {
	__be16 sport;
	__be16 dport;
};

/* An object's map of first fragments' ports (struct dp_maps' frags). */
#define DP_FRAGS_MAP(name)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LRU_HASH);			\
		__uint(max_entries, DPLAB_FRAGS_DEFAULT);		\
		__type(key, struct frag_key);				\
		__type(value, struct frag_ports);			\
	} name SEC(".maps")

/* 0, or DPLAB_CNT_PASS_FRAGMENT for a later fragment without its ports. */
static __always_inline int frag_track(const struct dp_maps *m, struct pkt_v4 *p)
{
	struct frag_key key = {
		.saddr = p->t.saddr,
		.daddr = p->t.daddr,
		.id = p->ip_id,
		.proto = p->t.proto,
	};
	struct frag_ports ports = { .sport = p->t.sport, .dport = p->t.dport }, *known;

	if (p->frag == PKT_FRAG_FIRST) {
		bpf_map_update_elem(m->frags, &key, &ports, BPF_ANY);
		return 0;
	}
	known = bpf_map_lookup_elem(m->frags, &key);
	if (!known)
		return DPLAB_CNT_PASS_FRAGMENT;
	p->t.sport = known->sport;
	p->t.dport = known->dport;
	dp_count(m, DPLAB_CNT_FRAG);
	return 0;
}

/*
 * The result of parse_v4_any() (parsed) for a translator on maps m: a
 * fragment goes through frag_track().  0 with the flow's full tuple in
 * p->t, or the reason it has none.
 */
static __always_inline int flow_reason(const struct dp_maps *m, struct pkt_v4 *p, int parsed)
{
	if (parsed || p->frag == PKT_FRAG_NONE || p->icmp_err)
		return parsed;
	return frag_track(m, p);
}

static __always_inline int parse_v4_flow(const struct dp_maps *m, void *data, void *data_end,
					 struct pkt_v4 *p)
{
	return flow_reason(m, p, parse_v4_any(data, data_end, p));
}

static __always_inline int tc_parse_v4_flow(struct __sk_buff *skb, const struct dp_maps *m,
					    struct pkt_v4 *p)
{
	return flow_reason(m, p, tc_parse_depth(skb, p, PARSE_ANY));
}

#endif /* DPLAB_LIB_FRAG_H */
