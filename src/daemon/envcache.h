/*
 * envcache.h - environments that could not be built, remembered briefly.
 *
 * A key ring the user may not open, or one that is broken, would
 * otherwise be read again (SQLite, PEM, certificate checks) for every
 * connection the rule covers, on the control thread.  A failure is kept
 * for ATTLSD_ENVCACHE_SECS seconds per generation, rule actions and user,
 * so a PERMIT or a repaired ring takes effect within that time.  Owned and
 * used by the control thread only.
 */
#ifndef ATTLS_DAEMON_ENVCACHE_H
#define ATTLS_DAEMON_ENVCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "policy/policy.h"

#define ATTLSD_ENVCACHE_SECS 5
#define ATTLSD_ENVCACHE_SLOTS 64

struct attlsd_envfail {
	uint64_t gen;
	const struct policy_actions *actions;
	char userid[16];
	int sslrc;
	uint64_t until_ms;            /* CLOCK_MONOTONIC */
	char msg[256];
};

struct attlsd_envcache {
	struct attlsd_envfail v[ATTLSD_ENVCACHE_SLOTS];
	size_t next;                  /* the slot the next failure takes */
};

/* A failure still remembered: true with *sslrc and err filled. */
bool attlsd_envcache_failed(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, int *sslrc, struct at_err *err);

/* Remembers a failure; the oldest goes when every slot is taken. */
void attlsd_envcache_remember(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, int sslrc, const struct at_err *err);

#endif
