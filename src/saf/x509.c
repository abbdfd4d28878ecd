/*
 * x509.c - key generation and certificate building for RACDCERT GENCERT.
 * Reading and writing certificate files is in x509_io.c; what LIST shows
 * is in x509_show.c.
 */
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "saf/x509.h"

enum at_rc
saf_x509_keygen(enum saf_key_type type, unsigned bits, EVP_PKEY **out,
    struct at_err *err)
{
	const char *curve = NULL;

	if (out == NULL)
		return at_err_setx(err, AT_E_INTERNAL, "saf_x509_keygen: no output");
	*out = NULL;
	if (type == SAF_KEY_RSA) {
		if (bits == 0)
			bits = 2048;
		if (bits < 1024 || bits > 4096)
			return at_err_setx(err, AT_E_INPUT,
			    "SIZE(%u) is not valid for an RSA key: use 1024 to 4096",
			    bits);
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else if (type == SAF_KEY_NISTECC) {
		if (bits == 0 || bits == 256)
			curve = "P-256";
		else if (bits == 384)
			curve = "P-384";
		else if (bits == 521)
			curve = "P-521";
		else
			return at_err_setx(err, AT_E_INPUT,
			    "SIZE(%u) is not valid for a NISTECC key: use 256, 384 or 521",
			    bits);
		*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
	} else {
		return at_err_setx(err, AT_E_INTERNAL, "unknown key type %d",
		    (int)type);
	}
	if (*out == NULL)
		return at_err_ssl(err, AT_E_TLS, "generating a key");
	return AT_OK;
}

/* One RDN appended to name; value NULL adds nothing. */
static enum at_rc
add_rdn(X509_NAME *name, const char *field, const char *value,
    struct at_err *err)
{
	if (value == NULL)
		return AT_OK;
	if (value[0] == '\0' || strlen(value) > 64)
		return at_err_setx(err, AT_E_INPUT,
		    "SUBJECTSDN %s value must be 1 to 64 characters", field);
	if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
	    (const unsigned char *)value, -1, -1, 0) != 1)
		return at_err_ssl(err, AT_E_INPUT, "SUBJECTSDN %s('%s')", field,
		    value);
	return AT_OK;
}

/* X.500 order: country first, the common name last. */
static enum at_rc
build_name(const struct saf_dn *dn, X509_NAME *name, struct at_err *err)
{
	enum at_rc rc;
	size_t i;

	if (dn->n_ou > SAF_DN_OU_MAX)
		return at_err_setx(err, AT_E_INPUT, "SUBJECTSDN has more than %d OU values",
		    SAF_DN_OU_MAX);
	if (dn->c != NULL && strlen(dn->c) != 2)
		return at_err_setx(err, AT_E_INPUT,
		    "SUBJECTSDN C('%s') must be a two-letter country code", dn->c);
	rc = add_rdn(name, "C", dn->c, err);
	if (rc == AT_OK)
		rc = add_rdn(name, "ST", dn->sp, err);
	if (rc == AT_OK)
		rc = add_rdn(name, "L", dn->l, err);
	if (rc == AT_OK)
		rc = add_rdn(name, "O", dn->o, err);
	for (i = dn->n_ou; rc == AT_OK && i > 0; i--)
		rc = add_rdn(name, "OU", dn->ou[i - 1], err);
	if (rc == AT_OK)
		rc = add_rdn(name, "title", dn->t, err);
	if (rc == AT_OK)
		rc = add_rdn(name, "CN", dn->cn, err);
	if (rc == AT_OK && X509_NAME_entry_count(name) == 0)
		rc = at_err_setx(err, AT_E_INPUT, "SUBJECTSDN names no attribute");
	return rc;
}

/* The keyUsage extension value for the KEYUSAGE bits. */
static enum at_rc
key_usage_text(unsigned ku, bool ec, struct at_buf *b, struct at_err *err)
{
	enum at_rc rc;

	rc = at_buf_printf(b, "critical");
	if (rc == AT_OK && (ku & SAF_KU_HANDSHAKE) != 0)
		rc = at_buf_printf(b, ",digitalSignature,%s",
		    ec ? "keyAgreement" : "keyEncipherment");
	if (rc == AT_OK && (ku & SAF_KU_DATAENCRYPT) != 0)
		rc = at_buf_printf(b, ",dataEncipherment");
	if (rc == AT_OK && (ku & SAF_KU_DOCSIGN) != 0)
		rc = at_buf_printf(b, ",nonRepudiation");
	if (rc == AT_OK && (ku & SAF_KU_CERTSIGN) != 0)
		rc = at_buf_printf(b, ",keyCertSign,cRLSign");
	if (rc == AT_OK && (ku & SAF_KU_KEYAGREE) != 0 &&
	    !(ec && (ku & SAF_KU_HANDSHAKE) != 0))
		rc = at_buf_printf(b, ",keyAgreement");
	if (rc != AT_OK)
		return at_err_setx(err, rc, "key usage text too long");
	return AT_OK;
}

static enum at_rc
add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value,
    struct at_err *err)
{
	X509_EXTENSION *ext;
	enum at_rc rc = AT_OK;

	ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	if (ext == NULL)
		return at_err_ssl(err, AT_E_TLS, "building %s extension",
		    OBJ_nid2sn(nid));
	if (X509_add_ext(x, ext, -1) != 1)
		rc = at_err_ssl(err, AT_E_TLS, "adding %s extension",
		    OBJ_nid2sn(nid));
	X509_EXTENSION_free(ext);
	return rc;
}

/* One IA5String general name (DNS, email, URI). */
static enum at_rc
push_ia5(GENERAL_NAMES *gens, int type, const char *value, struct at_err *err)
{
	GENERAL_NAME *gn = NULL;
	ASN1_IA5STRING *s = NULL;
	enum at_rc rc = AT_OK;

	gn = GENERAL_NAME_new();
	s = ASN1_IA5STRING_new();
	if (gn == NULL || s == NULL ||
	    ASN1_STRING_set(s, value, (int)strlen(value)) != 1) {
		rc = at_err_ssl(err, AT_E_NOMEM, "ALTNAME value");
		goto out;
	}
	GENERAL_NAME_set0_value(gn, type, s);
	s = NULL;
	if (sk_GENERAL_NAME_push(gens, gn) <= 0) {
		rc = at_err_ssl(err, AT_E_NOMEM, "ALTNAME list");
		goto out;
	}
	gn = NULL;
out:
	ASN1_IA5STRING_free(s);
	GENERAL_NAME_free(gn);
	return rc;
}

static enum at_rc
push_ip(GENERAL_NAMES *gens, const char *ip, struct at_err *err)
{
	GENERAL_NAME *gn = NULL;
	ASN1_OCTET_STRING *addr = NULL;
	enum at_rc rc = AT_OK;

	addr = a2i_IPADDRESS(ip);
	if (addr == NULL) {
		ERR_clear_error(); /* the message below says what is wrong */
		return at_err_setx(err, AT_E_INPUT,
		    "ALTNAME IP(%s) is not an IPv4 or IPv6 address", ip);
	}
	gn = GENERAL_NAME_new();
	if (gn == NULL) {
		rc = at_err_ssl(err, AT_E_NOMEM, "ALTNAME IP");
		goto out;
	}
	GENERAL_NAME_set0_value(gn, GEN_IPADD, addr);
	addr = NULL;
	if (sk_GENERAL_NAME_push(gens, gn) <= 0) {
		rc = at_err_ssl(err, AT_E_NOMEM, "ALTNAME list");
		goto out;
	}
	gn = NULL;
out:
	ASN1_OCTET_STRING_free(addr);
	GENERAL_NAME_free(gn);
	return rc;
}

static enum at_rc
add_altnames(X509 *x, const struct saf_altname *alt, struct at_err *err)
{
	GENERAL_NAMES *gens = NULL;
	enum at_rc rc = AT_OK;

	if (alt->ip == NULL && alt->domain == NULL && alt->email == NULL &&
	    alt->uri == NULL)
		return AT_OK;
	gens = sk_GENERAL_NAME_new_null();
	if (gens == NULL)
		return at_err_ssl(err, AT_E_NOMEM, "ALTNAME list");
	if (alt->ip != NULL)
		rc = push_ip(gens, alt->ip, err);
	if (rc == AT_OK && alt->domain != NULL)
		rc = push_ia5(gens, GEN_DNS, alt->domain, err);
	if (rc == AT_OK && alt->email != NULL)
		rc = push_ia5(gens, GEN_EMAIL, alt->email, err);
	if (rc == AT_OK && alt->uri != NULL)
		rc = push_ia5(gens, GEN_URI, alt->uri, err);
	if (rc != AT_OK)
		goto out;
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0,
	    X509V3_ADD_DEFAULT) != 1)
		rc = at_err_ssl(err, AT_E_TLS, "adding subjectAltName");
out:
	GENERAL_NAMES_free(gens);
	return rc;
}

/* basicConstraints, keyUsage, key identifiers and subjectAltName. */
static enum at_rc
add_extensions(X509 *x, X509 *issuer, const struct saf_certreq *req, bool ec,
    struct at_err *err)
{
	X509V3_CTX ctx;
	struct at_buf ku;
	unsigned bits = req->key_usage;
	enum at_rc rc;

	at_buf_init(&ku, 256);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	rc = add_conf_ext(x, &ctx, NID_basic_constraints,
	    req->ca ? "critical,CA:TRUE" : "CA:FALSE", err);
	if (rc != AT_OK)
		goto out;
	/* RACF: a CERTAUTH certificate without KEYUSAGE may sign certificates. */
	if (bits == 0 && req->ca)
		bits = SAF_KU_CERTSIGN;
	if (bits != 0) {
		rc = key_usage_text(bits, ec, &ku, err);
		if (rc == AT_OK)
			rc = add_conf_ext(x, &ctx, NID_key_usage, at_buf_cstr(&ku),
			    err);
		if (rc != AT_OK)
			goto out;
	}
	rc = add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash", err);
	if (rc == AT_OK && issuer != NULL)
		rc = add_conf_ext(x, &ctx, NID_authority_key_identifier,
		    "keyid:always", err);
	if (rc == AT_OK)
		rc = add_altnames(x, &req->alt, err);
out:
	at_buf_free(&ku);
	return rc;
}

/*
 * Serial 0 draws 127 random bits with the top one set, so every serial is
 * 16 bytes long and positive: numbering certificates 1, 2, 3 lets anyone
 * predict the next serial a CA will sign, which the collision attacks on
 * weak signature hashes needed, and scanners flag it.  A non-zero serial
 * is used as given.
 */
static enum at_rc
set_serial(X509 *x, uint64_t serial, struct at_err *err)
{
	BIGNUM *bn = NULL;
	enum at_rc rc = AT_OK;
	char hex[17];
	int n;

	if (serial == 0) {
		bn = BN_new();
		if (bn == NULL || BN_rand(bn, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1) {
			BN_free(bn);
			return at_err_ssl(err, AT_E_TLS, "drawing a random serial number");
		}
	} else {
		n = snprintf(hex, sizeof(hex), "%llx", (unsigned long long)serial);
		if (n < 0 || (size_t)n >= sizeof(hex))
			return at_err_setx(err, AT_E_INTERNAL, "serial number");
		if (BN_hex2bn(&bn, hex) == 0)
			return at_err_ssl(err, AT_E_TLS, "setting the serial number");
	}
	if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		rc = at_err_ssl(err, AT_E_TLS, "setting the serial number");
	BN_free(bn);
	return rc;
}

enum at_rc
saf_x509_build(const struct saf_certreq *req, EVP_PKEY *key, X509 *signer_cert,
    EVP_PKEY *signer_key, X509 **out, struct at_err *err)
{
	X509 *x = NULL;
	X509_NAME *name = NULL;
	EVP_PKEY *sign_key = key;
	enum at_rc rc = AT_OK;

	if (out == NULL || req == NULL || key == NULL)
		return at_err_setx(err, AT_E_INTERNAL, "saf_x509_build: bad arguments");
	*out = NULL;
	if ((signer_cert == NULL) != (signer_key == NULL))
		return at_err_setx(err, AT_E_INTERNAL,
		    "saf_x509_build: signer certificate and key go together");
	if (req->not_before >= req->not_after)
		return at_err_setx(err, AT_E_INPUT,
		    "IRRD133I The NOTBEFORE value must be earlier than the NOTAFTER value. The certificate is not created.");
	if (signer_cert != NULL) {
		if (!saf_x509_is_ca(signer_cert))
			return at_err_setx(err, AT_E_INPUT,
			    "the SIGNWITH certificate is not a certificate-authority certificate");
		if (X509_check_private_key(signer_cert, signer_key) != 1)
			return at_err_ssl(err, AT_E_INPUT,
			    "the SIGNWITH private key does not match its certificate");
		sign_key = signer_key;
	}
	x = X509_new();
	name = X509_NAME_new();
	if (x == NULL || name == NULL) {
		rc = at_err_ssl(err, AT_E_NOMEM, "allocating a certificate");
		goto out;
	}
	rc = build_name(&req->subject, name, err);
	if (rc != AT_OK)
		goto out;
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, signer_cert != NULL ?
	    X509_get_subject_name(signer_cert) : name) != 1 ||
	    X509_set_pubkey(x, key) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), req->not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), req->not_after) == NULL) {
		rc = at_err_ssl(err, AT_E_TLS, "filling in the certificate");
		goto out;
	}
	rc = set_serial(x, req->serial, err);
	if (rc == AT_OK)
		rc = add_extensions(x, signer_cert, req,
		    EVP_PKEY_is_a(key, "EC") == 1, err);
	if (rc != AT_OK)
		goto out;
	if (X509_sign(x, sign_key, EVP_sha256()) <= 0) {
		rc = at_err_ssl(err, AT_E_TLS, "signing the certificate");
		goto out;
	}
	*out = x;
	x = NULL;
out:
	X509_NAME_free(name);
	X509_free(x);
	return rc;
}

bool
saf_x509_is_ca(X509 *cert)
{
	return X509_check_ca(cert) >= 1 &&
	    (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
}

unsigned
saf_x509_key_usage(X509 *cert)
{
	uint32_t ku;
	unsigned out = 0;

	if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) == 0)
		return 0;
	ku = X509_get_key_usage(cert);
	if ((ku & (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT)) != 0)
		out |= SAF_KU_HANDSHAKE;
	if ((ku & KU_DATA_ENCIPHERMENT) != 0)
		out |= SAF_KU_DATAENCRYPT;
	if ((ku & KU_NON_REPUDIATION) != 0)
		out |= SAF_KU_DOCSIGN;
	if ((ku & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) != 0)
		out |= SAF_KU_CERTSIGN;
	if ((ku & KU_KEY_AGREEMENT) != 0 && (out & SAF_KU_HANDSHAKE) == 0)
		out |= SAF_KU_KEYAGREE;
	return out;
}

void
saf_x509_key_info(EVP_PKEY *key, const char **type, int *bits)
{
	*type = "UNKNOWN";
	*bits = 0;
	if (key == NULL)
		return;
	*bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_is_a(key, "RSA") == 1)
		*type = "RSA";
	else if (EVP_PKEY_is_a(key, "EC") == 1)
		*type = "NISTECC";
	else if (EVP_PKEY_get0_type_name(key) != NULL)
		*type = EVP_PKEY_get0_type_name(key);
}
