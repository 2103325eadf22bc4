// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The attachments state file (attach_save / attach_load).  Format, one
 * attachment per line, fields separated by one TAB, each KEY=VALUE:
 *
 *   hook=xdp<TAB>mech=link<TAB>ns=dplab-x-node1<TAB>if=eth0<TAB>
 *   prog=xdp_nodeport_lb<TAB>prog_id=42<TAB>pin=/sys/fs/bpf/...<TAB>xdp_mode=native
 *
 *   hook      xdp, tc-ingress, tc-egress, cgroup-connect4, cgroup-sendmsg4,
 *             cgroup-recvmsg4, cgroup-getpeername4, cgroup-connect6,
 *             cgroup-recvmsg6, cgroup-getpeername6            (required)
 *   mech      link, netlink, libxdp, tcx, legacy, cgroup-link (required;
 *             must fit the hook)
 *   if        the device, or for cgroup hooks the cgroup dir  (required)
 *   prog_id   decimal                                         (required)
 *   ns, prog  names; pin the link's pin (required for link, tcx,
 *             cgroup-link); xdp_mode native|generic (required for netlink
 *             and libxdp); tc_handle (0x hex) and tc_priority; fallback
 *             free text
 * Fields that are empty or zero are left out; their order is free.  In
 * values a backslash escapes: \\ \t \n \r (so no value holds a TAB or a
 * line break).  Lines starting with '#' and empty lines are ignored.
 * Anything else (an unknown key or escape, a key twice, a bad number, a
 * value too long) makes attach_load fail with -EINVAL and say where.
 * attach_save writes PATH.tmp and renames it over PATH.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "attach/attach_int.h"
#include "util/fsutil.h"
#include "util/log.h"

#define HEADER "# dplab attachments, one per line: TAB-separated KEY=VALUE " \
	"(loader/attach/attach_state.c)\n"

enum field_kind { FIELD_STR, FIELD_U32, FIELD_HEX, FIELD_HOOK, FIELD_MECH, FIELD_XDP_MODE };

static const struct field {
	const char *key;
	enum field_kind kind;
	size_t offset, size;
	bool required;
} fields[] = {
#define F(key, kind, member, req) \
	{ key, kind, offsetof(struct attachment, member), \
	  sizeof(((struct attachment *)0)->member), req }
	F("hook", FIELD_HOOK, hook, true),
	F("mech", FIELD_MECH, mech, true),
	F("ns", FIELD_STR, ns, false),
	F("if", FIELD_STR, ifname, true),
	F("prog", FIELD_STR, prog_name, false),
	F("prog_id", FIELD_U32, prog_id, true),
	F("pin", FIELD_STR, pin, false),
	F("xdp_mode", FIELD_XDP_MODE, xdp_flags, false),
	F("tc_handle", FIELD_HEX, tc_handle, false),
	F("tc_priority", FIELD_U32, tc_priority, false),
	F("fallback", FIELD_STR, fallback, false),
#undef F
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *xdp_mode_name(__u32 flags)
{
	switch (flags) {
	case XDP_FLAGS_DRV_MODE:
		return "native";
	case XDP_FLAGS_SKB_MODE:
		return "generic";
	}
	return NULL;
}

static void write_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* One field; nothing for an empty optional one.  0 or -EINVAL. */
static int write_field(FILE *f, const struct field *fd, const struct attachment *a, bool first)
{
	const void *p = (const char *)a + fd->offset;
	const char *sep = first ? "" : "\t";
	__u32 v = 0;

	if (fd->kind != FIELD_STR)
		memcpy(&v, p, sizeof(v));
	switch (fd->kind) {
	case FIELD_STR:
		if (!fd->required && !((const char *)p)[0])
			return 0;
		fprintf(f, "%s%s=", sep, fd->key);
		write_escaped(f, p);
		return 0;
	case FIELD_HOOK:
		fprintf(f, "%s%s=%s", sep, fd->key, attach_hook_name(v));
		return 0;
	case FIELD_MECH:
		fprintf(f, "%s%s=%s", sep, fd->key, attach_mech_name(v));
		return 0;
	case FIELD_XDP_MODE:
		if (!v)
			return 0;
		if (!xdp_mode_name(v))
			return -EINVAL;
		fprintf(f, "%s%s=%s", sep, fd->key, xdp_mode_name(v));
		return 0;
	case FIELD_U32:
	case FIELD_HEX:
		if (!fd->required && !v)
			return 0;
		fprintf(f, fd->kind == FIELD_HEX ? "%s%s=%#x" : "%s%s=%u", sep, fd->key, v);
		return 0;
	}
	return -EINVAL;
}

int attach_save(const char *path, const struct attachment *a, int n)
{
	char *text = NULL;
	size_t i, len = 0;
	int k, err = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f) {
		err = -errno;
		log_err("attach: %s: %s\n", path, strerror(-err));
		return err;
	}
	fputs(HEADER, f);
	for (k = 0; k < n && !err; k++) {
		if (!attach_mech_fits_hook(a[k].mech, a[k].hook))
			err = -EINVAL;
		for (i = 0; i < N_FIELDS && !err; i++)
			err = write_field(f, &fields[i], &a[k], i == 0);
		fputc('\n', f);
		if (err)
			log_err("attach: %s: attachment %d (%s on %s) cannot be written: %s\n",
				path, k, a[k].prog_name, a[k].ifname, strerror(-err));
	}
	if (fclose(f) && !err) {
		err = -ENOMEM;
		log_err("attach: %s: %s\n", path, strerror(-err));
	}
	if (!err) {
		err = write_file(path, text);
		if (err)
			log_err("attach: writing %s: %s\n", path, strerror(-err));
	}
	free(text);
	return err;
}

/* Undo write_escaped into dst[size]; -EINVAL for a bad escape or overflow. */
static int unescape(const char *s, char *dst, size_t size, const char **why)
{
	size_t n = 0;
	char c;

	for (; *s; s++) {
		c = *s;
		if (c == '\\') {
			switch (*++s) {
			case '\\':
				c = '\\';
				break;
			case 't':
				c = '\t';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			default:
				*why = "unknown escape";
				return -EINVAL;
			}
		}
		if (n + 1 >= size) {
			*why = "value too long";
			return -EINVAL;
		}
		dst[n++] = c;
	}
	dst[n] = '\0';
	return 0;
}

static int parse_u32(const char *s, int base, __u32 *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > 0xffffffffUL)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_value(const struct field *fd, const char *value, struct attachment *a,
		       const char **why)
{
	void *p = (char *)a + fd->offset;
	__u32 v;
	int r;

	switch (fd->kind) {
	case FIELD_STR:
		return unescape(value, p, fd->size, why);
	case FIELD_HOOK:
		r = attach_hook_by_name(value);
		break;
	case FIELD_MECH:
		r = attach_mech_by_name(value);
		break;
	case FIELD_XDP_MODE:
		r = !strcmp(value, "native") ? (int)XDP_FLAGS_DRV_MODE :
		    !strcmp(value, "generic") ? (int)XDP_FLAGS_SKB_MODE : -EINVAL;
		break;
	default:
		r = parse_u32(value, fd->kind == FIELD_HEX ? 16 : 10, &v);
		if (!r)
			memcpy(p, &v, sizeof(v));
		if (r)
			*why = "not a number";
		return r;
	}
	if (r < 0) {
		*why = "unknown value";
		return r;
	}
	v = r;
	memcpy(p, &v, sizeof(v));
	return 0;
}

/* One line (no '\n') into *a; 0 or -EINVAL with why and the key. */
static int parse_line(char *line, struct attachment *a, const char **why, const char **key)
{
	bool seen[N_FIELDS] = { false };
	char *field, *eq;
	size_t i;
	int err;

	memset(a, 0, sizeof(*a));
	while ((field = strsep(&line, "\t"))) {
		*key = field;
		if (!field[0]) {
			*why = "empty field (two TABs in a row, or one at an end)";
			return -EINVAL;
		}
		eq = strchr(field, '=');
		if (!eq) {
			*why = "not KEY=VALUE";
			return -EINVAL;
		}
		*eq = '\0';
		for (i = 0; i < N_FIELDS && strcmp(fields[i].key, field); i++)
			;
		if (i == N_FIELDS || seen[i]) {
			*why = i == N_FIELDS ? "unknown key" : "key given twice";
			return -EINVAL;
		}
		seen[i] = true;
		err = parse_value(&fields[i], eq + 1, a, why);
		if (err)
			return err;
	}
	*key = "";
	for (i = 0; i < N_FIELDS; i++) {
		if (fields[i].required && !seen[i]) {
			*key = fields[i].key;
			*why = "missing";
			return -EINVAL;
		}
	}
	if (!attach_mech_fits_hook(a->mech, a->hook)) {
		*why = "the mechanism does not fit the hook";
		return -EINVAL;
	}
	if (attach_mech_is_link(a->mech) && !a->pin[0]) {
		*why = "a link without its pin";
		return -EINVAL;
	}
	if ((a->mech == MECH_XDP_NETLINK || a->mech == MECH_XDP_LIBXDP) && !a->xdp_flags) {
		*why = "XDP by netlink or libxdp without its xdp_mode";
		return -EINVAL;
	}
	return 0;
}

int attach_load(const char *path, struct attachment *a, int max)
{
	const char *why = "", *key = "";
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0, lineno = 0, err = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!err && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (n == max) {
			log_err("attach: %s:%d: more than %d attachments\n", path, lineno, max);
			err = -E2BIG;
			break;
		}
		err = parse_line(line, &a[n], &why, &key);
		if (err)
			log_err("attach: %s:%d: %s%s%s\n", path, lineno, key,
				key[0] ? ": " : "", why);
		else
			n++;
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	return err ? err : n;
}
