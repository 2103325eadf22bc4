// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The cluster suite's environment, checks and teardown tests. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "lib/cluster_test.h"
#include "lib/testlib.h"
#include "lib/testns.h"

#define TOPOLOGY_SRC "topologies/two-node.topo"
#define SNAPSHOT_LEN (64 * 1024)
#define SERVER_SECONDS 900

/* Clients and the addresses of topologies/two-node.topo. */
#define CLIENT "node1/pod1"
#define REMOTE_POD "10.244.2.2"
#define WEB_VIP "10.96.0.10"
#define DNS_VIP "10.96.0.53"
#define NODE1_IP "192.168.100.1"
#define NODE2_IP "192.168.100.2"
#define EXT_IP "192.168.100.100"

static struct {
	int pid;			/* the runner's: names c<pid>, k<pid> */
	char name[32], file[256], fabric[64];
	const char *skip;
	char setup_err[1024];
	char snapshot[SNAPSHOT_LEN];
} env;

const char *cluster_name(void) { return env.name; }
const char *cluster_file(void) { return env.file; }
const char *cluster_fabric_ns(void) { return env.fabric; }

const char *cluster_skip_reason(void)
{
	ck_assert_msg(!env.setup_err[0], "cluster setup failed: %s", env.setup_err);
	return env.skip;
}

static int vdplab(char *out, size_t len, const char *fmt, va_list ap)
{
	char args[1024];

	vsnprintf(args, sizeof(args), fmt, ap);
	return sh_out(out, len, 1, "%s %s", test_dplab_path(), args);
}

int cluster_dplab(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vdplab(out, len, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * What `down` must leave as it found: namespaces and pins and cgroups of
 * dplab, programs named like ours, the host's links, qdiscs and iptables,
 * and the congestion control the host allows.
 */
static void snapshot(char *buf, size_t len)
{
	/* Only this runner's topologies (c<pid>, k<pid>): other runs may overlap. */
	sh_out(buf, len, 1,
	       "ip netns list | grep -E '^dplab-[ck]%1$d-' | sort; "
	       "find /sys/fs/bpf/dplab /run/dplab /sys/fs/cgroup -maxdepth 4 2>/dev/null | "
	       "grep -E '/[ck]%1$d(/|$)'; "
	       "bpftool prog show 2>/dev/null | grep -cE 'name (tc_lb|sock_lb|masq|route_from|"
	       "overlay_|xdp_nodeport|tc_nodeport|hook_)'; ip -o link show | sed 's/ link-netnsid.*//'; "
	       "tc qdisc show; iptables-save | grep -v '^#'; "
	       "cat /proc/sys/net/ipv4/tcp_allowed_congestion_control", env.pid);
}

/* Kill every process left in the topology's namespaces (the servers). */
static void stop_servers(const char *name)
{
	sh("for ns in $(ip netns list | awk '{print $1}' | grep '^dplab-%s-'); do "
	   "ip netns pids $ns | xargs -r kill 2>/dev/null; done; sleep 0.2", name);
}

static int start_servers(void)
{
	const char *echo_peer = "SYSTEM:\"echo \\$SOCAT_PEERADDR\"";

	/* Each prints the address it sees the client as. */
	return sh("%1$s exec %2$s node2/pod1 -- sh -c 'timeout %3$d socat TCP-LISTEN:8080,fork,"
		  "reuseaddr %4$s >/dev/null 2>&1 &' && "
		  "%1$s exec %2$s node2/pod2 -- sh -c 'timeout %3$d socat TCP-LISTEN:8080,fork,"
		  "reuseaddr %4$s >/dev/null 2>&1 &' && "
		  "%1$s exec %2$s node2/pod1 -- sh -c 'timeout %3$d socat UDP-LISTEN:5353,fork,"
		  "reuseaddr %4$s >/dev/null 2>&1 &' && "
		  "%1$s exec %2$s ext1 -- sh -c 'timeout %3$d socat TCP-LISTEN:7000,fork,"
		  "reuseaddr %4$s >/dev/null 2>&1 &' && sleep 0.3",
		  test_dplab_path(), env.name, SERVER_SECONDS, echo_peer);
}

void cluster_up(void)
{
	char out[4096];

	env.skip = test_needs_root();
	if (env.skip)
		return;
	if (access(TOPOLOGY_SRC, R_OK)) {
		env.skip = "run from the source tree: " TOPOLOGY_SRC " is not here";
		return;
	}
	env.pid = getpid();
	snprintf(env.name, sizeof(env.name), "c%d", env.pid);
	snprintf(env.file, sizeof(env.file), "/tmp/dplab-%s.topo", env.name);
	snprintf(env.fabric, sizeof(env.fabric), "dplab-%s-fabric", env.name);
	snapshot(env.snapshot, sizeof(env.snapshot));
	if (sh("sed 's/^topology name=two-node/topology name=%s/' %s > %s", env.name,
	       TOPOLOGY_SRC, env.file)) {
		snprintf(env.setup_err, sizeof(env.setup_err), "cannot write %s", env.file);
		return;
	}
	if (cluster_dplab(out, sizeof(out), "up --topology %s --profile A", env.file)) {
		snprintf(env.setup_err, sizeof(env.setup_err), "dplab up: %.900s", out);
		return;
	}
	if (start_servers())
		snprintf(env.setup_err, sizeof(env.setup_err), "starting socat servers failed");
}

void cluster_attachments(char *buf, size_t len)
{
	ck_assert_int_eq(sh_out(buf, len, 0, "%s status --json --topology %s | python3 -c '"
				"import json,sys\n"
				"for a in json.load(sys.stdin)[\"attachments\"]:\n"
				" print(a[\"namespace\"], a[\"device\"], a[\"hook\"], a[\"program\"], "
				"a[\"mechanism\"])'", test_dplab_path(), env.name), 0);
}

/*
 * Every attachment is what the knobs in force ask for: XDP and tc by the
 * mechanism of xdp_attach / tc_attach (auto: either), XDP in generic mode
 * exactly when xdp_lb=generic, except the fabric ports' xdp_pass with
 * veth_napi=on, native to put the veth in NAPI mode (read from the kernel
 * with `ip link`, not from dplab's own state); every tc hook carries one
 * program, the hooks.bpf.c program status names for it, and every hook
 * status names carries it.  Prints nothing when all match.
 */
static const char attach_modes_py[] =
	"import json,subprocess,sys\n"
	"d=json.load(sys.stdin); k=d['knobs']; bad=[]\n"
	"xm={'auto':('link','netlink'),'link':('link',),'netlink':('netlink',),"
	"'libxdp':('libxdp',)}[k['xdp_attach']]\n"
	"tm={'auto':('tcx','legacy'),'tcx':('tcx',),'legacy':('legacy',)}[k['tc_attach']]\n"
	"for a in d['attachments']:\n"
	" w=' '.join((a['namespace'],a['device'],a['hook'],a['program'],a['mechanism']))\n"
	" if a['hook']=='xdp':\n"
	"  if a['mechanism'] not in xm: bad.append(w+': not by '+k['xdp_attach'])\n"
	"  o=subprocess.run(['ip','-n',a['namespace'],'link','show','dev',a['device']],"
	"capture_output=True,text=True).stdout\n"
	"  gen=k['xdp_lb']=='generic' and not (a['program']=='xdp_pass' and k['veth_napi']=='on')\n"
	"  if ('xdpgeneric' in o)!=gen: bad.append(w+': kernel says '+o)\n"
	" elif a['hook'].startswith('tc-') and a['mechanism'] not in tm:\n"
	"  bad.append(w+': not by '+k['tc_attach'])\n"
	"tc={}\n"
	"for a in d['attachments']:\n"
	" if a['hook'].startswith('tc-'):\n"
	"  tc.setdefault((a['namespace'],a['device'],a['hook']),[]).append(a['program'])\n"
	"hk={(h['namespace'],h['device'],h['hook']):h['program'] for h in d['hooks']}\n"
	"for w,v in tc.items():\n"
	" if v!=[hk.get(w)]: bad.append(' '.join(w)+': '+','.join(v)+', not one program '+"
	"str(hk.get(w)))\n"
	"for w in hk:\n"
	" if w not in tc: bad.append(' '.join(w)+': '+hk[w]+' not attached')\n"
	"print('\\n'.join(bad))\n";

void cluster_check_attach_modes(const char *label)
{
	char out[8192], py[] = "/tmp/dplabt-attach-modes-XXXXXX";
	int fd = mkstemp(py), rc;

	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	ck_assert(write(fd, attach_modes_py, strlen(attach_modes_py)) ==
		  (ssize_t)strlen(attach_modes_py));
	close(fd);
	rc = sh_out(out, sizeof(out), 1, "%s status --json --topology %s | python3 %s",
		    test_dplab_path(), env.name, py);
	unlink(py);
	ck_assert_msg(rc == 0, "%s: status/python failed: %s", label, out);
	ck_assert_msg(!out[strspn(out, " \n")], "%s: attachments not as the knobs say:\n%s",
		      label, out);
}

void cluster_knob(const char *name, char *buf, size_t len)
{
	sh_out(buf, len, 0, "%s status --json --topology %s | python3 -c 'import json,sys; "
	       "print(json.load(sys.stdin)[\"knobs\"][\"%s\"])'", test_dplab_path(), env.name, name);
	buf[strcspn(buf, "\n")] = '\0';
}

/* `dplab exec TOPO WHERE -- CMD`, output (trimmed) into out; exit status. */
static int in(const char *where, char *out, size_t len, const char *cmd)
{
	int rc = sh_out(out, len, 1, "%s exec %s %s -- %s", test_dplab_path(), env.name, where, cmd);

	out[strcspn(out, "\n")] = '\0';
	return rc;
}

static void check_vxlan(const char *label, bool overlay)
{
	char out[2048];

	/* Capture on node1's port of the underlay while pinging across. */
	sh_out(out, sizeof(out), 1, "%1$s exec %2$s fabric -- timeout 1.5 tcpdump -nn -q -c 1 "
	       "-i node1 udp port 4789 2>/dev/null & sleep 0.4; "
	       "%1$s exec %2$s " CLIENT " -- ping -c 2 -i 0.2 -W 1 " REMOTE_POD " >/dev/null; wait",
	       test_dplab_path(), env.name);
	if (overlay)
		ck_assert_msg(strstr(out, ".4789"), "%s: no VXLAN frame on the underlay", label);
	else
		ck_assert_msg(!strstr(out, ".4789"), "%s: VXLAN on the underlay in native mode: %s",
			      label, out);
}

/* The servers answer with the address they see: any means it got there. */
static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

void cluster_check_traffic(const char *label)
{
	char out[2048], routing[32], svc[32], xdp[32];
	bool via_node1;

	cluster_knob("routing", routing, sizeof(routing));
	cluster_knob("service_lb", svc, sizeof(svc));
	cluster_knob("xdp_lb", xdp, sizeof(xdp));

	ck_assert_msg(!in(CLIENT, out, sizeof(out), "ping -c 1 -W 2 " REMOTE_POD),
		      "%s: ping pod to pod across nodes: %s", label, out);
	in(CLIENT, out, sizeof(out), "socat -T2 - TCP:" WEB_VIP ":80,connect-timeout=2 </dev/null");
	ck_assert_msg(!strcmp(out, "10.244.1.2"), "%s: TCP to ClusterIP %s:80: '%s'", label,
		      WEB_VIP, out);
	/* One datagram each way, no retransmission: a query lost on a loaded
	 * machine is asked again, as a resolver does (glibc: attempts:2). */
	in(CLIENT, out, sizeof(out), "sh -c 'for i in 1 2 3; do r=$(echo q | socat -T2 - UDP:"
	   DNS_VIP ":53); [ -n \"$r\" ] && echo \"$r\" && break; done'");
	ck_assert_msg(!strcmp(out, "10.244.1.2"), "%s: UDP to ClusterIP %s:53: '%s'", label,
		      DNS_VIP, out);
	/* NodePort on the node with the backends: every mode serves it. */
	in("ext1", out, sizeof(out), "socat -T2 - TCP:" NODE2_IP ":30080,connect-timeout=2 </dev/null");
	ck_assert_msg(is_ipv4(out), "%s: NodePort %s:30080 from ext1: '%s'", label, NODE2_IP, out);
	/* On node1 the backends are remote: kube-proxy or the XDP LB (native
	 * routing) forward it; the tc path serves local backends only.  With
	 * routing=vxlan the XDP LB cannot send it out of the uplink and hands
	 * it to the stack, so kube-proxy serves it whatever xdp_lb says. */
	via_node1 = !strcmp(svc, "iptables") || (!strcmp(routing, "native") && strcmp(xdp, "off"));
	if (via_node1) {
		in("ext1", out, sizeof(out), "socat -T2 - TCP:" NODE1_IP ":30080,connect-timeout=2 </dev/null");
		ck_assert_msg(!strcmp(out, NODE1_IP), "%s: NodePort %s:30080 from ext1 (remote "
			      "backend, SNAT): '%s'", label, NODE1_IP, out);
	}
	in(CLIENT, out, sizeof(out), "socat -T2 - TCP:" EXT_IP ":7000,connect-timeout=2 </dev/null");
	ck_assert_msg(!strcmp(out, NODE1_IP), "%s: pod to external host should be seen as the "
		      "node (masquerade): '%s'", label, out);
	check_vxlan(label, !strcmp(routing, "vxlan"));
}

/* ------------------------------------------------------------ teardown */

static void assert_snapshot(const char *what)
{
	static char now[SNAPSHOT_LEN];
	int tries;

	/* Programs are freed when their last pin goes: give RCU a moment. */
	for (tries = 0; tries < 20; tries++) {
		snapshot(now, sizeof(now));
		if (!strcmp(now, env.snapshot))
			return;
		usleep(100 * 1000);
	}
	ck_abort_msg("%s left the machine changed:\nbefore:\n%s\nafter:\n%s", what,
		     env.snapshot, now);
}

START_TEST(test_down_leaves_nothing)
{
	char out[4096];

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	/* E attaches the most; down must take all of it away. */
	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "up --topology %s --profile E",
				       env.file), 0);
	stop_servers(env.name);
	ck_assert_msg(cluster_dplab(out, sizeof(out), "down --topology %s", env.name) == 0,
		      "dplab down: %s", out);
	assert_snapshot("dplab up -p E; dplab down");
	ck_assert_int_eq(cluster_dplab(out, sizeof(out), "down --topology %s", env.name), 0);
	unlink(env.file);
}
END_TEST

START_TEST(test_sigkill_during_up)
{
	char out[4096], name[32], file[256];
	int delay_ms;

	if (cluster_skip_reason())
		test_skip("%s", cluster_skip_reason());
	snprintf(name, sizeof(name), "k%d", env.pid);
	snprintf(file, sizeof(file), "/tmp/dplab-%s.topo", name);
	ck_assert_int_eq(sh("sed 's/^topology name=two-node/topology name=%s/' %s > %s", name,
			    TOPOLOGY_SRC, file), 0);
	for (delay_ms = 100; delay_ms <= 700; delay_ms += 300) {
		sh("%s up --topology %s --profile E >/dev/null 2>&1 & pid=$!; sleep %d.%03d; "
		   "kill -9 $pid; wait $pid", test_dplab_path(), file, delay_ms / 1000,
		   delay_ms % 1000);
		ck_assert_msg(cluster_dplab(out, sizeof(out), "down --topology %s", name) == 0,
			      "down after SIGKILL at %d ms: %s", delay_ms, out);
		assert_snapshot("SIGKILL during dplab up, then dplab down");
	}
	unlink(file);
}
END_TEST

void cluster_add_down_tests(TCase *tc)
{
	tcase_add_test(tc, test_down_leaves_nothing);
	tcase_add_test(tc, test_sigkill_during_up);
}
