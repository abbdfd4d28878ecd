/*
 * cert.h - digital certificates in the security database (RACF's DIGTCERT
 * profiles): add, find, list, alter and delete certificates per owner.
 *
 * An owner is a user id, or one of the two special owners RACF uses for
 * CERTAUTH and SITE certificates (stored as "irrcerta" and "irrsitec",
 * names no user id can take).  Labels are case-sensitive, 1 to 32
 * characters, and unique per owner; the same certificate (by SHA-256) can
 * be stored only once.
 *
 * Private keys are stored as PKCS#8 DER in the database file, which is
 * readable by its owner only; they are loaded only when asked for
 * (SAF_CERT_KEY) and every copy of the key bytes is wiped.
 *
 * Mutating functions run inside the caller's transaction (saf/db.h) and do
 * not check authority: the RACDCERT layer decides who may call them.
 */
#ifndef ATTLS_SAF_CERT_H
#define ATTLS_SAF_CERT_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "saf/db.h"

#define SAF_CERT_OWNER_CERTAUTH "irrcerta"
#define SAF_CERT_OWNER_SITE "irrsitec"
#define SAF_CERT_OWNER_MAX 8
#define SAF_CERT_LABEL_MAX 32
/* "ID(USERNAME)" */
#define SAF_CERT_OWNER_SHOW_MAX 13

enum saf_trust {
	SAF_TRUST_TRUST = 0,
	SAF_TRUST_NOTRUST = 1,
	SAF_TRUST_HIGHTRUST = 2
};

/* "TRUST", "NOTRUST", "HIGHTRUST". */
const char *saf_trust_name(enum saf_trust t);

/*
 * The owner as RACDCERT shows it: "CERTAUTH", "SITE" or "ID(USER1)".
 * out has SAF_CERT_OWNER_SHOW_MAX + 1 bytes; returns out.
 */
const char *saf_cert_owner_show(const char *owner,
    char out[SAF_CERT_OWNER_SHOW_MAX + 1]);

/* Whether owner is a user id (not CERTAUTH or SITE). */
bool saf_cert_owner_is_user(const char *owner);

/* Checks a label: 1..32 characters, printable, not all blanks. */
AT_MUST_CHECK enum at_rc saf_cert_label_check(const char *label,
    struct at_err *err);

/* One stored certificate.  Released with saf_cert_free. */
struct saf_cert {
	int64_t id;
	char owner[SAF_CERT_OWNER_MAX + 1];
	char label[SAF_CERT_LABEL_MAX + 1];
	enum saf_trust trust;
	bool has_key;
	X509 *x509;    /* owned */
	EVP_PKEY *key; /* owned; NULL unless loaded with SAF_CERT_KEY */
};

/* saf_cert_get / saf_cert_find_der flags. */
#define SAF_CERT_KEY 0x1u /* also load the private key */

/* Frees c, wiping its key.  NULL is a no-op. */
void saf_cert_free(struct saf_cert *c);

/*
 * Stores cert (and key, which may be NULL) for owner under label.  label
 * NULL picks the first free LABELnnnnnnnn.  The label used is copied to
 * label_out (may be NULL).  key must match cert.  AT_E_EXISTS when the
 * label is taken for this owner (IRRD107I) or the certificate is already
 * stored (IRRD109I); AT_E_INPUT for a bad label.  Neither cert nor key is
 * kept.
 */
AT_MUST_CHECK enum at_rc saf_cert_add(struct saf_db *db, const char *owner,
    const char *label, X509 *cert, EVP_PKEY *key, enum saf_trust trust,
    char label_out[SAF_CERT_LABEL_MAX + 1], struct at_err *err);

/*
 * The certificate owner/label.  *out is the caller's (saf_cert_free).
 * AT_E_NOTFOUND with an IRRD message when there is none.
 */
AT_MUST_CHECK enum at_rc saf_cert_get(struct saf_db *db, const char *owner,
    const char *label, unsigned flags, struct saf_cert **out,
    struct at_err *err);

/* The stored certificate with the same DER bytes, else AT_E_NOTFOUND. */
AT_MUST_CHECK enum at_rc saf_cert_find_der(struct saf_db *db,
    const unsigned char *der, size_t len, unsigned flags,
    struct saf_cert **out, struct at_err *err);

/*
 * Calls cb for every certificate of owner (owner NULL: every certificate),
 * oldest first.  c is borrowed for the call (no key loaded).  A cb
 * failure stops the walk and is returned.
 */
typedef enum at_rc (*saf_cert_cb)(void *ctx, const struct saf_cert *c,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_cert_each(struct saf_db *db, const char *owner,
    saf_cert_cb cb, void *ctx, struct at_err *err);

/* Deletes owner/label, and its ring connections.  AT_E_NOTFOUND if none. */
AT_MUST_CHECK enum at_rc saf_cert_delete(struct saf_db *db, const char *owner,
    const char *label, struct at_err *err);

/*
 * Changes the trust status (trust NULL: unchanged) and/or the label
 * (newlabel NULL: unchanged) of owner/label.
 */
AT_MUST_CHECK enum at_rc saf_cert_alter(struct saf_db *db, const char *owner,
    const char *label, const enum saf_trust *trust, const char *newlabel,
    struct at_err *err);

/*
 * The serial number for the next certificate the CA certificate cert_id
 * signs; the counter moves on (RACF keeps one per signing certificate).
 */
AT_MUST_CHECK enum at_rc saf_cert_take_serial(struct saf_db *db,
    int64_t cert_id, uint64_t *serial, struct at_err *err);

/*
 * Calls cb for every stored certificate whose subject, in RACF's dotted
 * form, equals subject (case-insensitive).  For finding an issuer.
 */
AT_MUST_CHECK enum at_rc saf_cert_each_subject(struct saf_db *db,
    const char *subject, saf_cert_cb cb, void *ctx, struct at_err *err);

#endif
