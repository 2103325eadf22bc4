// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * kube-proxy's iptables mode: the nat table document (kubeproxy.h has its
 * shape and rule count) and its application to a node's namespace.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "util/cidr.h"
#include "cluster/iptables.h"
#include "cluster/kubeproxy.h"
#include "dplab/fmt.h"

#define KUBE_CHAIN_LEN 29	/* iptables' chain name limit, with the NUL */
#define KUBE_HASH_LEN 16
#define SVC_PORT_NAME 64	/* "dplab/<service>-<index>:<port>" */
#define ENDPOINT_LEN 24		/* "a.b.c.d:port" */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

typedef char chain_name_t[KUBE_CHAIN_LEN];

/* One service instance, named and checked. */
struct kube_svc {
	const struct svc_instance *inst;
	char port_name[SVC_PORT_NAME];
	const char *proto;		/* "tcp", "udp" */
	char vip[INET_ADDRSTRLEN];
	chain_name_t svc_chain, ext_chain;
	bool nodeport;
};

struct kube_doc {
	const struct topo *t;
	FILE *out;
	int rules;			/* written into KUBE-* chains */
	chain_name_t *chains;		/* every chain the document declares, sorted */
	int n_chains;
};

static __u64 fnv1a(const char *s, __u64 h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* PREFIX and 16 base32 characters of an 80-bit hash of KEY. */
static void hashed_chain(const char *prefix, const char *key, chain_name_t buf)
{
	static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	__u64 hi = fnv1a(key, 0xcbf29ce484222325ULL), lo = fnv1a(key, hi);
	int i, len = snprintf(buf, KUBE_CHAIN_LEN, "%s", prefix);

	/* 12 characters from the first 60 bits of hi, 4 from the top of lo. */
	for (i = 0; i < KUBE_HASH_LEN; i++) {
		__u64 bits = i < 12 ? hi >> (59 - 5 * i) : lo >> (59 - 5 * (i - 12));

		buf[len + i] = base32[bits & 31];
	}
	buf[len + KUBE_HASH_LEN] = '\0';
}

static void endpoint(const struct topo *t, const struct topo_service *svc, int b, char *buf)
{
	char ip[INET_ADDRSTRLEN];

	fmt_fit(buf, ENDPOINT_LEN, "%s:%u", addr_str(t->pods[svc->backends[b].pod].ip, ip),
		 svc->target_port);
}

static void sep_chain(const struct kube_svc *ks, const char *ep, chain_name_t buf)
{
	char key[SVC_PORT_NAME + ENDPOINT_LEN + 8];

	fmt_fit(key, sizeof(key), "%s/%s/%s", ks->port_name, ks->proto, ep);
	hashed_chain("KUBE-SEP-", key, buf);
}

static int kube_svc_init(const struct topo *t, const struct svc_instance *inst,
			 struct kube_svc *ks, char *err, size_t err_len)
{
	const struct topo_service *svc = inst->svc;
	char key[SVC_PORT_NAME + 8];
	int b;

	memset(ks, 0, sizeof(*ks));
	ks->inst = inst;
	/* The chains are named after this: two services must never share one. */
	if (inst->filler ? fmt_fit(ks->port_name, sizeof(ks->port_name), "dplab/%s-%d:%u",
				   svc->name, inst->index, svc->port) :
	    fmt_fit(ks->port_name, sizeof(ks->port_name), "dplab/%s:%u", svc->name, svc->port)) {
		snprintf(err, err_len, "service %s: its kube-proxy port name is too long", svc->name);
		return -ENAMETOOLONG;
	}
	if (svc->proto != IPPROTO_TCP && svc->proto != IPPROTO_UDP) {
		snprintf(err, err_len, "service %s: protocol %u: kube-proxy rules are for tcp "
			 "and udp", svc->name, svc->proto);
		return -EINVAL;
	}
	ks->proto = svc->proto == IPPROTO_TCP ? "tcp" : "udp";
	for (b = 0; b < svc->n_backends; b++) {
		if (svc->backends[b].pod < 0 || svc->backends[b].pod >= t->n_pods) {
			snprintf(err, err_len, "service %s: backend %d is pod %d, not a pod of "
				 "topology %s", svc->name, b, svc->backends[b].pod, t->name);
			return -EINVAL;
		}
	}
	addr_str(inst->vip, ks->vip);
	fmt_fit(key, sizeof(key), "%s/%s", ks->port_name, ks->proto);
	hashed_chain("KUBE-SVC-", key, ks->svc_chain);
	hashed_chain("KUBE-EXT-", key, ks->ext_chain);
	ks->nodeport = !inst->filler && svc->nodeport;
	return 0;
}

/* A rule in a KUBE-* chain. */
static __attribute__((format(printf, 2, 3))) void rule(struct kube_doc *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	d->rules++;
}

static void service_rules(struct kube_doc *d, const struct kube_svc *ks)
{
	const struct topo_service *svc = ks->inst->svc;
	char cluster[CIDR_STRLEN], ep[ENDPOINT_LEN];
	chain_name_t sep;
	int b, n = svc->n_backends;

	cidr_str(&d->t->cluster_cidr, cluster);
	rule(d, "-A KUBE-SERVICES -d %s/32 -p %s -m comment --comment \"%s cluster IP\" -m %s "
	     "--dport %u -j %s", ks->vip, ks->proto, ks->port_name, ks->proto, svc->port,
	     ks->svc_chain);
	/* Off-cluster clients are masqueraded: the reply must come back here. */
	rule(d, "-A %s ! -s %s -d %s/32 -p %s -m comment --comment \"%s cluster IP\" -m %s "
	     "--dport %u -j KUBE-MARK-MASQ", ks->svc_chain, cluster, ks->vip, ks->proto,
	     ks->port_name, ks->proto, svc->port);
	for (b = 0; b < n; b++) {
		endpoint(d->t, svc, b, ep);
		sep_chain(ks, ep, sep);
		if (b < n - 1)
			rule(d, "-A %s -m comment --comment \"%s -> %s\" -m statistic "
			     "--mode random --probability %.10f -j %s", ks->svc_chain,
			     ks->port_name, ep, 1.0 / (n - b), sep);
		else
			rule(d, "-A %s -m comment --comment \"%s -> %s\" -j %s", ks->svc_chain,
			     ks->port_name, ep, sep);
	}
	for (b = 0; b < n; b++) {
		char ip[INET_ADDRSTRLEN];

		endpoint(d->t, svc, b, ep);
		sep_chain(ks, ep, sep);
		rule(d, "-A %s -s %s/32 -m comment --comment \"%s\" -j KUBE-MARK-MASQ", sep,
		     addr_str(d->t->pods[svc->backends[b].pod].ip, ip), ks->port_name);
		rule(d, "-A %s -p %s -m comment --comment \"%s\" -m %s -j DNAT --to-destination %s",
		     sep, ks->proto, ks->port_name, ks->proto, ep);
	}
	if (!ks->nodeport)
		return;
	rule(d, "-A KUBE-NODEPORTS -p %s -m comment --comment \"%s\" -m %s --dport %u -j %s",
	     ks->proto, ks->port_name, ks->proto, svc->nodeport, ks->ext_chain);
	rule(d, "-A %s -m comment --comment \"masquerade traffic for %s external destinations\" "
	     "-j KUBE-MARK-MASQ", ks->ext_chain, ks->port_name);
	rule(d, "-A %s -j %s", ks->ext_chain, ks->svc_chain);
}

static const char *const fixed_chains[] = {
	"KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ",
};

/* The jumps from built-in chains, as kube-proxy inserts them (first). */
static const struct {
	const char *from, *comment, *to;
} jumps[] = {
	{ "PREROUTING", "kubernetes service portals", "KUBE-SERVICES" },
	{ "OUTPUT", "kubernetes service portals", "KUBE-SERVICES" },
	{ "POSTROUTING", "kubernetes postrouting rules", "KUBE-POSTROUTING" },
};

static void fixed_rules(struct kube_doc *d)
{
	rule(d, "-A KUBE-MARK-MASQ -j MARK --or-mark " KUBE_MASQ_MARK);
	rule(d, "-A KUBE-POSTROUTING -m mark ! --mark " KUBE_MASQ_MARK "/" KUBE_MASQ_MARK
	     " -j RETURN");
	rule(d, "-A KUBE-POSTROUTING -j MARK --xor-mark " KUBE_MASQ_MARK);
	rule(d, "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring "
	     "SNAT\" -j MASQUERADE --random-fully");
}

static int chain_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Name every chain the document declares into d->chains, sorted. */
static int collect_chains(struct kube_doc *d, const struct kube_svc *ks, int n)
{
	int i, b, max = ARRAY_SIZE(fixed_chains);
	char ep[ENDPOINT_LEN];

	for (i = 0; i < n; i++)
		max += 2 + ks[i].inst->svc->n_backends;
	d->chains = calloc(max, sizeof(*d->chains));
	if (!d->chains)
		return -ENOMEM;
	for (i = 0; i < (int)ARRAY_SIZE(fixed_chains); i++)
		snprintf(d->chains[d->n_chains++], KUBE_CHAIN_LEN, "%s", fixed_chains[i]);
	for (i = 0; i < n; i++) {
		const struct topo_service *svc = ks[i].inst->svc;

		if (!svc->n_backends)
			continue;
		memcpy(d->chains[d->n_chains++], ks[i].svc_chain, KUBE_CHAIN_LEN);
		if (ks[i].nodeport)
			memcpy(d->chains[d->n_chains++], ks[i].ext_chain, KUBE_CHAIN_LEN);
		for (b = 0; b < svc->n_backends; b++) {
			endpoint(d->t, svc, b, ep);
			sep_chain(&ks[i], ep, d->chains[d->n_chains++]);
		}
	}
	qsort(d->chains, d->n_chains, sizeof(*d->chains), chain_cmp);
	return 0;
}

static bool stale_chain(const struct kube_doc *d, const char *chain)
{
	return !strncmp(chain, KUBE_CHAIN_PREFIX, strlen(KUBE_CHAIN_PREFIX)) &&
	       !bsearch(chain, d->chains, d->n_chains, sizeof(*d->chains), chain_cmp);
}

/*
 * The whole document.  With the node's current table (cur), chains of
 * services gone are deleted and jumps already there are not repeated.
 */
static void write_document(struct kube_doc *d, const struct kube_svc *ks, int n,
			   const struct nat_table *cur)
{
	int i;

	fprintf(d->out, "*nat\n");
	for (i = 0; i < d->n_chains; i++)
		fprintf(d->out, ":%s - [0:0]\n", d->chains[i]);
	for (i = 0; cur && i < cur->n_chains; i++)
		if (stale_chain(d, cur->chains[i]))
			fprintf(d->out, ":%s - [0:0]\n", cur->chains[i]);
	fixed_rules(d);
	for (i = 0; i < n; i++)
		if (ks[i].inst->svc->n_backends)
			service_rules(d, &ks[i]);
	rule(d, "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: "
	     "this must be the last rule in this chain\" -m addrtype --dst-type LOCAL "
	     "-j KUBE-NODEPORTS");
	for (i = 0; cur && i < cur->n_chains; i++)
		if (stale_chain(d, cur->chains[i]))
			fprintf(d->out, "-X %s\n", cur->chains[i]);
	for (i = 0; i < (int)ARRAY_SIZE(jumps); i++)
		if (!cur || !nat_has_jump(cur, jumps[i].from, jumps[i].to))
			fprintf(d->out, "-I %s -m comment --comment \"%s\" -j %s\n", jumps[i].from,
				jumps[i].comment, jumps[i].to);
	fprintf(d->out, "COMMIT\n");
}

static int check_node(const struct topo *t, int node, char *err, size_t err_len)
{
	if (node >= 0 && node < t->n_nodes)
		return 0;
	snprintf(err, err_len, "node index %d: topology %s has %d nodes", node, t->name,
		 t->n_nodes);
	return -EINVAL;
}

/* Document for svcs into out; rules in KUBE-* chains or -errno. */
static int kube_document(const struct topo *t, int node, const struct svc_instance *svcs, int n,
			 const struct nat_table *cur, FILE *out, char *err, size_t err_len)
{
	struct kube_doc d = { .t = t, .out = out };
	struct kube_svc *ks;
	int i, ret;

	ret = check_node(t, node, err, err_len);
	if (ret)
		return ret;
	ks = calloc(n > 0 ? n : 1, sizeof(*ks));
	ret = ks ? 0 : -ENOMEM;
	for (i = 0; !ret && i < n; i++)
		ret = kube_svc_init(t, &svcs[i], &ks[i], err, err_len);
	if (!ret)
		ret = collect_chains(&d, ks, n);
	if (ret == -ENOMEM)
		snprintf(err, err_len, "kube-proxy rules for node %s, %d services: %s",
			 t->nodes[node].name, n, strerror(ENOMEM));
	if (ret)
		goto out;
	fprintf(out, "# dplab: kube-proxy iptables mode, node %s of topology %s, %d services\n",
		t->nodes[node].name, t->name, n);
	write_document(&d, ks, n, cur);
	ret = d.rules;
	if (ferror(out)) {
		ret = -EIO;
		snprintf(err, err_len, "kube-proxy rules for node %s: writing the document failed",
			 t->nodes[node].name);
	}
out:
	free(d.chains);
	free(ks);
	return ret;
}

int kubeproxy_rules(const struct topo *t, int node, const struct svc_instance *svcs, int n,
		    FILE *out, char *err, size_t err_len)
{
	return kube_document(t, node, svcs, n, NULL, out, err, err_len);
}

struct kube_apply {
	const struct topo *t;
	int node;
	const struct svc_instance *svcs;
	int n;
};

static int write_apply(const struct nat_table *cur, FILE *out, const void *ctx, char *err,
		       size_t err_len)
{
	const struct kube_apply *a = ctx;

	return kube_document(a->t, a->node, a->svcs, a->n, cur, out, err, err_len);
}

int kubeproxy_apply(const struct topo *t, int node, const struct svc_instance *svcs, int n,
		    char *err, size_t err_len)
{
	const struct kube_apply a = { t, node, svcs, n };
	char what[TOPO_NAME + 64];
	int ret;

	ret = check_node(t, node, err, err_len);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "kube-proxy rules for node %s", t->nodes[node].name);
	return nat_apply(t->nodes[node].ns, what, write_apply, &a, err, err_len);
}

int kubeproxy_remove(const struct topo *t, int node, char *err, size_t err_len)
{
	int ret = check_node(t, node, err, err_len);

	return ret ? ret : nat_remove_chains(t->nodes[node].ns, KUBE_CHAIN_PREFIX, err, err_len);
}

int kubeproxy_rule_count(const struct topo *t, int node)
{
	char err[256];
	int ret = check_node(t, node, err, sizeof(err));

	return ret ? ret : nat_rule_count(t->nodes[node].ns, KUBE_CHAIN_PREFIX, err, sizeof(err));
}
