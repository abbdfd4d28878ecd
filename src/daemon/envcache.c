/*
 * envcache.c - environments that could not be built, remembered briefly
 * (envcache.h).
 */
#include "daemon/envcache.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	/* FNV-1a over the eight bytes of v. */
	int i;

	for (i = 0; i < 8; i++) {
		h ^= (v >> (i * 8)) & 0xffu;
		h *= 1099511628211u;
	}
	return h;
}

uint64_t
attlsd_envcache_stamp(const char *db_file)
{
	uint64_t h = 14695981039346656037u;
	char wal[4200];
	struct stat st;
	int n;

	if (db_file == NULL || db_file[0] == '\0')
		return 0;
	if (stat(db_file, &st) == 0) {
		h = mix(h, (uint64_t)st.st_ino);
		h = mix(h, (uint64_t)st.st_size);
		h = mix(h, (uint64_t)st.st_mtim.tv_sec);
		h = mix(h, (uint64_t)st.st_mtim.tv_nsec);
	}
	n = snprintf(wal, sizeof(wal), "%s-wal", db_file);
	if (n > 0 && (size_t)n < sizeof(wal) && stat(wal, &st) == 0) {
		h = mix(h, (uint64_t)st.st_ino);
		h = mix(h, (uint64_t)st.st_size);
		h = mix(h, (uint64_t)st.st_mtim.tv_sec);
		h = mix(h, (uint64_t)st.st_mtim.tv_nsec);
	}
	return h;
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
    const struct policy_actions *a, const char *userid, uint64_t stamp, int *sslrc,
    struct at_err *err)
{
	struct attlsd_envfail *f = find(c, gen, a, userid);

	if (f == NULL || f->stamp != stamp || f->until_ms <= now_ms())
		return false;
	*sslrc = f->sslrc;
	(void)at_err_setx(err, AT_E_DENIED, "%s (remembered: tried again %d seconds after "
	    "the failure)", f->msg, ATTLSD_ENVCACHE_SECS);
	return true;
}

void
attlsd_envcache_remember(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, uint64_t stamp, int sslrc,
    const struct at_err *err)
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
	f->stamp = stamp;
	f->until_ms = now_ms() + ATTLSD_ENVCACHE_SECS * 1000u;
	/* Only the last line: the ICH408I lines were logged when it failed. */
	{
		const char *last = strrchr(err->msg, '\n');

		(void)snprintf(f->msg, sizeof(f->msg), "%.255s",
		    last != NULL && last[1] != '\0' ? last + 1 : err->msg);
	}
}

const struct attlsd_env *
attlsd_envcache_ready(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid)
{
	size_t i;

	for (i = 0; i < ATTLSD_ENVCACHE_OK_SLOTS; i++)
		if (c->ok[i].env != NULL && c->ok[i].actions == a && c->ok[i].gen == gen &&
		    strcmp(c->ok[i].userid, userid) == 0)
			return c->ok[i].env;
	return NULL;
}

void
attlsd_envcache_built(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, const struct attlsd_env *env)
{
	struct attlsd_envok *o;

	if (attlsd_envcache_ready(c, gen, a, userid) != NULL)
		return;
	o = &c->ok[c->next_ok];
	c->next_ok = (c->next_ok + 1) % ATTLSD_ENVCACHE_OK_SLOTS;
	o->gen = gen;
	o->actions = a;
	(void)snprintf(o->userid, sizeof(o->userid), "%s", userid);
	o->env = env;
}
