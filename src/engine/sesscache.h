/*
 * sesscache.h - the client side of session resumption: the sessions
 * servers have given the client ends of one TLS environment, kept so the
 * next connection to the same server resumes instead of running a full
 * handshake (System SSL's client session cache, GSK_V3_SIDCACHE_SIZE).
 *
 * A cache belongs to one client SSL_CTX and is freed with it.  Because a
 * context is built per environment, and an environment per rule and user,
 * a session is only ever offered under the same settings and credentials
 * it was made with.  Sessions are filed by server address, port and server
 * name (SNI); a TLS 1.3 ticket is used once (RFC 8446, appendix C.4, so
 * two connections cannot be linked by it), a TLS 1.2 session until it
 * expires.  All functions are safe to call from several threads.
 */
#ifndef ATTLS_ENGINE_SESSCACHE_H
#define ATTLS_ENGINE_SESSCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "common/err.h"

/*
 * Gives the client context ctx a cache for up to max_peers servers (the
 * least recently used is forgotten first) and turns on client-side
 * session caching.  tls13 false keeps no TLS 1.3 session (resuming one
 * needs a ticket, and client tickets are off).  Returns AT_OK, or
 * AT_E_INPUT (max_peers 0), AT_E_NOMEM, AT_E_TLS.
 */
AT_MUST_CHECK enum at_rc engine_sesscache_attach(SSL_CTX *ctx, size_t max_peers,
    bool tls13, struct at_err *err);

/*
 * Before a client handshake: offers the newest session remembered for the
 * server at peer (and the SNI already set on ssl), if any.  Returns true
 * when a session was offered; whether the server accepted it shows after
 * the handshake (SSL_session_reused).  A context without a cache, or a
 * server never seen, gives false.
 */
bool engine_sesscache_offer(SSL *ssl, const struct sockaddr *peer, socklen_t peer_len);

struct engine_sesscache_stats {
	uint64_t offered;   /* sessions handed to a handshake */
	uint64_t missed;    /* lookups that found nothing usable */
	uint64_t stored;    /* sessions received from servers */
	size_t peers;       /* servers currently remembered */
};

/* Counters of ctx's cache (all zero when it has none). */
void engine_sesscache_stats(SSL_CTX *ctx, struct engine_sesscache_stats *out);

#endif
