/*
 * pki.h - certificates for the privilege-separation tests: an EC CA (from
 * testcert) signing leaves whose keys are RSA, EC on a named curve, or
 * Ed25519, made in memory.
 */
#ifndef ATTLS_TESTS_PRIVSEP_PKI_H
#define ATTLS_TESTS_PRIVSEP_PKI_H

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "testcert.h"

/* kind: "RSA" (2048 bits), "P-256", "P-384" or "ED25519". */
EVP_PKEY *pki_key(const char *kind);

/* A leaf for cn with key's public half, signed by ca; NULL on failure. */
X509 *pki_leaf(EVP_PKEY *key, const char *cn, const struct testcert *ca);

/*
 * Runs a handshake between cctx (a client verifying against its store) and
 * sctx over a socket pair, both ends non-blocking in this thread.  Returns
 * 1 when both ends finished, 0 when either failed; *sig_nid (may be NULL)
 * receives the signature type the server used, *version the protocol.
 */
int pki_shake(SSL_CTX *cctx, SSL_CTX *sctx, const char *host, int *sig_nid, int *version);

#endif
