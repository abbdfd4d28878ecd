/*
 * x509.h - the certificate work RACDCERT needs, done with OpenSSL 3 and no
 * database: key generation, building X.509 v3 certificates from a RACF
 * SUBJECTSDN, reading PEM / DER / PKCS#12 bytes, writing the RACDCERT
 * EXPORT formats, and the text RACDCERT LIST shows for one certificate.
 *
 * Ownership: every X509 * and EVP_PKEY * an output parameter returns is the
 * caller's (X509_free, EVP_PKEY_free); output pointers are NULLed on entry
 * and stay NULL on failure.  Inputs are borrowed, never kept.  Private key
 * bytes that pass through these functions (PKCS#8, PEM, PKCS#12) are wiped
 * with OPENSSL_cleanse before they are freed.
 */
#ifndef ATTLS_SAF_X509_H
#define ATTLS_SAF_X509_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/str.h"

/* SUBJECTSDN limits: RACF allows repeated OU values. */
#define SAF_DN_OU_MAX 10
/* The largest encoded certificate or key file the code accepts. */
#define SAF_X509_MAX_BYTES (256u * 1024u)

enum saf_key_type {
	SAF_KEY_RSA = 0,
	SAF_KEY_NISTECC = 1
};

/*
 * KEYUSAGE keywords and the keyUsage bits they set (RFC 5280 4.2.1.3):
 *   HANDSHAKE    digitalSignature, keyEncipherment (RSA) / keyAgreement (EC)
 *   DATAENCRYPT  dataEncipherment
 *   DOCSIGN      nonRepudiation
 *   CERTSIGN     keyCertSign, cRLSign
 *   KEYAGREE     keyAgreement
 */
#define SAF_KU_HANDSHAKE 0x01u
#define SAF_KU_DATAENCRYPT 0x02u
#define SAF_KU_DOCSIGN 0x04u
#define SAF_KU_CERTSIGN 0x08u
#define SAF_KU_KEYAGREE 0x10u

/*
 * A RACF SUBJECTSDN.  NULL means "not given".  RACF shows the name most
 * specific first (CN=x.T=t.OU=ou1.OU=ou2.O=o.L=l.SP=sp.C=c, OU values in
 * the order typed); the certificate encodes the same RDNs in the reverse
 * (X.500) order, country first.
 */
struct saf_dn {
	const char *cn;
	const char *t;
	const char *ou[SAF_DN_OU_MAX];
	size_t n_ou;
	const char *o;
	const char *l;
	const char *sp;
	const char *c;
};

/* ALTNAME values (one of each, as RACF takes them); NULL = not given. */
struct saf_altname {
	const char *ip;
	const char *domain;
	const char *email;
	const char *uri;
};

/* Everything GENCERT decides about a new certificate. */
struct saf_certreq {
	struct saf_dn subject;
	struct saf_altname alt;
	time_t not_before;
	time_t not_after;
	uint64_t serial;    /* 0: 127 random bits (GENCERT); else as given */
	unsigned key_usage; /* SAF_KU_* bits; 0 = KEYUSAGE not given */
	bool ca;            /* CERTAUTH: basicConstraints CA:TRUE */
};

/*
 * Generates a key.  bits 0 takes the default (RSA 2048, NISTECC 256).
 * RSA takes 1024..4096; NISTECC takes 256, 384 or 521 (P-256, P-384,
 * P-521).  AT_E_INPUT for a size the type does not take, AT_E_TLS when
 * OpenSSL fails.  *out is the caller's.
 */
AT_MUST_CHECK enum at_rc saf_x509_keygen(enum saf_key_type type, unsigned bits,
    EVP_PKEY **out, struct at_err *err);

/*
 * Builds and signs a certificate for key (public part used) from req.
 * signer_cert/signer_key NULL: self-signed with key.  Otherwise the issuer
 * name and authorityKeyIdentifier come from signer_cert and signer_key
 * signs; the signer must be a CA certificate (AT_E_INPUT otherwise).
 * AT_E_INPUT for an empty subject or not_before >= not_after.  *out is the
 * caller's.
 */
AT_MUST_CHECK enum at_rc saf_x509_build(const struct saf_certreq *req,
    EVP_PKEY *key, X509 *signer_cert, EVP_PKEY *signer_key, X509 **out,
    struct at_err *err);

/*
 * Reads a certificate (and a private key when the bytes carry one) from
 * PEM, DER or PKCS#12 bytes.  password is needed for PKCS#12 and for an
 * encrypted PEM key; it may be NULL otherwise.  *cert is the caller's;
 * *key is the caller's or NULL when the bytes hold no key.  AT_E_INPUT when
 * the bytes are none of these forms or the password is wrong.
 */
AT_MUST_CHECK enum at_rc saf_x509_parse(const unsigned char *data, size_t len,
    const char *password, X509 **cert, EVP_PKEY **key, struct at_err *err);

/* RACDCERT EXPORT FORMAT(...) values, plus PEM with the key for tools. */
enum saf_export_fmt {
	SAF_EXPORT_CERTDER = 0,
	SAF_EXPORT_CERTB64,   /* PEM certificate */
	SAF_EXPORT_PKCS7DER,
	SAF_EXPORT_PKCS7B64,
	SAF_EXPORT_PKCS12DER,
	SAF_EXPORT_PKCS12B64, /* base64 of the PKCS#12 DER, 64 per line */
	SAF_EXPORT_PEMKEY     /* PEM certificate then PKCS#8 PEM key */
};

/* Looks a FORMAT keyword up (case-insensitive).  AT_E_INPUT if unknown. */
AT_MUST_CHECK enum at_rc saf_x509_export_fmt(struct at_str name,
    enum saf_export_fmt *out, struct at_err *err);

/*
 * Appends cert in fmt to out.  PKCS#12 needs key and a password of at
 * least one character (AT_E_INPUT otherwise); SAF_EXPORT_PEMKEY needs key.
 * Call at_buf_init with out->secret set when a key is written.
 */
AT_MUST_CHECK enum at_rc saf_x509_export(X509 *cert, EVP_PKEY *key,
    enum saf_export_fmt fmt, const char *password, const char *friendly,
    struct at_buf *out, struct at_err *err);

/* PKCS#8 DER of key into out (the caller sets out->secret). */
AT_MUST_CHECK enum at_rc saf_x509_key_to_der(EVP_PKEY *key, struct at_buf *out,
    struct at_err *err);

/* The key a PKCS#8 DER holds.  *out is the caller's. */
AT_MUST_CHECK enum at_rc saf_x509_key_from_der(const unsigned char *der,
    size_t len, EVP_PKEY **out, struct at_err *err);

/* The DER of cert into out. */
AT_MUST_CHECK enum at_rc saf_x509_to_der(X509 *cert, struct at_buf *out,
    struct at_err *err);

/* Decodes exactly one DER certificate.  *out is the caller's. */
AT_MUST_CHECK enum at_rc saf_x509_from_der(const unsigned char *der, size_t len,
    X509 **out, struct at_err *err);

/*
 * A name in RACF's display form, most specific RDN first, joined by '.':
 * "CN=MQ CA.OU=ATS.O=IBM.C=US" (ST is shown as SP, as RACF keys it).
 */
AT_MUST_CHECK enum at_rc saf_x509_name_racf(const X509_NAME *name,
    struct at_buf *out, struct at_err *err);

/* The serial number in upper-case hex with an even number of digits. */
AT_MUST_CHECK enum at_rc saf_x509_serial_hex(X509 *cert, struct at_buf *out,
    struct at_err *err);

/* The certificate's SHA-256 fingerprint. */
AT_MUST_CHECK enum at_rc saf_x509_sha256(X509 *cert, unsigned char md[32],
    struct at_err *err);

/* "RSA" or "NISTECC" (or OpenSSL's short name) and the key size in bits. */
void saf_x509_key_info(EVP_PKEY *key, const char **type, int *bits);

/* The KEYUSAGE keywords the keyUsage extension names (0 if none). */
unsigned saf_x509_key_usage(X509 *cert);

/* Whether basicConstraints says CA:TRUE. */
bool saf_x509_is_ca(X509 *cert);

/* notBefore / notAfter as time_t. */
AT_MUST_CHECK enum at_rc saf_x509_validity(X509 *cert, time_t *not_before,
    time_t *not_after, struct at_err *err);

/*
 * The RACF date operands: date "yyyy-mm-dd" or "yyyy/m/d"; time "hh:mm:ss"
 * or empty.  An empty time means 00:00:00 for NOTBEFORE (end false) and
 * 23:59:59 for NOTAFTER (end true).  Local time, as RACF.  AT_E_INPUT with
 * the offending text otherwise.
 */
AT_MUST_CHECK enum at_rc saf_x509_parse_date(struct at_str date,
    struct at_str time_of_day, bool end, time_t *out, struct at_err *err);

/* RACF's defaults: today 00:00:00 local, and one year after nb, 23:59:59. */
time_t saf_x509_default_not_before(time_t now);
time_t saf_x509_default_not_after(time_t not_before);

/*
 * RACF's Certificate ID: base64 of the EBCDIC bytes X'D9', the owner's
 * length, the owner and the label, padded with EBCDIC blanks to a multiple
 * of three.  owner is the stored owner ("irrcerta" for CERTAUTH).
 */
AT_MUST_CHECK enum at_rc saf_x509_cert_id(const char *owner, const char *label,
    struct at_buf *out, struct at_err *err);

/* What LIST shows about a certificate besides the certificate itself. */
struct saf_list_ring {
	const char *owner;
	const char *ring;
};

struct saf_list_meta {
	const char *owner; /* stored owner, for the Certificate ID */
	const char *label;
	const char *trust; /* TRUST, NOTRUST, HIGHTRUST */
	bool has_key;
	const struct saf_list_ring *rings;
	size_t n_rings;
};

/*
 * Appends one certificate's block of RACDCERT LIST output (from "  Label:"
 * to the ring associations, ending with a blank line) to out.
 */
AT_MUST_CHECK enum at_rc saf_x509_list_text(X509 *cert,
    const struct saf_list_meta *meta, struct at_buf *out, struct at_err *err);

#endif
