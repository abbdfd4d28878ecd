/*
 * dnmatch_test.c - RACDCERT MAP filters against hostile certificate
 * names.  Certificates are made with OpenSSL and signed by a trusted
 * CERTAUTH certificate, so the filter is the only thing that decides.
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
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca_fixture.h"
#include "saf/cert.h"
#include "saf/db.h"
#include "saf/dnmatch.h"
#include "saf/usermap.h"
#include "saf/x509.h"

/* One name entry: type, value, ASN.1 string type, and whether it joins
 * the previous entry's RDN (a multi-valued RDN). */
struct ent {
	const char *type;
	const char *value;
	int asn1; /* 0: UTF-8 text; else a V_ASN1_* type, value len bytes */
	int join;
	int len;
};

/*
 * A certificate whose subject has the entries e (least specific first, as
 * in DER), issued by the fixture's CA, as DER in der.
 */
static void
make_cert(struct fx *f, const struct ent *e, size_t n, struct at_buf *der)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	EVP_PKEY *key = NULL;
	struct at_err err;
	size_t i;

	assert_non_null(x);
	assert_non_null(name);
	for (i = 0; i < n; i++) {
		int t = e[i].asn1 != 0 ? e[i].asn1 : MBSTRING_UTF8;

		assert_int_equal(X509_NAME_add_entry_by_txt(name, e[i].type, t,
		    (const unsigned char *)e[i].value, e[i].asn1 != 0 ?
		    e[i].len : -1, -1, e[i].join ? -1 : 0), 1);
	}
	ok(saf_x509_keygen(SAF_KEY_NISTECC, 0, &key, &err), &err);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x),
	    (long)(rand() & 0x7fffffff)), 1);
	assert_int_equal(X509_set_subject_name(x, name), 1);
	assert_int_equal(X509_set_issuer_name(x,
	    X509_get_subject_name(f->ca)), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -60));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	assert_true(X509_sign(x, f->cakey, EVP_sha256()) > 0);
	at_buf_init(der, SAF_X509_MAX_BYTES);
	ok(saf_x509_to_der(x, der, &err), &err);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
}

#define E(t, v) { t, v, 0, 0, 0 }
#define JOIN(t, v) { t, v, 0, 1, 0 }
#define MAXE 4

/*
 * Each subject against the filters below.  The filters are the
 * administrator's; the certificates are the attacker's (or a real user's).
 */
static void
test_hostile_subjects(void **state)
{
	static const struct {
		const char *what;
		struct ent e[MAXE];
		size_t n;
		const char *want; /* user, or "" for not mapped */
	} cases[] = {
		{ "a real ATS member", { E("O", "IBM"), E("OU", "ATS"),
		    E("CN", "bob") }, 3, "ATSUSER" },
		{ "filter text hidden in O", { E("O", "Evil Corp.OU=ATS.O=IBM"),
		    E("CN", "mallory") }, 2, "" },
		{ "filter text hidden in OU", { E("OU", "ATS.O=IBM"),
		    E("CN", "mallory") }, 2, "" },
		{ "filter text in CN after real RDNs", { E("O", "Evil"),
		    E("CN", "x.OU=ATS.O=IBM") }, 2, "" },
		{ "one multi-valued RDN OU+O", { E("O", "IBM"),
		    JOIN("OU", "ATS"), E("CN", "mallory") }, 3, "" },
		{ "values in other case", { E("O", "ibm"), E("OU", "ats"),
		    E("CN", "bob") }, 3, "" },
		{ "a look-alike (Cyrillic I)", { E("O", "\xd0\x86" "BM"),
		    E("OU", "ATS"), E("CN", "bob") }, 3, "" },
		{ "an extra RDN below O", { E("C", "US"), E("O", "IBM"),
		    E("OU", "ATS"), E("CN", "bob") }, 4, "" },
		{ "UTF-8 value, as UTF8String", { E("O", "M\xc3\xbcller AG"),
		    E("CN", "hans") }, 2, "MUELLER" },
		{ "UTF-8 value, as BMPString", { { "O",
		    "\0M\0\xfc\0l\0l\0e\0r\0 \0A\0G", V_ASN1_BMPSTRING, 0, 18 },
		    E("CN", "hans") }, 2, "MUELLER" },
		{ "commas and quotes are plain characters",
		    { E("O", "IBM, \"Inc\""), E("CN", "q") }, 2, "QUOTE" },
		{ "an escaped period", { E("O", "Example Inc."),
		    E("CN", "p") }, 2, "PERIOD" },
		{ "a real multi-valued RDN", { E("O", "IBM"), E("OU", "Lab"),
		    JOIN("L", "Hursley"), E("CN", "m") }, 4, "MVUSER" },
		{ "the same RDN, values in the other order", { E("O", "IBM"),
		    E("L", "Hursley"), JOIN("OU", "Lab"), E("CN", "m") }, 4,
		    "MVUSER" },
		{ "only part of the multi-valued RDN", { E("O", "IBM"),
		    E("OU", "Lab"), E("CN", "m") }, 3, "" },
		{ "an equals sign in a value", { E("O", "IBM=OU"),
		    E("OU", "ATS"), E("CN", "e") }, 3, "" },
	};
	struct fx *f = *state;
	struct at_err err;
	size_t i;

	ok(saf_certmap_add(f->db, "ATSUSER", "ats", "OU=ATS.O=IBM", NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "MUELLER", "mu", "O=M\xc3\xbcller AG", NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "QUOTE", "q", "O=IBM, \"Inc\"", NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "PERIOD", "p", "O=Example Inc\\.", NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_certmap_add(f->db, "MVUSER", "mv", "ou=Lab+l=Hursley.o=IBM",
	    NULL, SAF_TRUST_TRUST, NULL, &err), &err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char user[SAF_USERMAP_USER_MAX + 1], why[SAF_USERMAP_REASON_MAX];
		struct ent e[MAXE];
		struct at_buf der;
		enum at_rc rc;

		memcpy(e, cases[i].e, sizeof(e));
		make_cert(f, e, cases[i].n, &der);
		rc = saf_usermap_cert(f->db, der.data, der.len, user, why, &err);
		if (cases[i].want[0] != '\0' &&
		    (rc != AT_OK || strcmp(user, cases[i].want) != 0))
			fail_msg("%s: want %s, got rc %d user '%s' (%s)",
			    cases[i].what, cases[i].want, rc, user, why);
		if (cases[i].want[0] == '\0' && rc != AT_E_NOTFOUND)
			fail_msg("%s: want no user, got rc %d user '%s' (%s)",
			    cases[i].what, rc, user, why);
		at_buf_free(&der);
	}
}

/* A filter the parser cannot read exactly is refused, never guessed. */
static void
test_filter_syntax(void **state)
{
	static const struct {
		const char *filter;
		const char *why;
	} bad[] = {
		{ "O=Acme Inc.", "for a period inside a value" },
		{ "OU=ATS..O=IBM", "not TYPE=value" },
		{ "XYZZY=1.O=IBM", "unknown attribute type" },
		{ "O=", "has no value" },
		{ "=IBM", "not TYPE=value" },
		{ "O=IBM\\", "lone" },
		{ "OU=A+.O=IBM", "not TYPE=value" },
	};
	struct fx *f = *state;
	struct saf_dnseq dn;
	struct at_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (saf_dn_parse(bad[i].filter, &dn, &err) != AT_E_INPUT ||
		    strstr(err.msg, bad[i].why) == NULL)
			fail_msg("'%s': want an error with '%s', got '%s'",
			    bad[i].filter, bad[i].why, err.msg);
		assert_int_equal(saf_certmap_add(f->db, "X", NULL, bad[i].filter,
		    NULL, SAF_TRUST_TRUST, NULL, &err), AT_E_INPUT);
	}
	ok(saf_dn_parse("cn=a\\+b\\=c\\\\d+SP=x.E=m@x", &dn, &err), &err);
	assert_int_equal(dn.n, 2);
	assert_int_equal(dn.rdn[0].n, 2);
	assert_string_equal(dn.rdn[0].ava[0].value, "a+b=c\\d");
	assert_string_equal(dn.rdn[0].ava[1].value, "x");
	assert_int_equal(dn.rdn[0].ava[1].nid, NID_stateOrProvinceName);
	assert_int_equal(dn.rdn[1].ava[0].nid, NID_pkcs9_emailAddress);
	saf_dn_free(&dn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hostile_subjects, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_filter_syntax, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
