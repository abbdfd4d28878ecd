/*
 * secmap.c - the table of SecondaryMap primaries (secmap.h).  A small
 * array searched linearly: it holds only live connections under a
 * SecondaryMap rule, and is swept of ended ones before it grows.
 */
#include "daemon/secmap.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/conntab.h"
#include "daemon/gen.h"

static bool
alive(struct attlsd_conntab *t, const struct attlsd_secmap_ent *e)
{
	uint32_t id;
	unsigned w;
	bool applctl;

	/* The inode alone could be a later connection's: the id decides. */
	return attlsd_conntab_owner(t, e->app_ino, &id, &w, &applctl) && id == e->conn_id;
}

static void
drop(struct attlsd_secmap *s, size_t i)
{
	attlsd_gen_unref(s->ents[i].gen);
	s->ents[i] = s->ents[s->n - 1];
	s->n--;
}

static void
sweep(struct attlsd_secmap *s, struct attlsd_conntab *t)
{
	size_t i = 0;

	while (i < s->n) {
		if (alive(t, &s->ents[i]))
			i++;
		else
			drop(s, i);
	}
}

enum at_rc
attlsd_secmap_add(struct attlsd_secmap *s, struct attlsd_conntab *t, struct attlsd_gen *g,
    const struct policy_rule *rule, ino_t app_ino, uint32_t conn_id, pid_t pid, uid_t uid,
    const uint8_t laddr[16], const uint8_t raddr[16], uint16_t rport)
{
	struct attlsd_secmap_ent *e;

	if (s->n == s->cap)
		sweep(s, t);
	if (s->n == s->cap) {
		size_t cap = s->cap == 0 ? 16 : s->cap * 2;

		e = cap > s->cap ? realloc(s->ents, cap * sizeof(*e)) : NULL;
		if (e == NULL)
			return AT_E_NOMEM;
		s->ents = e;
		s->cap = cap;
	}
	e = &s->ents[s->n++];
	memset(e, 0, sizeof(*e));
	e->gen = g;
	attlsd_gen_ref(g);
	e->rule = rule;
	e->app_ino = app_ino;
	e->conn_id = conn_id;
	e->pid = pid;
	e->uid = uid;
	memcpy(e->laddr, laddr, 16);
	memcpy(e->raddr, raddr, 16);
	e->rport = rport;
	return AT_OK;
}

const struct attlsd_secmap_ent *
attlsd_secmap_find(struct attlsd_secmap *s, struct attlsd_conntab *t, pid_t pid, uid_t uid,
    const uint8_t laddr[16], const uint8_t raddr[16])
{
	size_t i = 0;

	while (i < s->n) {
		struct attlsd_secmap_ent *e = &s->ents[i];

		if (e->pid != pid || e->uid != uid || memcmp(e->laddr, laddr, 16) != 0 ||
		    memcmp(e->raddr, raddr, 16) != 0) {
			i++;
		} else if (!alive(t, e)) {
			drop(s, i);
		} else {
			return e;
		}
	}
	return NULL;
}

void
attlsd_secmap_free(struct attlsd_secmap *s)
{
	while (s->n > 0)
		drop(s, s->n - 1);
	free(s->ents);
	memset(s, 0, sizeof(*s));
}
