// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The hooks test's (hooks.c) differences kept, and its report. */
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "props/hooks.h"

#define DUMP_LEN 128

static const char *verdict_name(bool xdp, int v, char *buf, size_t len)
{
	static const char *const tc[] = { "OK", "RECLASSIFY", "SHOT", "PIPE", "STOLEN",
					  "QUEUED", "REPEAT", "REDIRECT" };
	static const char *const x[] = { "ABORTED", "DROP", "PASS", "TX", "REDIRECT" };

	if (v < -1)
		snprintf(buf, len, "test run failed: %s", strerror(-v));
	else if (!xdp && v == -1)
		snprintf(buf, len, "UNSPEC (next)");
	else if (v >= 0 && (xdp ? v < 5 : v < 8))
		snprintf(buf, len, "%s", xdp ? x[v] : tc[v]);
	else
		snprintf(buf, len, "%d", v);
	return buf;
}

/* Kept with both outputs: why, the frame, what each world made of it. */
void hooks_keep(struct props_hooks *h, struct lane *l, const char *why, const uint8_t *in,
		 size_t in_len, const char *what, const struct run *a, const struct run *b)
{
	char *s, line[512], dump[4096], v[64];
	bool xdp = !l->hook;

	if (l->differ > HOOKS_SAMPLES)
		return;
	s = l->sample[l->differ - 1];
	snprintf(s, HOOKS_SAMPLE_LEN, "%s: frame %llu", l->name, (unsigned long long)l->frames);
	if (h->seed)
		hooks_app(s, HOOKS_SAMPLE_LEN, " (seed %llu)", (unsigned long long)h->seed);
	hooks_app(s, HOOKS_SAMPLE_LEN, ": %s\n  generated: %s", why, what);
	pkt_describe(in, in_len, line, sizeof(line));
	hooks_app(s, HOOKS_SAMPLE_LEN, "\n  input:  %s", line);
	pkt_describe(a->out, a->len, line, sizeof(line));
	hooks_app(s, HOOKS_SAMPLE_LEN, "\n  chain:  %s (%s from %s)", line,
	    verdict_name(xdp, a->verdict, v, sizeof(v)), a->stop);
	pkt_describe(b->out, b->len, line, sizeof(line));
	hooks_app(s, HOOKS_SAMPLE_LEN, "\n  hook:   %s (%s)", line, verdict_name(xdp, b->verdict, v,
								   sizeof(v)));
	pkt_hexdump(in, in_len, 0, DUMP_LEN, NULL, 0, dump, sizeof(dump));
	hooks_app(s, HOOKS_SAMPLE_LEN, "\n  input bytes (first %d):\n%s", DUMP_LEN, dump);
	pkt_hexdump(a->out, a->len, 0, DUMP_LEN, in, in_len, dump, sizeof(dump));
	hooks_app(s, HOOKS_SAMPLE_LEN, "  chain's output ('*': differs from the input):\n%s", dump);
	pkt_hexdump(b->out, b->len, 0, DUMP_LEN, a->out, a->len, dump, sizeof(dump));
	hooks_app(s, HOOKS_SAMPLE_LEN, "  hook's output ('*': differs from the chain's):\n%s", dump);
}

/* ---------------------------------------------------------------- report */

uint64_t props_hooks_differences(const struct props_hooks *h)
{
	uint64_t n = h->differ_total;
	unsigned int i;

	for (i = 0; i < h->n_lane; i++)
		n += h->lane[i].differ;
	return n;
}

void props_hooks_report(const struct props_hooks *h, char *buf, size_t len)
{
	const struct lane *l;
	unsigned int i;

	if (!len)
		return;
	buf[0] = '\0';
	hooks_app(buf, len, "%-52s %7s %7s %6s %6s %8s %7s %6s\n", "lane (hook's verdicts)", "frames",
	    "next", "ok/tx", "shot", "redirect", "changed", "differ");
	for (i = 0; i < h->n_lane; i++) {
		l = &h->lane[i];
		hooks_app(buf, len, "%-52s %7llu %7llu %6llu %6llu %8llu %7llu %6llu\n", l->name,
		    (unsigned long long)l->frames, (unsigned long long)l->next,
		    (unsigned long long)l->ok, (unsigned long long)l->shot,
		    (unsigned long long)l->redirect, (unsigned long long)l->changed,
		    (unsigned long long)l->differ);
	}
	if (h->differ_total)
		hooks_app(buf, len, "counters in total, chains against hooks:\n%s", h->total_sample);
}

void props_hooks_report_samples(const struct props_hooks *h, FILE *out)
{
	unsigned int i, k;

	for (i = 0; i < h->n_lane; i++)
		for (k = 0; k < HOOKS_SAMPLES && k < h->lane[i].differ; k++)
			fprintf(out, "%s\n", h->lane[i].sample[k]);
}
