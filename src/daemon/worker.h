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
#include <stdint.h>

#include "common/err.h"

struct attlsd_conn;
struct attlsd_conntab;
struct saf_db;
struct attlsd_cmd;

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
	uint64_t next_deadline_ms;    /* earliest handshake deadline, 0 none; may
	                                 be early (that handshake ended), never late */
	struct attlsd_conntab *table;
	struct attlsd_cmd *cmds;      /* control requests for its connections (qlock) */
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

/*
 * Asks w to carry out a program's control request (TTLS_RESET_SESSION,
 * TTLS_RESET_CIPHER, TTLS_RESET_WRITE_CIPHER, TTLS_SEND_SESSION_TICKET,
 * TTLS_STOP_CONNECTION) on connection id and to answer it on client_fd
 * (duplicated here) with cookie.  False when it could not be queued.
 */
bool attlsd_worker_command(struct attlsd_worker *w, uint32_t id, uint32_t req_type,
    int client_fd, uint32_t cookie);

/* Stops the thread, ending every connection it holds, and frees w's state. */
void attlsd_worker_stop(struct attlsd_worker *w);

/* Frees a connection record (its engine, references and copies). */
void attlsd_conn_free(struct attlsd_conn *c);

#endif
