// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kube-proxy's rules and the iptables masquerade applied for real, in
 * throwaway namespaces (part of the "kubeproxy" suite):
 *
 *   client 192.168.50.2 --veth-- eth0 192.168.50.1 [node] lxc0 10.0.1.1 --veth-- 10.0.1.6 backend
 *
 * The node forwards and holds the rules.  "web" 10.96.0.10:80 (NodePort
 * 30080) has the backend pod's port 8080 as its only endpoint and is the
 * last of `services=1000` (its 999 fillers come first).  The client is
 * outside the cluster CIDR 10.0.0.0/16, so kube-proxy masquerades it and
 * the backend sees the node (10.0.1.1).  Real sockets (python3) on both
 * sides; iptables-save is read with the tool itself, not the library.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "cluster/iptables.h"
#include "cluster/kubeproxy.h"
#include "lib/kubeproxy_test.h"
#include "cluster/services.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define SAVE_LEN (4 << 20)
#define OUT_LEN 4096
#define SCRIPT_LEN 1024
#define WEB_RULES(n) ((n) * (2 + 3 * 1) + 3 + 5)	/* kubeproxy.h, E = 1, P = 1 */

static struct {
	char client[TESTNS_NAME], node[TESTNS_NAME], backend[TESTNS_NAME];
	struct topo t;
	struct svc_instance svcs[SERVICES_MAX];
	char save[SAVE_LEN];
} env;

/* Accepts count connections on port, prints each peer, answers "backend". */
static const char server_py[] =
	"import socket\n"
	"s = socket.socket()\n"
	"s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
	"s.bind((\"0.0.0.0\", %d))\n"
	"s.listen(8)\n"
	"s.settimeout(20)\n"
	"for i in range(%d):\n"
	"    c, a = s.accept()\n"
	"    print(\"peer\", a[0], flush=True)\n"
	"    c.sendall(b\"backend\")\n"
	"    c.close()\n";

/* Connects to each (host, port) in turn, retrying until the server listens. */
static const char client_py[] =
	"import socket, time\n"
	"for host, port in [%s]:\n"
	"    for i in range(50):\n"
	"        try:\n"
	"            c = socket.create_connection((host, port), timeout=1)\n"
	"            break\n"
	"        except OSError as e:\n"
	"            err = e\n"
	"            time.sleep(0.1)\n"
	"    else:\n"
	"        raise SystemExit(f\"connect {host}:{port}: {err}\")\n"
	"    print(\"answer\", host, c.recv(64).decode(), flush=True)\n"
	"    c.close()\n";

/* The cluster as dplab sees it: node n1 in env.node, pod "be" in env.backend. */
static void topo_init(void)
{
	struct topo *t = &env.t;
	struct topo_service *web = &t->services[0];

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "kpt");
	t->cluster_cidr = (struct cidr){ inet_addr("10.0.0.0"), 16 };
	t->service_cidr = (struct cidr){ inet_addr("10.96.0.0"), 16 };
	t->n_nodes = 1;
	snprintf(t->nodes[0].name, TOPO_NAME, "n1");
	snprintf(t->nodes[0].ns, TOPO_NS, "%s", env.node);
	snprintf(t->nodes[0].uplink, IF_NAMESIZE, "eth0");
	t->nodes[0].pod_cidr = (struct cidr){ inet_addr("10.0.1.0"), 24 };
	t->n_pods = 1;
	snprintf(t->pods[0].name, TOPO_NAME, "be");
	snprintf(t->pods[0].ns, TOPO_NS, "%s", env.backend);
	t->pods[0].ip = inet_addr("10.0.1.6");
	t->n_services = 1;
	*web = (struct topo_service){ .name = "web", .vip = inet_addr("10.96.0.10"), .port = 80,
				      .proto = IPPROTO_TCP, .target_port = 8080,
				      .nodeport = 30080, .n_backends = 1, .backends = { { 0 } } };
}

static void topology_up(bool with_hosts)
{
	ck_assert_int_eq(testns_create(env.node), 0);
	ck_assert_int_eq(sh("ip -n %s link set lo up", env.node), 0);
	if (with_hosts) {
		ck_assert_int_eq(testns_create(env.client), 0);
		ck_assert_int_eq(testns_create(env.backend), 0);
		ck_assert_int_eq(sh("set -e; "
				    "ip -n %1$s link add eth0 type veth peer name eth0 netns %2$s; "
				    "ip -n %1$s link add lxc0 type veth peer name eth0 netns %3$s; "
				    "ip -n %1$s addr add 192.168.50.1/24 dev eth0; "
				    "ip -n %1$s addr add 10.0.1.1/24 dev lxc0; "
				    "ip -n %1$s link set eth0 up; ip -n %1$s link set lxc0 up; "
				    "ip netns exec %1$s sysctl -qw net.ipv4.ip_forward=1; "
				    "ip -n %2$s addr add 192.168.50.2/24 dev eth0; "
				    "ip -n %2$s link set lo up; ip -n %2$s link set eth0 up; "
				    "ip -n %2$s route add default via 192.168.50.1; "
				    "ip -n %3$s addr add 10.0.1.6/24 dev eth0; "
				    "ip -n %3$s link set lo up; ip -n %3$s link set eth0 up; "
				    "ip -n %3$s route add default via 10.0.1.1",
				    env.node, env.client, env.backend), 0);
	}
	topo_init();
}

static void topology_down(void)
{
	testns_delete(env.client);
	testns_delete(env.backend);
	testns_delete(env.node);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* kubeproxy_apply for `services=total`; seconds it took. */
static double apply(__u32 total)
{
	char err[512] = "";
	double start;
	int n, ret;

	n = services_expand(&env.t, total, env.svcs, SERVICES_MAX);
	ck_assert_int_eq(n, total);
	start = now();
	ret = kubeproxy_apply(&env.t, 0, env.svcs, n, err, sizeof(err));
	ck_assert_msg(!ret, "kubeproxy_apply(services=%u): %d: %s", total, ret, err);
	return now() - start;
}

/* iptables-save -t nat of the node into env.save. */
static const char *nat_save(void)
{
	int rc = sh_out(env.save, sizeof(env.save), 1, "ip netns exec %s iptables-save -t nat",
			env.node);

	ck_assert_msg(rc == 0, "iptables-save in %s: %s", env.node, env.save);
	return env.save;
}

static void assert_count(int want)
{
	char err[512] = "";
	int got = kubeproxy_rule_count(&env.t, 0);

	if (got < 0)
		nat_rule_count(env.node, KUBE_CHAIN_PREFIX, err, sizeof(err));
	ck_assert_msg(got == want, "KUBE-* rules: %d (%s), want %d", got, err, want);
	ck_assert_int_eq(count_lines(nat_save(), "-A KUBE-"), want);
}

static void assert_jumps_once(void)
{
	const char *save = nat_save();

	ck_assert_int_eq(count_lines(save, "-A PREROUTING -m comment --comment \"kubernetes "
				     "service portals\" -j KUBE-SERVICES"), 1);
	ck_assert_int_eq(count_lines(save, "-A OUTPUT -m comment --comment \"kubernetes "
				     "service portals\" -j KUBE-SERVICES"), 1);
	ck_assert_int_eq(count_lines(save, "-A POSTROUTING -m comment --comment \"kubernetes "
				     "postrouting rules\" -j KUBE-POSTROUTING"), 1);
}

/* Rules that are not dplab's, which apply and remove must leave alone. */
#define FOREIGN_JUMP "-A POSTROUTING -s 192.0.2.0/24 -j OTHER"
#define FOREIGN_RULE "-A OTHER -j RETURN"

START_TEST(test_apply_1000_replace_remove)
{
	double first, again, shrink, removal;
	char err[512] = "";
	const char *save;

	need_root();
	topology_up(false);
	ck_assert_int_eq(sh("ip netns exec %1$s iptables -t nat -N OTHER && "
			    "ip netns exec %1$s iptables -t nat %2$s && "
			    "ip netns exec %1$s iptables -t nat %3$s", env.node, FOREIGN_RULE,
			    FOREIGN_JUMP), 0);

	first = apply(1000);
	assert_count(WEB_RULES(1000));
	assert_jumps_once();
	again = apply(1000);
	assert_count(WEB_RULES(1000));
	assert_jumps_once();

	/* Fewer services: the chains of those gone are deleted. */
	shrink = apply(10);
	assert_count(WEB_RULES(10));
	save = nat_save();
	ck_assert_int_eq(count_lines(save, ":KUBE-SVC-"), 10);
	ck_assert_int_eq(count_lines(save, ":KUBE-SEP-"), 10);
	ck_assert_int_eq(count_lines(save, ":KUBE-EXT-"), 1);
	assert_jumps_once();

	removal = now();
	ck_assert_msg(!kubeproxy_remove(&env.t, 0, err, sizeof(err)), "remove: %s", err);
	removal = now() - removal;
	save = nat_save();
	ck_assert_msg(!strstr(save, "KUBE-"), "left after remove:\n%s", save);
	ck_assert_int_eq(count_lines(save, FOREIGN_JUMP), 1);
	ck_assert_int_eq(count_lines(save, FOREIGN_RULE), 1);
	ck_assert_msg(!kubeproxy_remove(&env.t, 0, err, sizeof(err)), "remove again: %s", err);

	printf("kubeproxy: services=1000 (%d rules), iptables-%s: apply %.2f s, again %.2f s, "
	       "to 10 services %.2f s, remove %.2f s\n", WEB_RULES(1000), iptables_backend(),
	       first, again, shrink, removal);
	ck_assert_msg(first < 5.0 && again < 5.0, "applying 1000 services took %.2f s / %.2f s",
		      first, again);
	topology_down();
}
END_TEST

/* Server (count connections) in server_ns on port; client to targets; 0 if both ran fine. */
static int connect_through(const char *server_ns, int port, int count, const char *client_ns,
			   const char *targets, char *out, size_t len)
{
	char server[SCRIPT_LEN], client[SCRIPT_LEN];

	snprintf(server, sizeof(server), server_py, port, count);
	snprintf(client, sizeof(client), client_py, targets);
	return sh_out(out, len, 1, "(timeout 30 ip netns exec %s python3 -c '%s' & srv=$!; "
		      "timeout 30 ip netns exec %s python3 -c '%s'; rc=$?; wait $srv && exit $rc)",
		      server_ns, server, client_ns, client);
}

START_TEST(test_clusterip_and_nodeport_to_the_last_service)
{
	char out[OUT_LEN], targets[256], first[INET_ADDRSTRLEN];
	int rc;

	need_root();
	topology_up(true);
	apply(1000);
	ck_assert(env.svcs[0].filler && !env.svcs[999].filler);
	/* The last service, the first filler (same backend), the NodePort. */
	inet_ntop(AF_INET, &env.svcs[0].vip, first, sizeof(first));
	snprintf(targets, sizeof(targets), "(\"10.96.0.10\", 80), (\"%s\", 80), "
		 "(\"192.168.50.1\", 30080)", first);
	rc = connect_through(env.backend, 8080, 3, env.client, targets, out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "answer 10.96.0.10 backend") &&
		      strstr(out, "answer 192.168.50.1 backend"),
		      "client -> ClusterIP / NodePort -> backend through the rules:\n%s", out);
	/* From outside the cluster: masqueraded to the node by KUBE-POSTROUTING. */
	ck_assert_msg(count_lines(out, "peer 10.0.1.1") == 3, "backend should see the node "
		      "(10.0.1.1) as the peer each time:\n%s", out);
	topology_down();
}
END_TEST

#define MASQ_RULE "-A " MASQ_IPTABLES_CHAIN " -s 10.0.1.0/24 ! -d 10.0.0.0/16 -o eth0 " \
	"-m comment --comment \"dplab masquerade\" -j MASQUERADE"
#define MASQ_JUMP "-A POSTROUTING -j " MASQ_IPTABLES_CHAIN

/* The backend pod connects to the client; the client prints whom it sees. */
static void assert_pod_seen_as(const char *peer)
{
	char out[OUT_LEN], want[64];
	int rc;

	rc = connect_through(env.client, 9000, 1, env.backend, "(\"192.168.50.2\", 9000)",
			     out, sizeof(out));
	snprintf(want, sizeof(want), "peer %s\n", peer);
	ck_assert_msg(rc == 0 && strstr(out, want), "pod -> outside the cluster, want %s:\n%s",
		      want, out);
}

START_TEST(test_masquerade_apply_remove)
{
	char err[512] = "";
	const char *save;
	int round;

	need_root();
	topology_up(true);
	ck_assert_int_eq(sh("ip netns exec %1$s iptables -t nat -N OTHER && "
			    "ip netns exec %1$s iptables -t nat %2$s && "
			    "ip netns exec %1$s iptables -t nat %3$s", env.node, FOREIGN_RULE,
			    FOREIGN_JUMP), 0);
	for (round = 0; round < 2; round++) {
		ck_assert_msg(!masquerade_iptables_apply(&env.t, 0, err, sizeof(err)),
			      "masquerade apply (round %d): %s", round, err);
		save = nat_save();
		ck_assert_msg(count_lines(save, MASQ_RULE) == 1 &&
			      count_lines(save, "-A " MASQ_IPTABLES_CHAIN " ") == 1 &&
			      count_lines(save, MASQ_JUMP) == 1,
			      "round %d: want one rule and one jump:\n%s", round, save);
	}
	assert_pod_seen_as("192.168.50.1");

	ck_assert_msg(!masquerade_iptables_remove(&env.t, 0, err, sizeof(err)), "remove: %s", err);
	save = nat_save();
	ck_assert_msg(!strstr(save, MASQ_IPTABLES_CHAIN), "left after remove:\n%s", save);
	ck_assert_int_eq(count_lines(save, FOREIGN_JUMP), 1);
	ck_assert_int_eq(count_lines(save, FOREIGN_RULE), 1);
	ck_assert_msg(!masquerade_iptables_remove(&env.t, 0, err, sizeof(err)), "again: %s", err);
	/* The client routes the pod CIDR back through the node: no NAT now. */
	assert_pod_seen_as("10.0.1.6");
	topology_down();
}
END_TEST

START_TEST(test_missing_namespace_named)
{
	char err[512] = "";
	int ret;

	snprintf(env.node, sizeof(env.node), "dplabt-no-such-ns");
	topo_init();
	ret = kubeproxy_remove(&env.t, 0, err, sizeof(err));
	ck_assert_msg(ret < 0 && strstr(err, env.node), "remove in a missing namespace: %d %s",
		      ret, err);
	ret = masquerade_iptables_apply(&env.t, 0, err, sizeof(err));
	ck_assert_msg(ret < 0 && strstr(err, env.node), "masquerade in a missing namespace: %d %s",
		      ret, err);
}
END_TEST

TCase *kubeproxy_ns_tcase(void)
{
	TCase *tc = tcase_create("netns");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_apply_1000_replace_remove);
	tcase_add_test(tc, test_clusterip_and_nodeport_to_the_last_service);
	tcase_add_test(tc, test_masquerade_apply_remove);
	tcase_add_test(tc, test_missing_namespace_named);
	return tc;
}
