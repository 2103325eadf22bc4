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

/* TCP state kept by conntrack: enough to expire closed flows sooner. */
enum dplab_ct_state {
	DPLAB_CT_NEW,
	DPLAB_CT_ESTABLISHED,
	DPLAB_CT_CLOSING,	/* FIN or RST seen */
};

/*
 * LB conntrack.  Forward: client tuple (to the VIP) -> chosen backend.
 * Reverse: backend->client tuple -> the VIP to restore in replies.
 * nat_port is the third port of a flow whose source is translated too
 * (the XDP NodePort LB, include/dplab/xdp_lb.h): in its forward entry the
 * source port the backend sees, in its reverse entry the client's own port.
 */
struct dplab_lb_ct {
	__be32 addr;		/* forward: backend; reverse: VIP */
	__be16 port;
	__u8 state;		/* enum dplab_ct_state */
	__u8 flags;
	__u64 last_seen_ns;
	__be16 nat_port;
	__u16 pad[3];
};

#endif /* DPLAB_LB_H */
