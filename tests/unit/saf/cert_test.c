/*
 * cert_test.c - the certificates table: add, get (with the key), list,
 * alter, delete, labels, duplicates and serial numbers.
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

#include "saf/cert.h"
#include "saf/db.h"
#include "saf/x509.h"

struct fx {
	char dir[64];
	struct saf_db *db;
};

static void
ok(enum at_rc rc, const struct at_err *err)
{
	if (rc != AT_OK)
		fail_msg("rc %d: %s", rc, err->msg);
}

static void
make(const char *cn, bool ca, EVP_PKEY **key, X509 **cert)
{
	struct saf_certreq req;
	struct at_err err;

	memset(&req, 0, sizeof(req));
	req.subject.cn = cn;
	req.ca = ca;
	req.not_before = time(NULL) - 60;
	req.not_after = time(NULL) + 86400;
	ok(saf_x509_keygen(SAF_KEY_NISTECC, 0, key, &err), &err);
	ok(saf_x509_build(&req, *key, NULL, NULL, cert, &err), &err);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct at_err err;
	char path[128];

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/cert_test.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/saf.db", f->dir);
	if (saf_db_open(path, SAF_DB_CREATE, &f->db, &err) != AT_OK ||
	    saf_db_begin(f->db, &err) != AT_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	saf_db_close(f->db);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
test_add_get_key(void **state)
{
	struct fx *f = *state;
	struct saf_cert *c = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct at_err err;
	char label[SAF_CERT_LABEL_MAX + 1];

	make("user1", false, &key, &cert);
	ok(saf_cert_add(f->db, "USER1", "My Cert", cert, key, SAF_TRUST_TRUST,
	    label, &err), &err);
	assert_string_equal(label, "My Cert");
	ok(saf_cert_get(f->db, "USER1", "My Cert", SAF_CERT_KEY, &c, &err), &err);
	assert_int_equal(X509_cmp(c->x509, cert), 0);
	assert_true(c->has_key);
	assert_non_null(c->key);
	assert_int_equal(EVP_PKEY_eq(c->key, key), 1);
	assert_int_equal(c->trust, SAF_TRUST_TRUST);
	saf_cert_free(c);
	/* Without SAF_CERT_KEY no key is loaded. */
	ok(saf_cert_get(f->db, "USER1", "My Cert", 0, &c, &err), &err);
	assert_null(c->key);
	assert_true(c->has_key);
	saf_cert_free(c);
	/* Labels are case-sensitive. */
	assert_int_equal(saf_cert_get(f->db, "USER1", "my cert", 0, &c, &err),
	    AT_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "ID(USER1)"));
	assert_null(c);
	/* The DER finds it too. */
	{
		struct at_buf der;

		at_buf_init(&der, SAF_X509_MAX_BYTES);
		ok(saf_x509_to_der(cert, &der, &err), &err);
		ok(saf_cert_find_der(f->db, der.data, der.len, 0, &c, &err), &err);
		assert_string_equal(c->label, "My Cert");
		saf_cert_free(c);
		at_buf_free(&der);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void
test_labels_and_duplicates(void **state)
{
	static const struct {
		const char *owner;
		const char *label; /* NULL: LABELnnnnnnnn */
		int which;         /* certificate 0 or 1 */
		enum at_rc want;
		const char *want_label;
	} cases[] = {
		{ "USER1", "A", 0, AT_OK, "A" },
		{ "USER1", "A", 1, AT_E_EXISTS, NULL },        /* label taken */
		{ "USER2", "A", 1, AT_OK, "A" },               /* other owner: fine */
		{ "USER2", "B", 0, AT_E_EXISTS, NULL },        /* same certificate */
		{ "USER1", "", 1, AT_E_INPUT, NULL },
		{ "USER1", "123456789012345678901234567890123", 1, AT_E_INPUT, NULL },
		{ "USER1", "   ", 1, AT_E_INPUT, NULL },
		{ SAF_CERT_OWNER_CERTAUTH, NULL, 2, AT_OK, "LABEL00000001" },
		{ SAF_CERT_OWNER_CERTAUTH, NULL, 3, AT_OK, "LABEL00000002" },
	};
	struct fx *f = *state;
	EVP_PKEY *keys[4] = { NULL, NULL, NULL, NULL };
	X509 *certs[4] = { NULL, NULL, NULL, NULL };
	size_t i;

	for (i = 0; i < 4; i++)
		make(i < 2 ? "user" : "ca", i >= 2, &keys[i], &certs[i]);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char label[SAF_CERT_LABEL_MAX + 1] = "";
		struct at_err err;
		enum at_rc rc;

		rc = saf_cert_add(f->db, cases[i].owner, cases[i].label,
		    certs[cases[i].which], NULL, SAF_TRUST_TRUST, label, &err);
		if (rc != cases[i].want)
			fail_msg("case %zu: got %d (%s), want %d", i, rc, err.msg,
			    cases[i].want);
		if (rc == AT_OK)
			assert_string_equal(label, cases[i].want_label);
	}
	/* A key that is not the certificate's is refused. */
	{
		struct at_err err;

		assert_int_equal(saf_cert_add(f->db, "USER3", "X", certs[0], keys[1],
		    SAF_TRUST_TRUST, NULL, &err), AT_E_INPUT);
	}
	for (i = 0; i < 4; i++) {
		X509_free(certs[i]);
		EVP_PKEY_free(keys[i]);
	}
}

static enum at_rc
count(void *ctx, const struct saf_cert *c, struct at_err *err)
{
	(void)err;
	(void)c;
	(*(int *)ctx)++;
	return AT_OK;
}

static void
test_alter_delete_serial(void **state)
{
	struct fx *f = *state;
	enum saf_trust nt = SAF_TRUST_NOTRUST;
	struct saf_cert *c = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct at_err err;
	uint64_t s1 = 0, s2 = 0;
	int n = 0;

	make("ca", true, &key, &cert);
	ok(saf_cert_add(f->db, SAF_CERT_OWNER_CERTAUTH, "CA", cert, key,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_cert_alter(f->db, SAF_CERT_OWNER_CERTAUTH, "CA", &nt, "CA2", &err),
	    &err);
	ok(saf_cert_get(f->db, SAF_CERT_OWNER_CERTAUTH, "CA2", 0, &c, &err), &err);
	assert_int_equal(c->trust, SAF_TRUST_NOTRUST);
	ok(saf_cert_take_serial(f->db, c->id, &s1, &err), &err);
	ok(saf_cert_take_serial(f->db, c->id, &s2, &err), &err);
	assert_int_equal(s1, 1);
	assert_int_equal(s2, 2);
	saf_cert_free(c);
	ok(saf_cert_each(f->db, SAF_CERT_OWNER_CERTAUTH, count, &n, &err), &err);
	assert_int_equal(n, 1);
	assert_int_equal(saf_cert_alter(f->db, SAF_CERT_OWNER_CERTAUTH, "CA",
	    &nt, NULL, &err), AT_E_NOTFOUND);
	ok(saf_cert_delete(f->db, SAF_CERT_OWNER_CERTAUTH, "CA2", &err), &err);
	assert_int_equal(saf_cert_delete(f->db, SAF_CERT_OWNER_CERTAUTH, "CA2",
	    &err), AT_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "CERTAUTH"));
	/* Changes outside a transaction are refused. */
	saf_db_rollback(f->db);
	assert_int_equal(saf_cert_add(f->db, "USER1", "Z", cert, NULL,
	    SAF_TRUST_TRUST, NULL, &err), AT_E_INTERNAL);
	ok(saf_db_begin(f->db, &err), &err);
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void
test_owner_show(void **state)
{
	char out[SAF_CERT_OWNER_SHOW_MAX + 1];

	(void)state;
	assert_string_equal(saf_cert_owner_show(SAF_CERT_OWNER_CERTAUTH, out),
	    "CERTAUTH");
	assert_string_equal(saf_cert_owner_show(SAF_CERT_OWNER_SITE, out), "SITE");
	assert_string_equal(saf_cert_owner_show("LIBSERV", out), "ID(LIBSERV)");
	assert_false(saf_cert_owner_is_user(SAF_CERT_OWNER_CERTAUTH));
	assert_true(saf_cert_owner_is_user("CERTAUTH"));
	assert_string_equal(saf_trust_name(SAF_TRUST_HIGHTRUST), "HIGHTRUST");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_get_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels_and_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_alter_delete_serial, setup,
		    teardown),
		cmocka_unit_test(test_owner_show),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
