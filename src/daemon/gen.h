/*
 * gen.h - one installed policy generation: the loaded policy set, its
 * matcher, and the TLS environments built for it.
 *
 * A generation is immutable once installed and reference-counted: the
 * daemon's current generation holds one reference and every connection
 * mapped with it holds one, so a refresh never changes an established
 * connection ("stale" actions live until their last connection closes).
 *
 * Environments (an SSL_CTX for one rule's actions with one user's key
 * ring) are built on first use and cached for the generation's lifetime;
 * a failure is not cached, so a PERMIT or a new ring takes effect for the
 * next connection.  A SAF ring's environment is cached per security-manager
 * user; a file ring's per Linux uid, gid and groups as well, because the
 * file's permissions decide who may use it and two Linux users can share
 * one security-manager name.
 */
#ifndef ATTLS_DAEMON_GEN_H
#define ATTLS_DAEMON_GEN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>

#include "common/err.h"
#include "daemon/peer.h"
#include "policy/match.h"
#include "policy/policy.h"

struct saf_db;

#define ATTLSD_ENV_MAX_KEYS 8   /* 1 + ENGINE_CREDS_MAX_MORE */

struct attlsd_env {
	const struct policy_actions *actions;
	char userid[16];
	struct attlsd_peer peer;    /* part of the key for a file ring */
	/* The context, in the process that speaks TLS.  In attlsd's parent,
	 * which builds environments in the TLS engine process
	 * (attlsd_gen_set_remote), it is NULL and key_ids names the keys the
	 * keyholder holds for it. */
	SSL_CTX *ctx;
	uint32_t key_ids[ATTLSD_ENV_MAX_KEYS];
	size_t nkeys;
	uint32_t grpid;   /* numbers shown in EZD messages */
	uint32_t envid;
	struct attlsd_env *next;
};

struct attlsd_gen {
	uint64_t id;
	time_t installed;           /* when it was loaded (the pasearch view) */
	struct policy_set *set;
	struct policy_matcher *matcher;
	uint32_t *grpids;           /* by rule order: see attlsd_gen_grpid */
	pthread_mutex_t lock;       /* guards envs, next ids and refs */
	unsigned refs;
	struct attlsd_env *envs;
	uint32_t next_envid;
};

/*
 * Loads the policy named by opts as generation id.  Diagnostics go to
 * diags.  On success *out holds one reference.
 */
AT_MUST_CHECK enum at_rc attlsd_gen_load(const struct policy_load_opts *opts, uint64_t id,
    struct attlsd_gen **out, struct policy_diags *diags, struct at_err *err);

void attlsd_gen_ref(struct attlsd_gen *g);
/* Drops a reference; the last one frees the generation. NULL is a no-op. */
void attlsd_gen_unref(struct attlsd_gen *g);

/*
 * The environment for rule's actions and a connection's user, built on
 * first use from the key ring its TTLSKeyringParms names: a SAF ring
 * opened as userid in db, or a PEM file, which is used only when peer (the
 * connection's Linux credentials) may open it (attlsd_peer_open).  The
 * returned environment lives as long as the generation.  On failure
 * *sslrc is the System SSL-style code to log (202 for a ring that may not
 * or cannot be opened) and err says why.
 */
AT_MUST_CHECK enum at_rc attlsd_gen_env(struct attlsd_gen *g, const struct policy_rule *rule,
    const char *userid, const struct attlsd_peer *peer, struct saf_db *db,
    const struct attlsd_env **out, int *sslrc, struct at_err *err);

/*
 * Whether environment e may serve a connection with credentials peer: any
 * environment of a SAF key ring (the user decided it), one of a file key
 * ring only for the credentials it was opened with.
 */
bool attlsd_gen_env_fits(const struct attlsd_env *e, const struct attlsd_peer *peer);

/*
 * Where environments are built when TLS is spoken in another process.
 *   build      given the credentials read from the ring (with their real
 *              private keys), makes environment e (envid, grpid, userid
 *              set) of rule in the other process; fills e->key_ids
 *   forget     the environment's generation is gone: forget its keys
 *   gen_freed  the generation is gone
 * Without it (tests, tools) attlsd_gen_env builds the context here.
 */
struct engine_creds;
struct attlsd_env_remote {
	enum at_rc (*build)(void *arg, struct attlsd_gen *g, const struct policy_rule *rule,
	    struct attlsd_env *e, const struct engine_creds *c, int *sslrc,
	    struct at_err *err);
	void (*forget)(void *arg, struct attlsd_env *e);
	void (*gen_freed)(void *arg, uint64_t gen_id);
	void *arg;
};

/* Sets (or with NULL clears) the remote builder for every generation. */
void attlsd_gen_set_remote(const struct attlsd_env_remote *r);

/*
 * For the TLS engine process: adds an environment built there, with the
 * numbers the parent gave it.  ctx becomes the environment's.
 */
AT_MUST_CHECK enum at_rc attlsd_gen_add_env(struct attlsd_gen *g,
    const struct policy_rule *rule, const char *userid, uint32_t envid, uint32_t grpid,
    SSL_CTX *ctx, struct at_err *err);

/* The environment numbered envid, or NULL. */
const struct attlsd_env *attlsd_gen_find_env(struct attlsd_gen *g, uint32_t envid);

/* The group number of a rule's group action within g (1-based, stable). */
uint32_t attlsd_gen_grpid(const struct attlsd_gen *g, const struct policy_rule *rule);

#endif
