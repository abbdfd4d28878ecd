/*
 * dnmatch.h - distinguished names as parsed entries, for RACDCERT MAP
 * filters (src/saf/ only).
 *
 * A name is a sequence of RDNs in RACF's order (most specific first, as
 * RACF shows "CN=x.OU=y.O=z"), each RDN a set of attribute type and value
 * pairs.  A certificate's name comes from its ASN.1 entries; a filter is
 * parsed from RACF's dotted text:
 *
 *   filter  = rdn *( "." rdn )
 *   rdn     = ava *( "+" ava )          several values: a multi-valued RDN
 *   ava     = type "=" value
 *   type    = CN, OU, O, L, SP (or ST), C, T (or TITLE), EMAIL (or E),
 *             and any other name OpenSSL knows (UID, DC, SERIALNUMBER,
 *             STREET, ...); any case
 *   value   = one or more characters; "\" takes the next character as it
 *             is, so a value holding ".", "+", "=" or "\" writes "\." ...
 *
 * Nothing is compared as text: a filter matches a name when its RDNs are
 * the name's last RDNs (the least specific, at an RDN boundary), each RDN
 * having the same types with byte-identical (UTF-8, case-sensitive)
 * values, in any order within the RDN.
 */
#ifndef ATTLS_SAF_DNMATCH_H
#define ATTLS_SAF_DNMATCH_H

#include <stddef.h>

#include <openssl/x509.h>

#include "common/err.h"

struct saf_dnseq_ava {
	int nid;
	char *value; /* UTF-8, owned; may hold bytes a filter cannot */
	size_t len;
};

struct saf_dnseq_rdn {
	size_t n;
	struct saf_dnseq_ava *ava; /* owned */
};

/* RDNs, most specific first.  Zero-initialise; free with saf_dn_free. */
struct saf_dnseq {
	size_t n;
	struct saf_dnseq_rdn *rdn; /* owned */
};

void saf_dn_free(struct saf_dnseq *dn);

/* The RDNs of a certificate's subject or issuer name. */
AT_MUST_CHECK enum at_rc saf_dn_from_x509(const X509_NAME *name,
    struct saf_dnseq *out, struct at_err *err);

/* Parses a filter (grammar above); AT_E_INPUT with what is wrong. */
AT_MUST_CHECK enum at_rc saf_dn_parse(const char *text, struct saf_dnseq *out,
    struct at_err *err);

/* The number of filter RDNs if filter is a trailing portion of dn at RDN
 * boundaries (all of dn included), else -1. */
int saf_dn_suffix(const struct saf_dnseq *dn, const struct saf_dnseq *filter);

#endif
