/*
 * ca_fixture.h - a fresh temporary security database per test holding one
 * trusted CERTAUTH certificate (CN=Test CA, O=IBM) and its key, for tests
 * that map certificates the fixture's CA issued.  Included by one test
 * file each; everything here is static.
 */
#ifndef ATTLS_TEST_SAF_CA_FIXTURE_H
#define ATTLS_TEST_SAF_CA_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "saf/cert.h"
#include "saf/db.h"
#include "saf/x509.h"

struct fx {
	char dir[64];
	struct saf_db *db;
	EVP_PKEY *cakey;
	X509 *ca;
};

static inline void
ok(enum at_rc rc, const struct at_err *err)
{
	if (rc != AT_OK)
		fail_msg("rc %d: %s", rc, err->msg);
}

/* cmocka setup: the database (in a transaction) and the trusted CA. */
static inline int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct saf_certreq req;
	struct at_err err;
	char path[128];

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/saf_ca_test.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/saf.db", f->dir);
	if (saf_db_open(path, SAF_DB_CREATE, &f->db, &err) != AT_OK ||
	    saf_db_begin(f->db, &err) != AT_OK)
		return -1;
	memset(&req, 0, sizeof(req));
	req.subject.cn = "Test CA";
	req.subject.o = "IBM";
	req.ca = true;
	req.not_before = time(NULL) - 60;
	req.not_after = time(NULL) + 86400;
	if (saf_x509_keygen(SAF_KEY_NISTECC, 0, &f->cakey, &err) != AT_OK ||
	    saf_x509_build(&req, f->cakey, NULL, NULL, &f->ca, &err) != AT_OK ||
	    saf_cert_add(f->db, SAF_CERT_OWNER_CERTAUTH, "Test CA", f->ca, NULL,
	    SAF_TRUST_TRUST, NULL, &err) != AT_OK)
		return -1;
	*state = f;
	return 0;
}

static inline int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	saf_db_close(f->db);
	X509_free(f->ca);
	EVP_PKEY_free(f->cakey);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

#endif
