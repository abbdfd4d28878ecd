/*
 * ktls.h - kernel TLS as an optional record path: whether this kernel
 * offers it, and whether a connection's records went to it.
 *
 * When the kernel has the "tls" TCP upper-layer protocol and OpenSSL was
 * built with kernel TLS, OpenSSL hands the record encryption of each
 * direction whose cipher and version both support to the kernel after
 * the handshake; SSL_read and SSL_write keep working
 * as before, so the relay does not change.  Where either is missing,
 * OpenSSL encrypts in attlsd as usual.
 */
#ifndef ATTLS_ENGINE_KTLS_H
#define ATTLS_ENGINE_KTLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#define ENGINE_KTLS_TX 0x1   /* records sent are encrypted by the kernel */
#define ENGINE_KTLS_RX 0x2   /* records received are decrypted by it */

/*
 * Tries the "tls" upper-layer protocol on a connected TCP socket over
 * 127.0.0.1.  Returns true when the kernel accepts it; otherwise false
 * with the reason in why (a sentence, truncated to len).
 */
bool engine_ktls_probe(char *why, size_t len);

/* Lets OpenSSL move ssl's records to the kernel after its handshake. */
void engine_ktls_allow(SSL *ssl);

/* After the handshake: ENGINE_KTLS_* bits for what the kernel carries. */
unsigned engine_ktls_state(SSL *ssl);

/* "tx+rx", "tx", "rx" or "-" for a set of ENGINE_KTLS_* bits. */
const char *engine_ktls_name(unsigned bits);

#endif
