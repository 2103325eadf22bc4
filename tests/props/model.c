// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The flows a translator opened, for invariant (c) (see props.h). */
#include <stdlib.h>
#include <string.h>

#include "props/props.h"

int props_model_init(struct props_model *m)
{
	memset(m, 0, sizeof(*m));
	m->slot = calloc(PROPS_MODEL_SLOTS, sizeof(*m->slot));
	m->taken = calloc(PROPS_MODEL_SLOTS, sizeof(*m->taken));
	return m->slot && m->taken ? 0 : -1;
}

void props_model_free(struct props_model *m)
{
	free(m->slot);
	free(m->taken);
	memset(m, 0, sizeof(*m));
}

static uint32_t tuple_hash(const struct props_tuple *t)
{
	uint64_t h = (uint64_t)t->saddr * 0x9e3779b97f4a7c15ULL;

	h ^= ((uint64_t)t->daddr << 32 | (uint64_t)t->sport << 16 | t->dport) +
	     0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
	h ^= t->proto;
	h *= 0xff51afd7ed558ccdULL;
	return (uint32_t)(h >> 32) % PROPS_MODEL_SLOTS;
}

/* The slot holding reply, or (make) the one to put it in; NULL if none. */
static struct props_flow *slot_of(struct props_model *m, const struct props_tuple *reply,
				  bool make)
{
	uint32_t h = tuple_hash(reply), i;
	struct props_flow *s, *oldest = NULL;

	for (i = 0; i < PROPS_MODEL_PROBE; i++) {
		s = &m->slot[(h + i) % PROPS_MODEL_SLOTS];
		if (s->used && props_tuple_eq(&s->reply, reply))
			return s;
		if (!oldest || s->used < oldest->used)
			oldest = s;
	}
	return make ? oldest : NULL;
}

void props_model_open(struct props_model *m, const struct props_tuple *orig,
		      const struct props_tuple *translated)
{
	struct props_tuple reply;
	struct props_flow *s;

	props_tuple_reverse(translated, &reply);
	s = slot_of(m, &reply, true);
	if (!s->used)
		m->taken[m->n++] = (uint32_t)(s - m->slot);
	s->has_alt = s->used && props_tuple_eq(&s->reply, &reply) &&
		     !props_tuple_eq(&s->orig, orig);
	if (s->has_alt)
		s->alt = s->orig;
	s->reply = reply;
	s->orig = *orig;
	s->used = ++m->clock;
}

const struct props_flow *props_model_find(struct props_model *m, const struct props_tuple *reply)
{
	struct props_flow *s = slot_of(m, reply, false);

	if (s)
		s->used = ++m->clock;
	return s;
}

const struct props_flow *props_model_any(struct props_model *m, struct props_rng *r)
{
	if (!m->n)
		return NULL;
	return &m->slot[m->taken[props_pick(r, (uint32_t)m->n)]];
}
