// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A child's argv, word by word (argv.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/argv.h"

void argv_init(struct argv *a)
{
	a->n = a->err = 0;
	a->used = 0;
	a->v[0] = NULL;
}

/* Words of s at single spaces (empty words kept, so they can be counted). */
static int count_words(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

/*
 * Print fmt into the store and take it as one word, or (split) as the
 * words at its spaces - as many as fmt has, none empty.
 */
static void vformat(struct argv *a, bool split, const char *fmt, va_list ap)
{
	char *w = a->store + a->used, *next;
	size_t room = sizeof(a->store) - a->used;
	int n;

	if (a->err)
		return;
	n = vsnprintf(w, room, fmt, ap);
	if (n < 0 || (size_t)n >= room) {
		a->err = -E2BIG;
		return;
	}
	/* A value with a space (or an empty one) changes the count: refuse. */
	if (split && count_words(w) != count_words(fmt)) {
		a->err = -EINVAL;
		return;
	}
	a->used += n + 1;
	for (; w; w = next) {
		next = split ? strchr(w, ' ') : NULL;
		if (next)
			*next++ = '\0';
		if (split && !*w)
			a->err = -EINVAL;
		else if (a->n == ARGV_MAX)
			a->err = -E2BIG;
		if (a->err)
			return;
		a->v[a->n++] = w;
		a->v[a->n] = NULL;
	}
}

void argv_add(struct argv *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(a, false, fmt, ap);
	va_end(ap);
}

void argv_vwords(struct argv *a, const char *fmt, va_list ap)
{
	vformat(a, true, fmt, ap);
}

void argv_words(struct argv *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(a, true, fmt, ap);
	va_end(ap);
}

const char *argv_error(const struct argv *a)
{
	return a->err == -EINVAL ? "a value is empty or holds a space (it would not stay one "
				   "argument)" : a->err ? "command too long" :
	       a->n ? NULL : "empty command";
}

const char *argv_text(const struct argv *a, char *buf, size_t len)
{
	size_t used = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < a->n && used < len; i++) {
		n = snprintf(buf + used, len - used, strchr(a->v[i], ' ') ? "%s'%s'" : "%s%s",
			     i ? " " : "", a->v[i]);
		if (n < 0)
			break;
		used += n;
	}
	return buf;
}
