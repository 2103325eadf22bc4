// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A child's argv, word by word (argv.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/argv.h"

void argv_init(struct argv *a)
{
	a->n = a->err = 0;
	a->used = 0;
	a->v[0] = NULL;
}

static void push(struct argv *a, const char *word, size_t len)
{
	char *w = a->store + a->used;

	if (a->err)
		return;
	if (a->n == ARGV_MAX || a->used + len + 1 > sizeof(a->store)) {
		a->err = -E2BIG;
		return;
	}
	memcpy(w, word, len);
	w[len] = '\0';
	a->used += len + 1;
	a->v[a->n++] = w;
	a->v[a->n] = NULL;
}

static void vadd(struct argv *a, const char *fmt, va_list ap)
{
	char word[ARGV_STORE];
	int n = vsnprintf(word, sizeof(word), fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(word)) {
		if (!a->err)
			a->err = -E2BIG;
		return;
	}
	push(a, word, n);
}

void argv_add(struct argv *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(a, fmt, ap);
	va_end(ap);
}

/* Words of s at single spaces (empty words kept, so they can be counted). */
static int count_words(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

void argv_vwords(struct argv *a, const char *fmt, va_list ap)
{
	char text[ARGV_STORE], *w, *end;
	int n = vsnprintf(text, sizeof(text), fmt, ap);

	if (a->err)
		return;
	if (n < 0 || (size_t)n >= sizeof(text)) {
		a->err = -E2BIG;
		return;
	}
	/* A value with a space (or an empty one) changes the count: refuse. */
	if (count_words(text) != count_words(fmt)) {
		a->err = -EINVAL;
		return;
	}
	for (w = text; ; w = end + 1) {
		end = strchrnul(w, ' ');
		if (end == w) {
			a->err = -EINVAL;
			return;
		}
		push(a, w, end - w);
		if (!*end)
			return;
	}
}

void argv_words(struct argv *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	argv_vwords(a, fmt, ap);
	va_end(ap);
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
