// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Packet fixtures run through BPF_PROG_TEST_RUN (see fixture.h).  Shaped
 * after Katran's lib/testing and the kernel's prog_tests/xdp_adjust_tail.c:
 * one run per fixture, the verdict and the whole output frame compared.
 * The pcap writer, verdict names and counter helpers are in fixture_util.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/testlib.h"
#include "lib/csum_check.h"
#include "lib/fixture.h"
#include "lib/fixture_int.h"

#define OUT_CAP 65536			/* data_out: room for any growth */
#define DUMP_ALL 256			/* frames up to this are dumped whole */
#define MAX_FIELDS 12			/* differing fields listed */

/* One fixture's frames and result. */
struct run {
	uint8_t in[PKT_MAX], want[PKT_MAX];
	size_t in_len, want_len;
	uint8_t *got;
	size_t got_len;
	int verdict;
	enum bpf_prog_type type;
	struct fx_counters before, after;
};

static bool msg(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool msg(char *err, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(err, len);
	va_list ap;

	if (used + 1 < len) {
		va_start(ap, fmt);
		vsnprintf(err + used, len - used, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* The frame from bytes or from a spec; false (err set) if it cannot be built. */
static bool frame_of(const char *what, const uint8_t *bytes, size_t bytes_len,
		     const struct pkt_spec *spec, uint8_t *buf, size_t *len,
		     const struct fixture *fx, char *err, size_t err_len)
{
	if (bytes) {
		if (bytes_len > PKT_MAX)
			return msg(err, err_len, "fixture \"%s\": %s frame of %zu bytes is over "
				   "PKT_MAX", fx->desc, what, bytes_len);
		memcpy(buf, bytes, bytes_len);
		*len = bytes_len;
		return true;
	}
	*len = pkt_build(buf, PKT_MAX, spec);
	if (!*len)
		return msg(err, err_len, "fixture \"%s\": %s spec does not build: %s",
			   fx->desc, what, pkt_build_error());
	return true;
}

static bool prepare(struct run *r, int prog_fd, const struct fixture *fx, char *err,
		    size_t err_len)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);

	if (!fx->in && !fx->in_spec)
		return msg(err, err_len, "fixture \"%s\": no input (in or in_spec)", fx->desc);
	if (!frame_of("input", fx->in, fx->in_len, fx->in_spec, r->in, &r->in_len, fx,
		      err, err_len))
		return false;
	if (fx->out || fx->out_spec) {
		if (!frame_of("expected output", fx->out, fx->out_len, fx->out_spec,
			      r->want, &r->want_len, fx, err, err_len))
			return false;
	} else {
		memcpy(r->want, r->in, r->in_len);
		r->want_len = r->in_len;
	}
	if (bpf_prog_get_info_by_fd(prog_fd, &info, &info_len))
		return msg(err, err_len, "fixture \"%s\": program fd %d: %s", fx->desc,
			   prog_fd, strerror(errno));
	r->type = info.type;
	if (r->type != BPF_PROG_TYPE_XDP && r->type != BPF_PROG_TYPE_SCHED_CLS &&
	    r->type != BPF_PROG_TYPE_SCHED_ACT)
		return msg(err, err_len, "fixture \"%s\": program \"%s\" is of type %u, "
			   "not XDP or tc", fx->desc, info.name, r->type);
	fx_counters_read(prog_fd, &r->before);
	return true;
}

/* Why the kernel may have refused the run (seen on 6.18). */
static const char *run_hint(const struct run *r)
{
	unsigned int ethertype = r->in_len >= 14 ? r->in[12] << 8 | r->in[13] : 0;

	if (r->in_len < 14)
		return " (the kernel refuses frames under 14 bytes)";
	if (r->type == BPF_PROG_TYPE_XDP && r->in_len > 3500)
		return " (XDP test runs take one page, about 3.5 KB, without frags)";
	if (r->type != BPF_PROG_TYPE_XDP && ethertype == 0x0800 && r->in_len < 14 + 20)
		return " (tc test runs refuse an IPv4 ethertype with less than the 20-byte "
		       "IPv4 header: run a truncated-IP case on XDP, or cut the L4 header)";
	if (r->type != BPF_PROG_TYPE_XDP && ethertype == 0x86dd && r->in_len < 14 + 40)
		return " (tc test runs refuse an IPv6 ethertype with less than the 40-byte "
		       "IPv6 header)";
	return "";
}

/* One BPF_PROG_TEST_RUN; tc gets a zeroed __sk_buff, XDP an xdp_md if ifindex. */
static bool run_once(struct run *r, int prog_fd, const struct fixture *fx, char *err,
		     size_t err_len)
{
	struct __sk_buff skb = { .ifindex = fx->ifindex, .ingress_ifindex = fx->ifindex };
	struct xdp_md md = { .data_end = r->in_len, .ingress_ifindex = fx->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = r->in,
		    .data_size_in = r->in_len,
		    .data_out = r->got,
		    .data_size_out = OUT_CAP,
		    .repeat = 1);

	if (r->type != BPF_PROG_TYPE_XDP) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	} else if (fx->ifindex) {
		opts.ctx_in = &md;
		opts.ctx_size_in = sizeof(md);
	}
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return msg(err, err_len, "fixture \"%s\": BPF_PROG_TEST_RUN failed: %s%s",
			   fx->desc, strerror(errno), run_hint(r));
	r->verdict = opts.retval;
	r->got_len = opts.data_size_out;
	return true;
}

static void describe_frames(const struct run *r, char *err, size_t err_len)
{
	char line[512];

	pkt_describe(r->in, r->in_len, line, sizeof(line));
	msg(err, err_len, "\n  input:    %s", line);
	pkt_describe(r->want, r->want_len, line, sizeof(line));
	msg(err, err_len, "\n  expected: %s", line);
	pkt_describe(r->got, r->got_len, line, sizeof(line));
	msg(err, err_len, "\n  got:      %s", line);
	fx_counters_diff(&r->before, &r->after, line, sizeof(line));
	msg(err, err_len, "\n  counters: %s", line);
}

static void dump(const char *what, const uint8_t *f, size_t len, const uint8_t *cmp,
		 size_t cmp_len, size_t first, char *err, size_t err_len)
{
	size_t from = 0, to = len;
	char text[4096];

	if (len > DUMP_ALL) {
		from = first > 64 ? (first - 64) & ~(size_t)15 : 0;
		to = from + DUMP_ALL;
	}
	pkt_hexdump(f, len, from, to, cmp, cmp_len, text, sizeof(text));
	msg(err, err_len, "\n%s (%zu bytes%s, '*' marks lines that differ):\n%s", what, len,
	    from || to < len ? ", part" : "", text);
}

/* Byte comparison; on a difference, the offset, fields and dumps. */
static bool compare(const struct run *r, const struct fixture *fx, char *err, size_t err_len)
{
	size_t first, i, n = 0, common = r->got_len < r->want_len ? r->got_len : r->want_len;
	char name[64], prev[64] = "";

	for (first = 0; first < common && r->got[first] == r->want[first]; first++)
		;
	if (first == common && r->got_len == r->want_len)
		return true;
	pkt_field_name(r->want, r->want_len, first, name, sizeof(name));
	msg(err, err_len, "fixture \"%s\": output frame differs from the expected one at "
	    "offset %zu (%s); got %zu bytes, expected %zu", fx->desc, first, name,
	    r->got_len, r->want_len);
	msg(err, err_len, "\n  fields that differ:");
	for (i = first; i < common && n < MAX_FIELDS; i++) {
		if (r->got[i] == r->want[i])
			continue;
		pkt_field_name(r->want, r->want_len, i, name, sizeof(name));
		if (strcmp(name, prev)) {
			msg(err, err_len, "%s %s", n ? "," : "", name);
			snprintf(prev, sizeof(prev), "%s", name);
			n++;
		}
	}
	if (r->got_len != r->want_len)
		msg(err, err_len, "%s length", n ? "," : "");
	describe_frames(r, err, err_len);
	dump("expected", r->want, r->want_len, r->got, r->got_len, first, err, err_len);
	dump("got", r->got, r->got_len, r->want, r->want_len, first, err, err_len);
	return false;
}

static bool check(struct run *r, int prog_fd, const struct fixture *fx, char *err,
		  size_t err_len)
{
	char got_name[32], want_name[32], why[256];

	fx_counters_read(prog_fd, &r->after);
	if (r->verdict != fx->expect_verdict) {
		msg(err, err_len, "fixture \"%s\": verdict %s, expected %s", fx->desc,
		    fixture_verdict_name(r->type, r->verdict, got_name, sizeof(got_name)),
		    fixture_verdict_name(r->type, fx->expect_verdict, want_name,
					 sizeof(want_name)));
		describe_frames(r, err, err_len);
		return false;
	}
	if (!compare(r, fx, err, err_len))
		return false;
	if (pkt_csum_verify(r->in, r->in_len, NULL, 0) &&
	    !pkt_csum_verify(r->got, r->got_len, why, sizeof(why))) {
		msg(err, err_len, "fixture \"%s\": output checksum wrong: %s", fx->desc, why);
		describe_frames(r, err, err_len);
		return false;
	}
	if (fx->expect_counter) {
		__u32 c = fx->expect_counter - 1;

		if (!r->before.n)
			return msg(err, err_len, "fixture \"%s\": expect_counter set but the "
				   "program has no per-CPU array \"counters\"", fx->desc);
		if (c >= r->before.n)
			return msg(err, err_len, "fixture \"%s\": expect_counter %u, but "
				   "\"counters\" has %u entries", fx->desc, c, r->before.n);
		if (r->after.v[c] - r->before.v[c] != 1) {
			msg(err, err_len, "fixture \"%s\": counter %s should have grown by 1, "
			    "grew by %llu", fx->desc,
			    fx_counter_name(c, got_name, sizeof(got_name)),
			    (unsigned long long)(r->after.v[c] - r->before.v[c]));
			describe_frames(r, err, err_len);
			return false;
		}
	}
	return true;
}

static bool write_pcap(const struct run *r, const struct fixture *fx, char *err,
		       size_t err_len)
{
	const char *dir = getenv("DPLAB_PCAP_DIR");
	char path[4096], why[512];

	if (!dir || !dir[0])
		return true;
	fixture_pcap_path(dir, fx->desc, path, sizeof(path));
	if (fixture_pcap_write(path, r->in, r->in_len, r->got, r->got_len, why, sizeof(why)))
		return msg(err, err_len, "fixture \"%s\": DPLAB_PCAP_DIR: %s", fx->desc, why);
	return true;
}

bool fixture_try(int prog_fd, const struct fixture *fx, char *err, size_t err_len)
{
	struct run *r = calloc(1, sizeof(*r));
	bool ok = false;

	if (err_len)
		err[0] = '\0';
	if (!r)
		return msg(err, err_len, "fixture \"%s\": out of memory", fx->desc);
	r->got = malloc(OUT_CAP);
	if (r->got && prepare(r, prog_fd, fx, err, err_len) &&
	    run_once(r, prog_fd, fx, err, err_len) && write_pcap(r, fx, err, err_len))
		ok = check(r, prog_fd, fx, err, err_len);
	else if (!r->got)
		msg(err, err_len, "fixture \"%s\": out of memory", fx->desc);
	free(r->got);
	free(r);
	return ok;
}

void fixture_run(int prog_fd, const struct fixture *fx)
{
	static char err[8192];

	if (!fixture_try(prog_fd, fx, err, sizeof(err)))
		ck_abort_msg("%s", err);
}

void fixture_run_n(int prog_fd, const struct fixture *fx, size_t n)
{
	static char err[8192];
	size_t i;

	for (i = 0; i < n; i++)
		if (!fixture_try(prog_fd, &fx[i], err, sizeof(err)))
			ck_abort_msg("[%zu of %zu] %s", i + 1, n, err);
}
