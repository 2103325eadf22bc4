// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * deploy/Dockerfile, checked without building it (no image registry here):
 * the build stage starts from debian:bookworm and installs with the
 * repository's `make deps`, DPLAB_VERSION reaches make, and the runtime
 * stage installs the package of every library build/dplab links with
 * (ldd, then dpkg), so a library added to the link cannot be forgotten.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/testlib.h"
#include "lib/testns.h"
#include "deploy/deploy_kube.h"

#define MAX_STAGES 4
#define TEXT_LEN (16 * 1024)

struct stage {
	char from[128];		/* the image after FROM */
	char text[TEXT_LEN];	/* its instructions, one per line, continuations joined */
};

struct dockerfile {
	struct stage stage[MAX_STAGES];
	int n;
};

/* Append one logical line (continuations already joined) to its stage. */
static void add_line(struct dockerfile *d, const char *line)
{
	struct stage *s;

	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#')
		return;
	if (!strncasecmp(line, "FROM ", 5)) {
		ck_assert_msg(d->n < MAX_STAGES, "more than %d stages", MAX_STAGES);
		s = &d->stage[d->n++];
		sscanf(line + 5, "%127s", s->from);
		s->text[0] = '\0';
		return;
	}
	ck_assert_msg(d->n > 0, "instruction before FROM: %s", line);
	s = &d->stage[d->n - 1];
	ck_assert_msg(strlen(s->text) + strlen(line) + 2 < sizeof(s->text), "stage too long");
	strcat(s->text, line);
	strcat(s->text, "\n");
}

static void parse_dockerfile(struct dockerfile *d)
{
	char path[512], raw[1024], line[TEXT_LEN];
	size_t n;
	FILE *f;

	memset(d, 0, sizeof(*d));
	snprintf(path, sizeof(path), "%s/Dockerfile", deploy_dir());
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s", path);
	line[0] = '\0';
	while (fgets(raw, sizeof(raw), f)) {
		n = strlen(raw);
		while (n && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
			raw[--n] = '\0';
		/* A comment line inside a continued instruction is dropped, as docker does. */
		if (line[0] && raw[strspn(raw, " \t")] == '#')
			continue;
		ck_assert_msg(strlen(line) + n + 1 < sizeof(line), "instruction too long");
		strcat(line, raw);
		if (n && raw[n - 1] == '\\') {
			line[strlen(line) - 1] = ' ';
			continue;
		}
		add_line(d, line);
		line[0] = '\0';
	}
	fclose(f);
	add_line(d, line);
	ck_assert_msg(d->n >= 2, "%s: expected a build and a runtime stage", path);
}

/* word occurs in text as a whole package name. */
static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + 1, word)) {
		char before = p == text ? ' ' : p[-1], after = p[n];

		if (!isalnum((unsigned char)before) && !strchr(".+-:=", before) &&
		    !isalnum((unsigned char)after) && !strchr(".+-:=", after))
			return 1;
	}
	return 0;
}

START_TEST(test_build_stage_uses_make_deps)
{
	struct dockerfile *d = calloc(1, sizeof(*d));
	const char *t;

	ck_assert_ptr_nonnull(d);
	parse_dockerfile(d);
	ck_assert_str_eq(d->stage[0].from, "debian:bookworm");
	t = d->stage[0].text;
	ck_assert_msg(strstr(t, "make deps"), "the build stage does not run make deps:\n%.1500s", t);
	ck_assert_msg(strstr(t, "ARG DPLAB_VERSION"), "no ARG DPLAB_VERSION:\n%.1500s", t);
	ck_assert_msg(strstr(t, "DPLAB_VERSION=\"$DPLAB_VERSION\" build/dplab"),
		      "make does not get DPLAB_VERSION:\n%.1500s", t);
	ck_assert_msg(!strncmp(d->stage[d->n - 1].from, "debian:bookworm", 15),
		      "runtime stage from %s, not bookworm", d->stage[d->n - 1].from);
	ck_assert_msg(strstr(d->stage[d->n - 1].text, "COPY --from=build /src/build/dplab "),
		      "the runtime stage does not copy build/dplab");
	free(d);
}
END_TEST

/* Every library of build/dplab comes from a package the runtime stage installs. */
START_TEST(test_runtime_stage_has_every_library)
{
	static char out[TEXT_LEN];
	struct dockerfile *d = calloc(1, sizeof(*d));
	char lib[512], pkg[128], *line, *save;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	parse_dockerfile(d);
	/* usrmerge: dpkg knows a library by /lib/... or /usr/lib/..., ldd prints either. */
	ck_assert_int_eq(sh_out(out, sizeof(out), 0,
				"ldd %s | awk '$2 == \"=>\" && $3 ~ /^\\// {print $3}' | "
				"while read p; do b=${p#/usr}; "
				"k=$(dpkg-query -S \"$b\" \"/usr$b\" 2>/dev/null | head -n1 | cut -d: -f1); "
				"echo \"$p ${k:-?}\"; done", test_dplab_path()), 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_int_eq(sscanf(line, "%511s %127s", lib, pkg), 2);
		ck_assert_msg(strcmp(pkg, "?"), "%s: no Debian package owns it", lib);
		n++;
		/* libc6 (libc, libm) is in every Debian image. */
		if (!strcmp(pkg, "libc6"))
			continue;
		ck_assert_msg(has_word(d->stage[d->n - 1].text, pkg),
			      "%s links with %s (package %s) but the runtime stage does not "
			      "install %s", test_dplab_path(), lib, pkg, pkg);
	}
	ck_assert_msg(n > 3, "ldd %s listed %d libraries", test_dplab_path(), n);
	free(d);
}
END_TEST

void deploy_add_image_tests(Suite *s)
{
	TCase *tc = tcase_create("image");

	/* One dpkg-query per library: a few seconds. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_build_stage_uses_make_deps);
	tcase_add_test(tc, test_runtime_stage_has_every_library);
	suite_add_tcase(s, tc);
}
