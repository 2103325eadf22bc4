// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What libxdp did with an attach (see libxdp_report.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdp/libxdp.h>

#include "attach/libxdp_report.h"
#include "util/log.h"

#define LIBXDP_PREFIX "libxdp: "
#define LIBXDP_FALLBACK_LINE "Falling back"
#define CAPTURE_LEN 1024

void libxdp_report_messages(char *buf, size_t len)
{
	char raw[CAPTURE_LEN];
	char *line, *next;
	size_t used = 0;

	log_capture_libxdp(raw, sizeof(raw));
	buf[0] = '\0';
	for (line = raw; line && *line; line = next) {
		next = strstr(line, "; ");
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (!strncmp(line, LIBXDP_PREFIX, strlen(LIBXDP_PREFIX)))
			line += strlen(LIBXDP_PREFIX);
		if (!strncmp(line, LIBXDP_FALLBACK_LINE, strlen(LIBXDP_FALLBACK_LINE)) ||
		    used >= len)
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? "; " : "", line);
	}
}

/* 1: libxdp's dispatcher is on the interface, 0: the program itself. */
static int dispatcher_in_use(int ifindex)
{
	struct xdp_multiprog *mp;
	int err, ret;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return err;
	if (!mp)
		return -ENOENT;
	ret = !xdp_multiprog__is_legacy(mp);
	xdp_multiprog__close(mp);
	return ret;
}

int libxdp_report_how_loaded(int ifindex, const char *msgs, char *buf, size_t len)
{
	static const char head[] = "dispatcher unavailable: ";
	static const char tail[] = "; loaded without dispatcher";
	/* libxdp checks the dispatcher once per process and then falls back silently. */
	static char first_reason[CAPTURE_LEN];
	int in_use = dispatcher_in_use(ifindex);
	int room = (int)len - (int)sizeof(head) - (int)sizeof(tail) + 1;

	if (in_use == 0 && msgs[0] && !first_reason[0])
		snprintf(first_reason, sizeof(first_reason), "%s", msgs);
	if (in_use == 0 && !msgs[0] && getenv("LIBXDP_SKIP_DISPATCHER"))
		msgs = "LIBXDP_SKIP_DISPATCHER is set";
	else if (in_use == 0 && !msgs[0])
		msgs = first_reason;
	if (in_use == 1)
		snprintf(buf, len, "loaded through libxdp's dispatcher");
	else if (in_use == 0)
		snprintf(buf, len, "%s%.*s%s", head, room > 0 ? room : 0,
			 msgs[0] ? msgs : "libxdp gave no reason", tail);
	else
		snprintf(buf, len, "attached, but libxdp cannot read it back: %s",
			 errno_name(in_use));
	return in_use;
}
