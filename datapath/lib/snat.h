/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Source NAT of flows leaving through a node address (BPF masquerade): the
 * "snat" map of forward and reverse entries (include/dplab/nat.h), port
 * allocation with bounded collision retries, and the lookup that keeps a
 * flow's two entries together.
 *
 * A new flow reserves a port by inserting its reverse entry with
 * BPF_NOEXIST, its original port first, then ports of the configured range
 * from a random start; then it inserts the forward entry, or removes the
 * reverse one again.  Both live in one LRU map, which may evict one half of
 * a flow; snat_lookup() notices and restores it, or moves the flow to a new
 * port when another flow has taken its port meanwhile (so a packet of an
 * established flow costs two lookups).  Entries carry the TCP state of
 * lib/ct.h and expire the same way.
 */
#ifndef DPLAB_LIB_SNAT_H
#define DPLAB_LIB_SNAT_H

#include "dplab/nat.h"
#include "lib/ct.h"

#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DPLAB_SNAT_ENTRIES_DEFAULT);
	__type(key, struct dplab_tuple);
	__type(value, struct dplab_lb_ct);
} snat SEC(".maps");

/* The ports a flow may be moved to (host order), and how many to try. */
struct snat_ports {
	__u16 min;
	__u16 max;
	__u32 retries;		/* above DPLAB_SNAT_RETRIES_LIMIT: the limit */
};

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
 * Reserve the reply tuple for flow orig: 0, -EEXIST when another flow holds
 * it, or another negative errno when the map refused the entry.  A reverse
 * entry of this same flow (its forward half was evicted or expired) is
 * taken over.
 */
static __always_inline int snat_reserve(const struct dplab_tuple *orig,
					const struct dplab_tuple *reply,
					const struct dplab_lb_ct *rev)
{
	struct dplab_lb_ct *held;
	int err;

	err = bpf_map_update_elem(&snat, reply, rev, BPF_NOEXIST);
	if (err != -EEXIST)
		return err;
	held = bpf_map_lookup_elem(&snat, reply);
	if (held && snat_rev_owned_by(held, orig))
		return bpf_map_update_elem(&snat, reply, rev, BPF_ANY);
	return -EEXIST;
}

/*
 * Translate new flow p->t to addr: reserve a port, then insert the forward
 * entry.  0 and *port_out, -ENOSPC when no port was free within the
 * retries, or another negative errno when the map refused an entry (the
 * reverse entry is then removed again: no half flows).
 */
static __always_inline int snat_flow_create(const struct pkt_v4 *p, __be32 addr,
					    const struct snat_ports *ports, __be16 *port_out)
{
	struct dplab_lb_ct fwd = {
		.addr = addr,
		.state = DPLAB_CT_NEW,
		.last_seen_ns = bpf_ktime_get_ns(),
	};
	struct dplab_lb_ct rev;
	struct dplab_tuple reply;
	__be16 port = p->t.sport;	/* kept when free */
	__u32 span = 0, start = 0, i;
	int err = -EEXIST;

	if (p->t.proto == IPPROTO_TCP)
		ct_track_tcp(&fwd, p->tcp_flags);
	rev = fwd;
	rev.addr = p->t.saddr;
	rev.port = p->t.sport;
	if (ports->max >= ports->min) {
		span = (__u32)ports->max - ports->min + 1;
		start = bpf_get_prandom_u32() % span;
	}
	for (i = 0; i <= DPLAB_SNAT_RETRIES_LIMIT; i++) {
		if (i) {
			if (i > ports->retries || i > span)
				break;
			port = bpf_htons(ports->min + (start + i - 1) % span);
		}
		snat_reply_tuple(&p->t, addr, port, &reply);
		err = snat_reserve(&p->t, &reply, &rev);
		if (err != -EEXIST)
			break;
	}
	if (err == -EEXIST)
		return -ENOSPC;		/* every port tried is taken */
	if (err)
		return err;
	fwd.port = port;
	err = bpf_map_update_elem(&snat, &p->t, &fwd, BPF_ANY);
	if (err) {
		bpf_map_delete_elem(&snat, &reply);	/* roll back */
		return err;
	}
	*port_out = port;
	return 0;
}

/*
 * The forward entry of an established flow, updated for this packet, with
 * its reverse half in place; or NULL: no flow (or a closed one), and also
 * when the reverse half was lost and its port has gone to another flow (the
 * forward entry is then removed, so the caller creates the flow anew).
 */
static __always_inline struct dplab_lb_ct *snat_lookup(const struct pkt_v4 *p)
{
	struct dplab_lb_ct *fwd = ct_lookup(&snat, p, &p->t), *held;
	struct dplab_lb_ct rev;
	struct dplab_tuple reply;

	if (!fwd)
		return NULL;
	snat_reply_tuple(&p->t, fwd->addr, fwd->port, &reply);
	held = bpf_map_lookup_elem(&snat, &reply);
	if (held && snat_rev_owned_by(held, &p->t))
		return fwd;
	if (!held) {
		rev = *fwd;
		rev.addr = p->t.saddr;
		rev.port = p->t.sport;
		if (!bpf_map_update_elem(&snat, &reply, &rev, BPF_NOEXIST))
			return fwd;
	}
	bpf_map_delete_elem(&snat, &p->t);
	return NULL;
}

#endif /* DPLAB_LIB_SNAT_H */
