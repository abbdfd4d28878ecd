/*
 * conn.h - one protected connection: the TLS handshake in the role its
 * policy names, then relaying bytes between the application's end (a plain
 * stream socket) and the peer (TLS over TCP), both non-blocking.
 *
 * The connection is a state machine driven from outside: call
 * engine_conn_run() whenever one of its descriptors is ready, then ask
 * engine_conn_interest() what to wait for next.  It never blocks and never
 * loops waiting for I/O, so one thread can drive thousands of them.
 *
 * Half-close is carried through: end-of-file from the application becomes
 * a TLS close_notify followed by a TCP half-close; a close_notify from the
 * peer becomes shutdown(SHUT_WR) on the application's end.
 *
 * Only an orderly end reads as end-of-file to the application: a partner
 * that resets the connection, or ends TCP without close_notify before our
 * close_notify went out, gets the application what was decrypted and then
 * ECONNRESET, as does any failure and attlsd itself dying (the keeper
 * byte, engine_app_pair).  After our close_notify a bare TCP end from the
 * partner is orderly: many servers answer close_notify that way.
 */
#ifndef ATTLS_ENGINE_CONN_H
#define ATTLS_ENGINE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "common/err.h"

enum engine_state {
	ENGINE_HANDSHAKING = 0,
	ENGINE_RELAYING,
	ENGINE_DONE,    /* both directions closed cleanly */
	ENGINE_FAILED,  /* see engine_conn_failure() */
	ENGINE_STOPPING,/* TLS being shut down, the TCP connection kept */
	ENGINE_STOPPED  /* TLS ended both ways; the TCP socket can go back */
};

/* Poll interest bits, the same values as POLLIN/POLLOUT. */
#define ENGINE_WANT_READ  0x001
#define ENGINE_WANT_WRITE 0x004

struct engine_conn;

struct engine_conn_stats {
	uint64_t to_peer;     /* application bytes sent over TLS */
	uint64_t from_peer;   /* bytes received over TLS for the application */
};

/*
 * Makes the socket pair between a program and attlsd: sp[0] for
 * engine_conn_new, sp[1] for the program (both non-blocking and
 * close-on-exec).  sp[1] has sent one byte that attlsd's end keeps unread
 * for the connection's life, so that when that end closes without first
 * draining it (a failure, or attlsd killed) the program's next read
 * fails with ECONNRESET instead of returning end-of-file.  The caller
 * owns both descriptors; on failure there are none.
 */
AT_MUST_CHECK enum at_rc engine_app_pair(int sp[2], struct at_err *err);

/*
 * Creates a connection on two connected, non-blocking descriptors (app_fd
 * is sp[0] of engine_app_pair, and refused otherwise) and an SSL already
 * set to its role (engine_tls_new).  The connection takes ownership of
 * both descriptors and of ssl, whatever the outcome: on failure they have
 * been closed and freed.  Free with engine_conn_free().
 */
AT_MUST_CHECK enum at_rc engine_conn_new(int app_fd, int peer_fd, SSL *ssl,
    struct engine_conn **out, struct at_err *err);

/*
 * Marks peer_fd as a non-blocking connect still in progress: the
 * connection first waits for it to finish, and a failure is kept as the
 * errno engine_conn_so_error() reports (what SO_ERROR would have said).
 */
void engine_conn_set_connecting(struct engine_conn *c);
int engine_conn_so_error(const struct engine_conn *c);

/*
 * For a connection that will never go back to cleartext (one not under
 * ApplicationControlled): OpenSSL reads ahead, up to four records per
 * read() instead of two read() calls per record.  Never on one that may be
 * stopped: bytes read ahead past the partner's close_notify would be lost
 * to the program.  Call before the handshake.
 */
void engine_tls_stream(SSL *ssl);

/*
 * Does all the work possible now; returns the state reached.  A
 * handshake that completes leaves the connection in ENGINE_RELAYING but
 * held: nothing is relayed either way, and no interest is reported, until
 * engine_conn_release(); the caller checks the partner first (certificate
 * mapping, SAF) and fails the connection with engine_conn_abort() if it
 * must.
 */
enum engine_state engine_conn_run(struct engine_conn *c);

/* Starts the relay after a handshake; call engine_conn_run() next: data
 * that came with the handshake's last flight is already waiting. */
void engine_conn_release(struct engine_conn *c);

/* What each descriptor must wait for (ENGINE_WANT_* bits; 0 = nothing). */
void engine_conn_interest(const struct engine_conn *c, unsigned *app, unsigned *peer);

enum engine_state engine_conn_state(const struct engine_conn *c);
int engine_conn_app_fd(const struct engine_conn *c);
int engine_conn_peer_fd(const struct engine_conn *c);
SSL *engine_conn_ssl(const struct engine_conn *c);
void engine_conn_stats(const struct engine_conn *c, struct engine_conn_stats *out);

/*
 * Why a connection failed: a System SSL-style return code (402 no cipher,
 * 403 no certificate from the partner, 8 certificate validation, 5003
 * cleartext where TLS was expected, 406 I/O error or reset, 420 the
 * partner ended the connection without close_notify, ...), the event it
 * happened in ("Initial Handshake" or "Data Decryption"/"Data Encryption")
 * and a sentence for the log.  Valid in state ENGINE_FAILED.
 */
int engine_conn_failure(const struct engine_conn *c, const char **event, const char **why);

/*
 * Ends the connection now (handshake timeout, a client certificate that
 * maps to no user, daemon shutdown): records rc, event (NULL: the phase
 * the connection is in) and why as the failure.  Freeing the connection
 * closes its descriptors.
 */
void engine_conn_abort(struct engine_conn *c, int rc, const char *event, const char *why);

/*
 * Starts ending TLS while keeping the TCP connection (TTLS_STOP_CONNECTION):
 * first passes on whatever the application already wrote, then, if
 * nothing is left in flight either way, sends close_notify and waits for
 * the partner's (state ENGINE_STOPPING, then ENGINE_STOPPED).  Returns 0,
 * or EPROTO when data is still pending (the connection stays as it was).
 */
int engine_conn_stop(struct engine_conn *c);

/*
 * Hands the TCP socket to the caller (state ENGINE_STOPPED); the
 * connection no longer closes it.  -1 in any other state.
 */
int engine_conn_take_peer_fd(struct engine_conn *c);

/*
 * Closes both descriptors and frees everything.  NULL is a no-op.  The
 * application sees end-of-file if the connection ended in order
 * (ENGINE_DONE, ENGINE_STOPPED), ECONNRESET in any other state.
 */
void engine_conn_free(struct engine_conn *c);

#endif
