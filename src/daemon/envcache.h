/*
 * envcache.h - environments that could not be built, remembered briefly.
 *
 * A key ring the user may not open, or one that is broken, would
 * otherwise be read again (SQLite, PEM, certificate checks) for every
 * connection the rule covers, on the control thread.  A failure is kept
 * for ATTLSD_ENVCACHE_SECS seconds per generation, rule actions and user,
 * and only while the security database is unchanged (a stamp of its
 * files), so a PERMIT takes effect for the next connection and a repaired
 * PEM ring within that time.  Built
 * environments are remembered too, so a decision that needs one already
 * built is made at once.  Owned and used by the control thread only.
 */
#ifndef ATTLS_DAEMON_ENVCACHE_H
#define ATTLS_DAEMON_ENVCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "daemon/gen.h"
#include "policy/policy.h"

#define ATTLSD_ENVCACHE_SECS 5
#define ATTLSD_ENVCACHE_SLOTS 64

struct attlsd_envfail {
	uint64_t gen;
	const struct policy_actions *actions;
	char userid[16];
	int sslrc;
	uint64_t stamp;               /* the database's, when it failed */
	uint64_t until_ms;            /* CLOCK_MONOTONIC */
	char msg[256];
};

/* An environment known to be built, so a decision needs no trip
 * through the builder thread. */
struct attlsd_envok {
	uint64_t gen;
	const struct policy_actions *actions;
	char userid[16];
	const struct attlsd_env *env; /* lives as long as generation gen */
};

#define ATTLSD_ENVCACHE_OK_SLOTS 256

struct attlsd_envcache {
	struct attlsd_envfail v[ATTLSD_ENVCACHE_SLOTS];
	size_t next;                  /* the slot the next failure takes */
	struct attlsd_envok ok[ATTLSD_ENVCACHE_OK_SLOTS];
	size_t next_ok;
};

/* The environment built for gen, a and userid, or NULL (not known here). */
const struct attlsd_env *attlsd_envcache_ready(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid);

/* Remembers a built environment; the oldest goes when every slot is taken. */
void attlsd_envcache_built(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, const struct attlsd_env *env);

/* A stamp of the security database at db_file ("" or NULL: none) that
 * changes whenever it is written: inode, size and time of the file and
 * of its write-ahead log. */
uint64_t attlsd_envcache_stamp(const char *db_file);

/* A failure still remembered: true with *sslrc and err filled. */
bool attlsd_envcache_failed(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, uint64_t stamp, int *sslrc,
    struct at_err *err);

/* Remembers a failure; the oldest goes when every slot is taken. */
void attlsd_envcache_remember(struct attlsd_envcache *c, uint64_t gen,
    const struct policy_actions *a, const char *userid, uint64_t stamp, int sslrc,
    const struct at_err *err);

#endif
