/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Verdicts for packets parse_v4() did not accept, counted by reason. */
#ifndef DPLAB_LIB_VERDICT_H
#define DPLAB_LIB_VERDICT_H

#include "lib/counters.h"

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7

/* Truncated headers are dropped; anything else goes on untouched. */
static __always_inline int tc_unparsed(int reason)
{
	count(reason);
	return reason == DPLAB_CNT_DROP_TRUNCATED ? TC_ACT_SHOT : TC_ACT_OK;
}

static __always_inline int xdp_unparsed(int reason)
{
	count(reason);
	return reason == DPLAB_CNT_DROP_TRUNCATED ? XDP_DROP : XDP_PASS;
}

#endif /* DPLAB_LIB_VERDICT_H */
