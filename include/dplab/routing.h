/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * BPF host routing (datapath/host_routing.bpf.c) and the VXLAN overlay
 * (datapath/overlay.bpf.c): their map types.  Include after the
 * fixed-width types.  Addresses are in network byte order.
 *
 *   endpoints: hash, pod IPv4 address -> struct dplab_endpoint
 *              (the pods of this node; both objects have one)
 *   tunnels:   LPM trie, struct dplab_tunnel_key -> struct dplab_tunnel
 *              (pod CIDRs of the other nodes; overlay only)
 */
#ifndef DPLAB_ROUTING_H
#define DPLAB_ROUTING_H

#define DPLAB_ENDPOINTS_DEFAULT	4096
#define DPLAB_TUNNELS_DEFAULT	1024

/* The Ethernet addresses a routed frame leaves with, in wire order. */
struct dplab_eth_addrs {
	__u8 dst[6];
	__u8 src[6];
};

/*
 * A pod on this node.  Frames delivered to it get l2.dst = the pod's MAC
 * and l2.src = the MAC of its host-side veth (the pod's gateway), as if
 * the node had routed them.
 */
struct dplab_endpoint {
	struct dplab_eth_addrs l2;
	__u32 ifindex;		/* host-side veth; the pod's end is its peer */
};

/* prefixlen counts the bits of addr that match (0..32). */
struct dplab_tunnel_key {
	__u32 prefixlen;
	__be32 addr;		/* a pod CIDR of another node */
};

struct dplab_tunnel {
	__be32 node_ip;		/* underlay address of the node owning it */
	__u32 vni;		/* VXLAN network identifier (24 bits) */
};

#endif /* DPLAB_ROUTING_H */
