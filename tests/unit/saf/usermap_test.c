/*
 * usermap_test.c - certificate to user (registered certificate, then the
 * most specific RACDCERT MAP filter from a trusted issuer) and RACMAP
 * distributed identities.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ca_fixture.h"
#include "saf/cert.h"
#include "saf/db.h"
#include "saf/usermap.h"
#include "saf/x509.h"

/* A client certificate CN=cn.OU=ATS.O=IBM signed by the fixture's CA
 * (or self-signed when f is NULL), as DER. */
static void
client(struct fx *f, const char *cn, struct at_buf *der, X509 **keep)
{
	struct saf_certreq req;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct at_err err;

	memset(&req, 0, sizeof(req));
	req.subject.cn = cn;
	req.subject.ou[0] = "ATS";
	req.subject.n_ou = 1;
	req.subject.o = "IBM";
	req.not_before = time(NULL) - 60;
	req.not_after = time(NULL) + 86400;
	req.serial = 7;
	ok(saf_x509_keygen(SAF_KEY_NISTECC, 0, &key, &err), &err);
	ok(saf_x509_build(&req, key, f != NULL ? f->ca : NULL,
	    f != NULL ? f->cakey : NULL, &cert, &err), &err);
	at_buf_init(der, SAF_X509_MAX_BYTES);
	ok(saf_x509_to_der(cert, der, &err), &err);
	if (keep != NULL)
		*keep = cert;
	else
		X509_free(cert);
	EVP_PKEY_free(key);
}

static void
test_registered_first(void **state)
{
	struct fx *f = *state;
	char user[SAF_USERMAP_USER_MAX + 1], why[SAF_USERMAP_REASON_MAX];
	enum saf_trust nt = SAF_TRUST_NOTRUST;
	struct at_buf der;
	struct at_err err;
	X509 *cert = NULL;

	client(f, "fred", &der, &cert);
	/* A filter for everybody at IBM says USER1 ... */
	ok(saf_certmap_add(f->db, "USER1", "ibm", "O=IBM", NULL, SAF_TRUST_TRUST,
	    NULL, &err), &err);
	ok(saf_usermap_cert(f->db, der.data, der.len, user, why, &err), &err);
	assert_string_equal(user, "USER1");
	/* ... but the registered certificate wins. */
	ok(saf_cert_add(f->db, "FRED", "fred", cert, NULL, SAF_TRUST_TRUST, NULL,
	    &err), &err);
	ok(saf_usermap_cert(f->db, der.data, der.len, user, why, &err), &err);
	assert_string_equal(user, "FRED");
	assert_non_null(strstr(why, "registered certificate 'fred'"));
	/* NOTRUST: not mapped at all. */
	ok(saf_cert_alter(f->db, "FRED", "fred", &nt, NULL, &err), &err);
	assert_int_equal(saf_usermap_cert(f->db, der.data, der.len, user, why,
	    &err), AT_E_NOTFOUND);
	assert_non_null(strstr(why, "Certificate is not trusted"));
	assert_string_equal(user, "");
	X509_free(cert);
	at_buf_free(&der);
}

static void
test_filters(void **state)
{
	static const struct {
		const char *cn;      /* client CN; NULL: self-signed "anon" */
		enum at_rc want;
		const char *want_user;
		const char *want_why;
	} cases[] = {
		{ "bob", AT_OK, "ATSUSER", "filter 'ats'" },
		{ "carol", AT_OK, "CAROL", "filter 'carol'" },
		{ "dave", AT_E_NOTFOUND, "", "mapping 'dave' of user DAVE is NOTRUST" },
		{ NULL, AT_E_NOTFOUND, "", "is not a trusted certificate" },
	};
	struct fx *f = *state;
	struct at_err err;
	size_t i;

	ok(saf_certmap_add(f->db, "IBMUSER", "ibm", "O=IBM", NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "ATSUSER", "ats", "OU=ATS.O=IBM",
	    "CN=Test CA.O=IBM", SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "CAROL", "carol", "CN=carol.OU=ATS.O=IBM", NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "DAVE", "dave", "CN=dave.OU=ATS.O=IBM", NULL,
	    SAF_TRUST_NOTRUST, NULL, &err), &err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char user[SAF_USERMAP_USER_MAX + 1], why[SAF_USERMAP_REASON_MAX];
		struct at_buf der;
		enum at_rc rc;

		client(cases[i].cn != NULL ? f : NULL,
		    cases[i].cn != NULL ? cases[i].cn : "anon", &der, NULL);
		rc = saf_usermap_cert(f->db, der.data, der.len, user, why, &err);
		if (rc != cases[i].want || strcmp(user, cases[i].want_user) != 0 ||
		    strstr(why, cases[i].want_why) == NULL)
			fail_msg("case %zu: got %d %s '%s', want %d %s '%s'", i, rc,
			    user, why, cases[i].want, cases[i].want_user,
			    cases[i].want_why);
		at_buf_free(&der);
	}
	/* No filter at all: no user. */
	ok(saf_certmap_delete(f->db, "IBMUSER", NULL, &err), &err);
	ok(saf_certmap_delete(f->db, "ATSUSER", "ats", &err), &err);
	{
		char user[SAF_USERMAP_USER_MAX + 1], why[SAF_USERMAP_REASON_MAX];
		struct at_buf der;

		client(f, "erin", &der, NULL);
		assert_int_equal(saf_usermap_cert(f->db, der.data, der.len, user, why,
		    &err), AT_E_NOTFOUND);
		assert_non_null(strstr(why, "No user ID found for certificate"));
		at_buf_free(&der);
	}
	assert_int_equal(saf_certmap_add(f->db, "X", NULL, NULL, NULL,
	    SAF_TRUST_TRUST, NULL, &err), AT_E_INPUT);
	assert_int_equal(saf_certmap_add(f->db, "CAROL", "carol", "O=X", NULL,
	    SAF_TRUST_TRUST, NULL, &err), AT_E_EXISTS);
	assert_int_equal(saf_certmap_delete(f->db, "NOBODY", NULL, &err),
	    AT_E_NOTFOUND);
}

static void
test_idid(void **state)
{
	static const struct {
		const char *name, *registry;
		enum at_rc want;
		const char *want_user;
	} cases[] = {
		{ "distuser", "anything", AT_OK, "USER1" },
		{ "distuser", "ldaps://corp", AT_OK, "USER2" },
		{ "UID=BobC,CN=Bob Cook,OU=Accounting,O=BobsMart,C=US",
		    "ldaps://us.bobsmarturl.com", AT_OK, "RLCOOK" },
		{ "UID=Ann,OU=Accounting,O=BobsMart,C=US",
		    "ldaps://us.bobsmarturl.com", AT_OK, "ACCT" },
		{ "UID=Ann,OU=Sales,O=BobsMart,C=US", "ldaps://us.bobsmarturl.com",
		    AT_OK, "DEFAULT" },
		{ "someone", "nowhere", AT_OK, "DEFAULT" },
		/* an escaped comma is part of the CN, not an RDN boundary */
		{ "CN=Evil\\,OU=Accounting,O=BobsMart,C=US",
		    "ldaps://us.bobsmarturl.com", AT_OK, "DEFAULT" },
		{ "CN=\"Evil,OU=Accounting,O=BobsMart,C=US\",O=BobsMart,C=US",
		    "ldaps://us.bobsmarturl.com", AT_OK, "DEFAULT" },
		/* an escaped backslash, then a real boundary */
		{ "CN=Evil\\\\,OU=Accounting,O=BobsMart,C=US",
		    "ldaps://us.bobsmarturl.com", AT_OK, "ACCT" },
	};
	struct fx *f = *state;
	char label[SAF_CERT_LABEL_MAX + 1];
	struct at_err err;
	size_t i;

	ok(saf_idid_add(f->db, "USER1", NULL, "distuser", "*", label, &err), &err);
	assert_string_equal(label, "LABEL00000001");
	ok(saf_idid_add(f->db, "USER2", NULL, "distuser", "ldaps://corp", NULL,
	    &err), &err);
	ok(saf_idid_add(f->db, "RLCOOK", "Accounting boss",
	    "UID=BobC,CN=Bob Cook,OU=Accounting,O=BobsMart,C=US",
	    "ldaps://us.bobsmarturl.com", NULL, &err), &err);
	ok(saf_idid_add(f->db, "ACCT", "acct", "OU=Accounting,O=BobsMart,C=US",
	    "ldaps://us.bobsmarturl.com", NULL, &err), &err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char user[SAF_USERMAP_USER_MAX + 1];
		enum at_rc rc;

		if (i == 4)
			ok(saf_idid_add(f->db, "DEFAULT", "catch-all", "*", "*", NULL,
			    &err), &err);
		rc = saf_idid_map(f->db, cases[i].name, cases[i].registry, user, &err);
		if (i == 4 && rc == AT_OK && strcmp(user, "DEFAULT") != 0)
			fail_msg("case %zu: got %s", i, user);
		if (rc != cases[i].want || strcmp(user, cases[i].want_user) != 0)
			fail_msg("case %zu: got %d %s (%s), want %s", i, rc, user,
			    err.msg, cases[i].want_user);
	}
	/* Filters cannot be defined twice; DELMAP removes them. */
	assert_int_equal(saf_idid_add(f->db, "USER9", NULL, "distuser", "*", NULL,
	    &err), AT_E_EXISTS);
	ok(saf_idid_delete(f->db, "DEFAULT", NULL, &err), &err);
	ok(saf_idid_delete(f->db, "USER1", "LABEL00000001", &err), &err);
	{
		char user[SAF_USERMAP_USER_MAX + 1];

		assert_int_equal(saf_idid_map(f->db, "someone", "nowhere", user, &err),
		    AT_E_NOTFOUND);
		assert_non_null(strstr(err.msg, "No RACF user ID found"));
	}
	assert_int_equal(saf_idid_delete(f->db, "USER1", NULL, &err), AT_E_NOTFOUND);
	assert_int_equal(saf_idid_add(f->db, "USER1", NULL, "", "*", NULL, &err),
	    AT_E_INPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_registered_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
