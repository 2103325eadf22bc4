/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* dplab-pktgen's physical-port guard (guard.c), used by the sender and the receiver. */
#ifndef DPLAB_PKTGEN_GUARD_H
#define DPLAB_PKTGEN_GUARD_H

#include <stdbool.h>

#include "cli.h"
#include "port.h"

/*
 * Name the port's ethdev (index: its vdev number), enter its netns and
 * check it is virtual or physical ports are allowed; 0 or -errno.
 */
int pg_guard(const struct pg_opts *o, struct pg_port *port, int index, bool *physical);

/*
 * After EAL init: the port's ethdev is bound to the interface the guard
 * checked (same ifindex in its namespace); 0, or -EPERM after saying why.
 */
int pg_guard_verify(const struct pg_port *p);

#endif /* DPLAB_PKTGEN_GUARD_H */
