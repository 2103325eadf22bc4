// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pinning a loaded object under its feature's directory, and removing it.
 * bpffs refuses dots in names, so libbpf's internal maps ("tc_lb_bp.rodata")
 * are pinned by the part after the dot ("rodata").
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "feature/feature_int.h"
#include "util/fsutil.h"
#include "dplab/fmt.h"

static const char *pin_name(const struct bpf_map *map)
{
	const char *name = bpf_map__name(map);
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : name;
}

static int pin_programs(struct bpf_object *obj, const char *dir, char *err, size_t err_len)
{
	struct bpf_program *prog;
	char path[PATH_MAX];
	int rc;

	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		rc = fmt_fit(path, sizeof(path), "%s/progs/%s", dir, bpf_program__name(prog)) ?:
		     bpf_program__pin(prog, path);
		if (rc)
			return feature_fail(err, err_len, rc, "pinning program %s at %s",
					    bpf_program__name(prog), path);
	}
	return 0;
}

static int pin_maps(struct bpf_object *obj, const char *dir, char *err, size_t err_len)
{
	struct bpf_map *map;
	char path[PATH_MAX];
	int rc;

	bpf_object__for_each_map(map, obj) {
		rc = fmt_fit(path, sizeof(path), "%s/maps/%s", dir, pin_name(map)) ?:
		     bpf_map__pin(map, path);
		if (rc)
			return feature_fail(err, err_len, rc, "pinning map %s at %s",
					    bpf_map__name(map), path);
	}
	return 0;
}

int feature_pin_object(struct bpf_object *obj, const char *dir, char *err, size_t err_len)
{
	char sub[PATH_MAX], failed[PATH_MAX];
	int rc;

	rc = rm_tree(dir, failed, sizeof(failed));
	if (rc)
		return feature_fail(err, err_len, rc, "removing the previous pin %s", failed);
	fmt_fit(sub, sizeof(sub), "%s/progs", dir);
	rc = mkdir_p(sub, 0755);
	if (!rc) {
		fmt_fit(sub, sizeof(sub), "%s/maps", dir);
		rc = mkdir_p(sub, 0755);
	}
	if (rc) {
		feature_fail(err, err_len, rc, "creating %s (is bpffs mounted at /sys/fs/bpf?)",
			     sub);
		goto out;
	}
	rc = pin_programs(obj, dir, err, err_len);
	if (!rc)
		rc = pin_maps(obj, dir, err, err_len);
out:
	if (rc)
		rm_tree(dir, failed, sizeof(failed));
	return rc;
}
