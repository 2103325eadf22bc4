// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Topology files: every malformed input is refused with
 * "FILE:LINE: FIELD: reason" naming the right line and field, and the
 * default topology fills struct topo as topo.h describes.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/testlib.h"
#include "topo/topo.h"
#include "lib/topo_test.h"

#define HEAD "topology name=t cluster_cidr=10.244.0.0/16 service_cidr=10.96.0.0/16\n"
#define NODE1 "node name=n1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24\n"
#define POD1 "pod name=p1 node=n1 ip=10.244.1.2\n"
#define NODE(i) "node name=n" #i " underlay=192.168.1." #i "/24 pod_cidr=10.244." #i ".0/24\n"

const char *topo_test_default_file(void)
{
	static char path[PATH_MAX];
	char dplab[PATH_MAX];

	if (!access("topologies/two-node.topo", R_OK))
		return "topologies/two-node.topo";
	snprintf(dplab, sizeof(dplab), "%s", test_dplab_path());
	snprintf(path, sizeof(path), "%s/../topologies/two-node.topo", dirname(dplab));
	return path;
}

struct topo *topo_test_two_node(void)
{
	static struct topo t;
	const char *path = topo_test_default_file();
	char err[256];

	if (access(path, R_OK))
		return NULL;
	ck_assert_msg(!topo_parse(path, &t, err, sizeof(err)), "%s: %s", path, err);
	return &t;
}

int topo_test_copy(const char *path, const char *name, const char *extra)
{
	char line[1024];
	FILE *in = fopen(topo_test_default_file(), "r"), *out = fopen(path, "w");
	int ret = in && out ? 0 : -1;

	while (!ret && fgets(line, sizeof(line), in)) {
		if (!strncmp(line, "topology name=two-node ", 23))
			fprintf(out, "topology name=%s %s", name, line + 23);
		else
			fputs(line, out);
	}
	if (!ret && extra)
		fputs(extra, out);
	if (in)
		fclose(in);
	if (out && fclose(out))
		ret = -1;
	return ret;
}

/* Parse TEXT from a temporary file; err gets the message, path its name. */
static int parse_text(const char *text, struct topo *t, char *path, char *err, size_t len)
{
	int fd, ret;

	strcpy(path, "/tmp/dplab-topo-parse-XXXXXX");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ret = topo_parse(path, t, err, len);
	unlink(path);
	return ret;
}

static const struct {
	const char *what;
	const char *text;
	int line;
	const char *field;
	const char *reason;	/* a word the reason must hold */
} malformed[] = {
	{ "unknown keyword", HEAD "nodee name=n1\n", 2, "nodee", "unknown keyword" },
	{ "unknown field", HEAD "node name=n1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24 "
	  "colour=red\n", 2, "colour", "unknown field" },
	{ "missing field", HEAD "node name=n1 underlay=192.168.1.1/24\n", 2, "pod_cidr",
	  "missing" },
	{ "field twice", HEAD NODE1 "pod name=p1 node=n1 ip=10.244.1.2 ip=10.244.1.3\n", 3, "ip",
	  "twice" },
	{ "not key=value", HEAD "node name=n1 underlay\n", 2, "underlay", "key=value" },
	{ "empty value", HEAD NODE1 "pod name=p1 node=n1 ip=\n", 3, "ip", "empty" },
	{ "bad address", HEAD NODE1 "pod name=p1 node=n1 ip=10.244.1.300\n", 3, "ip", "IPv4" },
	{ "bad prefix length", HEAD "node name=n1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/33\n",
	  2, "pod_cidr", "prefix" },
	{ "no prefix length", HEAD "node name=n1 underlay=192.168.1.1 pod_cidr=10.244.1.0/24\n", 2,
	  "underlay", "a.b.c.d/n" },
	{ "host bits in a CIDR", "topology name=t cluster_cidr=10.244.0.1/16 "
	  "service_cidr=10.96.0.0/16\n", 1, "cluster_cidr", "host bits" },
	{ "pod outside its node's pod CIDR", HEAD NODE1 "pod name=p1 node=n1 ip=10.244.2.2\n", 3,
	  "ip", "outside" },
	{ "pod on the gateway address", HEAD NODE1 "pod name=p1 node=n1 ip=10.244.1.1\n", 3, "ip",
	  "gateway" },
	{ "pod CIDR outside the cluster CIDR", HEAD "node name=n1 underlay=192.168.1.1/24 "
	  "pod_cidr=10.245.1.0/24\n", 2, "pod_cidr", "cluster CIDR" },
	{ "overlapping pod CIDRs", HEAD NODE1 "node name=n2 underlay=192.168.1.2/24 "
	  "pod_cidr=10.244.1.128/25\n", 3, "pod_cidr", "overlaps" },
	{ "service CIDR overlapping the cluster's", "topology name=t cluster_cidr=10.0.0.0/8 "
	  "service_cidr=10.96.0.0/16\n", 1, "service_cidr", "overlaps" },
	{ "duplicate node", HEAD NODE1 NODE1, 3, "name", "already" },
	{ "duplicate pod in a node", HEAD NODE1 POD1 "pod name=p1 node=n1 ip=10.244.1.3\n", 4,
	  "name", "already" },
	{ "duplicate pod address", HEAD NODE1 POD1 "pod name=p2 node=n1 ip=10.244.1.2\n", 4, "ip",
	  "already" },
	{ "duplicate underlay address", HEAD NODE1 "external name=x ip=192.168.1.1/24\n", 3, "ip",
	  "already" },
	{ "external named like a node", HEAD NODE1 "external name=n1 ip=192.168.1.9/24\n", 3,
	  "name", "already" },
	{ "unknown node of a pod", HEAD NODE1 "pod name=p1 node=n9 ip=10.244.1.2\n", 3, "node",
	  "no node" },
	{ "unknown backend pod", HEAD NODE1 POD1 "service name=s vip=10.96.0.1 port=80 "
	  "backends=n1/p1,n1/p9\n", 4, "backends", "n1/p9" },
	{ "backend listed twice", HEAD NODE1 POD1 "service name=s vip=10.96.0.1 port=80 "
	  "backends=n1/p1,n1/p1\n", 4, "backends", "twice" },
	{ "VIP outside the service CIDR", HEAD NODE1 "service name=s vip=10.97.0.1 port=80\n", 3,
	  "vip", "outside" },
	{ "bad protocol", HEAD NODE1 "service name=s vip=10.96.0.1 port=80 proto=sctp\n", 3,
	  "proto", "tcp or udp" },
	{ "port out of range", HEAD NODE1 "service name=s vip=10.96.0.1 port=70000\n", 3, "port",
	  "65535" },
	{ "duplicate service", HEAD NODE1 "service name=s vip=10.96.0.1 port=80\n"
	  "service name=s2 vip=10.96.0.1 port=80\n", 4, "port", "already" },
	{ "too many nodes", HEAD NODE(1) NODE(2) NODE(3) NODE(4) NODE(5) NODE(6) NODE(7) NODE(8)
	  NODE(9), 10, "node", "more than 8" },
	{ "namespace name too long", "topology name=topology-with-long-name "
	  "cluster_cidr=10.244.0.0/16 service_cidr=10.96.0.0/16\n"
	  "node name=node-long-name1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24\n"
	  "pod name=pod-with-a-long-name node=node-long-name1 ip=10.244.1.2\n", 3, "name",
	  "at most 63" },
	{ "node name too long for an interface", HEAD "node name=a-very-long-node-n "
	  "underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24\n", 2, "name", "15 characters" },
	{ "namespace names colliding", HEAD "node name=a-b underlay=192.168.1.1/24 "
	  "pod_cidr=10.244.1.0/24\nnode name=a underlay=192.168.1.2/24 pod_cidr=10.244.2.0/24\n"
	  "pod name=b node=a ip=10.244.2.2\n", 4, "name", "dplab-t-a-b" },
	{ "bad name", HEAD "node name=n/1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24\n", 2,
	  "name", "not a valid name" },
	{ "object before the topology line", NODE1 HEAD, 1, "node", "before the topology" },
	{ "topology twice", HEAD NODE1 HEAD, 3, "topology", "twice" },
	{ "no topology line", "# nothing\n", 1, "topology", "missing" },
	{ "no node", "# comment\n" HEAD, 2, "node", "no node" },
};

START_TEST(test_malformed_names_file_line_field)
{
	char path[PATH_MAX], err[1024], want[PATH_MAX + 64];
	static struct topo t;
	int ret;

	ret = parse_text(malformed[_i].text, &t, path, err, sizeof(err));
	ck_assert_msg(ret == -EINVAL, "%s: parsed (%d), expected an error", malformed[_i].what,
		      ret);
	snprintf(want, sizeof(want), "%s:%d: %s: ", path, malformed[_i].line, malformed[_i].field);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "%s: expected '%s...', got '%s'",
		      malformed[_i].what, want, err);
	ck_assert_msg(strstr(err + strlen(want), malformed[_i].reason),
		      "%s: reason should mention '%s': %s", malformed[_i].what,
		      malformed[_i].reason, err);
}
END_TEST

START_TEST(test_unreadable_file)
{
	char err[1024];
	static struct topo t;

	ck_assert_int_eq(topo_parse("/nonexistent/x.topo", &t, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "/nonexistent/x.topo"), "message should name the file: %s", err);
}
END_TEST

static void assert_ip(__be32 addr, const char *want)
{
	char got[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, got, sizeof(got));
	ck_assert_str_eq(got, want);
}

static void assert_cidr(const struct cidr *c, const char *addr, int prefix)
{
	assert_ip(c->addr, addr);
	ck_assert_int_eq(c->prefix, prefix);
}

START_TEST(test_default_topology)
{
	static const char *const pod_ns[] = {
		"dplab-two-node-node1-pod1", "dplab-two-node-node1-pod2",
		"dplab-two-node-node2-pod1", "dplab-two-node-node2-pod2",
	};
	static const char *const pod_ip[] = {
		"10.244.1.2", "10.244.1.3", "10.244.2.2", "10.244.2.3",
	};
	const char *file = topo_test_default_file();
	char err[1024], real[PATH_MAX];
	static struct topo t;
	int i;

	ck_assert_msg(!topo_parse(file, &t, err, sizeof(err)), "%s", err);
	ck_assert_str_eq(t.name, "two-node");
	ck_assert_str_eq(t.file, realpath(file, real));
	assert_cidr(&t.cluster_cidr, "10.244.0.0", 16);
	ck_assert_msg(t.service_cidr.prefix == 16 && (ntohl(t.service_cidr.addr) >> 16) == 0x0a60,
		      "service CIDR in 10.96.0.0/16");
	ck_assert_int_eq(t.vni, 42);
	ck_assert_int_eq(t.pod_mtu, 1500);
	ck_assert_str_eq(t.fabric_ns, "dplab-two-node-fabric");
	ck_assert_int_eq(t.n_nodes, 2);
	ck_assert_int_eq(t.n_pods, 4);
	ck_assert_int_eq(t.n_externals, 1);
	ck_assert_int_eq(t.n_services, 2);
	for (i = 0; i < 2; i++) {
		const struct topo_node *n = &t.nodes[i];
		char want[32];

		snprintf(want, sizeof(want), "node%d", i + 1);
		ck_assert_str_eq(n->name, want);
		snprintf(want, sizeof(want), "dplab-two-node-node%d", i + 1);
		ck_assert_str_eq(n->ns, want);
		snprintf(want, sizeof(want), "192.168.100.%d", i + 1);
		assert_cidr(&n->underlay, want, 24);
		snprintf(want, sizeof(want), "10.244.%d.0", i + 1);
		assert_cidr(&n->pod_cidr, want, 24);
		snprintf(want, sizeof(want), "10.244.%d.1", i + 1);
		assert_ip(n->gateway, want);
		ck_assert_str_eq(n->uplink, "eth0");
		ck_assert_str_eq(n->real_dev, "");
		ck_assert_int_eq(n->mtu, 1500);
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(t.pods[i].node, i / 2);
		ck_assert_str_eq(t.pods[i].name, i % 2 ? "pod2" : "pod1");
		ck_assert_str_eq(t.pods[i].ns, pod_ns[i]);
		assert_ip(t.pods[i].ip, pod_ip[i]);
		ck_assert_str_eq(t.pods[i].host_if, i % 2 ? "lxc1" : "lxc0");
	}
	ck_assert_str_eq(t.externals[0].ns, "dplab-two-node-ext1");
	assert_cidr(&t.externals[0].addr, "192.168.100.100", 24);
	ck_assert_int_eq(t.services[0].proto, IPPROTO_TCP);
	ck_assert_int_eq(t.services[0].port, 80);
	ck_assert_int_eq(t.services[0].target_port, 8080);
	ck_assert_int_eq(t.services[0].nodeport, 30080);
	ck_assert_int_eq(t.services[0].n_backends, 2);
	ck_assert_int_eq(t.services[0].backends[0].pod, 2);
	ck_assert_int_eq(t.services[0].backends[1].pod, 3);
	ck_assert_int_eq(t.services[1].proto, IPPROTO_UDP);
	ck_assert_int_eq(t.services[1].nodeport, 0);
	ck_assert_int_eq(t.services[1].n_backends, 1);
	ck_assert_int_eq(t.services[1].backends[0].pod, 2);
	for (i = 0; i < 2; i++)
		ck_assert_msg((ntohl(t.services[i].vip) >> 16) == 0x0a60, "VIP in 10.96.0.0/16");
	ck_assert_int_eq(topo_pod_by_name(&t, "node2/pod2"), 3);
	ck_assert_int_eq(topo_pod_by_name(&t, "node2/pod9"), -1);
	ck_assert_int_eq(topo_pod_by_name(&t, "node2"), -1);
	ck_assert_int_eq(topo_node_by_name(&t, "node2"), 1);
	ck_assert_int_eq(topo_node_by_name(&t, "ext1"), -1);
}
END_TEST

START_TEST(test_optional_fields)
{
	char path[PATH_MAX], err[1024];
	static struct topo t;

	ck_assert_msg(!parse_text("topology name=t cluster_cidr=10.244.0.0/16 "
				  "service_cidr=10.96.0.0/12 mtu=9001 pod_mtu=8951  # comment\n"
				  "\n   # indented comment\n"
				  "node name=n1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24 "
				  "uplink_dev=ens6 mtu=3498\n" POD1
				  "service name=s vip=10.96.0.1 port=53 proto=udp\n",
				  &t, path, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(t.vni, 1);
	ck_assert_int_eq(t.pod_mtu, 8951);
	ck_assert_int_eq(t.nodes[0].mtu, 3498);
	ck_assert_str_eq(t.nodes[0].real_dev, "ens6");
	ck_assert_str_eq(t.nodes[0].uplink, "eth0");
	ck_assert_int_eq(t.services[0].target_port, 53);
	ck_assert_int_eq(t.services[0].n_backends, 0);
}
END_TEST

static Suite *topo_suite(void)
{
	Suite *s = suite_create("topo");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_malformed_names_file_line_field, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_unreadable_file);
	tcase_add_test(tc, test_default_topology);
	tcase_add_test(tc, test_optional_fields);
	suite_add_tcase(s, tc);
	topo_up_add(s);
	return s;
}

TEST_SUITE(topo_suite)
