/*
 * tlsctx.h - turning a rule's resolved actions and a key ring's contents
 * into an OpenSSL SSL_CTX, and a connection's SSL from that context.
 *
 * One context is built per environment (the actions of one rule with one
 * set of credentials) and shared by every connection mapped to it, so
 * session caches and tickets work across those connections.
 */
#ifndef ATTLS_ENGINE_TLSCTX_H
#define ATTLS_ENGINE_TLSCTX_H

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/err.h"
#include "policy/policy.h"

/*
 * What a key ring gives a TLS environment.  All members are borrowed:
 * engine_tlsctx_build() takes its own references, so the caller frees what
 * it allocated as soon as the call returns.
 *   cert, key   the certificate to present and its private key (NULL when
 *               the ring has no default/labelled personal certificate; a
 *               server role then fails with System SSL code 7)
 *   chain       intermediate certificates sent after cert (may be NULL)
 *   cas         trust anchors used to verify the peer (may be NULL)
 *   more_*      for a server, nmore further certificates and their keys
 *               (the second and later ServerCertificateLabel); OpenSSL
 *               presents the one whose key type suits the client's
 *               signature algorithms, so each key type may appear once
 */
#define ENGINE_CREDS_MAX_MORE 7

struct engine_creds {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;
	STACK_OF(X509) *cas;
	size_t nmore;
	X509 *more_certs[ENGINE_CREDS_MAX_MORE];
	EVP_PKEY *more_keys[ENGINE_CREDS_MAX_MORE];
};

/*
 * Builds a context for the role and settings in a.  On success *out is a
 * new SSL_CTX the caller frees with SSL_CTX_free().  *sslrc receives the
 * System SSL-style return code a failure maps to (0 on success): 7 no
 * certificate for a server role, 402 no cipher or protocol left that this
 * build supports, 428 a key that does not match its certificate.
 *
 * Returns AT_OK; AT_E_INPUT when the actions cannot be honoured (the
 * message names the setting); AT_E_TLS when OpenSSL fails; AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc engine_tlsctx_build(const struct policy_actions *a,
    const struct engine_creds *c, SSL_CTX **out, int *sslrc, struct at_err *err);

/*
 * Creates the SSL for one connection on ctx in the role of a; a client
 * sends the name ClientHandshakeSNI asks for (ClientHandshakeSNIList, else
 * HostReferenceIdDNS; never an IP address).  The reference ids are checked
 * by ctx itself.  Caller frees with SSL_free().
 */
AT_MUST_CHECK enum at_rc engine_tls_new(SSL_CTX *ctx, const struct policy_actions *a,
    SSL **out, struct at_err *err);

/*
 * The OpenSSL group name for a TLS named-group id (IANA), or NULL when
 * this build has no such group.
 */
const char *engine_group_name(uint16_t iana_id);

#endif
