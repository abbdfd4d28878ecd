/*
 * proxykey.h - a private key that is not here.
 *
 * engine_proxykey_new() gives an EVP_PKEY that carries only the public half
 * of a certificate's key and forwards every private operation to the
 * keyholder (src/keyholder/).  OpenSSL's TLS code uses it like any key
 * (SSL_CTX_use_certificate + SSL_CTX_use_PrivateKey +
 * SSL_CTX_check_private_key): each handshake's signature is one round trip
 * to the keyholder, and the process that speaks TLS never holds the key.
 *
 * The key is implemented by a small OpenSSL 3 provider ("attls-proxykey":
 * a key manager and a signature implementation for RSA, EC and Ed25519)
 * loaded into a library context of its own, so that it can never be picked
 * for an ordinary key: only keys made here use it.  What it signs with:
 *   RSA      PKCS#1 v1.5 (TLS 1.2) and PSS (TLS 1.3, and TLS 1.2 when the
 *            peer asks), SHA-1/224/256/384/512.  Decryption is refused,
 *            so RSA key exchange suites (TLS_RSA_WITH_*) fail the handshake.
 *   EC       ECDSA on the certificate's curve (P-256, P-384, P-521).
 *   Ed25519  pure Ed25519 (one-shot; TLS 1.3 and TLS 1.2).
 * Any other use (export of the private half, key derivation, decryption,
 * a digest TLS does not sign with) fails with an OpenSSL error that says so.
 *
 * Thread safety: a proxy key may be used by many threads at once; their
 * requests share the keyholder channel, one at a time (see keyholder.h).
 */
#ifndef ATTLS_ENGINE_PROXYKEY_H
#define ATTLS_ENGINE_PROXYKEY_H

#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/err.h"
#include "keyholder/keyholder.h"

/*
 * Makes *out, a proxy for key key_id held by the keyholder behind kc, whose
 * public half is cert's.  The key takes a reference to kc (the channel
 * stays open while any proxy key made with it exists) and none to cert.
 * The caller frees *out with EVP_PKEY_free().
 * AT_E_INPUT when cert's key is not RSA, EC or Ed25519; AT_E_TLS when
 * OpenSSL cannot build the key.  Nothing is asked of the keyholder here:
 * a wrong key id shows at the first handshake (as AT_E_NOTFOUND from it)
 * and, earlier, in SSL_CTX_check_private_key only if the public halves differ.
 */
AT_MUST_CHECK enum at_rc engine_proxykey_new(const X509 *cert, struct keyholder_client *kc,
    uint32_t key_id, EVP_PKEY **out, struct at_err *err);

/*
 * Loads the provider now (engine_proxykey_new does it on first use): a
 * process that will be sandboxed calls it first.
 */
AT_MUST_CHECK enum at_rc engine_proxykey_init(struct at_err *err);

/* True when key was made by engine_proxykey_new(). */
int engine_proxykey_is_proxy(const EVP_PKEY *key);

#endif
