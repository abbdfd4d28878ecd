/* testcert.c - in-memory test certificates (see testcert.h). */
#include "testcert.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

static bool
add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	bool ok;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (ext == NULL)
		return false;
	ok = X509_add_ext(cert, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

bool
testcert_make(struct testcert *out, const char *cn, const struct testcert *issuer)
{
	static long serial = 1;
	char san[300];
	X509_NAME *name;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	out->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	out->cert = X509_new();
	if (out->key == NULL || out->cert == NULL)
		goto out;
	if (X509_set_version(out->cert, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(out->cert), serial++) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(out->cert), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(out->cert), 86400L * 30) == NULL ||
	    X509_set_pubkey(out->cert, out->key) != 1)
		goto out;
	name = X509_get_subject_name(out->cert);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"attls tests", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1)
		goto out;
	if (X509_set_issuer_name(out->cert, issuer != NULL ?
	    X509_get_subject_name(issuer->cert) : name) != 1)
		goto out;
	if (issuer == NULL) {
		if (!add_ext(out->cert, out->cert, NID_basic_constraints, "critical,CA:TRUE") ||
		    !add_ext(out->cert, out->cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
		    !add_ext(out->cert, out->cert, NID_subject_key_identifier, "hash"))
			goto out;
	} else {
		if (snprintf(san, sizeof(san), "DNS:%s", cn) >= (int)sizeof(san) ||
		    !add_ext(out->cert, issuer->cert, NID_basic_constraints, "CA:FALSE") ||
		    !add_ext(out->cert, issuer->cert, NID_key_usage,
		    "critical,digitalSignature,keyAgreement") ||
		    !add_ext(out->cert, issuer->cert, NID_subject_alt_name, san) ||
		    !add_ext(out->cert, issuer->cert, NID_authority_key_identifier, "keyid"))
			goto out;
	}
	if (X509_sign(out->cert, issuer != NULL ? issuer->key : out->key, EVP_sha256()) <= 0)
		goto out;
	ok = true;
out:
	if (!ok) {
		ERR_print_errors_fp(stderr);
		testcert_free(out);
	}
	return ok;
}

void
testcert_free(struct testcert *tc)
{
	X509_free(tc->cert);
	EVP_PKEY_free(tc->key);
	tc->cert = NULL;
	tc->key = NULL;
}
