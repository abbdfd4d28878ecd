/*
 * saf_x509_fuzz.c - libFuzzer target for certificate input
 * (saf_x509_parse in src/saf/x509_io.c: PEM, DER, PKCS#7 and PKCS#12 with a
 * password) and for the RACF-style display of what it parsed
 * (saf_x509_name_racf, saf_x509_serial_hex, saf_x509_key_usage).  RACDCERT ADD and `attls saf usermap` hand it bytes
 * from files an administrator or a peer supplied.  Deterministic.
 */
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "saf/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	struct at_err err;

	if (size > 64 * 1024)
		return 0;
	if (saf_x509_parse(data, size, "pw", &cert, &key, &err) == AT_OK && cert != NULL) {
		struct at_buf out;

		at_buf_init(&out, 1 << 20);
		if (saf_x509_name_racf(X509_get_subject_name(cert), &out, &err) == AT_OK &&
		    saf_x509_name_racf(X509_get_issuer_name(cert), &out, &err) == AT_OK &&
		    saf_x509_serial_hex(cert, &out, &err) == AT_OK)
			(void)saf_x509_key_usage(cert);
		at_buf_free(&out);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}
