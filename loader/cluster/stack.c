// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The knobs that are not BPF programs: routes between the nodes (native or
 * through the VXLAN device), MTUs, kube-proxy's and masquerade's iptables
 * rules, TCP congestion control, and the bandwidth manager's fq check.
 * Each apply function takes the cluster from whatever it is to `want`,
 * and can run again: adds are replaces, removals of what is gone are fine.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "util/cidr.h"
#include "cluster/kubeproxy.h"
#include "util/netns.h"
#include "util/runcmd.h"
#include "cluster/stack.h"
#include "dplab/fmt.h"

#define VXLAN_OVERHEAD 50

static int pod_mtu(const struct topo *t, const struct knobs *k)
{
	return k->routing == ROUTING_VXLAN ? t->pod_mtu - VXLAN_OVERHEAD : t->pod_mtu;
}

int stack_routing(const struct topo *t, const struct knobs *k, char *err, size_t err_len)
{
	char cidr[CIDR_STRLEN], via[INET_ADDRSTRLEN];
	int n, m, i, ret;

	for (n = 0; n < t->n_nodes; n++) {
		const struct topo_node *node = &t->nodes[n];

		/* No ARP over the tunnel: the stack's frames into vx0 (routes
		 * below) go out at once, and overlay_decap on the far side
		 * takes them in as PACKET_HOST whatever their MAC. */
		ret = runcmd(err, err_len, "ip -n %s link set dev vx0 mtu %d arp off", node->ns,
			     node->mtu - VXLAN_OVERHEAD);
		if (ret)
			return ret;
		for (m = 0; m < t->n_nodes; m++) {
			const struct topo_node *peer = &t->nodes[m];

			if (m == n)
				continue;
			cidr_str(&peer->pod_cidr, cidr);
			addr_str(peer->underlay.addr, via);
			if (k->routing == ROUTING_NATIVE)
				ret = runcmd(err, err_len, "ip -n %s route replace %s via %s dev %s",
					     node->ns, cidr, via, node->uplink);
			else
				/* For the stack's own traffic (kube-proxy DNAT, legacy
				 * decap): a light-weight tunnel route into the
				 * metadata-mode VXLAN device. */
				ret = runcmd(err, err_len, "ip -n %s route replace %s encap ip id %u "
					     "dst %s dev vx0", node->ns, cidr, t->vni, via);
			if (ret)
				return ret;
		}
	}
	for (i = 0; i < t->n_pods; i++) {
		const struct topo_pod *pod = &t->pods[i];

		ret = runcmd(err, err_len, "ip -n %s link set dev eth0 mtu %d", pod->ns,
			     pod_mtu(t, k));
		if (!ret)
			ret = runcmd(err, err_len, "ip -n %s link set dev %s mtu %d",
				     t->nodes[pod->node].ns, pod->host_if, pod_mtu(t, k));
		if (ret)
			return ret;
	}
	return 0;
}

int stack_iptables(const struct topo *t, const struct knobs *k, const struct svc_instance *svcs,
		   int n_svcs, char *err, size_t err_len)
{
	int n, ret;

	for (n = 0; n < t->n_nodes; n++) {
		if (k->service_lb == SERVICE_LB_IPTABLES)
			ret = kubeproxy_apply(t, n, svcs, n_svcs, err, err_len);
		else
			ret = kubeproxy_remove(t, n, err, err_len);
		if (ret)
			return ret;
		if (k->masquerade == MASQ_IPTABLES)
			ret = masquerade_iptables_apply(t, n, err, err_len);
		else
			ret = masquerade_iptables_remove(t, n, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

/* A sysctl of namespace ns: /proc/sys/net is that of the opening thread. */
static int set_congestion(const char *ns, const char *cc, char *err, size_t err_len)
{
	static const char path[] = "/proc/sys/net/ipv4/tcp_congestion_control";
	int saved, fd, ret;

	ret = netns_enter(ns, &saved);
	if (ret) {
		snprintf(err, err_len, "namespace %s: %s", ns, strerror(-ret));
		return ret;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ret = fd < 0 || write(fd, cc, strlen(cc)) < 0 ? -errno : 0;
	if (ret)
		snprintf(err, err_len, "congestion=%s in %s: %s: %s", cc, ns, path,
			 strerror(-ret));
	if (fd >= 0)
		close(fd);
	netns_leave(saved);
	return ret;
}

#define ALLOWED_CC "/proc/sys/net/ipv4/tcp_allowed_congestion_control"
#define SAVED_CC "allowed_congestion_control"	/* in the topology's state dir */

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		ret = -EIO;	/* empty: buf holds nothing read */
	else if (!strchr(buf, '\n') && fgetc(f) != EOF)
		ret = -E2BIG;	/* longer than buf: never cut */
	fclose(f);
	if (!ret)
		buf[strcspn(buf, "\n")] = '\0';
	return ret;
}

static int write_line(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(s, f) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/*
 * Writing the allowed list names only algorithms the kernel has: it does
 * not load a module (ENOENT), where Debian's and most distribution kernels
 * build bbr as tcp_bbr.ko (seen on 6.1 under make check-kernels).  A
 * privileged setsockopt(TCP_CONGESTION) does load tcp_<cc>, as the kernel
 * would for a root application asking for it.
 */
static int load_congestion(const char *cc, char *err, size_t err_len)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc)))
		ret = -errno;
	close(fd);
	if (ret)
		snprintf(err, err_len, "congestion=%s: unsupported here, because the kernel has no "
			 "%s (setsockopt TCP_CONGESTION, which loads tcp_%s: %s)", cc, cc, cc,
			 strerror(-ret));
	return ret == -ENOENT ? -EOPNOTSUPP : ret;
}

/*
 * A namespace other than the first may only pick an algorithm the host
 * allows (net.ipv4.tcp_allowed_congestion_control, e.g. "reno bbr" when
 * the host runs BBR).  Allow cc there, keeping what the host had in
 * <state>/allowed_congestion_control for `down` to restore.
 */
static int allow_congestion(const struct topo *t, const char *cc, char *err, size_t err_len)
{
	char allowed[256], want[300], saved[PATH_MAX], word[40];
	int ret;

	ret = read_line(ALLOWED_CC, allowed, sizeof(allowed));
	snprintf(word, sizeof(word), " %s ", cc);
	snprintf(want, sizeof(want), " %s ", allowed);
	if (ret || strstr(want, word))
		return ret;
	ret = load_congestion(cc, err, err_len);
	if (ret)
		return ret;
	topo_state_path(t->name, SAVED_CC, saved, sizeof(saved));
	if (access(saved, F_OK))
		write_line(saved, allowed);
	snprintf(want, sizeof(want), "%s %s", allowed, cc);
	ret = write_line(ALLOWED_CC, want);
	if (ret)
		snprintf(err, err_len, "allowing %s for the cluster's namespaces (%s): %s", cc,
			 ALLOWED_CC, strerror(-ret));
	return ret;
}

int stack_read_saved_cc(const char *path, char *buf, size_t len)
{
	int ret = read_line(path, buf, len);
	const char *c;

	if (ret)
		return ret;
	/* Algorithm names ([a-z0-9_]) one space apart: nothing else reaches the sysctl. */
	for (c = buf; *c; c++)
		if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_' ||
		      (*c == ' ' && c > buf && c[1] && c[1] != ' ')))
			return -EINVAL;
	return c == buf ? -EINVAL : 0;
}

void stack_restore_host(const char *topo)
{
	char saved[PATH_MAX], allowed[256];

	topo_state_path(topo, SAVED_CC, saved, sizeof(saved));
	if (!stack_read_saved_cc(saved, allowed, sizeof(allowed)))
		write_line(ALLOWED_CC, allowed);
}

int stack_congestion(const struct topo *t, const struct knobs *k, char *err, size_t err_len)
{
	const char *cc = k->congestion == CONGESTION_BBR ? "bbr" : "cubic";
	int i, ret;

	ret = allow_congestion(t, cc, err, err_len);
	if (ret)
		return ret;

	for (i = 0; i < t->n_pods; i++) {
		ret = set_congestion(t->pods[i].ns, cc, err, err_len);
		if (ret)
			return ret;
	}
	for (i = 0; i < t->n_nodes; i++) {
		ret = set_congestion(t->nodes[i].ns, cc, err, err_len);
		if (ret)
			return ret;
	}
	for (i = 0; i < t->n_externals; i++) {
		ret = set_congestion(t->externals[i].ns, cc, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The bandwidth manager paces with EDT, which only the fq qdisc enforces:
 * try to create one on the loopback of a scratch namespace.
 */
int stack_bandwidth_manager(const struct knobs *k, char *err, size_t err_len)
{
	char ns[64], why[512];
	int ret;

	if (k->bandwidth_manager == BANDWIDTH_MANAGER_OFF)
		return 0;
	fmt_fit(ns, sizeof(ns), "dplab-fqcheck-%d", getpid());
	ret = runcmd(why, sizeof(why), "ip netns add %s", ns);
	if (!ret)
		ret = runcmd(why, sizeof(why), "tc -n %s qdisc add dev lo root fq", ns);
	runcmd(err, err_len, "ip netns del %s", ns);
	if (!ret)
		return 0;
	snprintf(err, err_len, "bandwidth_manager=on: unsupported here, because the fq qdisc is "
		 "missing (EDT pacing cannot be enforced without it): %s", why);
	return -EOPNOTSUPP;
}
