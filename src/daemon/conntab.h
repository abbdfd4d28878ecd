/*
 * conntab.h - the daemon's table of protected connections, for `attls
 * status`, for CTL_ADDR / CTL_QUERY (found by the inode of the
 * application's end of the socket pair, whichever process shows it) and
 * for the EZD messages.
 *
 * The table owns its entries' bookkeeping; the engine connection inside an
 * entry belongs to the worker thread driving it, which copies what status
 * needs into the entry under the table's lock (attlsd_conntab_update).
 * A connection that failed stays findable by inode for a while as a
 * tombstone, so a program asking for SO_ERROR after a failed non-blocking
 * connect gets its answer.
 */
#ifndef ATTLS_DAEMON_CONNTAB_H
#define ATTLS_DAEMON_CONNTAB_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "ctl/proto.h"
#include "engine/conn.h"

struct attlsd_gen;
struct attlsd_env;
struct policy_rule;

struct attlsd_conn {
	/* Pointers and 64-bit fields first, then the narrower ones: several
	 * thousand of these may be alive, so no padding between fields. */
	ino_t app_ino;
	struct attlsd_gen *gen;          /* one reference held */
	const struct policy_rule *rule;
	const struct attlsd_env *env;
	struct engine_conn *engine;      /* owned by the worker */
	uint64_t deadline_ms;            /* handshake deadline, monotonic; 0 none */
	uint64_t mirror_ms;              /* when the parent last heard (worker.c) */
	/* Copied by the worker for status and queries. */
	uint64_t to_peer, from_peer;
	char *peer_subject;              /* one line (OPENSSL_malloc), or NULL */
	uint8_t *peer_der;               /* peer certificate, DER (malloc) */
	size_t peer_der_len;
	struct attlsd_conn *next;        /* table chain */
	/* Worker bookkeeping (the worker thread only). */
	struct attlsd_conn *wnext, *wprev;
	uint32_t id;
	uint32_t trace;
	enum engine_state state;
	/* A TTLS_INIT_CONNECTION waiting for the handshake (else -1): the
	 * client's control socket, the request's cookie, and the application's
	 * end of the pair to send it once the handshake has succeeded. */
	int reply_fd;
	uint32_t reply_cookie;
	int pending_app_fd;
	unsigned worker;                 /* index of the worker driving it */
	int so_error;
	unsigned app_ev, peer_ev;        /* epoll events registered; 0 = not */
	struct ctl_addrs addrs;
	uint16_t cipher;
	char jobname[CTL_NAME_MAX + 1];
	char userid[16];
	char protocol[16];
	char mapped_user[16];            /* user the peer certificate maps to, or "" */
	uint8_t dir;                     /* CTL_DIR_* */
	uint8_t ktls;                    /* ENGINE_KTLS_* bits, after the handshake */
	bool app_controlled;             /* mapped by TTLS_INIT_CONNECTION */
	bool dead;                       /* finished; freed after this epoll batch */
	/* The engine's account of what the parent knows (worker.c mirror). */
	bool mapping;                    /* the parent is mapping the certificate */
	bool mirror_dirty;               /* byte counts not sent yet */
	bool peer_sent;                  /* the certificate went to the parent */
	uint8_t mirror_state;            /* state last sent, plus one; 0 none */
};

struct attlsd_tomb {
	ino_t app_ino;
	uint32_t id;
	struct ctl_addrs addrs;
	int so_error;
	/* The rule that covered it, for the program's query: a failed
	 * handshake does not make the connection one no policy covers. */
	uint8_t stat_policy;             /* TTLS_POL_* */
	char rule[CTL_NAME_MAX + 1];
	char group_action[CTL_NAME_MAX + 1];
	char env_action[CTL_NAME_MAX + 1];
	char conn_action[CTL_NAME_MAX + 1];
};

#define ATTLSD_TOMBS 256

struct attlsd_conntab {
	pthread_mutex_t lock;
	struct attlsd_conn *head;
	size_t count;
	uint32_t next_id;
	struct attlsd_tomb tombs[ATTLSD_TOMBS];
	size_t next_tomb;
};

AT_MUST_CHECK enum at_rc attlsd_conntab_init(struct attlsd_conntab *t, struct at_err *err);
void attlsd_conntab_destroy(struct attlsd_conntab *t);

/* Assigns c->id and links c in. */
void attlsd_conntab_add(struct attlsd_conntab *t, struct attlsd_conn *c);

/* Links c in with the id it has (the TLS engine's copy of the parent's). */
void attlsd_conntab_insert(struct attlsd_conntab *t, struct attlsd_conn *c);

/* The connection numbered id, or NULL (the table's owner thread only). */
struct attlsd_conn *attlsd_conntab_find_id(struct attlsd_conntab *t, uint32_t id);

/* In the parent: what the TLS engine says of c now (a checked link_update;
 * der, der_len the peer certificate when it came with it). */
struct link_update;
void attlsd_conntab_apply(struct attlsd_conntab *t, struct attlsd_conn *c,
    const struct link_update *u, const unsigned char *der, size_t der_len);

/* Unlinks c, leaving a tombstone when it failed. The caller frees c. */
void attlsd_conntab_remove(struct attlsd_conntab *t, struct attlsd_conn *c);

/* Copies the engine's state into c for readers (worker thread only). */
void attlsd_conntab_update(struct attlsd_conntab *t, struct attlsd_conn *c);

/*
 * Finds the connection whose application end has inode ino and fills r
 * (addresses, SO_ERROR).  Returns false when unknown.
 */
bool attlsd_conntab_addr(struct attlsd_conntab *t, ino_t ino, struct ctl_addr_reply *r);

/*
 * Fills q for the connection with inode ino (status, protocol, cipher,
 * rule and action names, peer certificate up to cert_max bytes copied into
 * cert_buf).  Returns false when unknown.
 */
bool attlsd_conntab_query(struct attlsd_conntab *t, ino_t ino, struct ctl_query_reply *q,
    uint8_t *cert_buf, size_t cert_max);

/*
 * The id, worker and ApplicationControlled flag of the connection whose
 * application end has inode ino; false when unknown.
 */
bool attlsd_conntab_owner(struct attlsd_conntab *t, ino_t ino, uint32_t *id,
    unsigned *worker, bool *app_controlled);

/* Appends the `attls status` table. */
AT_MUST_CHECK enum at_rc attlsd_conntab_format(struct attlsd_conntab *t, struct at_buf *out);
/* The same, only the connections mapped for userid (every one when NULL). */
AT_MUST_CHECK enum at_rc attlsd_conntab_format_user(struct attlsd_conntab *t,
    const char *userid, struct at_buf *out);

/* What the netstat view shows of one protected connection. */
struct attlsd_conn_info {
	struct ctl_addrs addrs;
	uint64_t generation;
	uint64_t to_peer, from_peer;
	uint32_t id;
	uint16_t cipher;
	uint8_t dir;
	char state[16];
	char jobname[CTL_NAME_MAX + 1];
	char userid[16];
	char mapped_user[16];
	char protocol[16];
	char rule[CTL_NAME_MAX + 1];
	char group_action[CTL_NAME_MAX + 1];
	char env_action[CTL_NAME_MAX + 1];
	char conn_action[CTL_NAME_MAX + 1];
	char peer_subject[256];
};

/*
 * A copy of every connection in the table, taken under its lock: *out is
 * a new array of *n entries the caller frees (NULL when the table is
 * empty).  Returns AT_OK or AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc attlsd_conntab_snapshot(struct attlsd_conntab *t,
    struct attlsd_conn_info **out, size_t *n);

/* "192.168.17.220..2445" style text of one side of addrs. */
void attlsd_addr_text(const struct ctl_addrs *a, bool local, char *out, size_t outsz);

#endif
