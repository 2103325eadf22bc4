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
 *         only if absent, so a port is in use towards one remote endpoint
 *         by one flow at a time.  Reverse keys, and only they, have
 *         daddr == node_ip (no flow to node_ip is masqueraded).
 *
 * The loader sizes the map before load: two entries per flow.
 */
#ifndef DPLAB_NAT_H
#define DPLAB_NAT_H

#define DPLAB_SNAT_ENTRIES_DEFAULT	131072	/* 65536 flows */

/* Ports (and ICMP echo ids) a source is moved to when its own is taken:
 * Linux's ip_local_port_range by default. */
#define DPLAB_SNAT_PORT_MIN_DEFAULT	32768
#define DPLAB_SNAT_PORT_MAX_DEFAULT	60999

/* Ports tried after the original one; the datapath's loop stops at the
 * limit whatever the setting. */
#define DPLAB_SNAT_RETRIES_DEFAULT	32
#define DPLAB_SNAT_RETRIES_LIMIT	128

#endif /* DPLAB_NAT_H */
