// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One hook's attachments in a running cluster: attach a plan entry's
 * program (pinned link, in the entry's namespace), detach a hook, and
 * whether an attachment was made under other knobs.  Below cluster.c's
 * plan sync and cluster_hooks.c's per-hook programs, which both use it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "cluster/cluster.h"
#include "cluster/cluster_int.h"
#include "util/netns.h"

bool cluster_on_hook(const char *ns, const char *ifname, enum attach_hook hook,
		     const struct attachment *a)
{
	return a->hook == hook && !strcmp(a->ns, ns) && !strcmp(a->ifname, ifname);
}

static void link_pin(const struct topo *t, const char *ns, const struct hook_plan_entry *e,
		     char *buf, size_t len)
{
	const char *dev = strrchr(e->ifname, '/');

	snprintf(buf, len, "%s/%s/links/%s_%.16s_%s_%s", DPLAB_PIN_DIR, t->name, ns,
		 dev ? dev + 1 : e->ifname, attach_hook_name(e->hook), e->prog);
}

int cluster_detach_at(struct cluster *c, int i, char *err, size_t err_len)
{
	struct attachment *a = &c->att[i];
	int saved = -1, ret;

	if (netns_enter(a->ns, &saved))
		saved = -1;	/* the namespace is gone: so is the attachment */
	ret = attach_detach(a, err, err_len);
	netns_leave(saved);
	if (ret)
		return ret;
	memmove(a, a + 1, (c->n_att - i - 1) * sizeof(*a));
	c->n_att--;
	return 0;
}

/* Attach prog_fd (closed here) as entry e, at position in its hook's chain. */
int cluster_attach_entry(struct cluster *c, const struct hook_plan_entry *e, int prog_fd,
			 int position, const struct knobs *k, struct apply_report *r, char *err,
			 size_t err_len)
{
	const char *ns = hook_plan_entry_ns(&c->t, e);
	char pin[PATH_MAX];
	struct attach_request req = {
		.ns = ns, .ifname = e->ifname, .hook = e->hook, .prog_name = e->prog,
		.prog_fd = prog_fd, .xdp_generic = e->xdp_generic,
		.xdp_mechanism = k->xdp_attach, .tc_mechanism = k->tc_attach,
		.tc_priority = position + 1, .pin_path = pin,
	};
	struct attachment *a = &c->att[c->n_att];
	int saved, ret;

	if (c->n_att == HOOK_PLAN_MAX) {
		close(prog_fd);
		return -E2BIG;
	}
	link_pin(&c->t, ns, e, pin, sizeof(pin));
	ret = netns_enter(ns, &saved);
	if (!ret) {
		ret = attach_prog(&req, a, err, err_len);
		netns_leave(saved);
	}
	close(req.prog_fd);
	if (ret)
		return ret;
	c->n_att++;
	r->attached++;
	if (a->fallback[0]) {
		size_t used = strlen(r->notes);

		snprintf(r->notes + used, sizeof(r->notes) - used, "%s %s %s: %s by %s (%s)\n",
			 ns, a->ifname, attach_hook_name(a->hook), a->prog_name,
			 attach_mech_name(a->mech), a->fallback);
	}
	return 0;
}

/*
 * An attachment made under other knobs than k: XDP in the other mode
 * (native/generic), or a hook whose attach knob (xdp_attach, tc_attach)
 * changed since it was attached.  Such a hook is rebuilt, so that `set`
 * of an attach knob or of xdp_lb's mode takes effect at once.
 */
bool cluster_attached_otherwise(const struct cluster *c, const struct attachment *a,
				const struct hook_plan_entry *e, const struct knobs *k)
{
	if (e->hook == HOOK_XDP)
		return !!(a->xdp_flags & XDP_FLAGS_SKB_MODE) != e->xdp_generic ||
		       (c->applied && c->k.xdp_attach != k->xdp_attach);
	if (e->hook == HOOK_TC_INGRESS || e->hook == HOOK_TC_EGRESS)
		return c->applied && c->k.tc_attach != k->tc_attach;
	return false;
}

/* Detach everything on e's hook, last first. */
int cluster_detach_hook(struct cluster *c, const struct hook_plan_entry *e,
			struct apply_report *r, char *err, size_t err_len)
{
	const char *ns = hook_plan_entry_ns(&c->t, e);
	int i, ret;

	for (i = c->n_att - 1; i >= 0; i--) {
		if (!cluster_on_hook(ns, e->ifname, e->hook, &c->att[i]))
			continue;
		ret = cluster_detach_at(c, i, err, err_len);
		if (ret)
			return ret;
		r->detached++;
	}
	return 0;
}
