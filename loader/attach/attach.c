// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * attach_prog() and attach_detach(): which mechanisms a request tries, in
 * which order, and the messages around them.  The mechanisms themselves
 * are in attach_xdp.c, attach_tc.c and attach_link.c; the state file in
 * attach_state.c.
 *
 * Order per hook and mode:
 *   XDP  auto: bpf_link, then netlink     link / netlink / libxdp: that one
 *   tc   auto: tcx link, then legacy tc   tcx / legacy: that one
 *   cgroup sock_addr hooks: bpf_link
 * A link is kept only when it can be pinned (bpffs at the pin's path);
 * when it cannot, auto goes on to the mechanism that needs no pin.  auto
 * stops at EEXIST (the pin exists, or the program is on the hook already):
 * that is a leftover to remove, not a reason to attach a second way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>

#include "attach/attach_int.h"
#include "util/log.h"
#include "util/netns.h"

#define HOOK_COUNT (HOOK_CGROUP_GETPEERNAME6 + 1)
#define MECH_COUNT (MECH_CGROUP_LINK + 1)
#define MAX_TRIES 2
#define WHERE_LEN (PATH_MAX + 96)

typedef int (*attach_fn)(const struct attach_target *t, struct attachment *a,
			 char *why, size_t len);
typedef int (*detach_fn)(const struct attachment *a, char *why, size_t len);

static const struct {
	const char *name;	/* attach_mech_name(), the state file */
	const char *how;	/* "by <how>" in messages */
	bool device;		/* a device hook (else a cgroup's) */
	bool xdp;		/* an XDP mechanism (else tc), when device */
	bool link;		/* a pinned bpf_link */
	attach_fn attach;
	detach_fn detach;
} mechanisms[MECH_COUNT] = {
	[MECH_XDP_LINK] = { "link", "bpf_link", true, true, true, attach_xdp_link, detach_link },
	[MECH_XDP_NETLINK] = { "netlink", "netlink", true, true, false, attach_xdp_netlink,
			       detach_xdp_netlink },
	[MECH_XDP_LIBXDP] = { "libxdp", "libxdp", true, true, false, attach_xdp_libxdp,
			      detach_xdp_libxdp },
	[MECH_TCX] = { "tcx", "tcx link", true, false, true, attach_tcx, detach_link },
	[MECH_TC_LEGACY] = { "legacy", "legacy tc (clsact)", true, false, false,
			     attach_tc_legacy, detach_tc_legacy },
	[MECH_CGROUP_LINK] = { "cgroup-link", "bpf_link", false, false, true,
			       attach_cgroup_link, detach_link },
};

static const struct {
	const char *name;	/* attach_hook_name(), the state file */
	const char *what;	/* in messages */
} hooks[HOOK_COUNT] = {
	[HOOK_XDP] = { "xdp", "XDP" },
	[HOOK_TC_INGRESS] = { "tc-ingress", "tc ingress" },
	[HOOK_TC_EGRESS] = { "tc-egress", "tc egress" },
	[HOOK_CGROUP_CONNECT4] = { "cgroup-connect4", "cgroup connect4" },
	[HOOK_CGROUP_SENDMSG4] = { "cgroup-sendmsg4", "cgroup sendmsg4" },
	[HOOK_CGROUP_RECVMSG4] = { "cgroup-recvmsg4", "cgroup recvmsg4" },
	[HOOK_CGROUP_GETPEERNAME4] = { "cgroup-getpeername4", "cgroup getpeername4" },
	[HOOK_CGROUP_CONNECT6] = { "cgroup-connect6", "cgroup connect6" },
	[HOOK_CGROUP_RECVMSG6] = { "cgroup-recvmsg6", "cgroup recvmsg6" },
	[HOOK_CGROUP_GETPEERNAME6] = { "cgroup-getpeername6", "cgroup getpeername6" },
};

const char *attach_hook_name(enum attach_hook h)
{
	return (unsigned int)h < HOOK_COUNT ? hooks[h].name : "unknown-hook";
}

const char *attach_mech_name(enum attach_mechanism m)
{
	return (unsigned int)m < MECH_COUNT ? mechanisms[m].name : "unknown-mechanism";
}

int attach_hook_by_name(const char *name)
{
	int h;

	for (h = 0; h < HOOK_COUNT; h++)
		if (!strcmp(hooks[h].name, name))
			return h;
	return -EINVAL;
}

int attach_mech_by_name(const char *name)
{
	int m;

	for (m = 0; m < MECH_COUNT; m++)
		if (!strcmp(mechanisms[m].name, name))
			return m;
	return -EINVAL;
}

static bool is_device_hook(enum attach_hook h)
{
	return h == HOOK_XDP || h == HOOK_TC_INGRESS || h == HOOK_TC_EGRESS;
}

bool attach_mech_fits_hook(enum attach_mechanism m, enum attach_hook h)
{
	if ((unsigned int)m >= MECH_COUNT || (unsigned int)h >= HOOK_COUNT)
		return false;
	if (!mechanisms[m].device)
		return !is_device_hook(h);
	return is_device_hook(h) && mechanisms[m].xdp == (h == HOOK_XDP);
}

bool attach_mech_is_link(enum attach_mechanism m)
{
	return (unsigned int)m < MECH_COUNT && mechanisms[m].link;
}

/* "eth0 in dplab-x-node1", "eth0", or "cgroup /sys/fs/cgroup/..." */
static void describe_where(const char *ns, const char *ifname, enum attach_hook h,
			   char *buf, size_t len)
{
	if (!is_device_hook(h))
		snprintf(buf, len, "cgroup %s", ifname);
	else if (ns && ns[0])
		snprintf(buf, len, "%s in %s", ifname, ns);
	else
		snprintf(buf, len, "%s", ifname);
}

/* "XDP native", "tc ingress", "cgroup connect4" */
static void describe_hook(enum attach_hook h, bool xdp_generic, char *buf, size_t len)
{
	if ((unsigned int)h >= HOOK_COUNT)
		snprintf(buf, len, "unknown hook %d", (int)h);
	else if (h == HOOK_XDP)
		snprintf(buf, len, "XDP %s", xdp_generic ? "generic" : "native");
	else
		snprintf(buf, len, "%s", hooks[h].what);
}

/* The mechanisms to try, in order; how many, or -EINVAL for a bad mode. */
static int mechanisms_to_try(const struct attach_request *req,
			     enum attach_mechanism order[MAX_TRIES])
{
	if (req->hook == HOOK_XDP) {
		switch (req->xdp_mechanism) {
		case XDP_ATTACH_AUTO:
			order[0] = MECH_XDP_LINK;
			order[1] = MECH_XDP_NETLINK;
			return 2;
		case XDP_ATTACH_LINK:
			order[0] = MECH_XDP_LINK;
			return 1;
		case XDP_ATTACH_NETLINK:
			order[0] = MECH_XDP_NETLINK;
			return 1;
		case XDP_ATTACH_LIBXDP:
			order[0] = MECH_XDP_LIBXDP;
			return 1;
		}
		return -EINVAL;
	}
	if (is_device_hook(req->hook)) {
		switch (req->tc_mechanism) {
		case TC_ATTACH_AUTO:
			order[0] = MECH_TCX;
			order[1] = MECH_TC_LEGACY;
			return 2;
		case TC_ATTACH_TCX:
			order[0] = MECH_TCX;
			return 1;
		case TC_ATTACH_LEGACY:
			order[0] = MECH_TC_LEGACY;
			return 1;
		}
		return -EINVAL;
	}
	order[0] = MECH_CGROUP_LINK;
	return 1;
}

/* Names and the program's id into *a; 0 or -errno with why. */
static int describe_attachment(const struct attach_request *req, struct attachment *a,
			       char *why, size_t len)
{
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	int err;

	if (!req->ifname || !req->ifname[0] || (unsigned int)req->hook >= HOOK_COUNT) {
		snprintf(why, len, "no device or cgroup, or an unknown hook (EINVAL)");
		return -EINVAL;
	}
	if (snprintf(a->ifname, sizeof(a->ifname), "%s", req->ifname) >= (int)sizeof(a->ifname) ||
	    snprintf(a->ns, sizeof(a->ns), "%s", req->ns ? req->ns : "") >= (int)sizeof(a->ns)) {
		snprintf(why, len, "device or namespace name too long (ENAMETOOLONG)");
		return -ENAMETOOLONG;
	}
	if (req->pin_path && strlen(req->pin_path) >= sizeof(a->pin)) {
		snprintf(why, len, "pin path longer than %zu bytes (ENAMETOOLONG)",
			 sizeof(a->pin) - 1);
		return -ENAMETOOLONG;
	}
	a->hook = req->hook;
	memset(&info, 0, sizeof(info));
	err = bpf_prog_get_info_by_fd(req->prog_fd, &info, &info_len);
	if (err) {
		snprintf(why, len, "reading the program's id (fd %d): %s", req->prog_fd,
			 errno_name(err));
		return err;
	}
	a->prog_id = info.id;
	snprintf(a->prog_name, sizeof(a->prog_name), "%s",
		 req->prog_name && req->prog_name[0] ? req->prog_name : info.name);
	return 0;
}

/* Clear what a failed mechanism may have left in *a before the next. */
static void reset_mechanism_fields(struct attachment *a)
{
	a->pin[0] = '\0';
	a->xdp_flags = 0;
	a->tc_handle = 0;
	a->tc_priority = 0;
	a->fallback[0] = '\0';
}

/*
 * Each mechanism in order until one works; *tried says how many ran.  A
 * failed one leaves why[i]; EEXIST ends the search (see the top).
 */
static int try_in_order(const struct attach_target *t, const enum attach_mechanism *order,
			int n, struct attachment *a, char why[][WHY_LEN], int *tried)
{
	int i, ret = -EINVAL;

	for (i = 0; i < n; i++) {
		reset_mechanism_fields(a);
		a->mech = order[i];
		ret = mechanisms[order[i]].attach(t, a, why[i], WHY_LEN);
		if (!ret || ret == -EEXIST)
			break;
	}
	*tried = i < n ? i + 1 : n;
	return ret;
}

int attach_prog(const struct attach_request *req, struct attachment *a, char *err, size_t err_len)
{
	enum attach_mechanism order[MAX_TRIES];
	struct attach_target t = { .req = req };
	char where[WHERE_LEN], hook[32], why[MAX_TRIES][WHY_LEN];
	int n, tried, ret;

	memset(a, 0, sizeof(*a));
	describe_where(req->ns, req->ifname ? req->ifname : "?", req->hook, where, sizeof(where));
	describe_hook(req->hook, req->xdp_generic, hook, sizeof(hook));
	ret = describe_attachment(req, a, why[0], WHY_LEN);
	if (ret) {
		snprintf(err, err_len, "%s: attaching %s (%s): %s", where,
			 req->prog_name ? req->prog_name : "program", hook, why[0]);
		goto out;
	}
	n = mechanisms_to_try(req, order);
	if (n < 0) {
		ret = n;
		snprintf(err, err_len, "%s: attaching %s (%s): unknown attach mode %d", where,
			 a->prog_name, hook, req->hook == HOOK_XDP ? (int)req->xdp_mechanism :
			 (int)req->tc_mechanism);
		goto out;
	}
	if (is_device_hook(req->hook)) {
		ret = attach_check_in_netns(req->ns, why[0], WHY_LEN);
		if (ret) {
			snprintf(err, err_len, "%s: attaching %s (%s): %s", where, a->prog_name,
				 hook, why[0]);
			goto out;
		}
		t.ifindex = if_nametoindex(req->ifname);
		if (!t.ifindex) {
			ret = -ENODEV;
			snprintf(err, err_len, "%s: attaching %s (%s): no such device (ENODEV)",
				 where, a->prog_name, hook);
			goto out;
		}
	}
	t.xdp_mode_flag = req->xdp_generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;

	ret = try_in_order(&t, order, n, a, why, &tried);
	if (ret) {
		snprintf(err, err_len, "%s: attaching %s (%s) by %s failed: %s%s%s%s%s", where,
			 a->prog_name, hook, mechanisms[order[0]].how, why[0],
			 tried > 1 ? "; by " : "", tried > 1 ? mechanisms[order[1]].how : "",
			 tried > 1 ? ": " : "", tried > 1 ? why[1] : "");
		goto out;
	}
	if (tried > 1)
		snprintf(a->fallback, sizeof(a->fallback), "%s failed: %.*s",
			 mechanisms[order[0]].how, (int)sizeof(a->fallback) - 32, why[0]);
	log_debug("attach: %s: %s (%s) attached by %s%s%s\n", where, a->prog_name, hook,
		  mechanisms[a->mech].how, a->fallback[0] ? "; " : "", a->fallback);
out:
	if (ret)
		memset(a, 0, sizeof(*a));
	return ret;
}

int attach_detach(const struct attachment *a, char *err, size_t err_len)
{
	char where[WHERE_LEN], why[WHY_LEN];
	int ret;

	describe_where(a->ns, a->ifname, a->hook, where, sizeof(where));
	if (!attach_mech_fits_hook(a->mech, a->hook)) {
		snprintf(err, err_len,
			 "%s: detaching %s: mechanism %s does not fit hook %s (EINVAL)", where,
			 a->prog_name, attach_mech_name(a->mech), attach_hook_name(a->hook));
		return -EINVAL;
	}
	ret = mechanisms[a->mech].detach(a, why, sizeof(why));
	if (ret)
		snprintf(err, err_len, "%s: detaching %s (%s, attached by %s): %s", where,
			 a->prog_name, hooks[a->hook].what, mechanisms[a->mech].how, why);
	return ret;
}
