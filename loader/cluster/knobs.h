/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The knobs of the design's table, one field each, and the presets A-E.
 * Parsing, printing and presets are table-driven (knobs.c): one row per
 * knob names it, its values and where it lives in struct knobs.
 */
#ifndef DPLAB_LOADER_KNOBS_H
#define DPLAB_LOADER_KNOBS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include <jansson.h>

enum routing_mode { ROUTING_NATIVE, ROUTING_VXLAN };
enum host_routing_mode { HOST_ROUTING_LEGACY, HOST_ROUTING_BPF };
enum service_lb_mode { SERVICE_LB_IPTABLES, SERVICE_LB_TC, SERVICE_LB_SOCKET };
enum masquerade_mode { MASQ_IPTABLES, MASQ_BPF };
enum xdp_lb_mode { XDP_LB_OFF, XDP_LB_NATIVE, XDP_LB_GENERIC };
/* The fabric side of every uplink veth in NAPI mode (hook_plan_veth_napi). */
enum veth_napi_mode { VETH_NAPI_OFF, VETH_NAPI_ON };
enum congestion_mode { CONGESTION_CUBIC, CONGESTION_BBR };
/* Not "xdp_attach_mode": libxdp.h declares an enum of that name. */
enum xdp_attach_knob { XDP_ATTACH_AUTO, XDP_ATTACH_LINK, XDP_ATTACH_NETLINK, XDP_ATTACH_LIBXDP };
enum tc_attach_mode { TC_ATTACH_AUTO, TC_ATTACH_TCX, TC_ATTACH_LEGACY };
enum bandwidth_manager_mode { BANDWIDTH_MANAGER_OFF, BANDWIDTH_MANAGER_ON };

struct knobs {
	enum routing_mode routing;
	enum host_routing_mode host_routing;
	enum service_lb_mode service_lb;
	enum masquerade_mode masquerade;
	enum xdp_lb_mode xdp_lb;
	enum veth_napi_mode veth_napi;
	__u32 ct_max;			/* entries of each conntrack/NAT table */
	enum congestion_mode congestion;
	__u32 services;			/* services programmed (fillers added) */
	enum xdp_attach_knob xdp_attach;
	enum tc_attach_mode tc_attach;
	enum bandwidth_manager_mode bandwidth_manager;
};

enum knob_id {
	KNOB_ROUTING,
	KNOB_HOST_ROUTING,
	KNOB_SERVICE_LB,
	KNOB_MASQUERADE,
	KNOB_XDP_LB,
	KNOB_VETH_NAPI,		/* next to xdp_lb: its rows beside xdp_lb's */
	KNOB_CT_MAX,
	KNOB_CONGESTION,
	KNOB_SERVICES,
	KNOB_XDP_ATTACH,
	KNOB_TC_ATTACH,
	KNOB_BANDWIDTH_MANAGER,
	KNOB_COUNT,
};

#define KNOBS_CT_MAX_DEFAULT 65536
#define KNOBS_CT_MAX_TUNED 524288	/* preset E: "CT table expansion" */

/* Preset A (the baseline); every knob at its default. */
void knobs_default(struct knobs *k);

/* "KNOB=VALUE" into *k; -EINVAL with err naming the knob and the values
 * it takes.  *changed (may be NULL) gets the knob's id. */
int knobs_assign(struct knobs *k, const char *assignment, enum knob_id *changed,
		 char *err, size_t err_len);

/*
 * A profile: a preset name ("A".."E", case-insensitive) or a file of
 * KNOB=VALUE lines ('#' comments; a line "preset X" starts from X).
 * -EINVAL/-errno with err = "FILE:LINE: ..." or the unknown name.
 */
int knobs_profile(const char *name_or_file, struct knobs *k, char *err, size_t err_len);

const char *knob_name(enum knob_id id);
/* The value of one knob as text ("vxlan", "65536"). */
void knob_value(const struct knobs *k, enum knob_id id, char *buf, size_t len);
bool knobs_equal(const struct knobs *a, const struct knobs *b, enum knob_id id);

/* Every knob with its values, and the presets, for --help. */
void knobs_help(FILE *out);

/* "routing=native host_routing=legacy ..." one per line, or JSON object. */
void knobs_print(const struct knobs *k, FILE *out);
json_t *knobs_to_json(const struct knobs *k);

/* State file: KNOB=VALUE lines.  0 or -errno. */
int knobs_save(const struct knobs *k, const char *path);
int knobs_load(struct knobs *k, const char *path, char *err, size_t err_len);

#endif /* DPLAB_LOADER_KNOBS_H */
