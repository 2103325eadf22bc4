/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A child's argv, built word by word (argv.c): no word is ever split
 * again, so a binary path or an output directory with a space in it stays
 * one argument.  argv_add() adds one word, verbatim.  argv_words() adds
 * the words of a printf format at its spaces ("-n %s link del dev %s"), and
 * refuses - instead of splitting - a value that holds a space or is empty.
 * The first error sticks in a->err (-E2BIG: too many words or too long;
 * -EINVAL: a value that would have become more or fewer words), so callers
 * build the whole argv and check once.
 */
#ifndef DPLAB_LOADER_ARGV_H
#define DPLAB_LOADER_ARGV_H

#include <stdarg.h>
#include <stddef.h>

#define ARGV_MAX 64
#define ARGV_STORE 4096

struct argv {
	int n, err;
	size_t used;
	char *v[ARGV_MAX + 1];	/* NULL-terminated */
	char store[ARGV_STORE];
};

void argv_init(struct argv *a);
void argv_add(struct argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv_words(struct argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void argv_vwords(struct argv *a, const char *fmt, va_list ap);

/* Why a cannot be run (a->err, or no word at all), or NULL when it can. */
const char *argv_error(const struct argv *a);

/* The command as one line for messages (words with a space in quotes). */
const char *argv_text(const struct argv *a, char *buf, size_t len);

#endif /* DPLAB_LOADER_ARGV_H */
