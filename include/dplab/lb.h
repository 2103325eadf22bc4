/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Services and backends, shared by every load balancer (socket LB, tc
 * service LB, XDP NodePort LB) so the loader programs them one way.
 * Include after the fixed-width types.  Addresses and ports are in network
 * byte order; IPPROTO_* numbers for proto.
 *
 *   services:  dplab_svc_key -> dplab_svc        (hash)
 *   backends:  dplab_backend_key -> dplab_backend (hash; slots 0..count-1)
 */
#ifndef DPLAB_LB_H
#define DPLAB_LB_H

#define DPLAB_MAX_BACKENDS_PER_SVC 64

struct dplab_svc_key {
	__be32 vip;		/* ClusterIP, or the node address for NodePort */
	__be16 port;
	__u8 proto;
	__u8 pad;
};

struct dplab_svc {
	__u32 id;		/* key of its backends */
	__u16 count;		/* backends in slots 0..count-1; 0 = none */
	__u16 flags;
};

struct dplab_backend_key {
	__u32 svc_id;
	__u32 slot;
};

struct dplab_backend {
	__be32 addr;
	__be16 port;
	__u16 flags;		/* DPLAB_BACKEND_LOCAL: on this node */
};

#define DPLAB_BACKEND_LOCAL 0x1

/*
 * A flow as seen on the wire: for ICMP echo the ports are the echo id
 * (sport) and 0 (dport).
 */
struct dplab_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];
};

/*
 * TCP state kept by conntrack, per entry (one entry per direction of a
 * flow), for its lifetime (datapath/lib/ct.h): a flow is closing only when
 * both directions sent a FIN, or either an RST.
 */
enum dplab_ct_state {
	DPLAB_CT_NEW,		/* only the opening packet(s) seen */
	DPLAB_CT_ESTABLISHED,
	DPLAB_CT_FIN_SENT,	/* this direction sent a FIN: half closed */
	DPLAB_CT_CLOSING,	/* FIN both ways, or RST */
};

/*
 * A conntrack / NAT entry.  LB forward: client tuple (to the VIP) ->
 * chosen backend.  LB reverse: backend->client tuple -> the VIP to restore
 * in replies.  Masquerade: see dplab/nat.h.  peer is the key of the same
 * flow's entry for the other direction (all zero when unknown), so that a
 * FIN can find it and a lost half can be told from another flow's.
 * nat_port is the third port of a flow whose source is translated too
 * (the XDP NodePort LB, include/dplab/xdp_lb.h): in its forward entry the
 * source port the backend sees, in its reverse entry the client's own port.
 */
struct dplab_lb_ct {
	__be32 addr;		/* forward: backend; reverse: VIP */
	__be16 port;
	__u8 state;		/* enum dplab_ct_state */
	__u8 flags;		/* the owner's: DPLAB_LB_CT_SNAT, DPLAB_SNAT_F_* */
	__u64 last_seen_ns;	/* bpf_ktime_get_ns() of the last packet */
	struct dplab_tuple peer;
	__be16 nat_port;	/* see below */
	__u16 pad[3];
};

/*
 * Lifetimes after the last packet, by protocol and state (Cilium's
 * defaults: CT_SYN_TIMEOUT, CT_CONNECTION_LIFETIME_TCP / _NONTCP,
 * CT_CLOSE_TIMEOUT).  An expired entry is removed when next looked up, and
 * a NAT port held by one is free for another flow.  The loader may set
 * other values (rodata ct_timeout_*_ns).
 */
#define DPLAB_CT_TIMEOUT_SYN_S		60
#define DPLAB_CT_TIMEOUT_TCP_S		21600
#define DPLAB_CT_TIMEOUT_CLOSE_S	10
#define DPLAB_CT_TIMEOUT_UDP_S		60
#define DPLAB_CT_TIMEOUT_ICMP_S		60

#endif /* DPLAB_LB_H */
