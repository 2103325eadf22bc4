// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "util/log.h"

#define EXTACK_PREFIX "Kernel error message: "

static enum log_level max_level = LOG_WARN;
static bool capturing;
static char last_extack[512];
static char libxdp_lines[1024];

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_set_verbosity(int v)
{
	log_set_level(v >= 2 ? LOG_DEBUG : v ? LOG_INFO : LOG_WARN);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void strip_newline(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static void remember_extack(const char *line)
{
	const char *p = strstr(line, EXTACK_PREFIX);

	if (!p)
		return;
	snprintf(last_extack, sizeof(last_extack), "%s", p + strlen(EXTACK_PREFIX));
	strip_newline(last_extack);
}

static void append_libxdp(const char *line)
{
	size_t used = strlen(libxdp_lines);
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", line);
	strip_newline(tmp);
	if (!tmp[0])
		return;
	snprintf(libxdp_lines + used, sizeof(libxdp_lines) - used, "%s%s",
		 used ? "; " : "", tmp);
}

/*
 * One libbpf message, whole: a verifier log comes as a single message of
 * many kilobytes, and its reason is at the end (a fixed buffer cut it).
 */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *line;

	if (vasprintf(&line, fmt, ap) < 0)
		return 0;
	remember_extack(line);
	if (capturing || level == LIBBPF_DEBUG)
		log_debug("%s", line);
	else
		log_msg(level == LIBBPF_WARN ? LOG_WARN : LOG_INFO, "%s", line);
	free(line);
	return 0;
}

static int print_libxdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (capturing) {
		if (level != LIBXDP_DEBUG)
			append_libxdp(line);
		log_debug("%s", line);
	} else if (level == LIBXDP_DEBUG) {
		log_debug("%s", line);
	} else {
		log_msg(level == LIBXDP_WARN ? LOG_WARN : LOG_INFO, "%s", line);
	}
	return 0;
}

void log_init(void)
{
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}

void log_capture_begin(void)
{
	capturing = true;
	last_extack[0] = '\0';
	libxdp_lines[0] = '\0';
}

void log_capture_end(void)
{
	capturing = false;
}

void log_capture_extack(char *buf, size_t len)
{
	snprintf(buf, len, "%s", last_extack);
}

void log_capture_libxdp(char *buf, size_t len)
{
	snprintf(buf, len, "%s", libxdp_lines);
}

const char *errno_name(int err)
{
	static char unknown[16];
	const char *name = strerrorname_np(err < 0 ? -err : err);

	if (name)
		return name;
	snprintf(unknown, sizeof(unknown), "E?%d", err < 0 ? -err : err);
	return unknown;
}
