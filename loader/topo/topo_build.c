// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `topo up`: the namespaces, veths, bridge, VXLAN device, addresses and
 * routes of topo.h's layout, made with iproute2 (one `ip` per step, so a
 * failure names the command and quotes ip's own message).  Every step can
 * run again: links are made only when missing, addresses and routes are
 * replaced.  Routes between nodes are not made here: the routing knob
 * adds them (native) or sends pod traffic through vx0 (overlay).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "util/cidr.h"
#include "util/fsutil.h"
#include "util/netns.h"
#include "util/runcmd.h"
#include "topo/topo.h"
#include "dplab/fmt.h"

#define VXLAN_PORT 4789
#define CMD_ERR 768

struct build {
	const struct topo *t;
	const char *what;		/* "node node1", for messages */
	char *err;
	size_t err_len;
};

/* -errno with err = "<what>: <reason>". */
static int fail(struct build *b, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct build *b, int ret, const char *fmt, ...)
{
	int n = snprintf(b->err, b->err_len, "%s: ", b->what);
	va_list ap;

	if (n >= 0 && (size_t)n < b->err_len) {
		va_start(ap, fmt);
		vsnprintf(b->err + n, b->err_len - n, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* Run "ip ARGS"; its failure as "<what>: 'ip ...' failed: <ip's message>". */
static int ip(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ip(struct build *b, const char *fmt, ...)
{
	char why[CMD_ERR];
	struct argv a;
	va_list ap;
	int ret;

	argv_init(&a);
	argv_add(&a, "ip");
	va_start(ap, fmt);
	argv_vwords(&a, fmt, ap);
	va_end(ap);
	if (a.err)
		return fail(b, a.err, "'ip %s': %s", fmt, argv_error(&a));
	ret = runcmd_argv(why, sizeof(why), &a);
	return ret ? fail(b, ret, "%s", why) : 0;
}

/* A termination signal the caller blocked and that is waiting. */
static int interrupted(struct build *b)
{
	sigset_t pending;

	if (sigpending(&pending))
		return 0;
	if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
	    sigismember(&pending, SIGHUP))
		return fail(b, -EINTR, "interrupted");
	return 0;
}

static bool link_exists(const char *ns, const char *dev)
{
	unsigned int ifindex;
	int saved;

	if (netns_enter(ns, &saved))
		return false;
	ifindex = if_nametoindex(dev);
	netns_leave(saved);
	return ifindex;
}

/* Write VALUE to /proc/sys/PATH as seen from inside NS. */
static int sysctl_set(struct build *b, const char *ns, const char *path, const char *value,
		      bool may_lack)
{
	char file[PATH_MAX];
	int saved, fd, ret;

	if (fmt_fit(file, sizeof(file), "/proc/sys/%s", path))
		return fail(b, -ENAMETOOLONG, "sysctl %s: name too long", path);
	ret = netns_enter(ns, &saved);
	if (ret)
		return fail(b, ret, "entering namespace %s: %s", ns, strerror(-ret));
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		ret = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	netns_leave(saved);
	if (ret == -ENOENT && may_lack)
		return 0;
	return ret ? fail(b, ret, "setting %s = %s in %s: %s", path, value, ns,
			  strerror(-ret)) : 0;
}

/*
 * A namespace with lo up and IPv6 off (no neighbour discovery or MLD
 * chatter on links that are measured; a kernel without IPv6 is fine).
 */
static int make_ns(struct build *b, const char *ns)
{
	int ret = interrupted(b);

	if (!ret && !netns_exists(ns))
		ret = ip(b, "netns add %s", ns);
	return ret ?:
	       sysctl_set(b, ns, "net/ipv6/conf/all/disable_ipv6", "1", true) ?:
	       sysctl_set(b, ns, "net/ipv6/conf/default/disable_ipv6", "1", true) ?:
	       ip(b, "-n %s link set dev lo up", ns);
}

/* A veth DEV in NS whose peer PEER lands in PEER_NS (both MTU mtu). */
static int make_veth(struct build *b, const char *ns, const char *dev, const char *peer,
		     const char *peer_ns, int mtu)
{
	if (link_exists(ns, dev))
		return 0;
	return ip(b, "-n %s link add %s mtu %d type veth peer name %s mtu %d netns %s", ns, dev,
		  mtu, peer, mtu, peer_ns);
}

static int build_fabric(struct build *b)
{
	const char *ns = b->t->fabric_ns;

	b->what = "fabric";
	return make_ns(b, ns) ?:
	       (link_exists(ns, "br0") ? 0 : ip(b, "-n %s link add br0 type bridge", ns)) ?:
	       ip(b, "-n %s link set dev br0 up", ns);
}

/*
 * Frames on a real wire carry complete checksums; a veth hands over the
 * sender's CHECKSUM_PARTIAL instead, and an XDP program that rewrites
 * such a frame (NodePort LB) would send a checksum the receiver rejects.
 * With tx checksumming off, the stack completes every checksum before the
 * frame enters the fabric, as a NIC would.
 */
static int wire_checksums(struct build *b, const char *ns)
{
	char why[512];
	int ret;

	ret = runcmd(why, sizeof(why), "ip netns exec %s ethtool -K eth0 tx off", ns);
	return ret ? fail(b, ret, "turning tx checksum offload off on eth0 in %s: %s", ns, why) : 0;
}

/* An uplink "eth0" in NS: a veth from the fabric bridge, or a real NIC. */
static int make_uplink(struct build *b, const char *ns, const char *port, const char *real_dev,
		       int mtu)
{
	const char *fabric = b->t->fabric_ns;

	if (real_dev[0]) {
		if (link_exists(ns, "eth0"))
			return 0;
		return ip(b, "link set dev %s netns %s", real_dev, ns) ?:
		       ip(b, "-n %s link set dev %s name eth0", ns, real_dev);
	}
	return make_veth(b, fabric, port, "eth0", ns, mtu) ?:
	       ip(b, "-n %s link set dev %s master br0 up", fabric, port) ?:
	       wire_checksums(b, ns);
}

/* The node's cgroup (socket LB): on the cgroup v2 hierarchy only. */
static int make_cgroup(struct build *b, const char *node)
{
	const char *root = DPLAB_CGROUP_DIR, *slash = strrchr(root, '/');
	char path[PATH_MAX], mount[PATH_MAX];
	struct statfs fs;
	int ret;

	/* The cgroup2 mount: root without its last component ("" never matches). */
	fmt_fit(mount, sizeof(mount), "%.*s", slash ? (int)(slash - root) : 0, root);
	if (statfs(mount, &fs) || fs.f_type != CGROUP2_SUPER_MAGIC)
		return fail(b, -ENOTSUP, "%s is not a cgroup v2 file system, and none is mounted "
			    "elsewhere (/proc/self/mounts): mount -t cgroup2 none %s", mount,
			    mount);
	topo_cgroup_path(b->t->name, node, path, sizeof(path));
	ret = mkdir_p(path, 0755);
	return ret ? fail(b, ret, "creating cgroup %s: %s", path, strerror(-ret)) : 0;
}

static int build_node(struct build *b, const struct topo_node *n)
{
	char what[TOPO_NAME + 8], a[CIDR_STRLEN];
	const char *ns = n->ns;

	snprintf(what, sizeof(what), "node %s", n->name);
	b->what = what;
	return make_ns(b, ns) ?:
	       sysctl_set(b, ns, "net/ipv4/ip_forward", "1", false) ?:
	       sysctl_set(b, ns, "net/ipv4/conf/all/rp_filter", "0", false) ?:
	       sysctl_set(b, ns, "net/ipv4/conf/default/rp_filter", "0", false) ?:
	       make_uplink(b, ns, n->name, n->real_dev, n->mtu) ?:
	       ip(b, "-n %s link set dev eth0 mtu %d up", ns, n->mtu) ?:
	       ip(b, "-n %s addr replace %s dev eth0", ns, cidr_str(&n->underlay, a)) ?:
	       (link_exists(ns, "vx0") ? 0 :
		ip(b, "-n %s link add vx0 type vxlan external dstport %d", ns, VXLAN_PORT)) ?:
	       ip(b, "-n %s link set dev vx0 up", ns) ?:
	       make_cgroup(b, n->name);
}

static int build_pod(struct build *b, const struct topo_pod *p)
{
	const struct topo_node *n = &b->t->nodes[p->node];
	char what[TOPO_NAME * 2 + 8], ip4[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	int mtu = b->t->pod_mtu;

	snprintf(what, sizeof(what), "pod %s/%s", n->name, p->name);
	b->what = what;
	addr_str(p->ip, ip4);
	addr_str(n->gateway, gw);
	return make_ns(b, p->ns) ?:
	       make_veth(b, n->ns, p->host_if, "eth0", p->ns, mtu) ?:
	       ip(b, "-n %s link set dev eth0 mtu %d up", p->ns, mtu) ?:
	       ip(b, "-n %s addr replace %s/32 dev eth0", p->ns, ip4) ?:
	       ip(b, "-n %s route replace default via %s dev eth0 onlink", p->ns, gw) ?:
	       ip(b, "-n %s link set dev %s mtu %d up", n->ns, p->host_if, mtu) ?:
	       ip(b, "-n %s addr replace %s/32 dev %s", n->ns, gw, p->host_if) ?:
	       ip(b, "-n %s route replace %s/32 dev %s", n->ns, ip4, p->host_if);
}

static int build_external(struct build *b, const struct topo_external *e)
{
	char what[TOPO_NAME + 12], a[CIDR_STRLEN];

	snprintf(what, sizeof(what), "external %s", e->name);
	b->what = what;
	return make_ns(b, e->ns) ?:
	       make_uplink(b, e->ns, e->name, "", e->mtu) ?:
	       ip(b, "-n %s link set dev eth0 mtu %d up", e->ns, e->mtu) ?:
	       ip(b, "-n %s addr replace %s dev eth0", e->ns, cidr_str(&e->addr, a));
}

/* None of our namespaces is one another topology that is up declares. */
static int check_claims(struct build *b)
{
	const char *ns[TOPO_MAX_NS];
	int i, n = topo_namespaces(b->t, ns), n_others, ret = 0;
	struct topo *others = topo_others_up(b->t->name, &n_others);
	const struct topo *owner;

	for (i = 0; i < n && !ret; i++) {
		owner = topo_ns_claimed(others, n_others, ns[i]);
		if (owner)
			ret = fail(b, -EEXIST, "namespace %s is one of topology %s, which is up: "
				   "rename the topology or that object", ns[i], owner->name);
	}
	free(others);
	return ret;
}

int topo_build(const struct topo *t, char *err, size_t err_len)
{
	struct build b = { .t = t, .what = t->name, .err = err, .err_len = err_len };
	int i, ret;

	ret = check_claims(&b) ?: topo_state_save(t, err, err_len) ?: build_fabric(&b);
	for (i = 0; !ret && i < t->n_nodes; i++)
		ret = build_node(&b, &t->nodes[i]);
	for (i = 0; !ret && i < t->n_pods; i++)
		ret = build_pod(&b, &t->pods[i]);
	for (i = 0; !ret && i < t->n_externals; i++)
		ret = build_external(&b, &t->externals[i]);
	return ret ?: interrupted(&b);
}
