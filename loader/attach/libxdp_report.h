/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What libxdp did with an attach: its messages (captured by log.h) and
 * whether the program went through libxdp's multi-program dispatcher or,
 * because libxdp could not build one (libxdp 1.3.1 on kernel 6.18: the
 * freplace compatibility check fails with EPERM), was loaded directly.
 * Shared by the probe's libxdp trial and attach.c.
 */
#ifndef DPLAB_LOADER_LIBXDP_REPORT_H
#define DPLAB_LOADER_LIBXDP_REPORT_H

#include <stddef.h>

/*
 * libxdp's lines since log_capture_begin(), "; "-joined, without their
 * "libxdp: " prefixes and without its "Falling back ..." line (the how-
 * loaded text says that in its own words).  Call before log_capture_end().
 */
void libxdp_report_messages(char *buf, size_t len);

/*
 * After a successful libxdp attach on ifindex: 1 with buf = "loaded through
 * libxdp's dispatcher", 0 with buf = "dispatcher unavailable: <msgs or why>;
 * loaded without dispatcher", or -errno when libxdp cannot read back what is
 * attached (buf says so).
 */
int libxdp_report_how_loaded(int ifindex, const char *msgs, char *buf, size_t len);

#endif /* DPLAB_LOADER_LIBXDP_REPORT_H */
