// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A cluster as JSON: its attachments (`dplab status --json`) and the
 * outcome of `dplab up|set --json` (docs/cluster-json.md), one builder
 * each so the two outputs describe an attachment the same way.
 */
#include <errno.h>
#include <string.h>

#include "cluster/cluster.h"

static json_t *attachment_json(const struct attachment *a)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:o}",
		"namespace", a->ns, "device", a->ifname, "hook", attach_hook_name(a->hook),
		"program", a->prog_name, "mechanism", attach_mech_name(a->mech),
		"prog_id", a->prog_id,
		"fallback", a->fallback[0] ? json_string(a->fallback) : json_null());
}

json_t *cluster_attachments_json(const struct cluster *c, bool only_fallbacks)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; i < c->n_att; i++)
		if (!only_fallbacks || c->att[i].fallback[0])
			json_array_append_new(arr, attachment_json(&c->att[i]));
	return arr;
}

/* The lines of text as an array of strings (empty lines dropped). */
static json_t *lines_json(const char *text)
{
	json_t *arr = json_array();
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p += n + (p[n] == '\n');
	}
	return arr;
}

json_t *cluster_apply_json(const char *cmd, const struct cluster *c,
			   const struct apply_report *r, int ret, const char *err)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:o,s:b,s:o,s:i,s:i,s:i,s:f,s:o,s:o}",
		"schema", "dplab.apply/1", "command", cmd, "topology", c->t.name,
		"ok", !ret, "error", ret ? json_string(err) : json_null(),
		"unsupported", ret == -EOPNOTSUPP,
		"knobs", c->applied ? knobs_to_json(&c->k) : json_null(),
		"attached", r->attached, "detached", r->detached, "reloaded", r->reloaded,
		"seconds", r->seconds, "notes", lines_json(ret ? "" : r->notes),
		"fallbacks", cluster_attachments_json(c, true));
}
