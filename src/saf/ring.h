/*
 * ring.h - key rings (RACF's DIGTRING profiles): rings per owner, the
 * certificates connected to them with a usage and at most one default,
 * the LISTRING table, and opening a ring for a TLS handshake.
 *
 * Ring names are case-sensitive, 1 to 237 characters, unique per owner.
 * Mutating functions run inside the caller's transaction (saf/db.h) and
 * do not check authority: the RACDCERT layer decides who may call them.
 * saf_ring_open is the exception: it is what a TLS engine calls, and it
 * asks the security manager itself.
 */
#ifndef ATTLS_SAF_RING_H
#define ATTLS_SAF_RING_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "saf/cert.h"
#include "saf/db.h"

#define SAF_RING_NAME_MAX 237

/*
 * System SSL's return code for a key ring that cannot be opened (the ring
 * does not exist, or the user may not read it): what AT-TLS logs as
 * "RC: 202 Environment Master Init" when saf_ring_open fails with
 * AT_E_NOTFOUND or AT_E_DENIED.
 */
#define SAF_RING_OPEN_GSK_RC 202

/* RACF's virtual key ring of all CERTAUTH certificates. */
#define SAF_RING_VIRTUAL_CERTAUTH "*AUTH*/*"

enum saf_usage {
	SAF_USAGE_PERSONAL = 0,
	SAF_USAGE_CERTAUTH = 1,
	SAF_USAGE_SITE = 2
};

/* "PERSONAL", "CERTAUTH", "SITE". */
const char *saf_usage_name(enum saf_usage u);

/* Checks a ring name (1..237 printable characters, no blanks). */
AT_MUST_CHECK enum at_rc saf_ring_name_check(const char *name,
    struct at_err *err);

/* ADDRING.  AT_E_EXISTS if owner already has the ring. */
AT_MUST_CHECK enum at_rc saf_ring_add(struct saf_db *db, const char *owner,
    const char *name, struct at_err *err);

/* DELRING.  AT_E_NOTFOUND (IRRD114I) if there is no such ring. */
AT_MUST_CHECK enum at_rc saf_ring_delete(struct saf_db *db, const char *owner,
    const char *name, struct at_err *err);

/*
 * CONNECT the certificate cert_owner/label to ring_owner's ring.  usage
 * NULL takes the certificate owner's kind (a user's certificate is
 * PERSONAL, CERTAUTH's CERTAUTH, SITE's SITE).  make_default makes it the
 * ring's one default certificate (the previous default stops being one).
 * saf_ring_open serves a default only when it is not CERTAUTH usage and
 * has a private key.  Connecting a certificate that is already connected
 * changes its usage (and makes it the default when asked).  AT_E_NOTFOUND
 * when the ring or the certificate does not exist.
 */
AT_MUST_CHECK enum at_rc saf_ring_connect(struct saf_db *db,
    const char *ring_owner, const char *ring, const char *cert_owner,
    const char *label, const enum saf_usage *usage, bool make_default,
    struct at_err *err);

/* REMOVE.  AT_E_NOTFOUND (IRRD116I) when the certificate is not there. */
AT_MUST_CHECK enum at_rc saf_ring_remove(struct saf_db *db,
    const char *ring_owner, const char *ring, const char *cert_owner,
    const char *label, struct at_err *err);

struct saf_ring_entry {
	char label[SAF_CERT_LABEL_MAX + 1];
	char cert_owner[SAF_CERT_OWNER_MAX + 1];
	enum saf_usage usage;
	bool is_default;
};

struct saf_ring_info {
	char owner[SAF_CERT_OWNER_MAX + 1];
	char name[SAF_RING_NAME_MAX + 1];
	struct saf_ring_entry *entries; /* in connection order */
	size_t n;
};

struct saf_ring_list {
	struct saf_ring_info *rings; /* by name */
	size_t n;
};

void saf_ring_list_free(struct saf_ring_list *l);

/*
 * LISTRING: owner's ring `name`, or every ring of owner when name is "*"
 * or NULL.  AT_E_NOTFOUND with IRRD114I (no such ring) or IRRD115I (the
 * owner has no rings).  *out is the caller's (saf_ring_list_free).
 */
AT_MUST_CHECK enum at_rc saf_ring_list(struct saf_db *db, const char *owner,
    const char *name, struct saf_ring_list **out, struct at_err *err);

/* The rings cert_id is connected to (entries left empty), for LIST. */
AT_MUST_CHECK enum at_rc saf_ring_assoc(struct saf_db *db, int64_t cert_id,
    struct saf_ring_list **out, struct at_err *err);

/*
 * Appends RACDCERT LISTRING output for l: the "Digital ring information
 * for user X:" header, then each ring's block in RACF's columns.
 */
AT_MUST_CHECK enum at_rc saf_ring_format(const struct saf_ring_list *l,
    const char *owner, struct at_buf *out, struct at_err *err);

/* What a TLS engine needs from a ring. */
struct saf_ring_keys {
	char owner[SAF_CERT_OWNER_MAX + 1];
	char name[SAF_RING_NAME_MAX + 1];
	char label[SAF_CERT_LABEL_MAX + 1]; /* the default's label, or "" */
	X509 *cert;          /* the default personal certificate, or NULL */
	EVP_PKEY *key;       /* its private key, or NULL */
	STACK_OF(X509) *chain; /* other certificates of the ring (for chains) */
	STACK_OF(X509) *cas; /* trusted CERTAUTH-usage certificates */
};

/* Frees k, wiping the key.  NULL is a no-op. */
void saf_ring_keys_free(struct saf_ring_keys *k);

/*
 * Opens a ring for user actor_user (the id the connection runs under):
 * spec is "ring" (actor_user's ring), "OWNER/ring", or
 * SAF_RING_VIRTUAL_CERTAUTH (RACF's CERTAUTH virtual ring: every trusted
 * CERTAUTH certificate, no personal certificate; READ to
 * IRR.DIGTCERT.LISTRING is enough).  The security
 * manager must allow it: READ to FACILITY IRR.DIGTCERT.LISTRING for one's
 * own ring, UPDATE for another user's, and READ to IRR.DIGTCERT.LIST.
 * Only certificates with TRUST or HIGHTRUST are returned; CERTAUTH-usage
 * ones go to cas, the default personal one with its key to cert/key.
 *
 * AT_E_DENIED: the ICH408I lines of the denial are the message.
 * AT_E_NOTFOUND: no such ring.  Both mean System SSL RC 202
 * (SAF_RING_OPEN_GSK_RC) to an AT-TLS log.  *out is the caller's.
 */
AT_MUST_CHECK enum at_rc saf_ring_open(struct saf_db *db,
    const char *actor_user, const char *spec, struct saf_ring_keys **out,
    struct at_err *err);

/*
 * saf_ring_open, presenting the ring's certificate labelled label (case
 * sensitive; AT-TLS CertificateLabel) instead of the default.  label NULL
 * is saf_ring_open.  AT_E_INPUT when the ring has no trusted personal
 * certificate with that label and a private key (System SSL RC 407).
 */
AT_MUST_CHECK enum at_rc saf_ring_open_label(struct saf_db *db,
    const char *actor_user, const char *spec, const char *label,
    struct saf_ring_keys **out, struct at_err *err);

#endif
