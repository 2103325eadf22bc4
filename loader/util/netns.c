// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "dplab/names.h"
#include "util/netns.h"
#include "dplab/fmt.h"

int netns_enter(const char *name, int *saved)
{
	char path[PATH_MAX];
	int fd, err = 0;

	*saved = -1;
	if (dplab_netns_invalid(name))
		return -EINVAL;		/* never a path outside /run/netns */
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	if (fmt_fit(path, sizeof(path), "/run/netns/%s", name)) {
		err = -ENAMETOOLONG;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
out:
	if (err) {
		close(*saved);
		*saved = -1;
	}
	return err;
}

void netns_leave(int saved)
{
	if (saved < 0)
		return;
	setns(saved, CLONE_NEWNET);
	close(saved);
}

bool netns_exists(const char *name)
{
	char path[PATH_MAX];

	if (dplab_netns_invalid(name))
		return false;
	fmt_fit(path, sizeof(path), "/run/netns/%s", name);
	return !access(path, F_OK);
}

int netns_is_current(const char *name)
{
	struct stat named, current;
	char path[PATH_MAX];

	if (dplab_netns_invalid(name))
		return -EINVAL;
	fmt_fit(path, sizeof(path), "/run/netns/%s", name);
	if (stat(path, &named) || stat("/proc/thread-self/ns/net", &current))
		return -errno;
	return named.st_dev == current.st_dev && named.st_ino == current.st_ino;
}

int netns_link_addr(const char *ns, const char *dev, unsigned char mac[6], unsigned int *ifindex,
		    const char **what)
{
	struct ifreq ifr = { 0 };
	int saved = -1, fd = -1, rc;

	*what = "entering the namespace";
	if (ns) {
		rc = netns_enter(ns, &saved);
		if (rc)
			return rc;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	*what = "a socket";
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	*what = "MAC address";
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		rc = -errno;
		goto out;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	*what = "ifindex";
	if (ioctl(fd, SIOCGIFINDEX, &ifr)) {
		rc = -errno;
		goto out;
	}
	*ifindex = ifr.ifr_ifindex;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ns)
		netns_leave(saved);
	return rc;
}
