/*
 * ckds.h - the key store that stands in for ICSF's CKDS: HMAC keys under
 * labels, for enhanced PassTickets (SSIGNON(EPTKEYLABEL(label))).
 *
 * attls has no ICSF.  A label here names a key held in the security
 * database's ckds_keys table, created by the racf command CKDSKEY
 * (generated with OpenSSL's RAND, or imported so that a partner system
 * that generates the tickets holds the same key).  Only a SPECIAL user may
 * add, delete or list keys; no command ever prints the key bytes; the
 * database file is owner-only, which is what protects them at rest.
 * PTKTDATA profiles hold the label, not a copy of the key, so a key
 * replaced under the same label takes effect at once, as in ICSF.
 */
#ifndef ATTLS_SAF_CKDS_H
#define ATTLS_SAF_CKDS_H

#include <stddef.h>
#include <stdint.h>

#include "saf/authority.h"
#include "saf/db.h"

#define SAF_CKDS_LABEL_MAX 64
#define SAF_CKDS_HMAC_MIN 32   /* bytes: 256 bits, the least RACF takes */
#define SAF_CKDS_HMAC_MAX 64   /* 512 bits, the size IBM recommends */

/* ICSF label rules: 1-64 characters A-Z 0-9 @ # $ and '.', the first not
 * a digit or '.'; lower case is folded to upper. */
AT_MUST_CHECK enum at_rc saf_ckds_label_norm(const char *in,
    char out[SAF_CKDS_LABEL_MAX + 1], struct at_err *err);

/*
 * Adds an HMAC key under label (AT_E_EXISTS if the label is taken).  key
 * NULL: keylen random bytes from OpenSSL's RAND; else keylen bytes of an
 * imported key.  keylen SAF_CKDS_HMAC_MIN..MAX.  SPECIAL only; caller's
 * transaction.
 */
AT_MUST_CHECK enum at_rc saf_ckds_add(struct saf_db *db,
    const struct saf_actor *actor, const char *label,
    const unsigned char *key, size_t keylen, struct at_err *err);

/* Deletes label; refused while a PTKTDATA profile names it.  SPECIAL
 * only; caller's transaction. */
AT_MUST_CHECK enum at_rc saf_ckds_delete(struct saf_db *db,
    const struct saf_actor *actor, const char *label, struct at_err *err);

struct saf_ckds_info {
	char label[SAF_CKDS_LABEL_MAX + 1];
	char kind[8];          /* "HMAC" */
	unsigned bits;
	int64_t created;
	unsigned users;        /* PTKTDATA profiles naming it */
};

typedef enum at_rc (*saf_ckds_cb)(void *ctx, const struct saf_ckds_info *k,
    struct at_err *err);

/* Every label in name order (never the key).  SPECIAL only. */
AT_MUST_CHECK enum at_rc saf_ckds_each(struct saf_db *db,
    const struct saf_actor *actor, saf_ckds_cb cb, void *ctx,
    struct at_err *err);

/* For src/saf/ only: the key of label into key (cap bytes, wiped by the
 * caller).  AT_E_NOTFOUND if the label is not in the store. */
AT_MUST_CHECK enum at_rc saf_ckds_get(struct saf_db *db, const char *label,
    unsigned char *key, size_t cap, size_t *len, struct at_err *err);

#endif
