// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab-pktgen's separate receiver and pcap replay on a veth pair a-b in a
 * throwaway namespace (suite pktgen_recv, root):
 *
 *   receive_process  dplab-pktgen --receive on b (4 s) in the background,
 *                    a generator on a (10 kpps of 128 bytes for 2 s, no
 *                    --rx-iface): the receiver saw every frame sent, lost
 *                    none, its latency percentiles are ordered, and it
 *                    polled the last CPU, not the generator's CPU 0;
 *   pcap_replay      a 3-frame pcap replayed at 1000 pps for 1 s to a port
 *                    on b of the same process: about 1000 frames counted
 *                    in received_other (no sequence numbers in them).
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/pcap_file.h"
#include "lib/pktgen_test.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define RATE 10000
#define PCAP_RATE 1000

START_TEST(test_receive_process)
{
	char ns[TESTNS_NAME], pg[PATH_MAX], rj[64], gj[64], rlog[64], out[8192];
	json_int_t sent, received;
	json_t *r, *g;
	int rc;

	need_root();
	pktgen_veth_setup(ns, pg, sizeof(pg));
	snprintf(rj, sizeof(rj), "/tmp/%s-recv.json", ns);
	snprintf(gj, sizeof(gj), "/tmp/%s-gen.json", ns);
	snprintf(rlog, sizeof(rlog), "/tmp/%s-recv.log", ns);
	/* The generator starts once the receiver's port is up. */
	rc = sh_out(out, sizeof(out), 1,
		    "%1$s --receive --netns %2$s --iface b --duration 4 --json %3$s >%4$s 2>&1 & "
		    "r=$!; i=0; while ! grep -q receiving %4$s && [ $i -lt 50 ]; do "
		    "sleep 0.1; i=$((i+1)); done; "
		    "%1$s --netns %2$s --iface a --rate %5$d --size 128 --duration 2 --json %6$s; "
		    "g=$?; wait $r; w=$?; cat %4$s; rm -f %4$s; [ $g -eq 0 ] && [ $w -eq 0 ]",
		    pg, ns, rj, rlog, RATE, gj);
	testns_delete(ns);
	ck_assert_msg(rc == 0, "receiver or generator failed (%d):\n%s", rc, out);
	r = pktgen_json_load(rj);
	g = pktgen_json_load(gj);
	sent = pktgen_json_int(g, "totals", "sent");
	received = pktgen_json_int(r, "totals", "received");
	ck_assert_msg(received > 0, "nothing received:\n%s", out);
	ck_assert_msg(sent == received, "sent %lld, received %lld:\n%s", (long long)sent,
		      (long long)received, out);
	ck_assert_int_eq(pktgen_json_int(r, "totals", "lost"), 0);
	pktgen_assert_latency(r, received, out);
	/* Not polling the generator's CPU 0 (on a machine with more than one). */
	ck_assert_int_eq(pktgen_json_int(r, "config", "lcore"), sysconf(_SC_NPROCESSORS_ONLN) - 1);
	json_decref(r);
	json_decref(g);
}
END_TEST

/* Three Ethernet frames (local experimental EtherType 0x88b5) of 60, 100, 200 bytes. */
static void write_pcap(const char *path)
{
	static const size_t lens[3] = { 60, 100, 200 };
	static uint8_t f[3][200];
	const uint8_t *frames[3] = { f[0], f[1], f[2] };
	char err[256];
	unsigned i;

	for (i = 0; i < 3; i++) {
		memset(f[i], 0xff, 6);				/* broadcast */
		memcpy(f[i] + 6, "\x02\x00\x00\x00\x00\x01", 6);
		f[i][12] = 0x88;
		f[i][13] = 0xb5;
		memset(f[i] + 14, 'a' + i, lens[i] - 14);
	}
	ck_assert_msg(!pcap_file_write(path, frames, lens, 3, err, sizeof(err)), "%s", err);
}

START_TEST(test_pcap_replay)
{
	char ns[TESTNS_NAME], pg[PATH_MAX], pcap[64], js[64], out[8192];
	json_int_t sent, other;
	json_t *j;
	int rc;

	need_root();
	pktgen_veth_setup(ns, pg, sizeof(pg));
	snprintf(pcap, sizeof(pcap), "/tmp/%s.pcap", ns);
	snprintf(js, sizeof(js), "/tmp/%s-pcap.json", ns);
	write_pcap(pcap);
	rc = sh_out(out, sizeof(out), 1, "%s --netns %s --iface a --rx-iface b --pcap %s "
		    "--rate %d --duration 1 --json %s", pg, ns, pcap, PCAP_RATE, js);
	testns_delete(ns);
	unlink(pcap);
	ck_assert_msg(rc == 0, "dplab-pktgen --pcap exited %d:\n%s", rc, out);
	j = pktgen_json_load(js);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "config"),
							   "traffic")), "pcap");
	sent = pktgen_json_int(j, "totals", "sent");
	other = pktgen_json_int(j, "totals", "received_other");
	ck_assert_msg(sent >= PCAP_RATE * 0.98 && sent <= PCAP_RATE * 1.02, "sent %lld:\n%s",
		      (long long)sent, out);
	/* Every frame sent, and perhaps a little IPv6 neighbour discovery. */
	ck_assert_msg(other >= sent && other <= sent + 20, "sent %lld, received_other %lld:\n%s",
		      (long long)sent, (long long)other, out);
	ck_assert_int_eq(pktgen_json_int(j, "totals", "received"), 0);
	ck_assert_int_eq(pktgen_json_int(j, "totals", "lost"), 0);
	json_decref(j);
}
END_TEST

static Suite *pktgen_recv_suite(void)
{
	Suite *s = suite_create("pktgen_recv");
	TCase *tc = tcase_create("veth");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_receive_process);
	tcase_add_test(tc, test_pcap_replay);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(pktgen_recv_suite)
