/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Text printed into a fixed buffer when a cut would change what it names:
 * paths, pins, state files, configuration and chain names, EAL arguments -
 * in dplab and dplab-pktgen alike.
 */
#ifndef DPLAB_FMT_H
#define DPLAB_FMT_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The whole text or nothing: 0, or -ENAMETOOLONG when it would not fit -
 * then buf is "" (an open of it fails with ENOENT), so a cut path never
 * reaches another file and a cut name never matches another one.
 */
static inline int vfmt_fit(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, len, fmt, ap);

	if (n >= 0 && (size_t)n < len)
		return 0;
	if (len)
		buf[0] = '\0';
	return -ENAMETOOLONG;
}

static inline int fmt_fit(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int fmt_fit(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfmt_fit(buf, len, fmt, ap);
	va_end(ap);
	return ret;
}

#endif /* DPLAB_FMT_H */
