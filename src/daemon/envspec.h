/*
 * envspec.h - the credentials of one TLS environment as the parent sends
 * them to the TLS engine process: certificates in DER and, in place of
 * each private key, the number the keyholder gave it.  The engine makes a
 * proxy key of each (engine/proxykey.h), so no private key ever reaches
 * the process that speaks TLS to the network.
 *
 * Records of a 32-bit tag, a 32-bit length and the bytes; certificates
 * are parsed by OpenSSL (d2i_X509), nothing else is parsed.
 */
#ifndef ATTLS_DAEMON_ENVSPEC_H
#define ATTLS_DAEMON_ENVSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "engine/tlsctx.h"

struct keyholder_client;

/*
 * Appends c to out with key_ids[0] for c->key and key_ids[1 + i] for
 * c->more_keys[i] (0: no key).  The keys themselves are not written.
 */
AT_MUST_CHECK enum at_rc attlsd_envspec_write(const struct engine_creds *c,
    const uint32_t *key_ids, struct at_buf *out, struct at_err *err);

/*
 * Engine side: fills *c from the records in in, with proxy keys signing
 * through kc.  The caller frees with attlsd_envspec_free().
 */
AT_MUST_CHECK enum at_rc attlsd_envspec_read(struct at_buf *in, struct keyholder_client *kc,
    struct engine_creds *c, struct at_err *err);

void attlsd_envspec_free(struct engine_creds *c);

#endif
