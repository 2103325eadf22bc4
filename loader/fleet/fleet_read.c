// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The input of `dplab fleet-report`: probe documents from files, from the
 * *.json of a directory, or from a stream such as `kubectl logs -l
 * app=dplab-probe --tail=-1 [--prefix]`: pretty-printed documents one after
 * another, log lines between them, with --prefix "[pod/NAME/CONTAINER] " in
 * front of every line.  A bad document is named and skipped, never fatal:
 * one broken pod must not hide the rest of the fleet.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/fsutil.h"
#include "fleet/fleet.h"
#include "dplab/fmt.h"

#define WHERE_LEN 4200

int fleet_input_init(struct fleet_input *in)
{
	memset(in, 0, sizeof(*in));
	in->docs = json_array();
	in->skipped = json_array();
	return in->docs && in->skipped ? 0 : -ENOMEM;
}

void fleet_input_free(struct fleet_input *in)
{
	json_decref(in->docs);
	json_decref(in->skipped);
	in->docs = in->skipped = NULL;
}

static void skip_doc(struct fleet_input *in, const char *where, const char *reason)
{
	fprintf(stderr, "dplab fleet-report: warning: %s: %s; skipped\n", where, reason);
	json_array_append_new(in->skipped, json_pack("{s:s,s:s}", "source", where,
						     "reason", reason));
}

/*
 * kubectl logs --prefix puts "[pod/NAME/CONTAINER] " before every line.
 * Only a bracket holding a '/' and no blank is taken for one, so a JSON
 * line that starts with '[' stays as it is.  Lines keep their numbers.
 */
static size_t strip_prefixes(char *buf, size_t len)
{
	size_t r = 0, w = 0;

	while (r < len) {
		size_t eol = r;

		while (eol < len && buf[eol] != '\n')
			eol++;
		if (buf[r] == '[') {
			size_t e = r + 1;
			bool slash = false;

			while (e < eol && buf[e] != ']' && buf[e] != ' ' && buf[e] != '\t')
				slash |= buf[e++] == '/';
			if (slash && e + 1 < eol && buf[e] == ']' && buf[e + 1] == ' ')
				r = e + 2;
		}
		if (eol < len)
			eol++;		/* the line break too */
		memmove(buf + w, buf + r, eol - r);
		w += eol - r;
		r = eol;
	}
	return w;
}

static int find_node(json_t *docs, const char *node)
{
	json_t *d;
	size_t i;

	json_array_foreach(docs, i, d)
		if (!strcmp(fleet_str(d, "node"), node))
			return (int)i;
	return -1;
}

/*
 * A parsed document: kept when it is a probe document (takes the
 * reference).  PLACE ("file:line") names a node an older probe left unnamed.
 */
static void accept_doc(struct fleet_input *in, const char *where, const char *place,
		       json_t *doc)
{
	const char *schema = json_is_object(doc) ? fleet_str(doc, "schema") : NULL;
	const char *node = fleet_str(doc, "node");
	char reason[256];
	json_t *entry;
	int prev;

	if (!schema || strcmp(schema, FLEET_PROBE_SCHEMA)) {
		snprintf(reason, sizeof(reason), "not a %s document (%s%.64s%s)", FLEET_PROBE_SCHEMA,
			 schema ? "schema \"" : "no \"schema\"", schema ?: "", schema ? "\"" : "");
		skip_doc(in, where, reason);
		json_decref(doc);
		return;
	}
	if (!json_is_array(json_object_get(doc, "interfaces"))) {
		skip_doc(in, where, "no \"interfaces\" array");
		json_decref(doc);
		return;
	}
	/* An older probe names no node: the document's place stands in for it. */
	if (!node || !node[0])
		node = place;
	entry = json_pack("{s:s,s:s,s:o,s:b}", "node", node, "source", place, "doc", doc,
			  "node_known", node != place);
	in->n_read++;
	prev = find_node(in->docs, node);
	if (prev < 0) {
		json_array_append_new(in->docs, entry);
		return;
	}
	fprintf(stderr, "dplab fleet-report: warning: node %s: the document at %s replaces "
		"the one at %s (the last one counts)\n", node, where,
		fleet_str(json_array_get(in->docs, prev), "source"));
	json_array_set_new(in->docs, prev, entry);
	in->n_duplicates++;
}

/* Lines from..to that held no document: one warning for the stretch. */
static void noise(struct fleet_input *in, const char *source, int from, int to)
{
	char where[WHERE_LEN];

	if (from <= 0)
		return;
	if (from == to)
		snprintf(where, sizeof(where), "%s:%d", source, from);
	else
		snprintf(where, sizeof(where), "%s:%d-%d", source, from, to);
	skip_doc(in, where, "not a JSON document");
}

static size_t next_line(const char *buf, size_t len, size_t pos, int *line)
{
	while (pos < len && buf[pos] != '\n')
		pos++;
	if (pos < len) {
		pos++;
		(*line)++;
	}
	return pos;
}

/* After a malformed document: the next line that opens one in column 0. */
static size_t resync(const char *buf, size_t len, size_t pos, int *line)
{
	do
		pos = next_line(buf, len, pos, line);
	while (pos < len && buf[pos] != '{');
	return pos;
}

static size_t one_doc(struct fleet_input *in, const char *source, const char *buf,
		      size_t len, size_t pos, int *line, int index)
{
	char place[WHERE_LEN], where[WHERE_LEN + 32], reason[512];
	json_error_t jerr;
	json_t *doc;
	size_t i;

	snprintf(place, sizeof(place), "%s:%d", source, *line);
	snprintf(where, sizeof(where), "%s (document %d)", place, index);
	doc = json_loadb(buf + pos, len - pos, JSON_DISABLE_EOF_CHECK, &jerr);
	if (!doc) {
		snprintf(reason, sizeof(reason), "not valid JSON: %s (line %d)", jerr.text,
			 *line + (jerr.line > 0 ? jerr.line - 1 : 0));
		skip_doc(in, where, reason);
		return resync(buf, len, pos, line);
	}
	for (i = pos; i < pos + (size_t)jerr.position && i < len; i++)
		*line += buf[i] == '\n';
	accept_doc(in, where, place, doc);
	return pos + jerr.position;
}

void fleet_read_buffer(struct fleet_input *in, const char *source, char *buf, size_t len)
{
	int line = 1, index = 0, noise_from = 0, noise_to = 0;
	size_t pos = 0;

	len = strip_prefixes(buf, len);
	while (pos < len) {
		while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r' ||
				     buf[pos] == '\n'))
			line += buf[pos++] == '\n';
		if (pos >= len)
			break;
		if (buf[pos] != '{') {
			if (!noise_from)
				noise_from = line;
			noise_to = line;
			pos = next_line(buf, len, pos, &line);
			continue;
		}
		noise(in, source, noise_from, noise_to);
		noise_from = 0;
		pos = one_doc(in, source, buf, len, pos, &line, ++index);
	}
	noise(in, source, noise_from, noise_to);
}

/* All of stdin into *out; its length or -errno. */
static long read_stdin(char **out)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = read(STDIN_FILENO, buf + len, cap - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -errno;
		}
		len += n;
		if (len == cap) {
			bigger = realloc(buf, cap *= 2);
			if (!bigger) {
				free(buf);
				return -ENOMEM;
			}
			buf = bigger;
		}
	}
	*out = buf;
	return (long)len;
}

static int read_one_file(struct fleet_input *in, const char *path, char *err, size_t err_len)
{
	char *buf = NULL;
	long len = read_file(path, &buf);

	if (len < 0) {
		snprintf(err, err_len, "%s: cannot read: %s", path, strerror((int)-len));
		return (int)len;
	}
	fleet_read_buffer(in, path, buf, (size_t)len);
	free(buf);
	return 0;
}

static bool is_json_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".json");
}

static int read_dir(struct fleet_input *in, const char *path, char *err, size_t err_len)
{
	struct dirent **names;
	char file[4096];
	int n, i, ret = 0;

	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		ret = -errno;
		snprintf(err, err_len, "%s: cannot list the directory: %s", path, strerror(-ret));
		return ret;
	}
	for (i = 0; i < n; i++) {
		if (!ret && is_json_name(names[i]->d_name)) {
			if (fmt_fit(file, sizeof(file), "%s/%s", path, names[i]->d_name)) {
				snprintf(err, err_len, "%s/%s: name too long", path, names[i]->d_name);
				ret = -ENAMETOOLONG;
			} else {
				ret = read_one_file(in, file, err, err_len);
			}
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int fleet_read_path(struct fleet_input *in, const char *path, char *err, size_t err_len)
{
	struct stat st;
	char *buf = NULL;
	long len;

	if (!strcmp(path, "-")) {
		if (in->n_stdin++)
			return 0;	/* stdin is read once; a second "-" has nothing left */
		len = read_stdin(&buf);
		if (len < 0) {
			snprintf(err, err_len, "stdin: cannot read: %s", strerror((int)-len));
			return (int)len;
		}
		fleet_read_buffer(in, "stdin", buf, (size_t)len);
		free(buf);
		return 0;
	}
	if (stat(path, &st)) {
		int ret = -errno;

		snprintf(err, err_len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (S_ISDIR(st.st_mode))
		return read_dir(in, path, err, err_len);
	return read_one_file(in, path, err, err_len);
}
