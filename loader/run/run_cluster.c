// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The cluster under `dplab run`, driven through this binary's own `up`,
 * `set`, `status --json` and `down` (each transactional and safe against
 * signals on its own), and the facts of the machine for the report.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>

#include "util/netns.h"
#include "run/run.h"
#include "run/run_cluster.h"
#include "util/platform.h"
#include "util/runcmd.h"
#include "dplab/fmt.h"

#define CHANGE_TIMEOUT_S 300

/* Every knob as one argument "routing=native", "host_routing=legacy", ... */
static void assignments(const struct knobs *k, struct argv *a)
{
	char v[32];
	int i;

	for (i = 0; i < KNOB_COUNT; i++) {
		knob_value(k, i, v, sizeof(v));
		argv_add(a, "%s=%s", knob_name(i), v);
	}
}

/*
 * The document `dplab up|set --json` printed (docs/cluster-json.md): the
 * first line of out that opens a JSON object; NULL if there is none.
 */
static json_t *apply_doc(const char *out)
{
	const char *p = out;

	while (p && *p && *p != '{') {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return p && *p ? json_loads(p, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
}

/* Notes: the document's notes, one per line. */
static void doc_notes(json_t *doc, char *notes, size_t len)
{
	size_t i, used = 0;
	json_t *n;

	notes[0] = '\0';
	json_array_foreach(json_object_get(doc, "notes"), i, n)
		if (json_is_string(n) && used < len)
			used += snprintf(notes + used, len - used, "%s\n", json_string_value(n));
}

/*
 * Why an apply failed, from the document: -EOPNOTSUPP for a knob this
 * machine cannot have (its reason also goes to the notes, without the
 * command's own text after ": '"), else -EIO.
 */
static int doc_error(json_t *doc, const char *out, char *notes, size_t notes_len, char *err,
		     size_t err_len)
{
	const char *why = json_string_value(json_object_get(doc, "error"));
	const char *cmd;

	if (!why) {	/* no document: the first line of what the child said */
		snprintf(err, err_len, "%.*s", (int)strcspn(out ? out : "", "\n"), out ? out : "");
		return -EIO;
	}
	if (!json_is_true(json_object_get(doc, "unsupported"))) {
		snprintf(err, err_len, "%s", why);
		return -EIO;
	}
	if (strstr(why, "unsupported here"))	/* the reason, without the knob=value */
		why = strstr(why, "unsupported here");
	snprintf(notes, notes_len, "%s\n", why);
	cmd = strstr(why, ": '");
	snprintf(err, err_len, "%.*s", cmd ? (int)(cmd - why) : (int)strlen(why), why);
	return -EOPNOTSUPP;
}

int run_cluster_apply(struct run_ctx *x, const struct knobs *k, bool first, char *notes,
		      size_t notes_len, char *err, size_t err_len)
{
	struct run_child c;
	struct argv a;
	json_t *doc;
	int rc;

	argv_init(&a);
	argv_add(&a, "%s", x->self);
	argv_add(&a, first ? "up" : "set");
	argv_words(&a, "--json --topology");
	argv_add(&a, "%s", first ? x->plan->topology : x->t.name);
	assignments(k, &a);
	rc = run_child_run(&c, CHANGE_TIMEOUT_S, NULL, &a);
	doc = apply_doc(c.buf);
	doc_notes(doc, notes, notes_len);
	if (rc || !json_is_true(json_object_get(doc, "ok")))
		rc = doc_error(doc, c.buf, notes, notes_len, err, err_len);
	json_decref(doc);
	run_child_free(&c);
	return rc;
}

int run_cluster_flush_conntrack(struct run_ctx *x, char *err, size_t err_len)
{
	int i, rc = 0;

	for (i = 0; i < x->t.n_nodes && !rc; i++)
		rc = runcmd(err, err_len, "ip netns exec %s conntrack -F", x->t.nodes[i].ns);
	return rc;
}

/* Delete every entry of the LRU map pinned at path; entries deleted, or -errno. */
static int empty_lru(const char *path)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char key[256], next[256];
	int fd = bpf_obj_get(path), n = 0;

	if (fd < 0)
		return -errno;
	if (bpf_map_get_info_by_fd(fd, &info, &len) || info.key_size > sizeof(key) ||
	    (info.type != BPF_MAP_TYPE_LRU_HASH && info.type != BPF_MAP_TYPE_LRU_PERCPU_HASH)) {
		close(fd);
		return 0;
	}
	/* Always take the first key: deleting while walking could skip entries. */
	while (!bpf_map_get_next_key(fd, NULL, next) && n < (int)info.max_entries * 2) {
		memcpy(key, next, info.key_size);
		if (bpf_map_delete_elem(fd, key))
			break;
		n++;
	}
	close(fd);
	return n;
}

int run_cluster_flush_bpf(struct run_ctx *x, char *err, size_t err_len)
{
	char pattern[PATH_MAX];
	glob_t g;
	size_t i;
	int rc, n = 0;

	if (fmt_fit(pattern, sizeof(pattern), "/sys/fs/bpf/dplab/%s/*/*/maps/*", x->t.name)) {
		snprintf(err, err_len, "BPF pins of %s: the path is too long", x->t.name);
		return -ENAMETOOLONG;
	}
	if (glob(pattern, 0, NULL, &g))
		return 0;	/* nothing pinned: no BPF datapath in force */
	for (i = 0; i < g.gl_pathc; i++) {
		rc = empty_lru(g.gl_pathv[i]);
		if (rc < 0) {
			snprintf(err, err_len, "emptying %s: %s", g.gl_pathv[i], strerror(-rc));
			globfree(&g);
			return rc;
		}
		n += rc;
	}
	globfree(&g);
	return n;
}

json_t *run_cluster_status(struct run_ctx *x)
{
	struct run_child c;
	json_t *j = NULL;
	struct argv a;

	argv_init(&a);
	argv_add(&a, "%s", x->self);
	argv_words(&a, "status --topology %s --json", x->t.name);
	if (!run_child_run(&c, 30, NULL, &a) && c.buf)
		j = json_loads(strchr(c.buf, '{') ? strchr(c.buf, '{') : c.buf,
			       JSON_DISABLE_EOF_CHECK, NULL);
	run_child_free(&c);
	return j;
}

void run_cluster_down(struct run_ctx *x)
{
	struct run_child c;
	char line[256];
	struct argv a;

	argv_init(&a);
	argv_add(&a, "%s", x->self);
	argv_words(&a, "down --topology %s", x->t.name);
	if (run_child_run(&c, CHANGE_TIMEOUT_S, NULL, &a))
		fprintf(stderr, "dplab run: down %s: %s\n", x->t.name,
			run_child_message(&c, line, sizeof(line)));
	run_child_free(&c);
}

/* The ethtool driver of dev in ns; "" when it cannot be asked. */
static void driver_of(const char *ns, const char *dev, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int saved, fd;

	buf[0] = 0;
	if (netns_enter(ns, &saved))
		return;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&info;
	if (fd >= 0 && !ioctl(fd, SIOCETHTOOL, &ifr))
		snprintf(buf, len, "%s", info.driver);
	if (fd >= 0)
		close(fd);
	netns_leave(saved);
}

/* The CPU model, "unknown" where /proc/cpuinfo names none. */
static void cpu_model(char *buf, size_t len)
{
	if (platform_cpu_model("", buf, len))
		snprintf(buf, len, "unknown");
}

json_t *run_machine(struct run_ctx *x, const struct run_cpus *cpus)
{
	char host[256] = "", cpu[160], drv[32], ipt[128] = "", hv[32];
	bool virt = platform_hypervisor(hv, sizeof(hv));
	json_t *ports = json_array();
	struct run_child c;
	struct argv a;
	struct utsname u;
	int i;

	gethostname(host, sizeof(host) - 1);
	uname(&u);
	cpu_model(cpu, sizeof(cpu));
	for (i = 0; i < x->t.n_nodes; i++) {
		driver_of(x->t.nodes[i].ns, x->t.nodes[i].uplink, drv, sizeof(drv));
		json_array_append_new(ports, json_pack("{s:s,s:s,s:s}", "where", x->t.nodes[i].name,
						       "iface", x->t.nodes[i].uplink,
						       "driver", drv[0] ? drv : "unknown"));
	}
	if (x->t.n_pods) {
		driver_of(x->t.pods[0].ns, "eth0", drv, sizeof(drv));
		json_array_append_new(ports, json_pack("{s:s,s:s,s:s}", "where", "pods",
						       "iface", "eth0",
						       "driver", drv[0] ? drv : "unknown"));
	}
	argv_init(&a);
	argv_words(&a, "iptables --version");
	if (!run_child_run(&c, 10, NULL, &a))
		run_child_message(&c, ipt, sizeof(ipt));
	run_child_free(&c);
	return json_pack("{s:s,s:s,s:s,s:i,s:s,s:o,s:s,s:s,s:s?,s:{s:i,s:i,s:b}}",
			 "hostname", host, "kernel", u.release, "cpu_model", cpu, "cpus",
			 (int)sysconf(_SC_NPROCESSORS_ONLN), "topology", x->t.name, "ports", ports,
			 "iptables", ipt, "bpf_stats", "attribution pass only",
			 "hypervisor", virt ? hv : NULL, "placement", "generator_cpu", cpus->gen,
			 "datapath_cpu", cpus->dp, "split", cpus->split);
}
