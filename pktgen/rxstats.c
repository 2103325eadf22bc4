// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Receiver sequence accounting (see rxstats.h).
 */
#include <string.h>

#include "rxstats.h"

#define BIT(s) (1ull << ((s) % 64))
#define WORD(s) (((s) % PG_RX_WINDOW) / 64)

void pg_rx_init(struct pg_rx_stream *s)
{
	memset(s, 0, sizeof(*s));
}

/* Forget bits of [from, to) (numbers now entering the window unseen). */
static void clear_range(struct pg_rx_stream *s, uint64_t from, uint64_t to)
{
	if (to - from >= PG_RX_WINDOW) {
		memset(s->seen, 0, sizeof(s->seen));
		return;
	}
	while (from < to) {
		if (!(from % 64) && to - from >= 64) {
			s->seen[WORD(from)] = 0;
			from += 64;
		} else {
			s->seen[WORD(from)] &= ~BIT(from);
			from++;
		}
	}
}

void pg_rx_account(struct pg_rx_stream *s, uint64_t seq)
{
	s->received++;
	if (seq >= s->next_expected) {
		clear_range(s, s->next_expected, seq);
		s->seen[WORD(seq)] |= BIT(seq);
		s->next_expected = seq + 1;
		s->unique++;
	} else if (s->next_expected - seq > PG_RX_WINDOW) {
		s->too_old++;
		s->reordered++;
		s->unique++;
	} else if (s->seen[WORD(seq)] & BIT(seq)) {
		s->duplicates++;
	} else {
		s->seen[WORD(seq)] |= BIT(seq);
		s->reordered++;
		s->unique++;
	}
	s->lost = s->next_expected > s->unique ? s->next_expected - s->unique : 0;
}

void pg_rx_finish(struct pg_rx_stream *s, uint64_t sent)
{
	s->lost = sent > s->unique ? sent - s->unique : 0;
}
