/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Source NAT of flows leaving through a node address (BPF masquerade): the
 * "snat" map of forward, reverse and inbound entries (include/dplab/nat.h),
 * port allocation with bounded collision retries, and the lookup that
 * keeps a flow's two entries together.
 *
 * A new flow reserves a port by inserting its reverse entry with
 * BPF_NOEXIST: its original port first when that lies in the configured
 * range (outside it, it could be a NodePort or a port of the node's own),
 * then ports of the range from a random start.  A reverse entry held by an
 * expired flow (lib/ct.h lifetimes) is taken over and that flow's forward
 * entry removed: expiry frees ports.  Then the forward entry is inserted,
 * or the reverse one removed again.  Both live in one LRU map, which may
 * evict one half of a flow; snat_lookup() notices and restores it
 * (counted ct_repaired), or moves the flow to a new port when another
 * flow has taken its port meanwhile.  Forward packets refresh the reverse
 * entry too, so a port is held until its flow is idle both ways.
 */
#ifndef DPLAB_LIB_SNAT_H
#define DPLAB_LIB_SNAT_H

#include "dplab/nat.h"
#include "lib/ct.h"
#include "lib/nat_port.h"

#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif

/* The map of an object (struct dp_maps' ct and rev both point to it). */
#define DP_SNAT_MAP(name)						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_LRU_HASH);			\
		__uint(max_entries, DPLAB_SNAT_ENTRIES_DEFAULT);	\
		__type(key, struct dplab_tuple);			\
		__type(value, struct dplab_lb_ct);			\
	} name SEC(".maps")

static __always_inline bool in_cidr(__be32 addr, __be32 net, __u8 prefix)
{
	__u32 mask;

	if (!prefix)
		return true;
	mask = prefix >= 32 ? ~0U : ~0U << (32 - prefix);
	return !((bpf_ntohl(addr) ^ bpf_ntohl(net)) & mask);
}

/* ICMP type of a parsed ICMP packet, or -1 if it cannot be read. */
static __always_inline int pkt_icmp_type(const struct pkt_v4 *p, void *data_end)
{
	struct icmphdr *ih = p->l4;

	if ((void *)(ih + 1) > data_end)
		return -1;
	return ih->type;
}

/* The tuple of the replies to flow orig once translated to addr:port. */
static __always_inline void snat_reply_tuple(const struct dplab_tuple *orig, __be32 addr,
					     __be16 port, struct dplab_tuple *reply)
{
	struct dplab_tuple translated = *orig;

	translated.saddr = addr;
	translated.sport = port;
	tuple_reverse(&translated, reply);
}

/* A reverse entry restores orig's source: it belongs to that very flow. */
static __always_inline bool snat_rev_owned_by(const struct dplab_lb_ct *rev,
					      const struct dplab_tuple *orig)
{
	return rev->addr == orig->saddr && rev->port == orig->sport;
}

/*
 * Reserve the reply tuple for flow orig: 0, -EEXIST when another live flow
 * holds it, or another negative errno when the map refused the entry.  A
 * reverse entry of this same flow (its forward half was evicted or
 * expired) is taken over, and so is an expired flow's.
 */
static __always_inline int snat_reserve(const struct dp_maps *m, const struct dplab_tuple *orig,
					const struct dplab_tuple *reply,
					const struct dplab_lb_ct *rev)
{
	struct dplab_tuple stale;
	struct dplab_lb_ct *held;
	int err;

	err = bpf_map_update_elem(m->rev, reply, rev, BPF_NOEXIST);
	if (err != -EEXIST)
		return err;
	held = bpf_map_lookup_elem(m->rev, reply);
	if (!held)
		return -EEXIST;
	if (snat_rev_owned_by(held, orig))
		return bpf_map_update_elem(m->rev, reply, rev, BPF_ANY);
	if (!ct_expired(held, reply->proto, ct_now()))
		return -EEXIST;
	stale = held->peer;
	err = bpf_map_update_elem(m->rev, reply, rev, BPF_ANY);
	if (!err) {
		if (stale.proto)
			bpf_map_delete_elem(m->ct, &stale);
		dp_count(m, DPLAB_CNT_CT_EXPIRED);
	}
	return err;
}

/*
 * Translate new flow p->t to addr: reserve a port, then insert the forward
 * entry.  0 and *port_out, -ENOSPC when no port was free within the
 * retries, or another negative errno when the map refused an entry (the
 * reverse entry is then removed again: no half flows).
 */
static __always_inline int snat_flow_create(const struct dp_maps *m, const struct pkt_v4 *p,
					    __be32 addr,
					    const struct snat_ports *ports, __be16 *port_out)
{
	struct dplab_lb_ct fwd, rev;
	struct nat_port_walk w;
	struct dplab_tuple reply;
	__be16 port = p->t.sport;
	int err = -EEXIST;
	__u32 i;

	ct_entry_init(m, &rev, p, p->t.saddr, p->t.sport, 0, &p->t);
	/* An ICMP echo keeps its id when free, whatever the range. */
	nat_port_walk_init(&w, ports, p->t.sport,
			   p->t.proto == IPPROTO_ICMP || nat_port_in_range(ports, p->t.sport));
	for (i = w.first; i <= DPLAB_SNAT_RETRIES_LIMIT; i++) {
		if (!nat_port_at(&w, i, &port))
			break;
		snat_reply_tuple(&p->t, addr, port, &reply);
		err = snat_reserve(m, &p->t, &reply, &rev);
		if (err != -EEXIST)
			break;
	}
	if (err == -EEXIST)
		return -ENOSPC;		/* every port tried is taken */
	if (err)
		return err;
	ct_entry_init(m, &fwd, p, addr, port, 0, &reply);
	err = bpf_map_update_elem(m->ct, &p->t, &fwd, BPF_ANY);
	if (err) {
		bpf_map_delete_elem(m->rev, &reply);	/* roll back */
		return err;
	}
	*port_out = port;
	return 0;
}

/*
 * The forward entry of an established flow, updated for this packet, with
 * its reverse half in place; or an inbound entry (the caller checks
 * DPLAB_SNAT_F_INBOUND); or NULL: no flow (or an expired or closed one),
 * and also when the reverse half was lost and its port has gone to another
 * flow (the forward entry is then removed, so the caller creates the flow
 * anew).
 */
static __always_inline struct dplab_lb_ct *snat_lookup(const struct dp_maps *m,
						       const struct pkt_v4 *p)
{
	struct dplab_lb_ct *fwd = ct_lookup_pair(m, m->ct, m->rev, p, &p->t), *held;
	struct dplab_lb_ct rev;
	struct dplab_tuple reply;

	if (!fwd || (fwd->flags & DPLAB_SNAT_F_INBOUND))
		return fwd;
	snat_reply_tuple(&p->t, fwd->addr, fwd->port, &reply);
	held = bpf_map_lookup_elem(m->rev, &reply);
	if (held && snat_rev_owned_by(held, &p->t)) {
		if (!p->icmp_err)
			held->last_seen_ns = fwd->last_seen_ns;
		return fwd;
	}
	if (!held) {
		ct_entry_init(m, &rev, p, p->t.saddr, p->t.sport, 0, &p->t);
		rev.state = fwd->state;
		if (!bpf_map_update_elem(m->rev, &reply, &rev, BPF_NOEXIST)) {
			dp_count(m, DPLAB_CNT_CT_REPAIRED);
			return fwd;
		}
	}
	bpf_map_delete_elem(m->ct, &p->t);
	return NULL;
}

/*
 * Whether a packet from outside may open a flow to a pod: a TCP SYN, UDP,
 * an ICMP echo request.  A stray ACK or echo reply must not, or it would
 * mark the pod's own flow to that remote as inbound and let it leave
 * untranslated.
 */
static __always_inline bool snat_inbound_opens(const struct pkt_v4 *p, void *data_end)
{
	if (p->icmp_err)
		return false;
	if (p->t.proto == IPPROTO_ICMP)
		return pkt_icmp_type(p, data_end) == ICMP_ECHO;
	return p->t.proto == IPPROTO_UDP || pkt_is_tcp_syn(p);
}

/*
 * A packet from outside the cluster to a pod.  Its flow's inbound entry
 * (keyed as the pod's replies) is refreshed, or made when the packet opens
 * a flow and the pod has none of its own on that tuple, so the pod's
 * replies leave untranslated.
 */
static __always_inline void snat_note_inbound(const struct dp_maps *m, const struct pkt_v4 *p,
					      void *data_end)
{
	struct dplab_tuple key;
	struct dplab_lb_ct e;

	tuple_reverse(&p->t, &key);
	if (ct_lookup_pair(m, m->ct, m->rev, p, &key) || !snat_inbound_opens(p, data_end))
		return;
	ct_entry_init(m, &e, p, p->t.daddr, p->t.dport, DPLAB_SNAT_F_INBOUND, &key);
	if (!bpf_map_update_elem(m->ct, &key, &e, BPF_NOEXIST))
		dp_count(m, DPLAB_CNT_CT_NEW);
}

#endif /* DPLAB_LIB_SNAT_H */
