/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* dplab-pktgen --receive: the receiver in a process of its own (recv.c). */
#ifndef DPLAB_PKTGEN_RECV_H
#define DPLAB_PKTGEN_RECV_H

#include "cli.h"

/* The separate receiver (--receive): the whole run; 0 or -errno. */
int pg_receive_main(const struct pg_opts *o, const char *prog, volatile int *stop);

#endif /* DPLAB_PKTGEN_RECV_H */
