/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recorded facts and trial outcomes of the probe, for the rule tests
 * (tests/probe/test_probe_rules.c) and the fleet fixtures built from the
 * same facts (tests/lib/fleet_fixture.c).  The kernel messages are the
 * drivers' own texts.
 */
#ifndef DPLAB_TESTS_PROBE_FIXTURE_H
#define DPLAB_TESTS_PROBE_FIXTURE_H

#include "probe/probe.h"

#define ENA_MTU_MSG "ena: Failed to set xdp program, the current MTU is larger than " \
	"the maximum allowed MTU. Check the dmesg for more info"
#define ENA_CH_MSG "ena: Failed to set xdp program, there is no enough space for " \
	"allocating XDP queues, Check the dmesg for more info"
#define VIRTIO_OFFLOADS_MSG "virtio_net: Can't set XDP while host is implementing " \
	"GRO_HW/CSUM, disable GRO_HW/CSUM first"
#define VETH_PEER_MTU_MSG "veth: Peer MTU is too large to set XDP"

/* An interface on a 6.8 x86-64 kernel with 4 KiB pages and MTU 1500. */
struct probe_facts pf_iface(const char *name, const char *driver);
/* ENA eth0 with MTU mtu and combined of max channels in use. */
struct probe_facts pf_ena(int mtu, __u32 combined, __u32 max);
/* veth0 with rxq queues, its peer veth1 with MTU peer_mtu and peer_txq tx queues. */
struct probe_facts pf_veth(int peer_mtu, __u32 rxq, __u32 peer_txq);

/* Every trial with outcome o. */
struct probe_trials pf_trials_all(enum probe_outcome o);
/* Trial id failed with err and the kernel's message msg. */
void pf_refuse(struct probe_trials *tr, enum probe_trial_id id, int err, const char *msg);
/* Native fails by every mechanism with err; bpf_link and netlink carry msg. */
void pf_fail_native(struct probe_trials *tr, int err, const char *msg);

#endif /* DPLAB_TESTS_PROBE_FIXTURE_H */
