/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet pcap files for the packet tests (libpcap).  Kept apart because
 * <pcap/pcap.h> and <linux/bpf.h> both define struct bpf_insn: a file that
 * uses BPF includes this header, never pcap.h.
 */
#ifndef DPLAB_TESTS_PCAP_FILE_H
#define DPLAB_TESTS_PCAP_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Write n frames (DLT_EN10MB, 1 us apart); 0, or -1 with err set. */
int pcap_file_write(const char *path, const uint8_t *const *frames, const size_t *lens,
		    int n, char *err, size_t err_len);

/*
 * Read up to max frames of an Ethernet pcap into frames[i] (cap bytes
 * each), their lengths into lens; the number read, or -1 with err set.
 */
int pcap_file_read(const char *path, uint8_t *frames, size_t cap, size_t *lens, int max,
		   char *err, size_t err_len);

#endif /* DPLAB_TESTS_PCAP_FILE_H */
