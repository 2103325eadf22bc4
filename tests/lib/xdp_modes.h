/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Does an XDP program attach in native and in generic mode?  On a veth
 * pair in a throwaway namespace, each way (netlink and bpf_link) in each
 * mode: attach, see the kernel report it in that mode, detach, see it gone.
 */
#ifndef DPLAB_TESTS_XDP_MODES_H
#define DPLAB_TESTS_XDP_MODES_H

#include <stdbool.h>
#include <stddef.h>

/* true when every attach/detach worked; otherwise false, the first failure in err. */
bool xdp_modes_try(int prog_fd, const char *what, char *err, size_t err_len);

/* Enter the namespace ns (this process); 0 or -errno. */
int testns_enter(const char *ns);

#endif /* DPLAB_TESTS_XDP_MODES_H */
