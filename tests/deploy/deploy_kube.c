// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Runs Debian's kubectl 1.20 on deploy/ without a cluster.  kubectl maps
 * every object's kind to an API resource through discovery, even for
 * --dry-run=client; the discovery answers of a 1.20 API server for the
 * kinds deploy/ uses are in tests/data/kube-1.20-discovery/, copied into
 * a fresh cache directory for a server that refuses connections
 * (127.0.0.1:1), so kubectl reads the cache and opens no connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/testns.h"
#include "deploy/deploy_kube.h"

#define KUBECTL_DEFAULT "build/tools/kubernetes-client/usr/bin/kubectl"
/* kubectl's cache folder for https://127.0.0.1:1 ("host_port"). */
#define KUBE_SERVER "https://127.0.0.1:1"
#define KUBE_CACHE_HOST "127.0.0.1_1"
#define OUT_LEN (256 * 1024)

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && v[0] ? v : def;
}

const char *deploy_dir(void)
{
	return env_or("DPLAB_DEPLOY_DIR", DEPLOY_DIR_DEFAULT);
}

const char *deploy_kubectl(void)
{
	return env_or("DPLAB_KUBECTL", KUBECTL_DEFAULT);
}

int deploy_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci && !strcmp(ci, "true");
}

const char *deploy_kubectl_missing(char *why, size_t len)
{
	static char out[4096];
	const char *major, *minor;
	json_error_t jerr;
	json_t *v;

	if (access(deploy_kubectl(), X_OK)) {
		snprintf(why, len, "no kubectl 1.20 at %s (Debian's kubernetes-client): "
			 "run 'make tools'", deploy_kubectl());
		return why;
	}
	if (sh_out(out, sizeof(out), 0, "%s version --client -o json </dev/null",
		   deploy_kubectl())) {
		snprintf(why, len, "%s version --client failed: %.300s", deploy_kubectl(), out);
		return why;
	}
	v = json_loads(out, 0, &jerr);
	major = jpath_str(v, "clientVersion.major");
	minor = jpath_str(v, "clientVersion.minor");
	if (!major || !minor || strcmp(major, "1") || strcmp(minor, "20"))
		snprintf(why, len, "%s is not kubectl 1.20 (major %s, minor %s): "
			 "run 'make tools'", deploy_kubectl(), major ?: "?", minor ?: "?");
	else
		why = NULL;
	json_decref(v);
	return why;
}

/* A fresh discovery cache in a new temporary folder (returned), or NULL. */
static char *discovery_cache(void)
{
	char *dir = strdup("/tmp/dplab-kube-XXXXXX");

	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	/* cp: new files, so the cache is minutes younger than its ten-minute TTL. */
	if (sh("mkdir -p %1$s/discovery && cp -r %2$s %1$s/discovery/%3$s",
	       dir, KUBE_DISCOVERY_DIR, KUBE_CACHE_HOST)) {
		sh("rm -rf %s", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * kubectl create -o json prints one document per object (a List when
 * kustomize built them): every object in one array, or NULL.
 */
static json_t *parse_objects(const char *buf, char *out, size_t len)
{
	json_t *items = json_array(), *doc, *o;
	const char *p = buf, *kind;
	json_error_t jerr;
	size_t i;

	while (items && *(p += strspn(p, " \t\r\n"))) {
		doc = json_loads(p, JSON_DISABLE_EOF_CHECK, &jerr);
		if (!doc) {
			snprintf(out, len, "not JSON at byte %ld (%s)", (long)(p - buf), jerr.text);
			json_decref(items);
			return NULL;
		}
		p += jerr.position;
		kind = json_string_value(json_object_get(doc, "kind"));
		if (kind && !strcmp(kind, "List"))
			json_array_foreach(json_object_get(doc, "items"), i, o)
				json_array_append(items, o);
		else
			json_array_append(items, doc);
		json_decref(doc);
	}
	return items;
}

json_t *deploy_objects(const char *flag, int *rc, char *out, size_t len)
{
	static char buf[OUT_LEN];
	char *cache;

	cache = discovery_cache();
	if (!cache) {
		*rc = -1;
		snprintf(out, len, "cannot make a discovery cache from %s", KUBE_DISCOVERY_DIR);
		return NULL;
	}
	*rc = sh_out(buf, sizeof(buf), 1,
		     "%s --server=%s --token=offline --cache-dir=%s --request-timeout=5s "
		     "create --dry-run=client -o json --validate=false %s %s </dev/null",
		     deploy_kubectl(), KUBE_SERVER, cache, flag, deploy_dir());
	sh("rm -rf %s", cache);
	free(cache);
	snprintf(out, len, "%s", buf);
	return *rc ? NULL : parse_objects(buf, out, len);
}

json_t *deploy_find(json_t *objs, const char *kind, const char *name)
{
	json_t *o;
	size_t i;

	json_array_foreach(objs, i, o) {
		const char *k = jpath_str(o, "kind"), *n = jpath_str(o, "metadata.name");

		if (k && n && !strcmp(k, kind) && !strcmp(n, name))
			return o;
	}
	return NULL;
}

json_t *jpath(json_t *root, const char *path)
{
	char key[128];
	const char *p = path, *dot;
	size_t n;

	while (root && *p) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		root = json_object_get(root, key);
		p += n + (dot ? 1 : 0);
	}
	return root;
}

const char *jpath_str(json_t *root, const char *path)
{
	return json_string_value(jpath(root, path));
}
