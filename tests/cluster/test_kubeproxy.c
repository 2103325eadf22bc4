// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kube-proxy's iptables mode (loader/cluster/kubeproxy.c): the iptables-restore
 * document for the two-node topology, built here in code, read line by
 * line: chains, rule shapes, endpoint probabilities, NodePort path, and
 * the rule count for N services against kube-proxy's (formula below).
 * Needs nothing; the namespace tests are in test_kubeproxy_ns.c.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "cluster/kubeproxy.h"
#include "lib/kubeproxy_test.h"
#include "cluster/services.h"
#include "lib/testlib.h"

#define LINE_LEN 512
#define MAX_CHAIN_RULES 16

static struct topo topo;
static struct svc_instance svcs[SERVICES_MAX];

int count_lines(const char *text, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *p = text;
	int n = 0;

	while (p && *p) {
		n += !strncmp(p, prefix, len);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

static void pod(struct topo *t, const char *name, int node, const char *ip)
{
	struct topo_pod *p = &t->pods[t->n_pods++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	p->node = node;
	p->ip = inet_addr(ip);
}

/*
 * The default two-node cluster: pods 10.0.1.10, .11 on n1, 10.0.2.10, .11
 * on n2; "web" tcp 10.96.0.10:80 -> 8080 (NodePort 30080) on three pods,
 * "dns" udp 10.96.0.53:53 -> 5353 on one.
 */
static void two_node(struct topo *t)
{
	struct topo_service *web = &t->services[0], *dns = &t->services[1];

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "two-node");
	t->cluster_cidr = (struct cidr){ inet_addr("10.0.0.0"), 16 };
	t->service_cidr = (struct cidr){ inet_addr("10.96.0.0"), 16 };
	t->n_nodes = 2;
	snprintf(t->nodes[0].name, TOPO_NAME, "n1");
	snprintf(t->nodes[1].name, TOPO_NAME, "n2");
	t->nodes[0].pod_cidr = (struct cidr){ inet_addr("10.0.1.0"), 24 };
	t->nodes[1].pod_cidr = (struct cidr){ inet_addr("10.0.2.0"), 24 };
	pod(t, "p1", 0, "10.0.1.10");
	pod(t, "p2", 0, "10.0.1.11");
	pod(t, "p1", 1, "10.0.2.10");
	pod(t, "p2", 1, "10.0.2.11");
	t->n_services = 2;
	*web = (struct topo_service){ .name = "web", .vip = inet_addr("10.96.0.10"), .port = 80,
				      .proto = IPPROTO_TCP, .target_port = 8080,
				      .nodeport = 30080, .n_backends = 3,
				      .backends = { { 1 }, { 2 }, { 3 } } };
	*dns = (struct topo_service){ .name = "dns", .vip = inet_addr("10.96.0.53"), .port = 53,
				      .proto = IPPROTO_UDP, .target_port = 5353,
				      .n_backends = 1, .backends = { { 0 } } };
}

/* The document for `services=total` on node n1; its rule count in *rules. */
static char *document(__u32 total, int *rules)
{
	char *doc = NULL, err[256] = "";
	size_t len = 0;
	FILE *out;
	int n;

	n = services_expand(&topo, total, svcs, SERVICES_MAX);
	ck_assert_msg(n > 0, "services_expand(%u): %d", total, n);
	out = open_memstream(&doc, &len);
	ck_assert(out);
	*rules = kubeproxy_rules(&topo, 0, svcs, n, out, err, sizeof(err));
	fclose(out);
	ck_assert_msg(*rules > 0, "kubeproxy_rules: %d: %s", *rules, err);
	return doc;
}

/* The first line matching the extended regex; group 1 into group (may be NULL). */
static bool find_line(const char *doc, const char *pattern, char *group, size_t len)
{
	char line[LINE_LEN];
	regmatch_t m[2];
	const char *p, *nl;
	regex_t re;
	bool found = false;

	ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED), 0);
	for (p = doc; !found && *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
		found = !regexec(&re, line, 2, m, 0);
		if (found && group && m[1].rm_so >= 0)
			snprintf(group, len, "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
	}
	regfree(&re);
	return found;
}

#define assert_line(doc, pattern, group)                                      \
	ck_assert_msg(find_line(doc, pattern, group, sizeof(group)),           \
		      "no line matching /%s/ in:\n%s", pattern, doc)

/* The rules of CHAIN in order ("-A CHAIN " stripped); how many. */
static int chain_rules(const char *doc, const char *chain, char rules[][LINE_LEN])
{
	char head[64];
	const char *p, *nl;
	int n = 0;

	snprintf(head, sizeof(head), "-A %s ", chain);
	for (p = doc; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (strncmp(p, head, strlen(head)) || n == MAX_CHAIN_RULES)
			continue;
		snprintf(rules[n++], LINE_LEN, "%.*s", (int)((nl ? nl : p + strlen(p)) - p) -
			 (int)strlen(head), p + strlen(head));
	}
	return n;
}

static void assert_declared(const char *doc, const char *chain)
{
	char decl[64];

	snprintf(decl, sizeof(decl), ":%s - [0:0]", chain);
	ck_assert_msg(count_lines(doc, decl) == 1, "chain %s declared %d times", chain,
		      count_lines(doc, decl));
}

START_TEST(test_document_shape)
{
	char svc[32], ext[32], sep[3][32], r[MAX_CHAIN_RULES][LINE_LEN], want[LINE_LEN];
	static const char *const eps[] = { "10.0.1.11", "10.0.2.10", "10.0.2.11" };
	static const char *const prob[] = { "0.3333333333", "0.5000000000" };
	int rules, n, i;
	char *doc;

	two_node(&topo);
	doc = document(0, &rules);
	ck_assert_int_eq(rules, count_lines(doc, "-A KUBE-"));
	ck_assert_int_eq(count_lines(doc, "*nat"), 1);
	ck_assert_ptr_nonnull(strstr(doc, "\nCOMMIT\n"));
	ck_assert_str_eq(strstr(doc, "\nCOMMIT\n"), "\nCOMMIT\n");
	assert_declared(doc, "KUBE-SERVICES");
	assert_declared(doc, "KUBE-NODEPORTS");
	assert_declared(doc, "KUBE-POSTROUTING");
	assert_declared(doc, "KUBE-MARK-MASQ");
	assert_line(doc, "^-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000$", want);
	ck_assert_int_eq(chain_rules(doc, "KUBE-POSTROUTING", r), 3);
	ck_assert_str_eq(r[0], "-m mark ! --mark 0x4000/0x4000 -j RETURN");
	ck_assert_str_eq(r[1], "-j MARK --xor-mark 0x4000");
	ck_assert_ptr_nonnull(strstr(r[2], "-j MASQUERADE --random-fully"));
	assert_line(doc, "^-I PREROUTING .*-j KUBE-SERVICES$", want);
	assert_line(doc, "^-I OUTPUT .*-j KUBE-SERVICES$", want);
	assert_line(doc, "^-I POSTROUTING .*-j KUBE-POSTROUTING$", want);

	/* ClusterIP: KUBE-SERVICES -> KUBE-SVC, web before dns (svcs[] order). */
	ck_assert_int_eq(chain_rules(doc, "KUBE-SERVICES", r), 3);
	ck_assert_ptr_nonnull(strstr(r[0], "-d 10.96.0.10/32 -p tcp"));
	ck_assert_ptr_nonnull(strstr(r[1], "-d 10.96.0.53/32 -p udp"));
	ck_assert_str_eq(r[2], "-m comment --comment \"kubernetes service nodeports; NOTE: this "
			 "must be the last rule in this chain\" -m addrtype --dst-type LOCAL "
			 "-j KUBE-NODEPORTS");
	assert_line(doc, "^-A KUBE-SERVICES -d 10\\.96\\.0\\.10/32 -p tcp -m comment --comment "
		    "\"dplab/web:80 cluster IP\" -m tcp --dport 80 "
		    "-j (KUBE-SVC-[A-Z2-7]{16})$", svc);
	assert_declared(doc, svc);

	/* Off-cluster masquerade, then 1/3, 1/2, the rest. */
	n = chain_rules(doc, svc, r);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(r[0], "! -s 10.0.0.0/16 -d 10.96.0.10/32 -p tcp -m comment --comment "
			 "\"dplab/web:80 cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ");
	for (i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "-m comment --comment \"dplab/web:80 -> %s:8080\" "
			 "%s%s%s-j ", eps[i],
			 i < 2 ? "-m statistic --mode random --probability " : "",
			 i < 2 ? prob[i] : "", i < 2 ? " " : "");
		ck_assert_msg(!strncmp(r[i + 1], want, strlen(want)), "endpoint %d: got '%s', "
			      "want '%s...'", i, r[i + 1], want);
		snprintf(sep[i], sizeof(sep[i]), "%s", r[i + 1] + strlen(want));
		ck_assert_msg(strlen(sep[i]) == 25 && !strncmp(sep[i], "KUBE-SEP-", 9),
			      "endpoint chain name '%s'", sep[i]);
		assert_declared(doc, sep[i]);
	}
	ck_assert(strcmp(sep[0], sep[1]) && strcmp(sep[1], sep[2]) && strcmp(sep[0], sep[2]));

	/* Each endpoint: hairpin masquerade, then DNAT. */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(chain_rules(doc, sep[i], r), 2);
		snprintf(want, sizeof(want), "-s %s/32 -m comment --comment \"dplab/web:80\" "
			 "-j KUBE-MARK-MASQ", eps[i]);
		ck_assert_str_eq(r[0], want);
		snprintf(want, sizeof(want), "-p tcp -m comment --comment \"dplab/web:80\" -m tcp "
			 "-j DNAT --to-destination %s:8080", eps[i]);
		ck_assert_str_eq(r[1], want);
	}

	/* NodePort: KUBE-NODEPORTS -> KUBE-EXT (same hash) -> mark, KUBE-SVC. */
	ck_assert_int_eq(chain_rules(doc, "KUBE-NODEPORTS", r), 1);
	assert_line(doc, "^-A KUBE-NODEPORTS -p tcp -m comment --comment \"dplab/web:80\" -m tcp "
		    "--dport 30080 -j (KUBE-EXT-[A-Z2-7]{16})$", ext);
	ck_assert_str_eq(ext + 9, svc + 9);
	assert_declared(doc, ext);
	ck_assert_int_eq(chain_rules(doc, ext, r), 2);
	ck_assert_ptr_nonnull(strstr(r[0], "-j KUBE-MARK-MASQ"));
	snprintf(want, sizeof(want), "-j %s", svc);
	ck_assert_str_eq(r[1], want);

	/* UDP, one endpoint: no statistic match, udp matches. */
	assert_line(doc, "^-A KUBE-SERVICES -d 10\\.96\\.0\\.53/32 -p udp .*-m udp --dport 53 "
		    "-j (KUBE-SVC-[A-Z2-7]{16})$", svc);
	ck_assert_int_eq(chain_rules(doc, svc, r), 2);
	ck_assert_ptr_null(strstr(r[1], "statistic"));
	assert_line(doc, "^-A KUBE-SEP-[A-Z2-7]{16} -p udp -m comment --comment \"dplab/dns:53\" "
		    "-m udp -j DNAT --to-destination (10\\.0\\.1\\.10:5353)$", want);
	free(doc);
}
END_TEST

START_TEST(test_names_stable_and_distinct)
{
	char *a, *b, *p, *nl, last[64] = "";
	int rules_a, rules_b, chains = 0;

	two_node(&topo);
	a = document(1000, &rules_a);
	b = document(1000, &rules_b);
	ck_assert_int_eq(rules_a, rules_b);
	ck_assert_msg(!strcmp(a, b), "two documents for the same services differ");
	/* Declarations come sorted: a duplicate would sit next to its twin. */
	for (p = a; (p = strstr(p, "\n:")); p = nl) {
		nl = strchr(p + 2, ' ');
		*nl = '\0';
		ck_assert_msg(strlen(p + 2) <= 28, "chain name too long for iptables: %s", p + 2);
		ck_assert_msg(strcmp(p + 2, last) > 0, "chain %s twice or unsorted", p + 2);
		snprintf(last, sizeof(last), "%s", p + 2);
		*nl = ' ';
		chains++;
	}
	/* 4 fixed, per service 1 KUBE-SVC + one KUBE-SEP per endpoint, 1 KUBE-EXT. */
	ck_assert_int_eq(chains, 4 + 500 * (1 + 3) + 500 * (1 + 1) + 1);
	free(a);
	free(b);
}
END_TEST

/*
 * kube-proxy's nat rules for services with E_s endpoints, P with a NodePort:
 *   per service: 1 KUBE-SERVICES rule, KUBE-SVC: 1 masquerade rule + E_s,
 *                KUBE-SEP: 2 per endpoint                  -> 2 + 3 E_s
 *   per NodePort: 1 KUBE-NODEPORTS rule, KUBE-EXT: 2        -> 3
 *   fixed: KUBE-NODEPORTS jump, KUBE-MARK-MASQ 1, KUBE-POSTROUTING 3 -> 5
 * Fillers copy web (E=3) and dns (E=1) in turn and have no NodePort; only
 * the declared web has one (P = 1).
 */
static int expected_rules(int n)
{
	int fillers = n - 2, webs = 1 + (fillers + 1) / 2, dnses = 1 + fillers / 2;

	return webs * (2 + 3 * 3) + dnses * (2 + 3 * 1) + 3 * 1 + 5;
}

START_TEST(test_rule_count_formula)
{
	static const __u32 totals[] = { 0, 2, 3, 10, 1000, 5000 };
	int i, rules;
	char *doc;

	two_node(&topo);
	for (i = 0; i < (int)(sizeof(totals) / sizeof(totals[0])); i++) {
		int n = totals[i] < 2 ? 2 : totals[i];

		doc = document(totals[i], &rules);
		ck_assert_int_eq(count_lines(doc, "-A KUBE-"), rules);
		ck_assert_msg(rules == expected_rules(n), "services=%u: %d rules, formula says %d",
			      totals[i], rules, expected_rules(n));
		free(doc);
	}
	/* services=1000: 500 web (11 rules), 500 dns (5), NodePort 3, fixed 5. */
	ck_assert_int_eq(expected_rules(1000), 8008);
}
END_TEST

START_TEST(test_service_without_endpoints_has_no_rules)
{
	int rules;
	char *doc;

	two_node(&topo);
	topo.services[1].n_backends = 0;
	doc = document(0, &rules);
	ck_assert_int_eq(rules, (2 + 3 * 3) + 3 + 5);
	ck_assert_ptr_null(strstr(doc, "10.96.0.53"));
	ck_assert_ptr_null(strstr(doc, "dplab/dns"));
	free(doc);
}
END_TEST

/* kubeproxy_rules fails with ret and an err containing what. */
static void assert_rejected(int node, int ret, const char *what)
{
	char err[256] = "";
	FILE *out = fopen("/dev/null", "w");
	int n = services_expand(&topo, 0, svcs, SERVICES_MAX);

	ck_assert(out);
	ck_assert_int_eq(kubeproxy_rules(&topo, node, svcs, n, out, err, sizeof(err)), ret);
	fclose(out);
	ck_assert_msg(strstr(err, what), "error '%s' should name '%s'", err, what);
}

START_TEST(test_bad_input)
{
	two_node(&topo);
	assert_rejected(2, -EINVAL, "node index 2");
	assert_rejected(-1, -EINVAL, "node index -1");
	topo.services[1].proto = IPPROTO_ICMP;
	assert_rejected(0, -EINVAL, "service dns: protocol 1");
	two_node(&topo);
	topo.services[0].backends[2].pod = 7;
	assert_rejected(0, -EINVAL, "service web: backend 2 is pod 7");
}
END_TEST

static Suite *kubeproxy_suite(void)
{
	Suite *s = suite_create("kubeproxy");
	TCase *tc = tcase_create("document");

	tcase_add_test(tc, test_document_shape);
	tcase_add_test(tc, test_names_stable_and_distinct);
	tcase_add_test(tc, test_rule_count_formula);
	tcase_add_test(tc, test_service_without_endpoints_has_no_rules);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, kubeproxy_ns_tcase());
	return s;
}

TEST_SUITE(kubeproxy_suite)
