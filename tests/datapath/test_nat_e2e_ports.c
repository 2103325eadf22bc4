// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * UDP flows through BPF masquerade leave their ports free (issue 13: UDP
 * NAT entries never expire, so ~28k DNS queries with fresh source ports to
 * one resolver exhaust 32768-60999 and every later flow is dropped with
 * drop_nat_no_port).  Scaled to a few seconds on the masquerade path
 * (tests/lib/nat_e2e.h): the masquerade range is 64 ports, 40000-40063,
 * and the UDP lifetime 2 s.
 *
 * Each round sends 64 new flows to one resolver (198.51.100.7:5300): 32
 * from one pod address and 32 from another, the two sharing each source
 * port, all in the range (so the datapath keeps or moves them alike, and
 * every flow takes one port of the range either way).  A round fills the
 * range; a 65th concurrent flow must be dropped (the control that the
 * range is what limits).  After the round's flows have been idle past the
 * lifetime, the next round - new pod addresses, and the source ports the
 * previous round's moved flows were given - must be translated whole:
 * every query reaches the resolver from the node's address and a port of
 * the range, and its answer comes back to the pod.  After the last round
 * the snat map holds no reverse entry (a port reservation) of a flow of
 * an earlier round.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "lib/e2e_sock.h"
#include "lib/nat_e2e.h"
#include "lib/testlib.h"

#define RANGE_MIN 40000
#define RANGE 64
#define HALF (RANGE / 2)
#define FLOWS RANGE		/* per round: HALF source ports, two addresses */
#define ROUNDS 3
#define RESOLVER_PORT 5300
#define QUIET_MS 300		/* a round's traffic is over after this silence */

/* The UDP lifetime of datapath/lib/ct.h, shortened for the test. */
#define UDP_LIFETIME_VAR "ct_timeout_udp_ns"
#define UDP_LIFETIME_S 2
#define UDP_LIFETIME_VALUE (UDP_LIFETIME_S * 1000000000ULL)
/* Past the lifetime, with slack for expiry checked on a coarser clock. */
#define IDLE_MS (UDP_LIFETIME_S * 1000 + 1200)

struct query {
	__u32 round, flow;
};

struct round {
	int k;
	char addr[2][24];		/* pod addresses of flows 2i and 2i+1 */
	int fds[FLOWS];
	bool arrived[FLOWS], answered[FLOWS];
	struct sockaddr_in seen[FLOWS];	/* the source the resolver saw */
	int n_arrived, n_answered, n_good;
	__u64 no_port;			/* drop_nat_no_port during the round */
	char first_bad[256];
	char note[160];
};

static int flow_port(const struct round *r, int f)
{
	return RANGE_MIN + (r->k % 2) * HALF + f / 2;
}

static void send_query(int fd, __u32 round, __u32 flow)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(RESOLVER_PORT) };
	struct query q = { round, flow };

	inet_pton(AF_INET, MP_REMOTE_IP, &to.sin_addr);
	ck_assert_msg(sendto(fd, &q, sizeof(q), 0, (struct sockaddr *)&to, sizeof(to)) ==
		      sizeof(q), "sendto the resolver: %s", strerror(errno));
}

/* The resolver: answer every query of round k with the source it saw,
 * until all came or the line is quiet; marks r->arrived and r->seen. */
static void resolver_serve(int resolver, struct round *r)
{
	static struct dgram d;
	struct query q;

	while (r->n_arrived < FLOWS) {
		dgram_recv(resolver, QUIET_MS, &d);
		if (d.len < 0)
			break;
		if (d.len != sizeof(q))
			continue;
		memcpy(&q, d.data, sizeof(q));
		if (q.round != (__u32)r->k || q.flow >= FLOWS || r->arrived[q.flow])
			continue;
		r->arrived[q.flow] = true;
		r->seen[q.flow] = d.from;
		r->n_arrived++;
		sendto(resolver, &d.from, sizeof(d.from), 0, (struct sockaddr *)&d.from,
		       sizeof(d.from));
	}
}

/* What went wrong with flow f, or false if nothing did. */
static bool flow_bad(const struct round *r, int f, char *buf, size_t len)
{
	char seen[INET_ADDRSTRLEN];
	int port = ntohs(r->seen[f].sin_port);

	inet_ntop(AF_INET, &r->seen[f].sin_addr, seen, sizeof(seen));
	if (!r->arrived[f])
		snprintf(buf, len, "never reached the resolver");
	else if (strcmp(seen, MP_NODE_IP) || port < RANGE_MIN || port >= RANGE_MIN + RANGE)
		snprintf(buf, len, "reached the resolver from %s:%d (expected %s, port %d-%d)",
			 seen, port, MP_NODE_IP, RANGE_MIN, RANGE_MIN + RANGE - 1);
	else if (!r->answered[f])
		snprintf(buf, len, "reached the resolver from %s:%d, its answer did not come "
			 "back", seen, port);
	else
		return false;
	return true;
}

static void round_run(struct masq_path *mp, int resolver, struct round *r)
{
	__u64 drops = masq_path_counter(mp, DPLAB_CNT_DROP_NAT_NO_PORT);
	static struct dgram d;
	char why[200];
	int f;

	for (f = 0; f < FLOWS; f++) {
		r->fds[f] = ns_udp_at(mp->pod, r->addr[f % 2], flow_port(r, f));
		send_query(r->fds[f], r->k, f);
	}
	resolver_serve(resolver, r);
	for (f = 0; f < FLOWS; f++) {
		if (r->arrived[f]) {
			dgram_recv(r->fds[f], QUIET_MS, &d);
			r->answered[f] = d.len == sizeof(r->seen[f]) &&
					 !memcmp(d.data, &r->seen[f], sizeof(r->seen[f]));
			r->n_answered += r->answered[f];
		}
		close(r->fds[f]);
		if (!flow_bad(r, f, why, sizeof(why)))
			r->n_good++;
		else if (!r->first_bad[0])
			snprintf(r->first_bad, sizeof(r->first_bad), "%s:%d -> %s:%d %s",
				 r->addr[f % 2], flow_port(r, f), MP_REMOTE_IP, RESOLVER_PORT, why);
	}
	r->no_port = masq_path_counter(mp, DPLAB_CNT_DROP_NAT_NO_PORT) - drops;
}

static void round_assert(const struct round *r, const char *when)
{
	ck_assert_msg(r->n_good == FLOWS,
		      "round %d (%s, %s; %d new UDP flows from %s and %s to %s:%d, masquerade "
		      "range %d-%d): %d translated and answered; %d reached the resolver, %d "
		      "answers came back; drop_nat_no_port +%llu; first failure: %s%s",
		      r->k, masq_path_mode(), when, FLOWS, r->addr[0], r->addr[1], MP_REMOTE_IP, RESOLVER_PORT,
		      RANGE_MIN, RANGE_MIN + RANGE - 1, r->n_good, r->n_arrived, r->n_answered,
		      (unsigned long long)r->no_port, r->first_bad, r->note);
}

/* A flow beyond the full range must be dropped, not leave untranslated. */
static void control_full_range(struct masq_path *mp, int resolver, const char *addr)
{
	__u64 drops = masq_path_counter(mp, DPLAB_CNT_DROP_NAT_NO_PORT);
	int fd = ns_udp_at(mp->pod, addr, RANGE_MIN);
	static struct dgram d;
	char from[INET_ADDRSTRLEN];
	__u64 got;

	send_query(fd, ROUNDS, 0);
	dgram_recv(resolver, QUIET_MS, &d);
	close(fd);
	got = masq_path_counter(mp, DPLAB_CNT_DROP_NAT_NO_PORT) - drops;
	inet_ntop(AF_INET, &d.from.sin_addr, from, sizeof(from));
	/* The kernel's NAT drops it as well, with no counter to show. */
	ck_assert_msg(d.len < 0 && (got == 1 || masq_path_is_iptables()),
		      "control: with all %d ports of the range held by live flows a new flow "
		      "from %s:%d must be dropped (drop_nat_no_port +1); the resolver %s%s:%u, "
		      "drop_nat_no_port +%llu", RANGE, addr, RANGE_MIN,
		      d.len < 0 ? "got nothing" : "got it from ", d.len < 0 ? "" : from,
		      d.len < 0 ? 0 : ntohs(d.from.sin_port), (unsigned long long)got);
}

/* Reverse entries (port reservations) whose flow is not of round last. */
static int dead_reservations(const struct masq_path *mp, const struct round *last, char *buf,
			     size_t len)
{
	int fd = bpf_map__fd(mp->skel->maps.snat), n = 0, err;
	struct dplab_tuple key, next;
	struct dplab_lb_ct v;
	char pod[INET_ADDRSTRLEN];
	size_t used = 0;

	buf[0] = '\0';
	for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(fd, &key, &next)) {
		key = next;
		if (key.daddr != inet_addr(MP_NODE_IP) || key.proto != IPPROTO_UDP ||
		    bpf_map_lookup_elem(fd, &key, &v))
			continue;
		if (v.addr == inet_addr(last->addr[0]) || v.addr == inet_addr(last->addr[1]))
			continue;
		inet_ntop(AF_INET, &v.addr, pod, sizeof(pod));
		if (n++ < 4 && used < len)
			used += snprintf(buf + used, len - used, " %s:%u held for %s:%u;",
					 MP_NODE_IP, ntohs(key.dport), pod, ntohs(v.port));
	}
	return n;
}

START_TEST(test_masq_udp_ports_freed)
{
	struct masq_path_cfg cfg = { .port_min = RANGE_MIN, .port_max = RANGE_MIN + RANGE - 1,
				     .retries = RANGE, .var = UDP_LIFETIME_VAR,
				     .var_value = UDP_LIFETIME_VALUE,
				     .udp_lifetime_s = UDP_LIFETIME_S };
	static struct round r[ROUNDS];
	struct timespec idle = { IDLE_MS / 1000, IDLE_MS % 1000 * 1000000L };
	struct masq_path mp = {};
	char dead[256], when[64];
	int resolver, k, n;
	bool no_var;

	need_root();
	masq_path_up(&mp, 2 * ROUNDS + 1);
	no_var = masq_path_nat(&mp, &cfg) == -ENOENT;
	resolver = ns_udp_at(mp.remote, "0.0.0.0", RESOLVER_PORT);
	/* Neighbours resolved before the bursts (ICMP: no UDP port taken). */
	ck_assert_int_eq(sh("ip netns exec %s ping -n -q -c 1 -W 2 " MP_REMOTE_IP " >/dev/null",
			    mp.pod), 0);
	for (k = 0; k < ROUNDS; k++) {
		memset(&r[k], 0, sizeof(r[k]));
		r[k].k = k;
		snprintf(r[k].addr[0], sizeof(r[k].addr[0]), "%s", masq_path_extra_ip(2 * k));
		snprintf(r[k].addr[1], sizeof(r[k].addr[1]), "%s", masq_path_extra_ip(2 * k + 1));
		if (no_var)
			snprintf(r[k].note, sizeof(r[k].note), "\nmasq.bpf.o has no rodata "
				 "variable " UDP_LIFETIME_VAR " (issue 13's UDP lifetime): ran "
				 "without setting a lifetime");
		if (k)
			nanosleep(&idle, NULL);
		round_run(&mp, resolver, &r[k]);
		if (k)
			snprintf(when, sizeof(when), "after %d ms idle, UDP lifetime %d s",
				 IDLE_MS, UDP_LIFETIME_S);
		else
			snprintf(when, sizeof(when), "the first flows");
		round_assert(&r[k], when);
		if (!k)
			control_full_range(&mp, resolver, masq_path_extra_ip(2 * ROUNDS));
	}
	/* conntrack's table is the kernel's business: the map only. */
	n = mp.skel ? dead_reservations(&mp, &r[ROUNDS - 1], dead, sizeof(dead)) : 0;
	ck_assert_msg(!n, "after round %d the snat map still reserves %d ports for flows of "
		      "earlier rounds, idle for more than the %d s UDP lifetime:%s", ROUNDS - 1, n,
		      UDP_LIFETIME_S, dead);
	close(resolver);
	masq_path_down(&mp);
}
END_TEST

void nat_e2e_add_port_tests(TCase *tc)
{
	tcase_add_test(tc, test_masq_udp_ports_freed);
}
