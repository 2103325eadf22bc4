// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The nat_e2e suite's cluster and masquerade path (see nat_e2e.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "util/netns.h"
#include "lib/fixture.h"
#include "lib/nat_e2e.h"
#include "lib/testlib.h"

#define TOPOLOGY_SRC "topologies/two-node.topo"
/* The datapath under test, and the kernel's own NAT as the reference. */
#define KNOBS_BPF "--profile A service_lb=tc masquerade=bpf"
#define KNOBS_IPTABLES "--profile A"

static struct {
	char name[32], file[256];
	const char *knobs, *mode;
	const char *skip;
	char setup_err[1024];
} nc;

static void cluster_up(void)
{
	char out[1024];

	nc.skip = test_needs_root();
	if (nc.skip)
		return;
	if (access(TOPOLOGY_SRC, R_OK)) {
		nc.skip = "run from the source tree: " TOPOLOGY_SRC " is not here";
		return;
	}
	snprintf(nc.name, sizeof(nc.name), "n%d", getpid());
	snprintf(nc.file, sizeof(nc.file), "/tmp/dplab-%s.topo", nc.name);
	if (sh("sed 's/^topology name=two-node/topology name=%s/' %s > %s", nc.name,
	       TOPOLOGY_SRC, nc.file)) {
		snprintf(nc.setup_err, sizeof(nc.setup_err), "cannot write %s", nc.file);
		return;
	}
	if (sh_out(out, sizeof(out), 1, "%s up --topology %s %s", test_dplab_path(), nc.file,
		   nc.knobs))
		snprintf(nc.setup_err, sizeof(nc.setup_err), "dplab up %s: %.900s", nc.knobs,
			 out);
}

void nat_cluster_up(void)
{
	nc.knobs = KNOBS_BPF;
	nc.mode = "service_lb=tc masquerade=bpf";
	cluster_up();
}

void nat_cluster_up_iptables(void)
{
	nc.knobs = KNOBS_IPTABLES;
	nc.mode = "kube-proxy iptables, iptables MASQUERADE";
	cluster_up();
}

const char *nat_cluster_mode(void)
{
	return nc.mode;
}

void nat_cluster_down(void)
{
	if (!nc.name[0])
		return;
	sh("%s down --topology %s >/dev/null 2>&1", test_dplab_path(), nc.name);
	unlink(nc.file);
	nc.setup_err[0] = '\0';
}

const char *nat_cluster_skip_reason(void)
{
	ck_assert_msg(!nc.setup_err[0], "cluster setup failed: %s", nc.setup_err);
	return nc.skip;
}

const char *nat_cluster_ns(const char *where)
{
	static char ns[4][64];
	static int next;
	char *buf = ns[next++ % 4];

	snprintf(buf, sizeof(ns[0]), "dplab-%s-%s", nc.name, where);
	return buf;
}

void nat_cluster_counters(char *buf, size_t len)
{
	if (sh_out(buf, len, 1, "%s status --topology %s | grep -E '^node|^  [a-z_]+ +maps|"
		   "^ +counters:'", test_dplab_path(), nc.name) < 0)
		snprintf(buf, len, "(dplab status failed)");
}

/* ---------------------------------------------------- masquerade path */

const char *masq_path_extra_ip(int i)
{
	static char ip[4][24];
	static int next;
	char *buf = ip[next++ % 4];

	snprintf(buf, sizeof(ip[0]), "10.0.1.%d", 10 + i);
	return buf;
}

void masq_path_up(struct masq_path *mp, int n_extra)
{
	char extra[MP_EXTRA_MAX * 64] = "";
	size_t used = 0;
	int i;

	ck_assert_int_le(n_extra, MP_EXTRA_MAX);
	ck_assert_int_eq(testns_create(mp->pod), 0);
	ck_assert_int_eq(testns_create(mp->node), 0);
	ck_assert_int_eq(testns_create(mp->router), 0);
	ck_assert_int_eq(testns_create(mp->remote), 0);
	for (i = 0; i < n_extra; i++)
		used += snprintf(extra + used, sizeof(extra) - used,
				 "ip -n %s addr add %s/24 dev eth0; ", mp->pod,
				 masq_path_extra_ip(i));
	ck_assert_int_eq(sh("set -e; "
			    "ip -n %1$s link add pod0 type veth peer name eth0 netns %2$s; "
			    "ip -n %1$s link add up0 type veth peer name eth0 netns %3$s; "
			    "ip -n %3$s link add far0 type veth peer name eth0 netns %4$s; "
			    "for n in %1$s %2$s %3$s %4$s; do ip -n $n link set lo up; done; "
			    "ip -n %2$s addr add " MP_POD_IP "/24 dev eth0; %5$s"
			    "ip -n %2$s link set eth0 up; "
			    "ip -n %2$s route add default via 10.0.1.1; "
			    "ip -n %1$s addr add 10.0.1.1/24 dev pod0; "
			    "ip -n %1$s addr add " MP_NODE_IP "/24 dev up0; "
			    "ip -n %1$s link set pod0 up; ip -n %1$s link set up0 up; "
			    "ip -n %1$s route add default via " MP_ROUTER_IP "; "
			    "ip -n %3$s addr add " MP_ROUTER_IP "/24 dev eth0; "
			    "ip -n %3$s addr add 198.51.100.1/24 dev far0; "
			    "ip -n %3$s link set far0 mtu %6$d; "
			    "ip -n %3$s link set eth0 up; ip -n %3$s link set far0 up; "
			    "ip -n %4$s addr add " MP_REMOTE_IP "/24 dev eth0; "
			    "ip -n %4$s link set eth0 mtu %6$d; ip -n %4$s link set eth0 up; "
			    "ip -n %4$s route add default via 198.51.100.1; "
			    "for n in %1$s %3$s; do "
			    "ip netns exec $n sysctl -qw net.ipv4.ip_forward=1; done",
			    mp->node, mp->pod, mp->router, mp->remote, extra, MP_FAR_MTU), 0);
}

int rodata_set(struct bpf_object *obj, const char *name, __u64 value)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, ".rodata");
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *v;
	const struct btf_type *sec, *var;
	size_t size = 0;
	__u8 *data;
	int id, i;

	if (!map || !btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	data = bpf_map__initial_value(map, &size);
	if (id < 0 || !data)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	for (i = 0, v = btf_var_secinfos(sec); i < btf_vlen(sec); i++, v++) {
		var = btf__type_by_id(btf, v->type);
		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (v->size > 8 || v->offset + v->size > size ||
		    (v->size < 8 && value >> (8 * v->size)))
			return -ERANGE;
		/* Little-endian host: the low bytes of value are the variable. */
		memcpy(data + v->offset, &value, v->size);
		return 0;
	}
	return -ENOENT;
}

/* Attach prog to up0's tcx hook (the direction of its section name). */
static void attach_up0(struct masq_path *mp, struct bpf_program *prog, struct bpf_link **link)
{
	int saved, err, ifindex;

	err = netns_enter(mp->node, &saved);
	ck_assert_msg(!err, "entering %s: %s", mp->node, strerror(-err));
	ifindex = if_nametoindex("up0");
	*link = ifindex ? bpf_program__attach_tcx(prog, ifindex, NULL) : NULL;
	err = errno;
	netns_leave(saved);
	ck_assert_msg(*link, "tcx of up0 in %s: %s: %s", mp->node, bpf_program__name(prog),
		      strerror(err));
}

int masq_path_attach(struct masq_path *mp, const struct masq_path_cfg *cfg)
{
	int err, var_err = 0;

	mp->skel = masq_bpf__open();
	ck_assert_msg(mp->skel, "masq.bpf.o: open: %s", strerror(errno));
	mp->skel->rodata->pod_cidr_addr = inet_addr("10.0.1.0");
	mp->skel->rodata->pod_cidr_prefix = 24;
	mp->skel->rodata->cluster_cidr_addr = inet_addr("10.0.0.0");
	mp->skel->rodata->cluster_cidr_prefix = 16;
	mp->skel->rodata->node_ip = inet_addr(MP_NODE_IP);
	if (cfg && cfg->port_max) {
		mp->skel->rodata->port_min = cfg->port_min;
		mp->skel->rodata->port_max = cfg->port_max;
	}
	if (cfg && cfg->retries)
		mp->skel->rodata->max_retries = cfg->retries;
	if (cfg && cfg->var) {
		var_err = rodata_set(mp->skel->obj, cfg->var, cfg->var_value);
		ck_assert_msg(var_err != -ERANGE, "masq.bpf.o: %llu does not fit rodata %s",
			      (unsigned long long)cfg->var_value, cfg->var);
	}
	err = masq_bpf__load(mp->skel);
	ck_assert_msg(!err, "masq.bpf.o: load (verifier): %s", strerror(-err));
	attach_up0(mp, mp->skel->progs.masq_snat, &mp->skel->links.masq_snat);
	attach_up0(mp, mp->skel->progs.masq_rev_snat, &mp->skel->links.masq_rev_snat);
	return var_err;
}

void masq_path_iptables(struct masq_path *mp, const struct masq_path_cfg *cfg)
{
	/* A port range needs a protocol with ports: UDP to the range, the
	 * rest (ping) to any port. */
	if (cfg && cfg->port_max)
		ck_assert_int_eq(sh("ip netns exec %s iptables -t nat -A POSTROUTING "
				    "-s 10.0.1.0/24 -o up0 -p udp -j MASQUERADE --to-ports %u-%u",
				    mp->node, cfg->port_min, cfg->port_max), 0);
	ck_assert_int_eq(sh("ip netns exec %s iptables -t nat -A POSTROUTING -s 10.0.1.0/24 "
			    "-o up0 -j MASQUERADE", mp->node), 0);
	if (cfg && cfg->udp_lifetime_s)
		ck_assert_int_eq(sh("ip netns exec %1$s sysctl -qw "
				    "net.netfilter.nf_conntrack_udp_timeout=%2$d "
				    "net.netfilter.nf_conntrack_udp_timeout_stream=%2$d",
				    mp->node, cfg->udp_lifetime_s), 0);
}

static bool use_iptables;

void masq_path_use_bpf(void)
{
	use_iptables = false;
}

void masq_path_use_iptables(void)
{
	use_iptables = true;
}

bool masq_path_is_iptables(void)
{
	return use_iptables;
}

const char *masq_path_mode(void)
{
	return use_iptables ? "iptables MASQUERADE" : "BPF masquerade";
}

int masq_path_nat(struct masq_path *mp, const struct masq_path_cfg *cfg)
{
	if (!use_iptables)
		return masq_path_attach(mp, cfg);
	masq_path_iptables(mp, cfg);
	return 0;
}

void masq_path_down(struct masq_path *mp)
{
	masq_bpf__destroy(mp->skel);
	mp->skel = NULL;
	testns_delete(mp->pod);
	testns_delete(mp->node);
	testns_delete(mp->router);
	testns_delete(mp->remote);
}

__u64 masq_path_counter(const struct masq_path *mp, enum dplab_counter c)
{
	if (!mp->skel)
		return 0;
	return counter_sum(bpf_map__fd(mp->skel->maps.counters), c);
}
