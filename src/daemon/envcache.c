/*
 * envcache.c - environments that could not be built, remembered briefly
 * (envcache.h).
 */
#include "daemon/envcache.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static uint64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct attlsd_envfail *
find(struct attlsd_envcache *c, uint64_t gen, const struct policy_actions *a,
    const char *userid)
{
	size_t i;

	for (i = 0; i < ATTLSD_ENVCACHE_SLOTS; i++)
		if (c->v[i].actions == a && c->v[i].gen == gen &&
		    strcmp(c->v[i].userid, userid) == 0)
			return &c->v[i];
	return NULL;
}

bool
attlsd_envcache_failed(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, int *sslrc, struct at_err *err)
{
	struct attlsd_envfail *f = find(c, gen, a, userid);

	if (f == NULL || f->until_ms <= now_ms())
		return false;
	*sslrc = f->sslrc;
	(void)at_err_setx(err, AT_E_DENIED, "%s (remembered: tried again %d seconds after "
	    "the failure)", f->msg, ATTLSD_ENVCACHE_SECS);
	return true;
}

void
attlsd_envcache_remember(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, int sslrc, const struct at_err *err)
{
	struct attlsd_envfail *f = find(c, gen, a, userid);

	if (f == NULL) {
		f = &c->v[c->next];
		c->next = (c->next + 1) % ATTLSD_ENVCACHE_SLOTS;
	}
	memset(f, 0, sizeof(*f));
	f->gen = gen;
	f->actions = a;
	(void)snprintf(f->userid, sizeof(f->userid), "%s", userid);
	f->sslrc = sslrc;
	f->until_ms = now_ms() + ATTLSD_ENVCACHE_SECS * 1000u;
	/* Only the last line: the ICH408I lines were logged when it failed. */
	{
		const char *last = strrchr(err->msg, '\n');

		(void)snprintf(f->msg, sizeof(f->msg), "%.255s",
		    last != NULL && last[1] != '\0' ? last + 1 : err->msg);
	}
}
