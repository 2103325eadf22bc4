/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every feature on a node's uplink knows of the node; set by the loader. */
#ifndef DPLAB_LIB_NODE_H
#define DPLAB_LIB_NODE_H

/* The node's address on its uplink: masquerade's source, the NodePorts'. */
const volatile __be32 node_ip;

#endif /* DPLAB_LIB_NODE_H */
