/*
 * usermap.h - which user a client certificate or a distributed identity
 * stands for.
 *
 * Certificates (RACF initACEE / R_usermap order):
 *   1. the certificate itself is stored for a user (RACDCERT ADD/GENCERT
 *      ID(user)) with TRUST or HIGHTRUST: that user;  stored with NOTRUST:
 *      not mapped ("not trusted");
 *   2. else the most specific RACDCERT MAP filter whose SDNFILTER is the
 *      subject or a suffix of it (RACF's dotted form, most specific RDN
 *      first) and whose IDNFILTER likewise matches the issuer: a filter with
 *      more subject RDNs wins, then one with more issuer RDNs, then the
 *      older one.  The certificate's issuer must be a stored certificate
 *      with TRUST or HIGHTRUST whose key verifies the signature, and the
 *      filter must be TRUST;
 *   3. else not mapped.
 *
 * Distributed identities (RACMAP, class IDIDMAP): the filter whose user
 * name is the distributed name, or a DN suffix of it ("OU=Accounting,
 * O=BobsMart,C=US" matches every user below), or "*", with a registry
 * equal to the given one or "*".  The most specific wins: an exact name
 * over a suffix, a longer suffix over a shorter, any name over "*", and
 * then an exact registry over "*".
 *
 * Mutating functions run inside the caller's transaction and do not check
 * authority (the RACDCERT and RACMAP layers do).
 */
#ifndef ATTLS_SAF_USERMAP_H
#define ATTLS_SAF_USERMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "saf/cert.h"
#include "saf/db.h"

#define SAF_USERMAP_USER_MAX 8
#define SAF_USERMAP_REASON_MAX 256
#define SAF_USERMAP_FILTER_MAX 1024
#define SAF_IDID_NAME_MAX 246     /* RACMAP user name filter, bytes */
#define SAF_IDID_REGISTRY_MAX 252 /* RACMAP registry name, bytes */

/*
 * Maps a certificate (DER bytes) to a user.  AT_OK: userid_out holds the
 * user and reason_out how it was found.  AT_E_NOTFOUND: not mapped;
 * reason_out says why (RACF's SMF 67 wording: "No user ID found for
 * certificate" or "Certificate is not trusted").  Other codes: errors.
 */
AT_MUST_CHECK enum at_rc saf_usermap_cert(struct saf_db *db,
    const unsigned char *der, size_t len,
    char userid_out[SAF_USERMAP_USER_MAX + 1],
    char reason_out[SAF_USERMAP_REASON_MAX], struct at_err *err);

/* One RACDCERT MAP filter. */
struct saf_certmap {
	char userid[SAF_USERMAP_USER_MAX + 1];
	char label[SAF_CERT_LABEL_MAX + 1];
	char sdn[SAF_USERMAP_FILTER_MAX + 1]; /* "" when not given */
	char idn[SAF_USERMAP_FILTER_MAX + 1]; /* "" when not given */
	enum saf_trust trust;
};

/*
 * RACDCERT MAP: a filter for userid.  At least one of sdn and idn (the
 * other may be NULL).  label NULL picks LABELnnnnnnnn; the label used goes
 * to label_out (may be NULL).  AT_E_EXISTS if the label is taken.
 */
AT_MUST_CHECK enum at_rc saf_certmap_add(struct saf_db *db, const char *userid,
    const char *label, const char *sdn, const char *idn, enum saf_trust trust,
    char label_out[SAF_CERT_LABEL_MAX + 1], struct at_err *err);

/* RACDCERT DELMAP: one filter (label), or all of userid's (label NULL). */
AT_MUST_CHECK enum at_rc saf_certmap_delete(struct saf_db *db,
    const char *userid, const char *label, struct at_err *err);

/* RACDCERT LISTMAP: userid's filters (label NULL: all), oldest first. */
typedef enum at_rc (*saf_certmap_cb)(void *ctx, const struct saf_certmap *m,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_certmap_each(struct saf_db *db,
    const char *userid, const char *label, saf_certmap_cb cb, void *ctx,
    struct at_err *err);

/* One RACMAP filter. */
struct saf_idid {
	char userid[SAF_USERMAP_USER_MAX + 1];
	char label[SAF_CERT_LABEL_MAX + 1];
	char name[SAF_IDID_NAME_MAX + 1];
	char registry[SAF_IDID_REGISTRY_MAX + 1];
};

/*
 * RACMAP MAP.  label NULL picks LABELnnnnnnnn.  AT_E_EXISTS when the
 * label is taken or the same name/registry pair is already mapped.
 */
AT_MUST_CHECK enum at_rc saf_idid_add(struct saf_db *db, const char *userid,
    const char *label, const char *name, const char *registry,
    char label_out[SAF_CERT_LABEL_MAX + 1], struct at_err *err);

/* RACMAP DELMAP: one filter (label) or all of userid's (label NULL). */
AT_MUST_CHECK enum at_rc saf_idid_delete(struct saf_db *db, const char *userid,
    const char *label, struct at_err *err);

/* RACMAP LISTMAP: userid's filters (label NULL: all). */
typedef enum at_rc (*saf_idid_cb)(void *ctx, const struct saf_idid *m,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_idid_each(struct saf_db *db, const char *userid,
    const char *label, saf_idid_cb cb, void *ctx, struct at_err *err);

/*
 * RACMAP QUERY / initACEE: the user the distributed identity user_did in
 * registry maps to.  AT_E_NOTFOUND ("No RACF user ID found for
 * distributed identity") when no filter matches.
 */
AT_MUST_CHECK enum at_rc saf_idid_map(struct saf_db *db, const char *user_did,
    const char *registry, char userid_out[SAF_USERMAP_USER_MAX + 1],
    struct at_err *err);

/* The filter saf_idid_map would use (for QUERY output). */
AT_MUST_CHECK enum at_rc saf_idid_best(struct saf_db *db, const char *user_did,
    const char *registry, struct saf_idid *out, struct at_err *err);

#endif
