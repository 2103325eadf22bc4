// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF masquerade end to end, in three throwaway namespaces:
 *
 *   pod 10.0.1.5 --veth-- 10.0.1.1 node 203.0.113.2 --veth (up0)-- 203.0.113.7 ext
 *
 * The node forwards; the pod's default route is the node; the external
 * host has no route to 10.0.1.0/24, so only masqueraded traffic gets an
 * answer.  masq_snat and masq_rev_snat are attached to up0 with tcx links.
 * Real ping, UDP and TCP (python3 sockets in the namespaces) go through,
 * and the external side reports the node address as its peer.  Part of
 * the "masq" suite (test_masq.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "dplab/counters.h"
#include "masq.skel.h"
#include "lib/fixture.h"
#include "lib/masq_env.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define POD_IP "10.0.1.5"
#define NODE_IP "203.0.113.2"
#define EXT_IP "203.0.113.7"
#define OUT_LEN 4096

static struct {
	char pod[TESTNS_NAME], node[TESTNS_NAME], ext[TESTNS_NAME];
	struct masq_bpf *skel;
} env;

/* The external side: prints its peer, answers.  Exits after one client. */
static const char udp_server[] =
	"import socket\n"
	"s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
	"s.bind((\"" EXT_IP "\", 5353))\n"
	"s.settimeout(10)\n"
	"d, a = s.recvfrom(2048)\n"
	"print(\"peer\", a[0], flush=True)\n"
	"s.sendto(b\"pong\", a)\n";

/* The pod: sends until the answer comes (the server may not be up yet). */
static const char udp_client[] =
	"import socket\n"
	"s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
	"s.settimeout(0.2)\n"
	"for i in range(50):\n"
	"    s.sendto(b\"ping\", (\"" EXT_IP "\", 5353))\n"
	"    try:\n"
	"        print(\"answer\", s.recv(64).decode(), flush=True)\n"
	"        break\n"
	"    except socket.timeout:\n"
	"        pass\n";

/* Counts what the client sends, prints its peer, answers with the count. */
static const char tcp_server[] =
	"import socket\n"
	"s = socket.socket()\n"
	"s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
	"s.bind((\"" EXT_IP "\", 8080))\n"
	"s.listen(1)\n"
	"s.settimeout(10)\n"
	"c, a = s.accept()\n"
	"print(\"peer\", a[0], flush=True)\n"
	"c.settimeout(10)\n"
	"n = 0\n"
	"while True:\n"
	"    d = c.recv(65536)\n"
	"    if not d:\n"
	"        break\n"
	"    n += len(d)\n"
	"c.sendall(str(n).encode())\n"
	"c.close()\n";

/* Sends 1 MiB (retrying connect until the server listens), prints the count. */
static const char tcp_client[] =
	"import socket, time\n"
	"for i in range(100):\n"
	"    try:\n"
	"        c = socket.create_connection((\"" EXT_IP "\", 8080), timeout=5)\n"
	"        break\n"
	"    except OSError:\n"
	"        time.sleep(0.05)\n"
	"c.sendall(bytes(range(256)) * 4096)\n"
	"c.shutdown(socket.SHUT_WR)\n"
	"print(\"server counted\", c.recv(64).decode(), flush=True)\n";

static void topology_up(void)
{
	ck_assert_int_eq(testns_create(env.pod), 0);
	ck_assert_int_eq(testns_create(env.node), 0);
	ck_assert_int_eq(testns_create(env.ext), 0);
	ck_assert_int_eq(sh("set -e; "
			    "ip -n %1$s link add pod0 type veth peer name eth0 netns %2$s; "
			    "ip -n %1$s link add up0 type veth peer name eth0 netns %3$s; "
			    "ip -n %1$s link set lo up; ip -n %2$s link set lo up; "
			    "ip -n %3$s link set lo up; "
			    "ip -n %2$s addr add " POD_IP "/24 dev eth0; "
			    "ip -n %2$s link set eth0 up; "
			    "ip -n %2$s route add default via 10.0.1.1; "
			    "ip -n %1$s addr add 10.0.1.1/24 dev pod0; "
			    "ip -n %1$s addr add " NODE_IP "/24 dev up0; "
			    "ip -n %1$s link set pod0 up; ip -n %1$s link set up0 up; "
			    "ip netns exec %1$s sysctl -qw net.ipv4.ip_forward=1; "
			    "ip -n %3$s addr add " EXT_IP "/24 dev eth0; "
			    "ip -n %3$s link set eth0 up",
			    env.node, env.pod, env.ext), 0);
}

/* Load with this topology's CIDRs, attach to up0 in the node namespace. */
static void masq_attach(void)
{
	char path[64];
	int fd, err, ifindex;

	snprintf(path, sizeof(path), "/run/netns/%s", env.node);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0 && !setns(fd, CLONE_NEWNET), "entering %s: %s", env.node,
		      strerror(errno));
	close(fd);
	ifindex = if_nametoindex("up0");
	ck_assert_msg(ifindex > 0, "up0 in %s: %s", env.node, strerror(errno));

	env.skel = masq_bpf__open();
	ck_assert_msg(env.skel, "masq.bpf.o: open: %s", strerror(errno));
	env.skel->rodata->pod_cidr_addr = inet_addr("10.0.1.0");
	env.skel->rodata->pod_cidr_prefix = 24;
	env.skel->rodata->cluster_cidr_addr = inet_addr("10.0.0.0");
	env.skel->rodata->cluster_cidr_prefix = 16;
	env.skel->rodata->node_ip = inet_addr(NODE_IP);
	err = masq_bpf__load(env.skel);
	ck_assert_msg(!err, "masq.bpf.o: load (verifier): %s", strerror(-err));
	env.skel->links.masq_snat = bpf_program__attach_tcx(env.skel->progs.masq_snat,
							    ifindex, NULL);
	ck_assert_msg(env.skel->links.masq_snat, "tcx egress of up0: masq_snat: %s",
		      strerror(errno));
	env.skel->links.masq_rev_snat = bpf_program__attach_tcx(env.skel->progs.masq_rev_snat,
								ifindex, NULL);
	ck_assert_msg(env.skel->links.masq_rev_snat, "tcx ingress of up0: masq_rev_snat: %s",
		      strerror(errno));
}

static void topology_down(void)
{
	masq_bpf__destroy(env.skel);
	env.skel = NULL;
	testns_delete(env.pod);
	testns_delete(env.node);
	testns_delete(env.ext);
}

/* Server in ext (background), client in the pod; both outputs in out. */
static int client_server(char *out, size_t len, const char *server, const char *client)
{
	return sh_out(out, len, 1,
		      "timeout 20 ip netns exec %s python3 -c '%s' & srv=$!; "
		      "timeout 20 ip netns exec %s python3 -c '%s'; wait $srv",
		      env.ext, server, env.pod, client);
}

static __u64 counter(enum dplab_counter c)
{
	return counter_sum(bpf_map__fd(env.skel->maps.counters), c);
}

/* Ping, UDP and TCP from the pod, seen from the external host as the node. */
static void traffic(const char *round)
{
	char out[OUT_LEN];
	int rc;

	rc = sh_out(out, sizeof(out), 1, "ip netns exec %s ping -n -c 3 -i 0.2 -W 2 " EXT_IP,
		    env.pod);
	ck_assert_msg(rc == 0, "%s: ping from the pod through the masquerade:\n%s", round, out);

	rc = client_server(out, sizeof(out), udp_server, udp_client);
	ck_assert_msg(rc == 0 && strstr(out, "peer " NODE_IP "\n") && strstr(out, "answer pong"),
		      "%s: UDP through the masquerade (want peer " NODE_IP ", answer pong):\n%s",
		      round, out);

	rc = client_server(out, sizeof(out), tcp_server, tcp_client);
	ck_assert_msg(rc == 0 && strstr(out, "peer " NODE_IP "\n") &&
		      strstr(out, "server counted 1048576"),
		      "%s: TCP through the masquerade (want peer " NODE_IP ", 1048576 bytes):\n%s",
		      round, out);
}

START_TEST(test_e2e_masquerade)
{
	const char *why = test_needs_root();
	char out[OUT_LEN];
	int rc;

	if (why)
		test_skip("%s", why);
	if (sh("command -v python3 >/dev/null && command -v ping >/dev/null && "
	       "command -v ethtool >/dev/null"))
		test_skip("needs python3, ping and ethtool (make deps installs them)");
	topology_up();

	/* Control: the external host cannot answer the pod by itself. */
	rc = sh_out(out, sizeof(out), 1, "ip netns exec %s ping -n -c 1 -W 1 " EXT_IP, env.pod);
	ck_assert_msg(rc == 1 && strstr(out, " 0 received"),
		      "ping without masquerade should go unanswered:\n%s", out);

	masq_attach();
	traffic("checksum offload on");
	/*
	 * With offload on, TCP/UDP leave the pod CHECKSUM_PARTIAL, and a veth
	 * receiver trusts even complete checksums (CHECKSUM_UNNECESSARY), so
	 * a wrong rewrite would go unseen.  Off on every veth end: senders
	 * complete each checksum, receivers verify it.
	 */
	ck_assert_int_eq(sh("set -e; for d in '%1$s eth0' '%2$s pod0' '%2$s up0' '%3$s eth0'; do "
			    "set -- $d; ip netns exec $1 ethtool -K $2 tx off rx off >/dev/null; "
			    "done", env.pod, env.node, env.ext), 0);
	traffic("checksum offload off");

	ck_assert_uint_ge(counter(DPLAB_CNT_CT_NEW), 6);
	ck_assert_uint_gt(counter(DPLAB_CNT_REWRITE), 0);
	ck_assert_uint_gt(counter(DPLAB_CNT_REV_NAT), 0);
	ck_assert_uint_eq(counter(DPLAB_CNT_DROP_REWRITE), 0);
	ck_assert_uint_eq(counter(DPLAB_CNT_DROP_MAP_UPDATE), 0);
	ck_assert_uint_eq(counter(DPLAB_CNT_DROP_NAT_NO_PORT), 0);
	topology_down();
}
END_TEST

TCase *masq_e2e_tcase(void)
{
	TCase *tc = tcase_create("e2e");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_e2e_masquerade);
	return tc;
}
