/*
 * testcert.h - certificates made in memory for tests: a CA and leaf
 * certificates it signs (ECDSA P-256), so TLS tests never read keys from
 * the source tree.  Everything returned is owned by the caller.
 */
#ifndef ATTLS_TESTS_TESTCERT_H
#define ATTLS_TESTS_TESTCERT_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct testcert {
	X509 *cert;
	EVP_PKEY *key;
};

/*
 * Makes a certificate for common name cn.  With issuer NULL it is a
 * self-signed CA; otherwise it is a leaf signed by issuer, with
 * subjectAltName DNS:cn.  Returns false (and prints why) on failure.
 * Free with testcert_free().
 */
bool testcert_make(struct testcert *out, const char *cn, const struct testcert *issuer);
void testcert_free(struct testcert *tc);

#endif
