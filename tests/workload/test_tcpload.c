// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * dplab tcpload on loopback in the runner's own namespace (suite tcpload,
 * no root needed):
 *
 *   serve_connect_rr  `tcpload serve --port 0 --duration 5` in the
 *                     background; once it prints "listening on :P", a 1 s
 *                     connect loop and 1 s of rr at 200/s with --json:
 *                     connections made and none failed, about 200
 *                     requests answered and no error, percentiles ordered;
 *                     the server reports on SIGTERM and exits 0;
 *   connect_rate      connect --rate 2000 for 1 s: 2000 scheduled, about
 *                     as many connections, latency from the due times;
 *   local_ports       (root) in a throwaway netns with tcp_tw_reuse 1,
 *                     connect --local-ports 1024-65535: the range is in
 *                     force there and reported, port_bound_per_s is its
 *                     formula, the runner's own range is unchanged;
 *   bad_arguments     exit 2, naming the option;
 *   closed_port       connect and rr to a bound port nobody listens on:
 *                     exit 1, the message names the address and the errno.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "lib/testlib.h"
#include "lib/testns.h"

#define RATE 200
#define CONN_RATE 2000

static json_t *load(const char *path)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);

	unlink(path);
	ck_assert_msg(j, "%s: %s (line %d)", path, jerr.text, jerr.line);
	return j;
}

static double num(json_t *o, const char *sect, const char *key)
{
	json_t *v = json_object_get(sect ? json_object_get(o, sect) : o, key);

	ck_assert_msg(json_is_number(v), "JSON: %s.%s missing or not a number",
		      sect ? sect : "", key);
	return json_number_value(v);
}

/* p50 <= p90 <= p99 <= max in the latency object sect, and p50 > 0. */
static void assert_ordered(json_t *j, const char *sect)
{
	static const char *const keys[] = { "p50", "p90", "p99", "max" };
	double prev = 0, v;
	unsigned i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = num(j, sect, keys[i]);
		ck_assert_msg(v > 0 && v >= prev, "%s.%s %.3f after %.3f", sect, keys[i], v,
			      prev);
		prev = v;
	}
}

/* /tmp/dplab-tcpload-PID-what, for one test's files. */
static void tmp_path(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "/tmp/dplab-tcpload-%d-%s", getpid(), what);
}

/*
 * `tcpload serve --port 0 --duration 5` in the background (in netns ns
 * when not NULL), then the shell commands client, which find the port in
 * $p and run dplab as `$x $d` (x: "ip netns exec NS" or nothing); then
 * SIGTERM to the server.  Asserts that the client and the server exited
 * 0 and the server printed its summary; their output goes to out.
 */
static void with_server(char *out, size_t len, const char *ns, const char *client)
{
	char log[64];
	int rc;

	tmp_path(log, sizeof(log), "serve.log");
	rc = sh_out(out, len, 1,
		    "(x='%1$s%2$s'; d=%3$s; $x $d tcpload serve --port 0 --duration 5 >%4$s 2>&1 & "
		    "s=$!; i=0; while ! grep -q '^listening on :' %4$s && [ $i -lt 50 ]; do "
		    "sleep 0.1; i=$((i+1)); done; p=$(sed -n 's/^listening on ://p' %4$s); "
		    "(%5$s); c=$?; kill -TERM $s; wait $s; w=$?; cat %4$s; rm -f %4$s; "
		    "echo \"exit: client $c serve $w\"; [ $c -eq 0 ] && [ $w -eq 0 ])",
		    ns ? "ip netns exec " : "", ns ? ns : "", test_dplab_path(), log, client);
	ck_assert_msg(rc == 0, "tcpload failed (%d):\n%s", rc, out);
	ck_assert_msg(strstr(out, "served "), "no summary from the server:\n%s", out);
}

START_TEST(test_serve_connect_rr)
{
	char cj[64], rj[64], client[512], out[8192];
	double requests;
	json_t *c, *r;

	tmp_path(cj, sizeof(cj), "connect.json");
	tmp_path(rj, sizeof(rj), "rr.json");
	snprintf(client, sizeof(client),
		 "$x $d tcpload connect --to 127.0.0.1:$p --duration 1 --json >%s && "
		 "$x $d tcpload rr --to 127.0.0.1:$p --rate %d --duration 1 --json >%s",
		 cj, RATE, rj);
	with_server(out, sizeof(out), NULL, client);

	c = load(cj);
	ck_assert_str_eq(json_string_value(json_object_get(c, "mode")), "connect");
	ck_assert_msg(num(c, NULL, "connections") > 0, "no connection:\n%s", out);
	ck_assert_msg(num(c, NULL, "failures") == 0, "failures: %s",
		      json_string_value(json_object_get(c, "first_error")));
	ck_assert(json_is_null(json_object_get(c, "first_error")));
	ck_assert_msg(num(c, NULL, "conn_per_s") > 0, "no rate");
	ck_assert_double_eq(num(c, "connect_us", "samples"), num(c, NULL, "connections"));
	assert_ordered(c, "connect_us");
	ck_assert(json_is_null(json_object_get(c, "rate")));
	ck_assert(json_is_null(json_object_get(c, "scheduled")));
	json_decref(c);

	r = load(rj);
	ck_assert_str_eq(json_string_value(json_object_get(r, "mode")), "rr");
	requests = num(r, NULL, "requests");
	ck_assert_msg(requests >= RATE * 0.9 && requests <= RATE * 1.1,
		      "%.0f requests at %d/s for 1 s", requests, RATE);
	ck_assert_msg(num(r, NULL, "errors") == 0, "errors: %s",
		      json_string_value(json_object_get(r, "first_error")));
	ck_assert_msg(num(r, NULL, "achieved_rps") >= RATE * 0.9 &&
		      num(r, NULL, "achieved_rps") <= RATE * 1.1, "achieved %.1f/s",
		      num(r, NULL, "achieved_rps"));
	ck_assert_double_eq(num(r, "latency_us", "samples"), requests);
	assert_ordered(r, "latency_us");
	json_decref(r);
}
END_TEST

START_TEST(test_connect_rate)
{
	char cj[64], client[256], out[8192];
	double sched, conns;
	json_t *c;

	tmp_path(cj, sizeof(cj), "rate.json");
	snprintf(client, sizeof(client), "$x $d tcpload connect --to 127.0.0.1:$p --rate %d "
		 "--duration 1 --json >%s", CONN_RATE, cj);
	with_server(out, sizeof(out), NULL, client);
	c = load(cj);
	sched = num(c, NULL, "scheduled");
	conns = num(c, NULL, "connections");
	ck_assert_double_eq(num(c, NULL, "rate"), CONN_RATE);
	ck_assert_msg(sched >= CONN_RATE - 1 && sched <= CONN_RATE + 1,
		      "%.0f scheduled at %d/s for 1 s", sched, CONN_RATE);
	ck_assert_msg(conns >= sched * 0.95 && conns <= sched, "%.0f connections of %.0f "
		      "scheduled: %s", conns, sched,
		      json_string_value(json_object_get(c, "first_error")));
	ck_assert_double_eq(conns + num(c, NULL, "failures") + num(c, NULL, "unfinished"), sched);
	ck_assert_double_eq(num(c, "connect_us", "samples"), conns);
	assert_ordered(c, "connect_us");
	ck_assert_msg(num(c, NULL, "conn_per_s") >= CONN_RATE * 0.9 &&
		      num(c, NULL, "conn_per_s") <= CONN_RATE * 1.1, "%.1f connections/s",
		      num(c, NULL, "conn_per_s"));
	json_decref(c);
}
END_TEST

/* cat FILE in netns ns (NULL: here), into buf without the newline. */
static void read_sysctl(const char *ns, const char *file, char *buf, size_t len)
{
	int rc = sh_out(buf, len, 1, "%s%s cat /proc/sys/net/ipv4/%s", ns ? "ip netns exec " : "",
			ns ? ns : "", file);

	ck_assert_msg(rc == 0, "%s: %s", file, buf);
	buf[strcspn(buf, "\n")] = '\0';
}

START_TEST(test_local_ports)
{
	char ns[TESTNS_NAME], cj[64], client[256], out[8192], before[64], after[64], buf[64];
	json_t *c, *range;
	double delay_ms = 1000;

	need_root();
	read_sysctl(NULL, "ip_local_port_range", before, sizeof(before));
	ck_assert_int_eq(testns_create(ns), 0);
	ck_assert_int_eq(sh("ip netns exec %1$s ip link set lo up && ip netns exec %1$s "
			    "sysctl -qw net.ipv4.tcp_tw_reuse=1", ns), 0);
	tmp_path(cj, sizeof(cj), "ports.json");
	snprintf(client, sizeof(client), "$x $d tcpload connect --to 127.0.0.1:$p --rate 500 "
		 "--duration 0.2 --local-ports 1024-65535 --json >%s", cj);
	with_server(out, sizeof(out), ns, client);
	read_sysctl(ns, "ip_local_port_range", buf, sizeof(buf));
	ck_assert_msg(!strcmp(buf, "1024\t65535"), "range in the netns afterwards: '%s'", buf);
	if (!access("/proc/sys/net/ipv4/tcp_tw_reuse_delay", F_OK)) {
		read_sysctl(ns, "tcp_tw_reuse_delay", buf, sizeof(buf));
		delay_ms = atof(buf);
	}
	testns_delete(ns);
	read_sysctl(NULL, "ip_local_port_range", after, sizeof(after));
	ck_assert_str_eq(after, before);

	c = load(cj);
	range = json_object_get(c, "local_port_range");
	ck_assert_msg(json_array_size(range) == 2 &&
		      json_integer_value(json_array_get(range, 0)) == 1024 &&
		      json_integer_value(json_array_get(range, 1)) == 65535,
		      "local_port_range is not [1024, 65535]");
	ck_assert_double_eq(num(c, NULL, "tcp_tw_reuse"), 1);
	ck_assert_double_eq_tol(num(c, NULL, "port_bound_per_s"), 32256 * 1000 / delay_ms, 1e-6);
	ck_assert_msg(num(c, NULL, "connections") > 0, "no connection");
	json_decref(c);
}
END_TEST

/* Run `dplab tcpload ARGS`; assert its exit code and that its output names what. */
static void expect(const char *args, int code, const char *what)
{
	char out[4096];
	int rc = sh_out(out, sizeof(out), 1, "%s tcpload %s", test_dplab_path(), args);

	ck_assert_msg(rc == code, "tcpload %s: exit %d, expected %d:\n%s", args, rc, code, out);
	ck_assert_msg(strstr(out, what), "tcpload %s: no '%s' in:\n%s", args, what, out);
}

START_TEST(test_bad_arguments)
{
	expect("", 2, "usage");
	expect("flood --to 127.0.0.1:80", 2, "unknown mode 'flood'");
	expect("connect --to 127.0.0.1 --duration 1", 2, "--to '127.0.0.1'");
	expect("connect --to 127.0.0.1:80", 2, "--duration is required");
	expect("serve --port 0 --rate 5", 2, "--rate is not an option of serve");
	expect("connect --to 127.0.0.1:80 --duration 1 --rate 10 --parallel 2", 2,
	       "--rate and --parallel 2 exclude each other");
	expect("connect --to 127.0.0.1:80 --duration 1 --local-ports 70000-80000", 2,
	       "--local-ports '70000-80000'");
	expect("connect --to 127.0.0.1:80 --duration 1 --local-ports 5000-4000", 2,
	       "--local-ports '5000-4000'");
	expect("connect --to 127.0.0.1:80 --duration 1 --local-ports abc", 2,
	       "--local-ports 'abc'");
	expect("rr --to 127.0.0.1:80 --rate 5 --duration 1 --local-ports 1024-65535", 2,
	       "--local-ports is not an option of rr");
	expect("rr --to 127.0.0.1:80 --duration 1", 2, "--rate is required");
	expect("rr --to 127.0.0.1:80 --duration 1 --rate 0", 2, "--rate: '0' is not a number");
	expect("serve --port 70000", 2, "--port: '70000' is not a number");
	expect("connect --to 127.0.0.1:80 --duration 1 --parallel 0", 2,
	       "--parallel: '0' is not a number");
	expect("--help", 0, "tcpload rr --to IP:PORT --rate R");
}
END_TEST

START_TEST(test_closed_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	char args[128], addr[32];
	int fd;

	/* Bound, never listening: connections to it are refused. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(sa.sin_port));

	snprintf(args, sizeof(args), "connect --to %s --duration 0.3", addr);
	expect(args, 1, addr);
	expect(args, 1, "Connection refused");
	snprintf(args, sizeof(args), "rr --to %s --rate 10 --duration 0.3 --json", addr);
	expect(args, 1, "connect: Connection refused");
	close(fd);
}
END_TEST

static Suite *tcpload_suite(void)
{
	Suite *s = suite_create("tcpload");
	TCase *tc = tcase_create("loopback");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_serve_connect_rr);
	tcase_add_test(tc, test_connect_rate);
	tcase_add_test(tc, test_local_ports);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(tc, test_closed_port);
	suite_add_tcase(s, tc);
	return s;
}

TEST_SUITE(tcpload_suite)
