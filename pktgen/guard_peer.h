/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where a veth's frames go (guard_peer.c), for dplab-pktgen's guard. */
#ifndef DPLAB_PKTGEN_GUARD_PEER_H
#define DPLAB_PKTGEN_GUARD_PEER_H

#include <stddef.h>

/*
 * iface (in the current namespace) is a veth or netkit whose peer - or a
 * veth of the same bridge, a few hops on - is bridged with a physical NIC
 * or a tun/tap: 1, with what describing the path; 0 when it is not (or
 * iface has no peer); -errno when rtnetlink could not say.
 */
int pg_peer_reaches_physical(const char *iface, char *what, size_t len);

#endif /* DPLAB_PKTGEN_GUARD_PEER_H */
