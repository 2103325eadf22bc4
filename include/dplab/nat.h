/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * BPF masquerade (datapath/masq.bpf.c): its NAT map and the defaults of its
 * tunables.  Include after the fixed-width types and dplab/lb.h (struct
 * dplab_tuple, struct dplab_lb_ct).  Addresses and ports in the map are in
 * network byte order.
 *
 *   snat: LRU hash, struct dplab_tuple -> struct dplab_lb_ct, two entries
 *         per masqueraded flow:
 *     forward  original tuple (pod:port -> remote:port)
 *              -> node_ip:port the source is translated to;
 *     reverse  reply tuple (remote:port -> node_ip:port)
 *              -> pod:port the destination of replies is restored to.
 *         The reverse entry is the port reservation: it is inserted first,
 *         only if absent (or held by an expired flow), so a port is in use
 *         towards one remote endpoint by one flow at a time.  Reverse
 *         keys, and only they, have daddr == node_ip.  Each entry's peer
 *         is the other's key.
 *     inbound  a flow opened from outside the cluster to a pod, keyed as
 *              the pod's replies (pod:port -> remote:port), flag
 *              DPLAB_SNAT_F_INBOUND: the replies leave untranslated.
 *
 * The node's own flows with a source port in the range get entries too
 * (translated to themselves, or to another port when a pod's flow holds
 * theirs), so pods and the node never share a reply tuple.
 *
 * The loader sizes the map before load: two entries per flow.
 */
#ifndef DPLAB_NAT_H
#define DPLAB_NAT_H

#define DPLAB_SNAT_ENTRIES_DEFAULT	131072	/* 65536 flows */

#define DPLAB_SNAT_F_INBOUND	0x1	/* dplab_lb_ct.flags */

/* Ports (and ICMP echo ids) a source is moved to when its own is taken:
 * Linux's ip_local_port_range by default. */
#define DPLAB_SNAT_PORT_MIN_DEFAULT	32768
#define DPLAB_SNAT_PORT_MAX_DEFAULT	60999

/* Ports tried after the original one; the datapath's loop stops at the
 * limit whatever the setting. */
#define DPLAB_SNAT_RETRIES_DEFAULT	32
#define DPLAB_SNAT_RETRIES_LIMIT	128

#endif /* DPLAB_NAT_H */
