/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Property tests of the datapath over generated traffic: random and
 * mutated IPv4 frames (built with tests/lib/pkt.h, then cut, padded,
 * fragmented, given options or bad lengths) run through every tc/XDP
 * program under BPF_PROG_TEST_RUN, each output judged against invariants
 * with the independent checker (tests/lib/csum_check.h):
 *
 *   (a) csum     an output that goes on has right checksums when the
 *                input's were right (tc UNSPEC/OK/REDIRECT, XDP PASS/TX);
 *   (b) masq     masq_snat lets no frame leave with a pod-CIDR source (or
 *                pod address in an ICMP error's inner header) towards a
 *                destination outside the cluster CIDR that is not the node,
 *                but the replies of flows opened from outside to that pod
 *                address (seen going on at masq_rev_snat: any TCP, UDP or
 *                echo request; not an echo reply, which opens nothing);
 *   (c) client   a reply is reverse-translated to the client that opened
 *                the flow, or not at all (a model of the flows opened);
 *   (d) shape    no frame grows or is cut (but by encapsulation), every
 *                verdict is one the hook knows, no test run fails.
 *
 * Used by the Check suite datapath_props (test_props.c: a few seconds per
 * program, seeded) and the libFuzzer target tests/fuzz/fuzz_datapath.c
 * (the fuzzer's bytes drive the same generator).  Nothing here uses Check,
 * so the fuzzer links it without.
 *
 *   props.h      this: the address plan, the API
 *   gen.c        the frame generator (choices from a seed or fuzz input)
 *   view.c       a frame read back: tuples, inner header of ICMP errors
 *   model.c      the flows opened, for (c)
 *   judge.c      the invariants, one step of a run, the violation report
 *   progs.c      the programs, loaded and configured for the address plan
 *   hooks.c      hooks.bpf.c's programs against the chains of programs they
 *                replace, in two worlds fed the same frames (suite
 *                datapath_hooks, fuzz target fuzz_hooks); hooks_load.c loads
 *                them on a world's maps
 */
#ifndef DPLAB_TESTS_PROPS_H
#define DPLAB_TESTS_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include "lib/pkt.h"

struct bpf_object;

/*
 * One address plan for every program, so generated flows hit the
 * translators.  This node's pods are in 10.0.1.0/24, the cluster is
 * 10.0.0.0/16, the node leaves as NODE; other nodes' pods are routed or
 * tunnelled; services live on VIPs and NodePorts of NODE.
 */
#define PR_POD1 IP4(10, 0, 1, 5)	/* also xdp_lb's local backend */
#define PR_POD2 IP4(10, 0, 1, 6)
#define PR_POD3 IP4(10, 0, 1, 7)	/* also a local tc_lb backend */
#define PR_PEER1 IP4(10, 0, 2, 7)	/* other node: FIB hit, tunnel, backend */
#define PR_PEER2 IP4(10, 0, 2, 8)	/* other node: xdp_lb's UDP backend */
#define PR_PEER3 IP4(10, 0, 3, 5)	/* route without a resolved neighbour */
#define PR_HOLE IP4(10, 0, 9, 1)	/* blackhole route */
#define PR_NODE IP4(203, 0, 113, 2)
#define PR_CLIENT IP4(203, 0, 113, 5)
#define PR_REMOTE1 IP4(198, 51, 100, 7)
#define PR_REMOTE2 IP4(198, 51, 100, 8)
#define PR_ROUTER IP4(192, 0, 2, 1)	/* sends ICMP errors */
#define PR_VIP IP4(10, 96, 0, 10)	/* TCP/80, UDP/53, ICMP: one backend */
#define PR_VIP_TWO IP4(10, 96, 0, 12)	/* TCP/80: two backends */
#define PR_VIP_EMPTY IP4(10, 96, 0, 11)	/* TCP/80: none */
#define PR_POD_CIDR IP4(10, 0, 1, 0)
#define PR_POD_PREFIX 24
#define PR_CLUSTER_CIDR IP4(10, 0, 0, 0)
#define PR_CLUSTER_PREFIX 16
/* NodePorts of NODE (xdp_lb) */
#define PR_NP_LOCAL 30080		/* TCP, local backend POD1:8080 */
#define PR_NP_REMOTE 30081		/* TCP, remote backend PEER1:8080 */
#define PR_NP_UDP 30053			/* UDP, remote backend PEER2:53 */
#define PR_NP_EMPTY 30099		/* TCP, no backend */

/* The invariants, in the order of the report. */
enum props_inv { INV_CSUM, INV_MASQ, INV_CLIENT, INV_SHAPE, INV_N };

/* What an input frame was, for the breakdown of violations (first that fits). */
enum props_class {
	CL_NOT_IPV4, CL_FRAGMENT, CL_OPTIONS, CL_ICMP_ERROR, CL_TCP_SYN, CL_TCP_OTHER,
	CL_UDP, CL_ICMP_ECHO, CL_ICMP_REPLY, CL_ICMP_OTHER, CL_OTHER_PROTO, CL_N
};

/* ---------------------------------------------------------------- choices */

/*
 * Where the generator's choices come from: a fuzz input's bytes while they
 * last, then (or only) a 64-bit PRNG, so a seed or an input reproduces the
 * same frames.
 */
struct props_rng {
	uint64_t state;
	const uint8_t *data;
	size_t len, pos;
};

void props_rng_seed(struct props_rng *r, uint64_t seed);
/* The choices of one fuzz input: its bytes, then a PRNG seeded from them. */
void props_rng_data(struct props_rng *r, const uint8_t *data, size_t len);
/* A value in [0, n), n > 0. */
uint32_t props_pick(struct props_rng *r, uint32_t n);
/* true with probability pct / 100. */
bool props_chance(struct props_rng *r, unsigned int pct);

/* A run's budget and seed: the monotonic clock in seconds; a number from
 * the environment (dflt when unset or empty); DPLAB_PROPS_SEED, else one
 * from the time and the pid. */
double props_now_s(void);
double props_env_num(const char *name, double dflt);
uint64_t props_pick_seed(void);

/* ---------------------------------------------------------------- frames read back */

/* A flow as on the wire, ports in host order; ICMP echo: the id is sport
 * of a request and dport of a reply (the other 0), as conntrack keys it. */
struct props_tuple {
	__be32 saddr, daddr;
	uint16_t sport, dport;
	uint8_t proto;
};

struct props_view {
	bool ipv4;		/* an IPv4 header, version 4, ihl >= 5, all there */
	bool hdr_ok;		/* ... and its header checksum is right */
	size_t ihl;
	bool frag;		/* MF or an offset */
	bool ports;		/* t has ports (TCP, UDP, ICMP echo; not a later fragment) */
	struct props_tuple t;	/* addresses and proto whenever ipv4 */
	uint8_t icmp_type;
	uint8_t tcp_flags;
	bool icmp_err;		/* ICMP error with an inner IPv4 header */
	bool inner_ports;	/* the inner header's first 8 bytes are there */
	bool inner_hdr_ok;	/* the inner header's checksum is right */
	struct props_tuple inner;
};

void props_view(const uint8_t *f, size_t len, struct props_view *v);
enum props_class props_classify(const struct props_view *v);
extern const char *const props_class_name[CL_N];
bool props_tuple_eq(const struct props_tuple *a, const struct props_tuple *b);
void props_tuple_reverse(const struct props_tuple *t, struct props_tuple *r);
/* "TCP 10.0.1.5:40000 -> 198.51.100.7:80" */
void props_tuple_str(const struct props_tuple *t, char *buf, size_t len);
/* The IPv4 header checksum of ip[0..ihl) with its own field left out. */
uint16_t props_ip_csum(const uint8_t *ip, size_t ihl);
bool props_in_cidr(__be32 addr, __be32 net, unsigned int prefix);

/* ---------------------------------------------------------------- flow model */

/*
 * The flows a translator opened: each forward translation of an original
 * tuple O into T, keyed by the reply tuple R = reverse(T); the latest
 * translation to T owns it.  Open addressing; when full, the least
 * recently used of a probe sequence makes room (the datapath's maps are
 * far smaller, so a flow it still holds is never forgotten here).
 */
#define PROPS_MODEL_SLOTS 65536
#define PROPS_MODEL_PROBE 8

struct props_flow {
	struct props_tuple reply;	/* R */
	struct props_tuple orig;	/* O */
	/*
	 * An earlier flow with the same reply tuple: one client port to two
	 * VIPs whose backend is the same (tc_lb, no SNAT).  Only one can be
	 * live, but which one the datapath still holds after an LRU eviction
	 * the model cannot know; a reply restored to either is the client's.
	 */
	struct props_tuple alt;
	bool has_alt;
	uint64_t used;			/* 0: free slot */
};

struct props_model {
	struct props_flow *slot;	/* PROPS_MODEL_SLOTS */
	uint32_t *taken;		/* indices of the slots in use, n of them */
	uint64_t clock;
	size_t n;
};

int props_model_init(struct props_model *m);
void props_model_free(struct props_model *m);
void props_model_open(struct props_model *m, const struct props_tuple *orig,
		      const struct props_tuple *translated);
const struct props_flow *props_model_find(struct props_model *m, const struct props_tuple *reply);
/* A flow drawn at random (to send its packets or replies again), or NULL. */
const struct props_flow *props_model_any(struct props_model *m, struct props_rng *r);

/* ---------------------------------------------------------------- programs */

/* The objects of progs.c: each feature's, tc_lb.bpf.c twice. */
enum props_obj {
	PROPS_OBJ_MASQ,
	PROPS_OBJ_TC_LB,		/* ClusterIPs */
	PROPS_OBJ_TC_NODEPORT,		/* tc_lb.bpf.c's NodePort instance ("np.") */
	PROPS_OBJ_XDP_LB,
	PROPS_OBJ_HOST_ROUTING,
	PROPS_OBJ_OVERLAY,
	PROPS_OBJ_N
};

enum props_role {
	ROLE_PLAIN,	/* no translation modelled: (a), (d) */
	ROLE_FWD,	/* opens flows: translations recorded */
	ROLE_REV,	/* translates replies: checked against the model */
	ROLE_BOTH,	/* either, told apart by the model */
};

/* What a program sees: the addresses and ports frames are drawn from. */
struct props_traffic {
	const __be32 *src, *dst;
	unsigned int n_src, n_dst;
	const uint16_t *dport;
	unsigned int n_dport;
	bool replies;		/* also replies / ICMP errors of modelled flows */
	bool fwd_again;		/* also packets of modelled flows again */
};

/* Violations kept with their frames per program and invariant; every one
 * is logged, a line each, to DPLAB_PROPS_LOG when that names a file. */
#define PROPS_SAMPLES 3
#define PROPS_SAMPLE_LEN 2048

struct props_prog {
	const char *name;
	int obj;			/* index of its object (progs.c) */
	bool xdp;
	enum props_role role;
	bool masq_egress;		/* (b) applies */
	bool masq_ingress;		/* notes flows opened from outside to pods */
	bool may_encap;			/* (d): may grow by VXLAN's 50 bytes */
	const struct props_traffic *traffic;
	int fd;
	int ifindex;			/* the device frames arrive on (0: none) */
	/* results */
	uint64_t frames, passed, changed, translated;
	uint64_t viol[INV_N];
	uint64_t viol_class[INV_N][CL_N];
	char sample[INV_N][PROPS_SAMPLES][PROPS_SAMPLE_LEN];
};

struct props_env {
	struct props_prog *prog;
	unsigned int n_prog;
	struct props_model *model;	/* one per object */
	/* Flows opened from outside the cluster to a pod's own address, keyed
	 * by the pod's reply: those replies leave with the pod's address
	 * (conntrack's reply direction is not masqueraded, nor in Cilium). */
	struct props_model inbound;
	void *objs;			/* progs.c's skeletons */
	bool netns;			/* the FIB of a private namespace is set up */
	uint64_t seed;			/* of the generator; 0: driven by fuzz inputs */
};

/*
 * Load and configure every program (small conntrack maps, so eviction is
 * part of the traffic).  With private_netns the process first moves into
 * a namespace of its own (unshare) holding the routes, neighbours and
 * devices host routing and the overlay look up; it goes with the process.
 * 0, or -1 with err set.
 */
int props_env_up(struct props_env *env, bool private_netns, char *err, size_t err_len);

struct props_opts {
	bool private_netns;	/* as props_env_up's */
	bool in_node_netns;	/* the caller is in such a namespace already:
				 * a second world beside the first */
	bool deterministic;	/* the same frames make the same maps in two
				 * worlds: no random SNAT port, no expiry (progs.c) */
};
int props_env_open(struct props_env *env, const struct props_opts *opts, char *err,
		   size_t err_len);

/*
 * Rodata of the address plan, for a feature's object and for hooks.bpf.c's
 * alike (both include the same lib/ globals).  opts->deterministic: SNAT
 * keeps a flow's own port or drops the flow (no retries: the ports tried
 * after its own start at bpf_get_prandom_u32, so two worlds would pick
 * different ones), and no conntrack entry reaches its end within a run
 * (expiry reads the clock, which two worlds read microseconds apart: at a
 * tick's edge they could judge an entry's age differently).  Both are
 * lib/ code that runs alike in a chain and a hook program.
 */
#define PROPS_MASQ_RODATA(rd, opts)					\
	do {								\
		(rd)->pod_cidr_addr = PR_POD_CIDR;			\
		(rd)->pod_cidr_prefix = PR_POD_PREFIX;			\
		(rd)->cluster_cidr_addr = PR_CLUSTER_CIDR;		\
		(rd)->cluster_cidr_prefix = PR_CLUSTER_PREFIX;		\
		(rd)->node_ip = PR_NODE;				\
		if ((opts)->deterministic)				\
			(rd)->max_retries = 0;				\
	} while (0)
#define PROPS_OVERLAY_RODATA(rd, env)					\
	((rd)->vxlan_ifindex = (env)->netns ? props_env_ifindex((env), "vx0") : 1)
#define PROPS_CT_LONG_NS (24 * 3600 * 1000000000ULL)
#define PROPS_CT_RODATA(rd, opts)					\
	do {								\
		if (!(opts)->deterministic)				\
			break;						\
		(rd)->ct_timeout_syn_ns = PROPS_CT_LONG_NS;		\
		(rd)->ct_timeout_tcp_ns = PROPS_CT_LONG_NS;		\
		(rd)->ct_timeout_close_ns = PROPS_CT_LONG_NS;		\
		(rd)->ct_timeout_udp_ns = PROPS_CT_LONG_NS;		\
		(rd)->ct_timeout_icmp_ns = PROPS_CT_LONG_NS;		\
	} while (0)
void props_env_down(struct props_env *env);
/* Index of a program by name, or -1. */
int props_prog_index(const struct props_env *env, const char *name);
/* The loaded object of a feature, for its maps. */
struct bpf_object *props_env_object(const struct props_env *env, enum props_obj obj);
/* A device of the node's namespace (0 without one). */
int props_env_ifindex(const struct props_env *env, const char *dev);

/* Generate one frame for program p; its length, what kind in what. */
size_t props_gen(struct props_rng *r, const struct props_prog *p, struct props_model *m,
		 uint8_t *buf, size_t cap, char *what, size_t what_len);

/*
 * One generated frame through program idx, judged; false only when the
 * harness itself failed (err).  Violations are counted in the program.
 */
bool props_step(struct props_env *env, unsigned int idx, struct props_rng *r,
		char *err, size_t err_len);
/* A given frame through program idx, judged (the fuzzer's raw mode). */
bool props_run_frame(struct props_env *env, unsigned int idx, const uint8_t *in,
		     size_t in_len, const char *what, char *err, size_t err_len);
/*
 * Judge a run of program idx made elsewhere: in became out (out_len bytes)
 * with verdict, or -errno when BPF_PROG_TEST_RUN failed.  Counted as a
 * frame of the program, its translations modelled.
 */
void props_judge(struct props_env *env, unsigned int idx, const uint8_t *in, size_t in_len,
		 const uint8_t *out, size_t out_len, int verdict, const char *what);
/* Frames BPF_PROG_TEST_RUN refuses for the hook (too short, too long). */
bool props_kernel_refuses(bool xdp, const uint8_t *f, size_t len);

uint64_t props_violations(const struct props_env *env);
/*
 * The table, a line per program: frames run, went on (verdict), changed
 * (any byte), translated (addresses or ports, or an ICMP error's quoted
 * ones), violations per invariant; then which frames violated each.
 */
void props_report(const struct props_env *env, char *buf, size_t len);
/* The kept violations, frames described and dumped. */
void props_report_samples(const struct props_env *env, FILE *out);

/* ---------------------------------------------------------------- hook programs (hooks.c) */

/*
 * hooks.bpf.c's programs against the chains of programs they replace.  Two
 * worlds, each progs.c's objects configured alike (deterministic, so the
 * same frames make the same maps): in A a hook's chain runs program after
 * program (BPF_PROG_TEST_RUN on the previous output while the verdict is
 * TC_ACT_UNSPEC), each run judged as props_run_frame() judges; in B the one
 * hook program runs, on B's maps.  A lane is a hook with one combination of
 * its steps (every non-empty one), or the XDP NodePort LB itself, which
 * opens the flows tc_nodeport_rev translates (the same program in both
 * worlds: a difference there is the harness's).  Each frame of a lane goes
 * through both; verdict, output bytes and the counters of the lane's
 * features (this frame's increments) must be the same.
 */
struct props_hooks;

/* Both worlds and every lane's hook program; NULL with err set. */
struct props_hooks *props_hooks_up(bool private_netns, char *err, size_t err_len);
void props_hooks_down(struct props_hooks *h);
unsigned int props_hooks_lanes(const struct props_hooks *h);
const char *props_hooks_lane_name(const struct props_hooks *h, unsigned int lane);
/* The seed printed with every difference (0: fuzz input). */
void props_hooks_set_seed(struct props_hooks *h, uint64_t seed);
/* One generated frame through a lane in both worlds, compared; false only
 * when the harness itself failed (err). */
bool props_hooks_step(struct props_hooks *h, unsigned int lane, struct props_rng *r,
		      char *err, size_t err_len);
/* A given frame through a lane (the fuzzer's raw mode). */
bool props_hooks_run_frame(struct props_hooks *h, unsigned int lane, const uint8_t *in,
			   size_t in_len, const char *what, char *err, size_t err_len);
/* Every feature's counters in total, A against B: counted as differences. */
void props_hooks_check_totals(struct props_hooks *h);
/* Frames (and totals) that differed. */
uint64_t props_hooks_differences(const struct props_hooks *h);
/* World A, whose programs' runs were judged by the invariants. */
const struct props_env *props_hooks_world_a(const struct props_hooks *h);
/* A line per lane: frames, B's verdicts, frames changed, differences. */
void props_hooks_report(const struct props_hooks *h, char *buf, size_t len);
/* The kept differences, frames described and dumped. */
void props_hooks_report_samples(const struct props_hooks *h, FILE *out);
/* The full chain of the i-th hook (its program, its steps in order): the
 * number of steps, or 0 past the last hook. */
unsigned int props_hooks_chain(unsigned int i, const char **prog, unsigned int *steps);
/* For the harness's own test: lane runs other's hook program from now on. */
void props_hooks_swap_program(struct props_hooks *h, unsigned int lane, unsigned int other);

#endif /* DPLAB_TESTS_PROPS_H */
