// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The whole text or nothing (fmt.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/fmt.h"

int fmt_fit(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < len)
		return 0;
	if (len)
		buf[0] = '\0';
	return -ENAMETOOLONG;
}
