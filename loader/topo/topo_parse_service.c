// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The service lines of a topology file: ClusterIP, NodePort, backends. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "topo/topo_parse.h"

#define BACKENDS_LEN ((TOPO_NAME * 2) * TOPO_MAX_BACKENDS + TOPO_MAX_BACKENDS)

static const char *proto_name(__u8 proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

static int get_proto(struct parser *p, const struct line *l, __u8 *out)
{
	const char *v = line_get(l, "proto");

	*out = IPPROTO_TCP;
	if (!v || !strcmp(v, "tcp"))
		return 0;
	if (!strcmp(v, "udp")) {
		*out = IPPROTO_UDP;
		return 0;
	}
	return parse_fail(p, "proto", "'%s' is not tcp or udp", v);
}

static int check_service(struct parser *p, const struct topo_service *s)
{
	const struct topo *t = p->t;
	char a[INET_ADDRSTRLEN], b[CIDR_STRLEN];
	int i;

	addr_str(s->vip, a);
	if (!cidr_contains(&t->service_cidr, s->vip))
		return parse_fail(p, "vip", "%s is outside the service CIDR %s", a,
				  cidr_str(&t->service_cidr, b));
	if (cidr_is_edge(&t->service_cidr, s->vip))
		return parse_fail(p, "vip", "%s is the network or broadcast address of %s", a,
				  cidr_str(&t->service_cidr, b));
	for (i = 0; i < t->n_services; i++) {
		const struct topo_service *o = &t->services[i];

		if (!strcmp(o->name, s->name))
			return parse_fail(p, "name", "a service is already named '%s'", s->name);
		if (o->vip == s->vip && o->port == s->port && o->proto == s->proto)
			return parse_fail(p, "port", "%s:%u/%s is already service %s", a, s->port,
					  proto_name(s->proto), o->name);
		if (s->nodeport && o->nodeport == s->nodeport && o->proto == s->proto)
			return parse_fail(p, "nodeport", "%u/%s is already service %s's NodePort",
					  s->nodeport, proto_name(s->proto), o->name);
	}
	return 0;
}

/* backends=NODE/POD,NODE/POD,...: pods declared above, each once. */
static int get_backends(struct parser *p, const struct line *l, struct topo_service *s)
{
	const char *v = line_get(l, "backends");
	char list[BACKENDS_LEN], *save = NULL, *ref;
	int i, pod;

	if (!v)
		return 0;
	if (strlen(v) >= sizeof(list))
		return parse_fail(p, "backends", "longer than %zu characters", sizeof(list) - 1);
	if (v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,"))
		return parse_fail(p, "backends", "'%s' has an empty entry", v);
	strcpy(list, v);
	for (ref = strtok_r(list, ",", &save); ref; ref = strtok_r(NULL, ",", &save)) {
		pod = topo_pod_by_name(p->t, ref);
		if (pod < 0)
			return parse_fail(p, "backends", "no pod '%s' (NODE/POD of a pod declared "
					  "above)", ref);
		for (i = 0; i < s->n_backends; i++)
			if (s->backends[i].pod == pod)
				return parse_fail(p, "backends", "%s is listed twice", ref);
		if (s->n_backends == TOPO_MAX_BACKENDS)
			return parse_fail(p, "backends", "more than %d backends "
					  "(TOPO_MAX_BACKENDS)", TOPO_MAX_BACKENDS);
		s->backends[s->n_backends++].pod = pod;
	}
	return 0;
}

int parse_service(struct parser *p, const struct line *l)
{
	struct topo *t = p->t;
	struct topo_service *s = &t->services[t->n_services];
	__u32 port = 0, target = 0, nodeport = 0;
	int err;

	if (t->n_services == TOPO_MAX_SERVICES)
		return parse_fail(p, "service", "more than %d services (TOPO_MAX_SERVICES; the "
				  "services= knob adds more)", TOPO_MAX_SERVICES);
	memset(s, 0, sizeof(*s));
	err = get_name(p, l, "name", TOPO_NAME, s->name) ?:
	      get_addr(p, l, "vip", &s->vip) ?:
	      get_uint(p, l, "port", 1, 65535, &port) ?:
	      get_proto(p, l, &s->proto);
	if (err)
		return err;
	target = port;
	err = get_uint(p, l, "target_port", 1, 65535, &target) ?:
	      get_uint(p, l, "nodeport", 1, 65535, &nodeport);
	if (err)
		return err;
	s->port = port;
	s->target_port = target;
	s->nodeport = nodeport;
	err = check_service(p, s) ?: get_backends(p, l, s);
	if (!err)
		t->n_services++;
	return err;
}
