/*
 * x509_io.c - certificates and keys in and out of bytes: PEM, DER, PKCS#7
 * and PKCS#12 (RACDCERT ADD and EXPORT), PKCS#8 for storage.
 */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <string.h>

#include "saf/x509.h"

static const struct {
	const char *name;
	enum saf_export_fmt fmt;
} export_fmts[] = {
	{ "CERTDER", SAF_EXPORT_CERTDER },
	{ "CERTB64", SAF_EXPORT_CERTB64 },
	{ "PKCS7DER", SAF_EXPORT_PKCS7DER },
	{ "PKCS7B64", SAF_EXPORT_PKCS7B64 },
	{ "PKCS12DER", SAF_EXPORT_PKCS12DER },
	{ "PKCS12B64", SAF_EXPORT_PKCS12B64 },
};

enum at_rc
saf_x509_export_fmt(struct at_str name, enum saf_export_fmt *out,
    struct at_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(export_fmts) / sizeof(export_fmts[0]); i++) {
		if (at_str_eq_ci(name, export_fmts[i].name)) {
			*out = export_fmts[i].fmt;
			return AT_OK;
		}
	}
	return at_err_setx(err, AT_E_INPUT,
	    "FORMAT(%.*s) is not one of CERTDER, CERTB64, PKCS7DER, PKCS7B64, PKCS12DER, PKCS12B64",
	    (int)(name.len > 32 ? 32 : name.len), name.p);
}

/* Moves everything written to a memory BIO into out. */
static enum at_rc
bio_to_buf(BIO *bio, struct at_buf *out, struct at_err *err)
{
	char *p = NULL;
	long n;
	enum at_rc rc;

	n = BIO_get_mem_data(bio, &p);
	if (n < 0 || p == NULL)
		return at_err_ssl(err, AT_E_TLS, "reading encoded bytes");
	rc = at_buf_append(out, p, (size_t)n);
	if (rc != AT_OK)
		return at_err_setx(err, rc, "encoded certificate too large");
	return AT_OK;
}

/* Base64 of der, 64 characters a line, no header. */
static enum at_rc
base64_lines(const unsigned char *der, size_t len, struct at_buf *out,
    struct at_err *err)
{
	unsigned char line[65 + 1];
	size_t off;
	enum at_rc rc = AT_OK;
	int n;

	for (off = 0; off < len && rc == AT_OK; off += 48) {
		size_t chunk = len - off > 48 ? 48 : len - off;

		n = EVP_EncodeBlock(line, der + off, (int)chunk);
		if (n < 0)
			return at_err_ssl(err, AT_E_TLS, "base64 encoding");
		rc = at_buf_append(out, line, (size_t)n);
		if (rc == AT_OK)
			rc = at_buf_append(out, "\n", 1);
	}
	if (rc != AT_OK)
		return at_err_setx(err, rc, "encoded certificate too large");
	return AT_OK;
}

static enum at_rc
export_pkcs7(X509 *cert, bool b64, BIO *bio, struct at_err *err)
{
	PKCS7 *p7 = NULL;
	enum at_rc rc = AT_OK;
	int ok;

	p7 = PKCS7_new();
	if (p7 == NULL || PKCS7_set_type(p7, NID_pkcs7_signed) != 1 ||
	    PKCS7_content_new(p7, NID_pkcs7_data) != 1 ||
	    PKCS7_add_certificate(p7, cert) != 1) {
		rc = at_err_ssl(err, AT_E_TLS, "building a PKCS #7 package");
		goto out;
	}
	ok = b64 ? PEM_write_bio_PKCS7(bio, p7) : i2d_PKCS7_bio(bio, p7);
	if (ok != 1)
		rc = at_err_ssl(err, AT_E_TLS, "writing a PKCS #7 package");
out:
	PKCS7_free(p7);
	return rc;
}

static enum at_rc
export_pkcs12(X509 *cert, EVP_PKEY *key, const char *password,
    const char *friendly, bool b64, BIO *bio, struct at_buf *out,
    struct at_err *err)
{
	PKCS12 *p12 = NULL;
	unsigned char *der = NULL;
	enum at_rc rc = AT_OK;
	int n;

	if (key == NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "a PKCS #12 package needs a certificate with a private key");
	if (password == NULL || password[0] == '\0')
		return at_err_setx(err, AT_E_INPUT,
		    "PASSWORD is required for FORMAT(PKCS12DER) and FORMAT(PKCS12B64)");
	p12 = PKCS12_create(password, friendly, key, cert, NULL, 0, 0, 0, 0, 0);
	if (p12 == NULL)
		return at_err_ssl(err, AT_E_TLS, "building a PKCS #12 package");
	if (!b64) {
		if (i2d_PKCS12_bio(bio, p12) != 1)
			rc = at_err_ssl(err, AT_E_TLS, "writing a PKCS #12 package");
		goto out;
	}
	n = i2d_PKCS12(p12, &der);
	if (n <= 0) {
		rc = at_err_ssl(err, AT_E_TLS, "encoding a PKCS #12 package");
		goto out;
	}
	rc = base64_lines(der, (size_t)n, out, err);
out:
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)n);
	PKCS12_free(p12);
	return rc;
}

enum at_rc
saf_x509_export(X509 *cert, EVP_PKEY *key, enum saf_export_fmt fmt,
    const char *password, const char *friendly, struct at_buf *out,
    struct at_err *err)
{
	BIO *bio = NULL;
	enum at_rc rc = AT_OK;
	int ok = 1;

	bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		return at_err_ssl(err, AT_E_NOMEM, "allocating a buffer");
	switch (fmt) {
	case SAF_EXPORT_CERTDER:
		ok = i2d_X509_bio(bio, cert);
		break;
	case SAF_EXPORT_CERTB64:
		ok = PEM_write_bio_X509(bio, cert);
		break;
	case SAF_EXPORT_PKCS7DER:
	case SAF_EXPORT_PKCS7B64:
		rc = export_pkcs7(cert, fmt == SAF_EXPORT_PKCS7B64, bio, err);
		break;
	case SAF_EXPORT_PKCS12DER:
	case SAF_EXPORT_PKCS12B64:
		rc = export_pkcs12(cert, key, password, friendly,
		    fmt == SAF_EXPORT_PKCS12B64, bio, out, err);
		break;
	case SAF_EXPORT_PEMKEY:
		if (key == NULL) {
			rc = at_err_setx(err, AT_E_INPUT,
			    "the certificate has no private key to export");
			break;
		}
		ok = PEM_write_bio_X509(bio, cert) == 1 &&
		    PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL,
		    NULL) == 1;
		break;
	default:
		rc = at_err_setx(err, AT_E_INTERNAL, "unknown export format %d",
		    (int)fmt);
		break;
	}
	if (rc == AT_OK && ok != 1)
		rc = at_err_ssl(err, AT_E_TLS, "encoding the certificate");
	if (rc == AT_OK)
		rc = bio_to_buf(bio, out, err);
	/* The memory BIO may hold key bytes: wipe before it is freed. */
	{
		char *p = NULL;
		long n = BIO_get_mem_data(bio, &p);

		if (n > 0 && p != NULL)
			OPENSSL_cleanse(p, (size_t)n);
	}
	BIO_free(bio);
	return rc;
}

static int
pem_password(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n;

	(void)rwflag;
	if (pw == NULL || size <= 0)
		return 0;
	n = strlen(pw);
	if (n > (size_t)size)
		return 0;
	memcpy(buf, pw, n);
	return (int)n;
}

static bool
has_mark(const unsigned char *data, size_t len, const char *mark)
{
	size_t i, n = strlen(mark);

	for (i = 0; i + n <= len; i++)
		if (memcmp(data + i, mark, n) == 0)
			return true;
	return false;
}

static enum at_rc
parse_pem(const unsigned char *data, size_t len, const char *password,
    X509 **cert, EVP_PKEY **key, struct at_err *err)
{
	BIO *bio = NULL;
	enum at_rc rc = AT_OK;

	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL)
		return at_err_ssl(err, AT_E_NOMEM, "allocating a buffer");
	*cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (*cert == NULL) {
		rc = at_err_ssl(err, AT_E_INPUT, "no PEM certificate found");
		goto out;
	}
	BIO_free(bio);
	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL) {
		rc = at_err_ssl(err, AT_E_NOMEM, "allocating a buffer");
		goto out;
	}
	/* Only look for a key when the text has a key block. */
	if (!has_mark(data, len, "PRIVATE KEY-----"))
		goto out;
	*key = PEM_read_bio_PrivateKey(bio, NULL, pem_password,
	    (void *)(uintptr_t)password);
	if (*key == NULL)
		rc = at_err_ssl(err, AT_E_INPUT,
		    "the private key cannot be read (wrong PASSWORD?)");
	else if (X509_check_private_key(*cert, *key) != 1)
		rc = at_err_ssl(err, AT_E_INPUT,
		    "the private key does not match the certificate");
out:
	BIO_free(bio);
	return rc;
}

static enum at_rc
parse_pkcs12(const unsigned char *data, size_t len, const char *password,
    X509 **cert, EVP_PKEY **key, struct at_err *err)
{
	const unsigned char *p = data;
	PKCS12 *p12 = NULL;
	STACK_OF(X509) *ca = NULL;
	enum at_rc rc = AT_OK;

	p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (p12 == NULL || p != data + len) {
		ERR_clear_error(); /* the message below says what is wrong */
		rc = at_err_setx(err, AT_E_INPUT,
		    "the data is not a certificate in PEM, DER or PKCS #12 form");
		goto out;
	}
	if (password == NULL) {
		rc = at_err_setx(err, AT_E_INPUT,
		    "PASSWORD is required to add a PKCS #12 package");
		goto out;
	}
	if (PKCS12_parse(p12, password, key, cert, &ca) != 1) {
		rc = at_err_ssl(err, AT_E_INPUT,
		    "the PKCS #12 package cannot be read (wrong PASSWORD?)");
		goto out;
	}
	if (*cert == NULL)
		rc = at_err_setx(err, AT_E_INPUT,
		    "the PKCS #12 package holds no certificate");
out:
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	return rc;
}

enum at_rc
saf_x509_parse(const unsigned char *data, size_t len, const char *password,
    X509 **cert, EVP_PKEY **key, struct at_err *err)
{
	const unsigned char *p = data;
	enum at_rc rc;

	if (cert == NULL || key == NULL || data == NULL)
		return at_err_setx(err, AT_E_INTERNAL, "saf_x509_parse: bad arguments");
	*cert = NULL;
	*key = NULL;
	if (len == 0 || len > SAF_X509_MAX_BYTES)
		return at_err_setx(err, AT_E_INPUT,
		    "a certificate file must hold 1 to %u bytes", SAF_X509_MAX_BYTES);
	if (has_mark(data, len, "-----BEGIN")) {
		rc = parse_pem(data, len, password, cert, key, err);
	} else {
		*cert = d2i_X509(NULL, &p, (long)len);
		if (*cert != NULL && p == data + len)
			return AT_OK;
		X509_free(*cert);
		*cert = NULL;
		ERR_clear_error(); /* not DER: try PKCS #12 next */
		rc = parse_pkcs12(data, len, password, cert, key, err);
	}
	if (rc != AT_OK) {
		X509_free(*cert);
		EVP_PKEY_free(*key);
		*cert = NULL;
		*key = NULL;
	}
	return rc;
}

enum at_rc
saf_x509_key_to_der(EVP_PKEY *key, struct at_buf *out, struct at_err *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	unsigned char *der = NULL;
	enum at_rc rc = AT_OK;
	int n = 0;

	p8 = EVP_PKEY2PKCS8(key);
	if (p8 == NULL)
		return at_err_ssl(err, AT_E_TLS, "encoding the private key");
	n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	if (n <= 0) {
		rc = at_err_ssl(err, AT_E_TLS, "encoding the private key");
		goto out;
	}
	rc = at_buf_append(out, der, (size_t)n);
	if (rc != AT_OK)
		rc = at_err_setx(err, rc, "private key too large");
out:
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)n);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

enum at_rc
saf_x509_key_from_der(const unsigned char *der, size_t len, EVP_PKEY **out,
    struct at_err *err)
{
	const unsigned char *p = der;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	enum at_rc rc = AT_OK;

	*out = NULL;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
	if (p8 == NULL || p != der + len) {
		rc = at_err_ssl(err, AT_E_INPUT, "a stored private key is damaged");
		goto out;
	}
	*out = EVP_PKCS82PKEY(p8);
	if (*out == NULL)
		rc = at_err_ssl(err, AT_E_INPUT, "a stored private key is damaged");
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

enum at_rc
saf_x509_to_der(X509 *cert, struct at_buf *out, struct at_err *err)
{
	unsigned char *der = NULL;
	enum at_rc rc;
	int n;

	n = i2d_X509(cert, &der);
	if (n <= 0)
		return at_err_ssl(err, AT_E_TLS, "encoding the certificate");
	rc = at_buf_append(out, der, (size_t)n);
	if (rc != AT_OK)
		rc = at_err_setx(err, rc, "certificate too large");
	OPENSSL_free(der);
	return rc;
}

enum at_rc
saf_x509_from_der(const unsigned char *der, size_t len, X509 **out,
    struct at_err *err)
{
	const unsigned char *p = der;

	*out = d2i_X509(NULL, &p, (long)len);
	if (*out == NULL || p != der + len) {
		X509_free(*out);
		*out = NULL;
		return at_err_ssl(err, AT_E_INPUT,
		    "the data is not one DER certificate");
	}
	return AT_OK;
}
