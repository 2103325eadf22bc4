// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Ports: namespaces, the virtual-interface guard, EAL arguments and the
 * start and stop of one port (one RX and one TX queue): a vdev bound to an
 * interface, or a PCI device driven by its PMD.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pci.h>

#include "dplab/fmt.h"
#include "dplab/names.h"
#include "port.h"

#define PG_RX_DESC 1024
#define PG_TX_DESC 1024

static int origin_ns = -1;
static bool had_run_dir;	/* /var/run/dpdk was there before us */

int pg_netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	if (origin_ns < 0) {
		origin_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (origin_ns < 0)
			return -errno;
	}
	if (dplab_netns_invalid(name))
		return -EINVAL;		/* never a path outside /run/netns */
	if (fmt_fit(path, sizeof(path), "/run/netns/%s", name))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

int pg_netns_restore(void)
{
	if (origin_ns < 0)
		return 0;
	return setns(origin_ns, CLONE_NEWNET) ? -errno : 0;
}

/*
 * Asked through the ethtool ioctl rather than /sys/class/net, whose view
 * belongs to the namespace sysfs was mounted in, not the one we entered.
 */
int pg_iface_is_virtual(const char *iface, char *driver, int len)
{
	/* Not "tun": tun and tap devices (a VPN client's) lead to real networks. */
	static const char *const virt[] = { "veth", "netkit", "dummy" };
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	unsigned int i;
	int fd, err = 0;

	if (strlen(iface) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, iface);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;	/* ENODEV, or EOPNOTSUPP: no driver info (lo) */
	close(fd);
	if (err)
		return err;
	snprintf(driver, len, "%s", info.driver);
	for (i = 0; i < sizeof(virt) / sizeof(virt[0]); i++)
		if (!strcmp(info.driver, virt[i]))
			return 1;
	return 0;
}

int pg_iface_flags(const char *iface)
{
	struct ifreq ifr = { 0 };
	int fd, ret;

	if (strlen(iface) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, iface);
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr) ? -errno : (unsigned short)ifr.ifr_flags;
	close(fd);
	return ret;
}

static int netns_of(const struct pg_port *p)
{
	return p->netns ? pg_netns_enter(p->netns) : pg_netns_restore();
}

const char *pg_pmd_name(enum pg_pmd pmd)
{
	return pmd == PG_PMD_AF_XDP ? "net_af_xdp" : "net_af_packet";
}

int pg_vdev_args(enum pg_pmd pmd, const char *iface, char *buf, int len)
{
	return fmt_fit(buf, len, pmd == PG_PMD_AF_XDP ? "iface=%s,start_queue=0,queue_count=1" :
		       "iface=%s,qpairs=1", iface);
}

int pg_port_name(struct pg_port *p, enum pg_pmd pmd, int index)
{
	struct rte_pci_addr addr;

	if (!p->pci) {
		return fmt_fit(p->dev, sizeof(p->dev), "%s%d", pg_pmd_name(pmd), index);
	}
	if (rte_pci_addr_parse(p->pci, &addr))
		return -EINVAL;
	rte_pci_device_name(&addr, p->dev, sizeof(p->dev));
	return 0;
}

static void add(struct pg_eal_args *ea, const char *fmt, ...)
{
	va_list ap;

	if (ea->argc >= PG_EAL_MAX_ARGS - 1) {
		ea->overflow = true;
		return;
	}
	va_start(ap, fmt);
	ea->overflow |= vfmt_fit(ea->buf[ea->argc], sizeof(ea->buf[0]), fmt, ap) < 0;
	va_end(ap);
	ea->argv[ea->argc] = ea->buf[ea->argc];
	ea->argv[++ea->argc] = NULL;
}

/* Hugepages reserved (any size)? */
static bool have_hugepages(void)
{
	FILE *f = fopen("/proc/sys/vm/nr_hugepages", "r");
	long n = 0;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n > 0;
}

int pg_eal_args_build(struct pg_eal_args *ea, const char *prog, unsigned int lcore,
		      enum pg_pmd pmd, struct pg_port *const *ports, int n)
{
	bool pci = false;
	char devargs[96];
	int i;

	had_run_dir = !access("/var/run/dpdk", F_OK);
	ea->argc = 0;
	ea->overflow = false;
	add(ea, "%s", prog);
	add(ea, "-l%u", lcore);
	for (i = 0; i < n; i++)
		pci |= ports[i]->pci != NULL;
	if (!pci)
		add(ea, "--no-pci");
	add(ea, "--no-telemetry");
	add(ea, "--file-prefix=dplab-pktgen-%ld", (long)getpid());
	add(ea, "--log-level=*:warning");
	/*
	 * No shared config files: --in-memory with hugepages; --no-huge cannot
	 * be combined with it here (it implies legacy memory), --no-shconf
	 * does the same for it.  EAL still makes the empty runtime directory
	 * (pg_eal_runtime_dir_remove()).
	 */
	ea->no_huge = !have_hugepages();
	if (ea->no_huge) {
		add(ea, "--no-huge");
		add(ea, "-m256");	/* the default 64 MB holds one pool */
		add(ea, "--no-shconf");
	} else {
		add(ea, "--in-memory");
	}
	for (i = 0; i < n; i++) {
		if (ports[i]->pci) {
			add(ea, "-a%s", ports[i]->dev);
			continue;
		}
		ea->overflow |= pg_vdev_args(pmd, ports[i]->iface, devargs, sizeof(devargs)) < 0;
		add(ea, "--vdev=%s,%s", ports[i]->dev, devargs);
	}
	if (!ea->overflow)
		return 0;
	fprintf(stderr, "dplab-pktgen: EAL arguments: one does not fit its buffer (a name too "
		"long?): refusing to start with a cut argument\n");
	return -E2BIG;
}

void pg_eal_runtime_dir_remove(void)
{
	char dir[128];

	if (fmt_fit(dir, sizeof(dir), "/var/run/dpdk/dplab-pktgen-%ld", (long)getpid()))
		return;
	/* Only when empty; the parent only if we made it and it is empty. */
	if (!rmdir(dir) && !had_run_dir)
		rmdir("/var/run/dpdk");
}

int pg_port_start(struct pg_port *p, unsigned int nb_mbufs)
{
	struct rte_eth_conf conf = { 0 };
	char name[64];
	int err;

	err = netns_of(p);
	if (!err)
		err = rte_eth_dev_get_port_by_name(p->dev, &p->port_id);
	if (err && p->pci) {
		fprintf(stderr, "dplab-pktgen: PCI device %s: no port: no DPDK driver took it "
			"(no such device, or not bound to vfio-pci / its PMD's driver)\n", p->pci);
		return err;
	}
	if (err) {
		fprintf(stderr, "dplab-pktgen: %s (%s): no such port: %s\n", p->dev, p->iface,
			strerror(-err));
		return err;
	}
	if (fmt_fit(name, sizeof(name), "pool_%s", p->dev))
		return -ENAMETOOLONG;
	p->pool = rte_pktmbuf_pool_create(name, nb_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  rte_eth_dev_socket_id(p->port_id));
	if (!p->pool) {
		fprintf(stderr, "dplab-pktgen: %s: mbuf pool: %s\n", p->dev,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	err = rte_eth_dev_configure(p->port_id, 1, 1, &conf);
	if (!err)
		err = rte_eth_rx_queue_setup(p->port_id, 0, PG_RX_DESC,
					     rte_eth_dev_socket_id(p->port_id), NULL, p->pool);
	if (!err)
		err = rte_eth_tx_queue_setup(p->port_id, 0, PG_TX_DESC,
					     rte_eth_dev_socket_id(p->port_id), NULL);
	if (!err)
		err = rte_eth_dev_start(p->port_id);
	if (err) {
		fprintf(stderr, "dplab-pktgen: %s (%s): configure/start: %s\n", p->dev, pg_port_what(p),
			strerror(-err));
		return err;
	}
	p->started = true;
	return 0;
}

/* Put the interface's promiscuous flag back as it was before DPDK started. */
static void restore_promisc(const struct pg_port *p)
{
	int now = pg_iface_flags(p->iface), fd;
	struct ifreq ifr = { 0 };

	if (p->saved_flags < 0 || now < 0 ||
	    (now & IFF_PROMISC) == (p->saved_flags & IFF_PROMISC))
		return;
	ifr.ifr_flags = (short)((now & ~IFF_PROMISC) | (p->saved_flags & IFF_PROMISC));
	strcpy(ifr.ifr_name, p->iface);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && ioctl(fd, SIOCSIFFLAGS, &ifr))
		fprintf(stderr, "dplab-pktgen: %s: restoring promiscuous mode: %s\n",
			p->iface, strerror(errno));
	if (fd >= 0)
		close(fd);
}

void pg_port_stop(struct pg_port *p)
{
	if (!p->dev[0] || netns_of(p))
		return;
	if (p->started) {
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		p->started = false;
	}
	if (p->iface)		/* a PCI port has no interface flags to restore */
		restore_promisc(p);
	rte_mempool_free(p->pool);
	p->pool = NULL;
}
