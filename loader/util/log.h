/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One logging path for dplab, libbpf and libxdp.  libbpf's and libxdp's
 * messages are routed through log_libbpf(); the last "Kernel error message"
 * (netlink extack) libbpf printed is kept so an attach failure can quote it.
 */
#ifndef DPLAB_LOADER_LOG_H
#define DPLAB_LOADER_LOG_H

#include <stddef.h>

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

/* Messages above this level are dropped (default LOG_WARN; -v raises it). */
void log_set_level(enum log_level level);
/* The level for a count of -v: none LOG_WARN, one LOG_INFO, more LOG_DEBUG. */
void log_set_verbosity(int v);
/* Install the libbpf and libxdp print callbacks. */
void log_init(void);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_err(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * Capture of library output around one operation:
 *   log_capture_begin();  ...attach...;  log_capture_extack(buf, len);
 * extack: the last netlink "Kernel error message" libbpf reported ("" if none).
 * libxdp: the libxdp lines printed since begin, joined with "; ".
 * Library messages seen while capturing are shown only at LOG_DEBUG.
 */
void log_capture_begin(void);
void log_capture_end(void);
void log_capture_extack(char *buf, size_t len);
void log_capture_libxdp(char *buf, size_t len);

/* errno name ("ERANGE"), or "E?<n>" for one we do not know. */
const char *errno_name(int err);

#endif /* DPLAB_LOADER_LOG_H */
