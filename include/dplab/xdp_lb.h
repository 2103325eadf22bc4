/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * XDP NodePort LB (datapath/xdp_lb.bpf.c): how its conntrack entries read.
 * It uses the LB maps of include/dplab/lb.h; services are keyed
 * {node_ip, NodePort, proto}.  Include after the fixed-width types.
 *
 *   lb_ct   client -> node_ip:NodePort  =>  backend addr:port, and in flags
 *           DPLAB_LB_CT_SNAT when the backend is remote: the source is
 *           translated to node_ip:nat_port (the client's port when free)
 *           and the frame sent out of the uplink again with XDP_TX;
 *   lb_rev  the reply as the backend sends it (backend:port ->
 *           node_ip:nat_port when SNATed, else -> client:port)  =>
 *           addr = the client's address, port = the NodePort, nat_port =
 *           the client's port.  Replies get their source set back to
 *           node_ip:NodePort and their destination to addr:nat_port:
 *           remote replies at XDP, local ones (never SNATed) at tc egress
 *           of the uplink.
 */
#ifndef DPLAB_XDP_LB_H
#define DPLAB_XDP_LB_H

#define DPLAB_LB_CT_SNAT 0x1

#endif /* DPLAB_XDP_LB_H */
