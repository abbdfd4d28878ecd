/*
 * worker.h - threads of the TLS engine process (engineproc.h) that drive
 * protected connections with epoll.  A new connection goes to a worker
 * (round robin); from then on only that worker touches its engine state,
 * so one slow peer only ever delays its own connection.  A worker tells
 * the parent what changes (link_update, link_gone) and asks it to map a
 * client certificate (link_map), over the link socket it is given.
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
	int link_fd;                  /* to the parent (shared by the workers), or -1 */
	uint64_t flush_ms;            /* when byte counts wait to be sent, else 0 */
};

/*
 * Starts one worker thread.  link_fd (-1 for none) is the parent's link
 * socket: writes to it are whole messages, so the workers share it.
 */
AT_MUST_CHECK enum at_rc attlsd_worker_start(struct attlsd_worker *w,
    struct attlsd_conntab *table, int link_fd, struct at_err *err);

/* Hands c (already in the table) to w; w owns it from now on. */
void attlsd_worker_give(struct attlsd_worker *w, struct attlsd_conn *c);

/*
 * Asks w to carry out a program's control request (TTLS_RESET_SESSION,
 * TTLS_RESET_CIPHER, TTLS_RESET_WRITE_CIPHER, TTLS_SEND_SESSION_TICKET,
 * TTLS_STOP_CONNECTION) on connection id and to answer it on client_fd
 * (taken: closed here or by the worker) with cookie.  False when it could
 * not be queued.
 */
bool attlsd_worker_command(struct attlsd_worker *w, uint32_t id, uint32_t req_type,
    int client_fd, uint32_t cookie);

/* The parent's answer to a certificate mapping (link_mapped) for id. */
bool attlsd_worker_mapped(struct attlsd_worker *w, uint32_t id, const char *user,
    const char *reason);

/* Stops the thread, ending every connection it holds, and frees w's state. */
void attlsd_worker_stop(struct attlsd_worker *w);

/* Frees a connection record (its engine, references and copies). */
void attlsd_conn_free(struct attlsd_conn *c);

#endif
