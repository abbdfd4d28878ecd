/*
 * usermap_int.h - helpers the mapping files share (src/saf/ only).
 */
#ifndef ATTLS_SAF_USERMAP_INT_H
#define ATTLS_SAF_USERMAP_INT_H

#include "common/err.h"
#include "saf/cert.h"
#include "saf/db.h"

/*
 * Whether filter is dn or a suffix of dn that starts right after a sep
 * that is an RDN boundary (not escaped with a backslash, not inside a
 * double-quoted value), compared case-insensitively: the number of RDNs
 * in filter, else -1.  For RACMAP's distributed names (sep ',').
 */
int saf_usermap_suffix(const char *dn, const char *filter, char sep);

/*
 * The first LABELnnnnnnnn for which sql (?1 = userid, ?2 = label) gives
 * no row.
 */
AT_MUST_CHECK enum at_rc saf_usermap_free_label(struct saf_db *db,
    const char *sql, const char *userid, char out[SAF_CERT_LABEL_MAX + 1],
    struct at_err *err);

#endif
