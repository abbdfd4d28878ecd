/*
 * engineproc.h - attlsd's TLS engine process, and the parent's side of it.
 *
 * attlsd runs as three processes (docs/privsep.md):
 *   parent     root: the control socket, the policy, the security
 *              database; decides every connection and opens key rings
 *   keyholder  the private keys; signs on request (src/keyholder/)
 *   engine     the worker threads that speak TLS to the network and relay
 *              (worker.c), as an unprivileged user under a seccomp filter:
 *              no private key, no file, no new socket
 * The parent forks the keyholder and then the engine before it starts any
 * thread or opens the database, so the engine inherits neither.  The
 * engine has the same policy generations as the parent (bundle.h), builds
 * each TLS environment from certificates and keyholder key numbers
 * (envspec.h), and receives each connection's descriptors from the
 * parent.  It tells the parent what changes, so `attls status`, netstat
 * and a program's queries are answered by the parent alone.
 *
 * When the engine dies, attlsd stops: its connections died with it, and
 * a covered connection must never go out in cleartext (the published
 * summary stays, so the shim refuses until attlsd is back).
 */
#ifndef ATTLS_DAEMON_ENGINEPROC_H
#define ATTLS_DAEMON_ENGINEPROC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/err.h"
#include "daemon/gen.h"
#include "daemon/link.h"

struct attlsd;
struct attlsd_bundle;
struct keyholder;

struct attlsd_engine {
	pid_t pid;                    /* 0: not started */
	int req_fd, async_fd, log_fd;
	pthread_mutex_t req_lock;     /* one request at a time on req_fd */
	struct keyholder *kh;
	struct attlsd_env_remote remote;
	unsigned char *buf;           /* LINK_MAX_MSG, for the main thread's reads */
	bool lost;                    /* the engine is gone or misbehaved */
};

/* What the engine process is started with. */
struct attlsd_engine_opts {
	size_t nworkers;
	uid_t uid;                    /* the user it runs as, when attlsd is root */
	gid_t gid;
	const char *user;             /* its name, for the log */
};

/*
 * Forks the keyholder and the engine.  Must be called before any thread
 * starts and before the database is opened.  Sets the remote environment
 * builder (gen.h), so environments are built in the engine from then on.
 */
AT_MUST_CHECK enum at_rc attlsd_engine_start(struct attlsd_engine *e,
    const struct attlsd_engine_opts *o, struct at_err *err);

/* Sends generation id, loaded from the files in b, and waits until the
 * engine has loaded it too: a refresh fails when the engine cannot. */
AT_MUST_CHECK enum at_rc attlsd_engine_gen(struct attlsd_engine *e,
    const struct attlsd_bundle *b, uint64_t id, struct at_err *err);

/*
 * Hands a connection to the engine: fds are the TCP socket, the engine's
 * end of the program's pair and, for a TTLS_INIT_CONNECTION, the
 * program's end and the client's control socket.  They stay open here;
 * the caller closes its copies.
 */
AT_MUST_CHECK enum at_rc attlsd_engine_new(struct attlsd_engine *e, const struct link_new *n,
    const int *fds, size_t nfds, struct at_err *err);

/* A program's control request for connection id, answered by the engine
 * on client_fd (stays open here). */
AT_MUST_CHECK enum at_rc attlsd_engine_command(struct attlsd_engine *e, uint32_t id,
    uint32_t req_type, int client_fd, uint32_t cookie, struct at_err *err);

/*
 * Reads what the engine sent (updates, ended connections, mapping
 * questions, log lines) without waiting, and applies it to d's table.
 * False when the engine is gone or sent something malformed: attlsd must
 * stop.
 */
bool attlsd_engine_read(struct attlsd *d);

/* The same for what changes the table only (no log lines): what a control
 * request is answered from.  One read when nothing waits. */
bool attlsd_engine_sync(struct attlsd *d);

/* Ends the engine (its connections end with RC 5005) and the keyholder. */
void attlsd_engine_stop(struct attlsd_engine *e);

#endif
