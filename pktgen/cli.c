// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* dplab-pktgen's options and --help. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dplab/names.h"
#include "cli.h"
#include "pacing.h"
#include "packet.h"

#define DEFAULT_TRIAL_SECS 2
#define DEFAULT_MAX_ITER 16
#define DEFAULT_RES_REL 0.01

void pg_usage(FILE *f)
{
	fprintf(f,
		"usage: dplab-pktgen --iface IF [--netns NS] [--pmd af_packet|af_xdp] | --pci BDF\n"
		"         [--rx-iface IF2 [--rx-netns NS2] | --rx-pci BDF2 | --reflect]\n"
		"         --rate PPS | --bps BPS | --ndr | --pdr TOL\n"
		"         [--size 64..1518|imix] [--syn] [--pcap FILE] [--flows N] [--duration S]\n"
		"         [--src-ip A] [--dst-ip B] [--dst-port P] [--dst-mac MAC]\n"
		"         [--trial-secs S] [--final-secs S] [--resolution PPS|P%%] [--max-iter N]\n"
		"         [--lo PPS] [--hi PPS] [--max-rate PPS] [--allow-physical] [--lcore CPU]\n"
		"         [--json FILE|-]\n"
		"       dplab-pktgen --receive (--iface IF [--netns NS] [--pmd P] | --pci BDF)\n"
		"         --duration S [--allow-physical] [--lcore CPU] [--json FILE|-]\n"
		"  --iface IF       send on IF (an af_packet or af_xdp vdev is bound to it)\n"
		"  --netns NS       IF is in network namespace NS (/run/netns/NS)\n"
		"  --pmd P          af_packet (default; works without hugepages) or af_xdp\n"
		"  --pci BDF        send on the PCI device BDF (e.g. 0000:00:06.0, bound to\n"
		"                   vfio-pci, or mlx5's own driver) through its PMD (ENA,\n"
		"                   mlx5, ...); needs --allow-physical and --max-rate\n"
		"  --rx-iface IF2   receive on IF2 in this process: loss and latency\n"
		"  --rx-netns NS2   IF2 is in NS2 (default: NS)\n"
		"  --rx-pci BDF2    receive on the PCI device BDF2 in this process\n"
		"  --reflect        receive on IF what an XDP reflector at the far end sends\n"
		"                   back (datapath/reflector.bpf.c): latency is round trip\n"
		"  --rate PPS       packets per second; or --bps BPS (on-wire bit/s)\n"
		"  --ndr            RFC 2544 search for the highest rate without loss\n"
		"  --pdr TOL        the same, loss at most TOL percent (e.g. 0.1)\n"
		"  --trial-secs S   length of each search trial (default 2); a trial whose\n"
		"                   generator sent below 99%% of its rate is invalid, run\n"
		"                   again once; invalid twice in a row ends the search\n"
		"  --final-secs S   then confirm the rate found by a trial of S seconds,\n"
		"                   stepping down by the resolution up to 3 times on loss\n"
		"                   (default 0: no confirmation)\n"
		"  --resolution R   stop when the bracket is within R pps, or R%% of the\n"
		"                   failing rate with a %% sign (default 1%%)\n"
		"  --max-iter N     trials at most, before the confirmation (default 16)\n"
		"  --lo PPS, --hi PPS  search range (default hi: --max-rate, lo: hi / 1000);\n"
		"                   widened when hi passes (doubled, up to --max-rate) or\n"
		"                   lo fails (halved, down to --max-rate / 1000)\n"
		"  --size N|imix    frame size with FCS, 64..1518 (default 64), or simple\n"
		"                   IMIX 7:4:1 of 64, 570 and 1518 bytes\n"
		"  --syn            TCP SYNs, each from a new source port (connection setup);\n"
		"                   the receiver counts those that arrive\n"
		"  --pcap FILE      send the frames of an Ethernet pcap file in order, looping,\n"
		"                   paced at --rate, instead of generated UDP; they carry no\n"
		"                   sequence numbers: a receiver counts frames only\n"
		"                   (received_other), no loss or latency\n"
		"  --receive        a receiver process only: count the generator's frames on IF\n"
		"                   for --duration S (or until SIGINT/SIGTERM), then report;\n"
		"                   lost is estimated as highest seq + 1 - unique (the\n"
		"                   sender's count is unknown here); latency from the sender's\n"
		"                   scheduled TSC, valid as the TSC is shared by all processes\n"
		"                   of the machine, for frames of 70 bytes (66 + FCS) and more\n"
		"  --flows N        N UDP source ports (default 1)\n"
		"  --src-ip A       IPv4 source address of the frames (default 10.0.0.1)\n"
		"  --dst-ip B       IPv4 destination address (default 10.0.0.2)\n"
		"  --dst-port P     UDP (or with --syn, TCP) destination port (default 9);\n"
		"                   a reflector sends the frames back from it\n"
		"  --dst-mac MAC    destination MAC, like 02:00:00:00:00:01: the next hop on a\n"
		"                   routed path (a pod's gateway); default: the receiving\n"
		"                   port's MAC, or broadcast without one\n"
		"  --duration S     seconds of traffic (default 10)\n"
		"  --max-rate PPS   refuse a higher rate (default 1e6 on virtual interfaces;\n"
		"                   required with --allow-physical)\n"
		"  --allow-physical allow a non-virtual interface or a PCI device\n"
		"  --lcore CPU      run on CPU (default 0 to send; the last CPU with --receive,\n"
		"                   so a receiver process does not share the sender's CPU)\n"
		"  --json FILE|-    write config, totals, latency percentiles and search\n"
		"                   trials as JSON (docs/pktgen-json.md)\n");
}

/* Parse a positive finite number ("inf" is none: no unbounded run); false if it is not one. */
static bool num(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end && *out > 0 && isfinite(*out);
}

/* v (positive, from num()) is a whole number up to max: tested before any cast. */
static bool whole(double v, double max)
{
	return v <= max && v == floor(v);
}

/* "1000" pps or "0.5%" of the failing rate. */
static bool resolution(const char *s, struct pg_opts *o)
{
	char buf[32];
	size_t n = strlen(s);
	double v;

	if (n && n < sizeof(buf) && s[n - 1] == '%') {
		memcpy(buf, s, n - 1);
		buf[n - 1] = 0;
		if (!num(buf, &v) || v >= 100)
			return false;
		o->res_rel = v / 100;
		o->res_pps = 0;
		return true;
	}
	if (!num(s, &v))
		return false;
	o->res_pps = v;
	o->res_rel = 0;
	return true;
}

static int numeric(int c, const char *arg, struct pg_opts *o)
{
	double v;

	if (c == 'S' && !strcmp(arg, "imix")) {
		o->traffic = PG_TRAFFIC_IMIX;
		o->size = 0;
		return 0;
	}
	if (c == 'S')
		c = 's';
	if (c == 'R')
		return resolution(arg, o) ? 0 : -EINVAL;
	if (c == 'c' && !strcmp(arg, "0")) {
		o->lcore = 0;
		return 0;
	}
	if (c == 'G' && !strcmp(arg, "0")) {
		o->final_secs = 0;
		return 0;
	}
	if (c == 'D' && !strcmp(arg, "0")) {
		o->tolerance = 0;
		o->search = true;
		return 0;
	}
	if (!num(arg, &v))
		return -EINVAL;
	switch (c) {
	case 'r': o->rate = v; break;
	case 'b': o->bps = v; break;
	case 'm': o->max_rate = v; break;
	case 'd': o->duration = v; break;
	case 'T': o->trial_secs = v; break;
	case 'G': o->final_secs = v; break;
	case 'L': o->lo = v; break;
	case 'H': o->hi = v; break;
	case 'D':
		if (v >= 100)
			return -EINVAL;
		o->tolerance = v / 100;
		o->search = true;
		break;
	case 'M':
		if (!whole(v, PG_NDR_MAX_TRIALS))
			return -EINVAL;
		o->max_iter = v;
		break;
	case 's':
		if (v < 64 || !whole(v, 1518))
			return -EINVAL;
		o->size = v;
		break;
	case 'f':
		if (!whole(v, 65535))
			return -EINVAL;
		o->flows = v;
		break;
	case 'c':
		if (!whole(v, 65535))
			return -EINVAL;
		if (v >= sysconf(_SC_NPROCESSORS_ONLN)) {
			fprintf(stderr, "dplab-pktgen: --lcore %s: this machine has %ld CPUs "
				"(0..%ld)\n", arg, sysconf(_SC_NPROCESSORS_ONLN),
				sysconf(_SC_NPROCESSORS_ONLN) - 1);
			return -ERANGE;
		}
		o->lcore = v;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static unsigned hex(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10);
}

/* --src-ip, --dst-ip, --dst-port, --dst-mac; false if arg is not one. */
static bool address(int c, const char *arg, struct pg_opts *o)
{
	struct in_addr in;
	uint8_t *m = o->dst_mac;
	double v;
	int i;

	o->addressed = true;
	switch (c) {
	case 'A':
	case 'B':
		if (inet_pton(AF_INET, arg, &in) != 1)
			return false;
		*(c == 'A' ? &o->src_ip : &o->dst_ip) = ntohl(in.s_addr);
		return true;
	case 'O':
		if (!num(arg, &v) || !whole(v, 65535))
			return false;
		o->dst_port = (uint16_t)v;
		return true;
	default:	/* aa:bb:cc:dd:ee:ff, exactly */
		for (i = 0; i < 6; i++) {
			const char *p = arg + 3 * i;

			if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
			    p[2] != (i < 5 ? ':' : '\0'))
				return false;
			m[i] = (uint8_t)(hex(p[0]) << 4 | hex(p[1]));
		}
		o->dst_mac_set = true;
		return true;
	}
}

/* --receive: a port to receive on for --duration, nothing to send. */
static int receive_opts(int argc, struct pg_opts *o, bool lcore_given)
{
	if (optind < argc || o->rate > 0 || o->bps > 0 || o->search || o->rx_iface ||
	    o->rx_pci || o->reflect || o->pcap || o->traffic != PG_TRAFFIC_UDP ||
	    o->addressed) {
		fprintf(stderr, "dplab-pktgen: --receive takes --iface [--netns] [--pmd] or "
			"--pci, --duration, --lcore, --json only\n");
		pg_usage(stderr);
		return -EINVAL;
	}
	if (!lcore_given)
		o->lcore = sysconf(_SC_NPROCESSORS_ONLN) - 1;
	return 0;
}

static const struct option long_opts[] = {
	{ "iface", 1, NULL, 'i' }, { "netns", 1, NULL, 'n' }, { "pmd", 1, NULL, 'p' },
	{ "rx-iface", 1, NULL, 'I' }, { "rx-netns", 1, NULL, 'N' },
	{ "rate", 1, NULL, 'r' }, { "bps", 1, NULL, 'b' }, { "size", 1, NULL, 'S' },
	{ "flows", 1, NULL, 'f' }, { "duration", 1, NULL, 'd' },
	{ "max-rate", 1, NULL, 'm' }, { "allow-physical", 0, NULL, 'P' },
	{ "json", 1, NULL, 'j' }, { "help", 0, NULL, 'h' },
	{ "reflect", 0, NULL, 'F' }, { "syn", 0, NULL, 'Y' }, { "ndr", 0, NULL, 'Z' },
	{ "pdr", 1, NULL, 'D' }, { "trial-secs", 1, NULL, 'T' },
	{ "final-secs", 1, NULL, 'G' },
	{ "resolution", 1, NULL, 'R' }, { "max-iter", 1, NULL, 'M' },
	{ "lo", 1, NULL, 'L' }, { "hi", 1, NULL, 'H' }, { "pcap", 1, NULL, 'C' },
	{ "receive", 0, NULL, 'V' }, { "pci", 1, NULL, 'X' }, { "rx-pci", 1, NULL, 'x' },
	{ "lcore", 1, NULL, 'c' }, { "src-ip", 1, NULL, 'A' }, { "dst-ip", 1, NULL, 'B' },
	{ "dst-port", 1, NULL, 'O' }, { "dst-mac", 1, NULL, 'E' }, { NULL, 0, NULL, 0 },
};

/* An interface or namespace name, checked before it is used: arg, or NULL after saying why. */
static const char *name_arg(int c, const char *arg)
{
	const char *why = c == 'i' || c == 'I' ? dplab_ifname_invalid(arg) :
			  dplab_netns_invalid(arg);

	if (!why)
		return arg;
	fprintf(stderr, "dplab-pktgen: --%s '%s': %s\n", c == 'i' ? "iface" : c == 'I' ?
		"rx-iface" : c == 'n' ? "netns" : "rx-netns", arg, why);
	return NULL;
}

/* One option c with its argument into o: 0, -EINVAL (a bad value) or -ERANGE (said why). */
static int set_opt(int c, const char *arg, struct pg_opts *o, bool *lcore_given)
{
	switch (c) {
	case 'i': return (o->iface = name_arg(c, arg)) ? 0 : -ERANGE;
	case 'n': return (o->netns = name_arg(c, arg)) ? 0 : -ERANGE;
	case 'I': return (o->rx_iface = name_arg(c, arg)) ? 0 : -ERANGE;
	case 'N': return (o->rx_netns = name_arg(c, arg)) ? 0 : -ERANGE;
	case 'j': o->json = arg; return 0;
	case 'P': o->allow_physical = true; return 0;
	case 'F': o->reflect = true; return 0;
	case 'Y': o->traffic = PG_TRAFFIC_SYN; return 0;
	case 'Z': o->search = true; o->tolerance = 0; return 0;
	case 'C': o->pcap = arg; return 0;
	case 'V': o->receive = true; return 0;
	case 'X': o->pci = arg; return 0;
	case 'x': o->rx_pci = arg; return 0;
	case 'A': case 'B': case 'O': case 'E':
		return address(c, arg, o) ? 0 : -EINVAL;
	case 'p':
		if (!strcmp(arg, "af_packet"))
			o->pmd = PG_PMD_AF_PACKET;
		else if (!strcmp(arg, "af_xdp"))
			o->pmd = PG_PMD_AF_XDP;
		else
			return -EINVAL;
		return 0;
	default:
		*lcore_given |= c == 'c';
		return numeric(c, arg, o);
	}
}

/* The options that go together, after all are read; -EINVAL after saying why. */
static int check_combination(int argc, struct pg_opts *o, bool lcore_given)
{
	const char *why = NULL;

	if (!o->iface == !o->pci || (o->rx_iface && o->rx_pci) ||
	    (o->pci && o->netns) || (o->rx_pci && o->rx_netns))
		why = "need one port: --iface [--netns] or --pci (and for receiving, "
		      "--rx-iface [--rx-netns] or --rx-pci)";
	else if (o->receive)
		return receive_opts(argc, o, lcore_given);
	else if (optind < argc || (o->rate > 0) + (o->bps > 0) + o->search != 1)
		why = "need exactly one of --rate, --bps, --ndr, --pdr";
	else if (o->reflect && (o->rx_iface || o->rx_pci))
		why = "--reflect receives on the sending port: no --rx-iface or --rx-pci";
	else if (o->search && !pg_opts_receives(o))
		why = "a search needs a receiver: --rx-iface or --reflect";
	else if (o->pcap && (o->rate <= 0 || o->traffic != PG_TRAFFIC_UDP))
		why = "--pcap needs --rate; no --bps, search, imix or --syn";
	else if (o->pcap && o->addressed)
		why = "--pcap sends its frames as captured: no --src-ip, --dst-ip, --dst-port "
		      "or --dst-mac";
	if (why) {
		fprintf(stderr, "dplab-pktgen: %s\n", why);
		pg_usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* What follows from the options: traffic kind, sizes, rx netns, rate from --bps. */
static void derive(struct pg_opts *o)
{
	if (o->pcap)
		o->traffic = PG_TRAFFIC_PCAP;
	if (o->traffic == PG_TRAFFIC_SYN || o->pcap)
		o->size = 0;
	if (!o->rx_netns && o->rx_iface)
		o->rx_netns = o->netns;
	if (o->bps > 0)
		o->rate = pg_bps_to_pps(o->bps, o->traffic == PG_TRAFFIC_IMIX ? pg_imix_avg_len() :
					o->traffic == PG_TRAFFIC_SYN ? PG_TCP_SYN_LEN :
					o->size - 4);
}

int pg_opts_parse(int argc, char **argv, struct pg_opts *o)
{
	bool lcore_given = false;
	int c, li = -1, err;

	*o = (struct pg_opts){ .size = 64, .flows = 1, .duration = 10,
			       .trial_secs = DEFAULT_TRIAL_SECS, .max_iter = DEFAULT_MAX_ITER,
			       .res_rel = DEFAULT_RES_REL, .src_ip = PG_DEFAULT_SADDR,
			       .dst_ip = PG_DEFAULT_DADDR, .dst_port = PG_DEFAULT_DPORT };
	while ((c = getopt_long(argc, argv, "", long_opts, &li)) != -1) {
		if (c == 'h') {
			pg_usage(stdout);
			return PG_OPTS_HELP;
		}
		if (c == '?')	/* getopt has already named the unknown option */
			goto usage;
		err = set_opt(c, optarg, o, &lcore_given);
		if (err == -ERANGE)
			goto usage;	/* already said why */
		if (err) {
			fprintf(stderr, "dplab-pktgen: --%s: '%s' is not a value it takes\n",
				li >= 0 ? long_opts[li].name : "?", optarg ? optarg : "");
			goto usage;
		}
	}
	err = check_combination(argc, o, lcore_given);
	if (err || o->receive)
		return err;
	derive(o);
	return 0;
usage:
	pg_usage(stderr);
	return -EINVAL;
}

int pg_opts_search_bounds(struct pg_opts *o)
{
	if (!o->search)
		return 0;
	if (!o->hi || o->hi > o->max_rate)
		o->hi = o->max_rate;
	if (!o->lo)
		o->lo = o->hi / 1000;
	if (o->lo > o->hi) {
		fprintf(stderr, "dplab-pktgen: --lo %.0f is above --hi %.0f\n", o->lo, o->hi);
		return -EINVAL;
	}
	return 0;
}
