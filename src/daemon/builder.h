/*
 * builder.h - the thread that builds TLS environments, so that reading a
 * key ring (SQLite, PEM files, certificate checks) never holds the
 * control thread: decisions for other connections go on meanwhile, and
 * the CTL_MAP that needed the environment is answered when it is ready.
 *
 * The control thread gives a job and later takes it back finished; the
 * builder only calls attlsd_gen_env on it, with a database handle of its
 * own.  One job at a time, in order.
 */
#ifndef ATTLS_DAEMON_BUILDER_H
#define ATTLS_DAEMON_BUILDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "ctl/proto.h"
#include "daemon/gen.h"
#include "daemon/peer.h"

struct saf_db;

/* One deferred CTL_MAP.  Owned by whoever holds it: the control thread,
 * then the builder's lists, then the control thread again. */
struct attlsd_build {
	struct attlsd_build *next;
	/* whom to answer */
	size_t slot;
	uint64_t serial;              /* the client's, to tell a reused slot */
	uint32_t cookie;
	/* the question */
	struct attlsd_gen *gen;       /* one reference, dropped by the taker */
	const struct policy_rule *rule;
	char userid[16];
	struct attlsd_peer peer;      /* who may open a file key ring */
	int tcp_fd;                   /* owned by the job until handed on */
	struct ctl_map m;
	struct ctl_addrs addrs;
	/* the answer */
	enum at_rc rc;
	const struct attlsd_env *env;
	int sslrc;
	struct at_err err;
};

struct attlsd_builder {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct attlsd_build *todo, *todo_tail;
	struct attlsd_build *done;
	int evfd;                     /* readable when done is not empty */
	bool stop, started;
	bool busy;                    /* in attlsd_gen_env (under lock) */
	const char *db_path;          /* NULL: no security database */
	struct saf_db *db;
};

AT_MUST_CHECK enum at_rc attlsd_builder_start(struct attlsd_builder *b, const char *db_path,
    struct at_err *err);

/* Takes the job; it comes back through attlsd_builder_take. */
void attlsd_builder_give(struct attlsd_builder *b, struct attlsd_build *job);

/* The finished jobs, oldest first (NULL when none); the caller owns them. */
struct attlsd_build *attlsd_builder_take(struct attlsd_builder *b);

/* Stops the thread (after the job in hand) and frees what is left. */
void attlsd_builder_stop(struct attlsd_builder *b);

/* Frees a job: closes its TCP socket, drops its generation. */
void attlsd_build_free(struct attlsd_build *job);

#endif
