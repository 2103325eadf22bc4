// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The socket LB tests' environment (sock_lb_env.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dplab/lb.h"
#include "lib/sock_lb_env.h"
#include "lib/testns.h"
#include "lib/testsock.h"

#define MAX_LINKS 16

struct sock_lb_bpf *sock_lb_skel;

static struct {
	char ns[TESTNS_NAME];
	struct testcg cg;
	struct bpf_link *links[MAX_LINKS];
	int n_links;
} env;

/* Every program of the object: the test sees what the loader attaches. */
static void attach_all(void)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, sock_lb_skel->obj) {
		struct bpf_link *l = bpf_program__attach_cgroup(prog, env.cg.fd);

		ck_assert_msg(l, "attach %s to %s: %s", bpf_program__name(prog), env.cg.path,
			      strerror(errno));
		ck_assert_int_lt(env.n_links, MAX_LINKS);
		env.links[env.n_links++] = l;
	}
}

void sock_lb_up(void)
{
	char path[64];
	int fd, err;

	ck_assert_int_eq(testns_create(env.ns), 0);
	ck_assert_int_eq(sh("ip -n %s link set dev lo up", env.ns), 0);
	snprintf(path, sizeof(path), "/run/netns/%s", env.ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0 && !setns(fd, CLONE_NEWNET), "entering %s: %s", env.ns,
		      strerror(errno));
	close(fd);
	err = testcg_create(&env.cg);
	ck_assert_msg(!err, "test cgroup %s: %s", env.cg.path, strerror(-err));
	sock_lb_skel = sock_lb_bpf__open_and_load();
	ck_assert_msg(sock_lb_skel, "sock_lb.bpf.o: open and load: %s", strerror(errno));
	attach_all();
}

void sock_lb_join(void)
{
	int err = testcg_join(&env.cg);

	ck_assert_msg(!err, "joining %s: %s", env.cg.path, strerror(-err));
}

void sock_lb_down(void)
{
	int err = testcg_remove(&env.cg);

	ck_assert_msg(!err, "removing %s: %s", env.cg.path, strerror(-err));
	while (env.n_links)
		bpf_link__destroy(env.links[--env.n_links]);
	sock_lb_bpf__destroy(sock_lb_skel);
	sock_lb_skel = NULL;
	testns_delete(env.ns);
}

void sock_lb_backends_at(int type, int port, int fds[2])
{
	fds[0] = sock_at(type, SOCK_LB_BE0, port);
	fds[1] = sock_at(type, SOCK_LB_BE1, port);
}

void sock_lb_add_service(const char *vip, int port, int proto, __u32 id,
			 const char *const *addrs, int n, int bport)
{
	struct dplab_svc_key key = { .port = htons(port), .proto = proto };
	struct dplab_svc svc = { .id = id, .count = n };
	struct dplab_backend_key bkey = { .svc_id = id };
	struct dplab_backend be = { .port = htons(bport) };
	int i;

	inet_pton(AF_INET, vip, &key.vip);
	for (i = 0; i < n; i++) {
		bkey.slot = i;
		inet_pton(AF_INET, addrs[i], &be.addr);
		ck_assert_int_eq(bpf_map__update_elem(sock_lb_skel->maps.backends, &bkey,
						      sizeof(bkey), &be, sizeof(be), BPF_ANY), 0);
	}
	ck_assert_int_eq(bpf_map__update_elem(sock_lb_skel->maps.services, &key, sizeof(key),
					      &svc, sizeof(svc), BPF_ANY), 0);
}

__u64 sock_lb_counter(enum dplab_counter c)
{
	int i, ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu], sum = 0;
	__u32 key = c;

	ck_assert_int_eq(bpf_map__lookup_elem(sock_lb_skel->maps.counters, &key, sizeof(key),
					      vals, sizeof(vals), 0), 0);
	for (i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

void sock_lb_tcp_exchange(int c, int l, const char *be_ip, int be_port)
{
	struct sockaddr_storage a;
	socklen_t len = sizeof(a);
	int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	const char *what = "accepted connection's local address";
	char b = 0;

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	if (a.ss_family == AF_INET6)
		assert_addr6((const struct sockaddr_in6 *)&a, be_ip, be_port, what);
	else
		assert_addr((const struct sockaddr_in *)&a, be_ip, be_port, what);
	ck_assert_int_eq(write(c, "q", 1), 1);
	ck_assert_int_eq(read(s, &b, 1), 1);
	ck_assert_int_eq(write(s, "a", 1), 1);
	ck_assert_int_eq(read(c, &b, 1), 1);
	ck_assert_int_eq(b, 'a');
	close(s);
}
