/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Shared by the "kubeproxy" suite: test_kubeproxy.c (the documents, no
 * root) and test_kubeproxy_ns.c (rules applied in throwaway namespaces).
 */
#ifndef DPLAB_TESTS_KUBEPROXY_TEST_H
#define DPLAB_TESTS_KUBEPROXY_TEST_H

#include <check.h>

/* Lines of TEXT that start with PREFIX. */
int count_lines(const char *text, const char *prefix);

/* The namespace test cases (test_kubeproxy_ns.c). */
TCase *kubeproxy_ns_tcase(void);

#endif /* DPLAB_TESTS_KUBEPROXY_TEST_H */
