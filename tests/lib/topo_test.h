/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The topo suite in two files: test_topo.c parses files (no root needed),
 * test_topo_up.c builds and removes topologies with the dplab binary.
 */
#ifndef DPLAB_TESTS_TOPO_TEST_H
#define DPLAB_TESTS_TOPO_TEST_H

#include <check.h>
#include <stddef.h>

/* Path of topologies/two-node.topo: from the current directory (the
 * repository, as `make check` runs), else beside $DPLAB's build dir. */
const char *topo_test_default_file(void);

struct topo;

/* The default topology parsed (each call parses it again into the same
 * storage), or NULL when the file is not there (callers skip). */
struct topo *topo_test_two_node(void);

/* Copy the default topology to PATH under topology name NAME, then
 * append EXTRA (NULL: nothing); 0 or -1. */
int topo_test_copy(const char *path, const char *name, const char *extra);

/* The root tests: one TCase whose unchecked fixture removes what they built. */
void topo_up_add(Suite *s);

#endif /* DPLAB_TESTS_TOPO_TEST_H */
