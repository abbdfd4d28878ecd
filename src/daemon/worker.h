/*
 * worker.h - threads that drive protected connections with epoll.  The
 * control thread hands a new connection to a worker (round robin); from
 * then on only that worker touches its engine state, so one slow peer only
 * ever delays its own connection.
 */
#ifndef ATTLS_DAEMON_WORKER_H
#define ATTLS_DAEMON_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

struct attlsd_conn;
struct attlsd_conntab;
struct saf_db;

struct attlsd_worker {
	pthread_t thread;
	int epfd;
	int evfd;                     /* wakes the worker for new connections */
	pthread_mutex_t qlock;
	struct attlsd_conn *queue;    /* handed over, not yet registered */
	bool stop;                    /* guarded by qlock */
	struct attlsd_conn *conns;    /* the worker's own list */
	struct attlsd_conn *grave;    /* finished, freed after the current batch
	                                 (epoll may still hold events for them) */
	size_t nconns;
	struct attlsd_conntab *table;
	const char *db_path;          /* security database, or NULL */
	struct saf_db *db;            /* this worker's own handle, opened lazily */
};

/*
 * Starts one worker thread.  db_path (may be NULL) is the security
 * database the worker maps client certificates with; the worker opens its
 * own handle so no SQLite connection is shared between threads.
 */
AT_MUST_CHECK enum at_rc attlsd_worker_start(struct attlsd_worker *w,
    struct attlsd_conntab *table, const char *db_path, struct at_err *err);

/* Hands c (already in the table) to w; w owns it from now on. */
void attlsd_worker_give(struct attlsd_worker *w, struct attlsd_conn *c);

/* Stops the thread, ending every connection it holds, and frees w's state. */
void attlsd_worker_stop(struct attlsd_worker *w);

/* Frees a connection record (its engine, references and copies). */
void attlsd_conn_free(struct attlsd_conn *c);

#endif
