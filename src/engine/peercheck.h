/*
 * peercheck.h - what the peer must prove during the handshake, beyond a
 * chain to a trusted CA: the reference identities (HostReferenceIdDNS,
 * HostReferenceIdCN, HostRefWildcardValidation), the minimum key sizes and
 * certificate version (PeerMin*), the validation profile
 * (CertValidationMode) and, for a server, a client's server name
 * (ServerHandshakeSNI).  Every check runs inside the handshake, so a peer
 * that fails one never gets a byte of application data.
 */
#ifndef ATTLS_ENGINE_PEERCHECK_H
#define ATTLS_ENGINE_PEERCHECK_H

#include <openssl/ssl.h>

#include "common/err.h"
#include "policy/policy.h"

/*
 * Installs the checks of a on ctx: the verify callback (which also keeps
 * ClientAuthType PassThru's "any certificate" promise), the security
 * callback for the peer's ephemeral DH key, the strict flags and, for a
 * server, the server name callback.  The settings are copied into the
 * context, which frees them.  Call after the verify mode is set.
 *
 * Returns AT_OK; AT_E_INPUT when a value cannot be honoured (the message
 * names the setting); AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc engine_peercheck_attach(SSL_CTX *ctx,
    const struct policy_actions *a, struct at_err *err);

#endif
