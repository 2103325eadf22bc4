/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Verdicts for packets parse_v4() did not accept, counted by reason. */
#ifndef DPLAB_LIB_VERDICT_H
#define DPLAB_LIB_VERDICT_H

#include "lib/count.h"

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7
/*
 * "Not mine to stop": the next tcx program or cls_bpf filter runs, and the
 * packet goes on when there is none.  TC_ACT_OK would end the chain, so a
 * program composed after this one (host routing after the service LB, say)
 * would never see the packet.
 */
#define TC_ACT_NEXT TC_ACT_UNSPEC

/* Truncated headers are dropped; anything else goes on untouched.  Counted
 * in the counters map given (lib/count.h). */
static __always_inline int tc_unparsed(void *counters, int reason)
{
	count_in(counters, reason);
	return reason == DPLAB_CNT_DROP_TRUNCATED ? TC_ACT_SHOT : TC_ACT_NEXT;
}

static __always_inline int xdp_unparsed(void *counters, int reason)
{
	count_in(counters, reason);
	return reason == DPLAB_CNT_DROP_TRUNCATED ? XDP_DROP : XDP_PASS;
}

#endif /* DPLAB_LIB_VERDICT_H */
