/*
 * ring_test.c - key rings: ADDRING/CONNECT/REMOVE/DELRING, the LISTRING
 * table, and opening a ring under IRR.DIGTCERT.LISTRING and
 * IRR.DIGTCERT.LIST.
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
#include <openssl/ssl.h>

#include "saf/authority.h"
#include "saf/cert.h"
#include "saf/class.h"
#include "saf/db.h"
#include "saf/profile.h"
#include "saf/ring.h"
#include "saf/user.h"
#include "saf/x509.h"

struct fx {
	char dir[64];
	struct saf_db *db;
	struct saf_actor admin;
};

static void
ok(enum at_rc rc, const struct at_err *err)
{
	if (rc != AT_OK)
		fail_msg("rc %d: %s", rc, err->msg);
}

static void
add_user(struct fx *f, const char *name)
{
	struct saf_user_change ch;
	struct at_err err;

	memset(&ch, 0, sizeof(ch));
	ok(saf_user_add(f->db, &f->admin, name, &ch, &err), &err);
}

/* A CA and a certificate it signed, stored as CERTAUTH 'DB2 CA' and
 * DB2USER 'DB2USER'. */
static void
add_certs(struct fx *f)
{
	struct saf_certreq req;
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	struct at_err err;

	memset(&req, 0, sizeof(req));
	req.subject.cn = "Db2 CA";
	req.subject.o = "IBM";
	req.ca = true;
	req.not_before = time(NULL) - 60;
	req.not_after = time(NULL) + 86400 * 365;
	ok(saf_x509_keygen(SAF_KEY_NISTECC, 0, &cakey, &err), &err);
	ok(saf_x509_build(&req, cakey, NULL, NULL, &ca, &err), &err);
	req.subject.cn = "wg31.washington.ibm.com";
	req.ca = false;
	req.serial = 1;
	req.key_usage = SAF_KU_HANDSHAKE;
	ok(saf_x509_keygen(SAF_KEY_NISTECC, 0, &key, &err), &err);
	ok(saf_x509_build(&req, key, ca, cakey, &cert, &err), &err);
	ok(saf_cert_add(f->db, SAF_CERT_OWNER_CERTAUTH, "DB2 CA", ca, NULL,
	    SAF_TRUST_TRUST, NULL, &err), &err);
	ok(saf_cert_add(f->db, "DB2USER", "DB2USER", cert, key, SAF_TRUST_TRUST,
	    NULL, &err), &err);
	X509_free(ca);
	X509_free(cert);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct at_err err;
	char path[128];

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/ring_test.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/saf.db", f->dir);
	if (saf_db_open(path, SAF_DB_CREATE, &f->db, &err) != AT_OK ||
	    saf_bootstrap_admin(f->db, 0, "admin", &err) != AT_OK ||
	    saf_actor_load(f->db, "ADMIN", &f->admin, &err) != AT_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	ok(saf_db_begin(f->db, &err), &err);
	add_user(f, "DB2USER");
	add_user(f, "OTHER");
	add_user(f, "NOPERM");
	add_certs(f);
	ok(saf_ring_add(f->db, "DB2USER", "Db2.KeyRing", &err), &err);
	ok(saf_ring_connect(f->db, "DB2USER", "Db2.KeyRing",
	    SAF_CERT_OWNER_CERTAUTH, "DB2 CA", NULL, false, &err), &err);
	ok(saf_ring_connect(f->db, "DB2USER", "Db2.KeyRing", "DB2USER", "DB2USER",
	    NULL, true, &err), &err);
	ok(saf_db_commit(f->db, &err), &err);
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

static const char want_listring[] =
    "Digital ring information for user DB2USER:\n"
    "\n"
    "  Ring:\n"
    "       >Db2.KeyRing<\n"
    "  Certificate Label Name             Cert Owner     USAGE      DEFAULT\n"
    "  --------------------------------   ------------   --------   -------\n"
    "  DB2 CA                             CERTAUTH       CERTAUTH     NO\n"
    "\n"
    "  DB2USER                            ID(DB2USER)    PERSONAL     YES\n"
    "\n";

static void
test_listring_layout(void **state)
{
	struct fx *f = *state;
	struct saf_ring_list *l = NULL;
	struct at_buf out;
	struct at_err err;

	at_buf_init(&out, 65536);
	ok(saf_ring_list(f->db, "DB2USER", "Db2.KeyRing", &l, &err), &err);
	ok(saf_ring_format(l, "DB2USER", &out, &err), &err);
	assert_string_equal(at_buf_cstr(&out), want_listring);
	saf_ring_list_free(l);
	/* "*" lists every ring; the same text with one ring. */
	at_buf_reset(&out);
	ok(saf_ring_list(f->db, "DB2USER", "*", &l, &err), &err);
	ok(saf_ring_format(l, "DB2USER", &out, &err), &err);
	assert_string_equal(at_buf_cstr(&out), want_listring);
	saf_ring_list_free(l);
	at_buf_free(&out);
}

static void
test_ring_errors(void **state)
{
	static const struct {
		const char *owner, *ring, *label;
		enum at_rc want;
		const char *want_msg;
	} cases[] = {
		{ "DB2USER", "No.Such.Ring", NULL, AT_E_NOTFOUND, "IRRD114I Ring No.Such.Ring does not exist." },
		{ "OTHER", "*", NULL, AT_E_NOTFOUND, "IRRD115I User OTHER has no rings." },
		{ "DB2USER", "Db2.KeyRing", "nope", AT_E_NOTFOUND, "IRRD116I Label nope does not exist in ring Db2.KeyRing for user DB2USER." },
		{ "DB2USER", "Db2.KeyRing", "ADD", AT_E_EXISTS, "already exists" },
		{ "DB2USER", "bad name", "ADD", AT_E_INPUT, "ring name" },
	};
	struct at_err err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx *f = *state;
		struct saf_ring_list *l = NULL;
		enum at_rc rc;

		ok(saf_db_begin(f->db, &err), &err);
		if (cases[i].label == NULL)
			rc = saf_ring_list(f->db, cases[i].owner, cases[i].ring, &l, &err);
		else if (strcmp(cases[i].label, "ADD") == 0)
			rc = saf_ring_add(f->db, cases[i].owner, cases[i].ring, &err);
		else
			rc = saf_ring_remove(f->db, cases[i].owner, cases[i].ring,
			    "DB2USER", cases[i].label, &err);
		saf_db_rollback(f->db);
		saf_ring_list_free(l);
		if (rc != cases[i].want || strstr(err.msg, cases[i].want_msg) == NULL)
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, rc, err.msg,
			    cases[i].want, cases[i].want_msg);
	}
	/* Outside a transaction a change is refused. */
	assert_int_equal(saf_ring_add(((struct fx *)*state)->db, "OTHER", "r",
	    &err), AT_E_INTERNAL);
}

static void
test_one_default(void **state)
{
	struct fx *f = *state;
	struct saf_ring_list *l = NULL;
	enum saf_usage personal = SAF_USAGE_PERSONAL;
	struct at_err err;

	ok(saf_db_begin(f->db, &err), &err);
	/* The CA certificate made the default takes it from DB2USER. */
	ok(saf_ring_connect(f->db, "DB2USER", "Db2.KeyRing",
	    SAF_CERT_OWNER_CERTAUTH, "DB2 CA", &personal, true, &err), &err);
	ok(saf_ring_list(f->db, "DB2USER", "Db2.KeyRing", &l, &err), &err);
	assert_int_equal(l->rings[0].n, 2);
	assert_true(l->rings[0].entries[0].is_default);
	assert_int_equal(l->rings[0].entries[0].usage, SAF_USAGE_PERSONAL);
	assert_false(l->rings[0].entries[1].is_default);
	saf_ring_list_free(l);
	/* REMOVE, then DELRING, and the ring is gone. */
	ok(saf_ring_remove(f->db, "DB2USER", "Db2.KeyRing",
	    SAF_CERT_OWNER_CERTAUTH, "DB2 CA", &err), &err);
	ok(saf_ring_list(f->db, "DB2USER", "Db2.KeyRing", &l, &err), &err);
	assert_int_equal(l->rings[0].n, 1);
	saf_ring_list_free(l);
	ok(saf_ring_delete(f->db, "DB2USER", "Db2.KeyRing", &err), &err);
	assert_int_equal(saf_ring_list(f->db, "DB2USER", "Db2.KeyRing", &l, &err),
	    AT_E_NOTFOUND);
	saf_db_rollback(f->db);
}

static void
define(struct fx *f, const char *profile)
{
	struct saf_profile_change ch;
	struct at_err err;
	bool generic = false;

	memset(&ch, 0, sizeof(ch));
	ok(saf_db_begin(f->db, &err), &err);
	ok(saf_profile_define(f->db, &f->admin, "FACILITY", profile, &ch,
	    &generic, &err), &err);
	ok(saf_db_commit(f->db, &err), &err);
}

static void
permit(struct fx *f, const char *profile, const char *id, enum saf_access a)
{
	struct at_err err;

	ok(saf_db_begin(f->db, &err), &err);
	ok(saf_permit(f->db, &f->admin, "FACILITY", profile, id, a, &err), &err);
	ok(saf_db_commit(f->db, &err), &err);
}

/* What a TLS engine does with an opened ring. */
static void
tls_usable(const struct saf_ring_keys *k)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	X509_STORE *store;

	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate(ctx, k->cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, k->key), 1);
	assert_int_equal(SSL_CTX_check_private_key(ctx), 1);
	store = SSL_CTX_get_cert_store(ctx);
	assert_int_equal(X509_STORE_add_cert(store, sk_X509_value(k->cas, 0)), 1);
	{
		X509_STORE_CTX *vc = X509_STORE_CTX_new();

		assert_non_null(vc);
		assert_int_equal(X509_STORE_CTX_init(vc, store, k->cert, NULL), 1);
		assert_int_equal(X509_verify_cert(vc), 1);
		X509_STORE_CTX_free(vc);
	}
	SSL_CTX_free(ctx);
}

static void
test_ring_open_access(void **state)
{
	static const struct {
		const char *user, *spec;
		enum at_rc want;
		const char *want_msg;
	} cases[] = {
		/* Profiles not defined yet: nobody may open a ring. */
		{ "DB2USER", "Db2.KeyRing", AT_E_DENIED, "ICH408I USER(DB2USER" },
		{ NULL, NULL, AT_OK, NULL }, /* define the profiles, permit */
		{ "DB2USER", "Db2.KeyRing", AT_OK, NULL },
		{ "db2user", "DB2USER/Db2.KeyRing", AT_OK, NULL },
		{ "DB2USER", "Db2.Nope", AT_E_NOTFOUND, "IRRD114I" },
		{ "OTHER", "DB2USER/Db2.KeyRing", AT_E_DENIED, "IRR.DIGTCERT.LISTRING CL(FACILITY" },
		{ "NOPERM", "DB2USER/Db2.KeyRing", AT_E_DENIED, "System SSL RC 202" },
		{ "NOPERM", "Db2.KeyRing", AT_E_DENIED, "ACCESS INTENT(READ" },
		{ "OTHER", "Db2.KeyRing", AT_E_NOTFOUND, "IRRD114I" },
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct saf_ring_keys *k = NULL;
		struct at_err err;
		enum at_rc rc;

		if (cases[i].user == NULL) {
			ok(saf_db_begin(f->db, &err), &err);
			ok(saf_setropts_classact(f->db, &f->admin, "FACILITY", true,
			    &err), &err);
			ok(saf_db_commit(f->db, &err), &err);
			define(f, "IRR.DIGTCERT.LISTRING");
			define(f, "IRR.DIGTCERT.LIST");
			permit(f, "IRR.DIGTCERT.LISTRING", "DB2USER", SAF_ACC_READ);
			permit(f, "IRR.DIGTCERT.LIST", "DB2USER", SAF_ACC_READ);
			permit(f, "IRR.DIGTCERT.LISTRING", "OTHER", SAF_ACC_READ);
			permit(f, "IRR.DIGTCERT.LIST", "OTHER", SAF_ACC_READ);
			continue;
		}
		at_err_clear(&err);
		rc = saf_ring_open(f->db, cases[i].user, cases[i].spec, &k, &err);
		if (rc != cases[i].want || (cases[i].want_msg != NULL &&
		    strstr(err.msg, cases[i].want_msg) == NULL))
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, rc, err.msg,
			    cases[i].want, cases[i].want_msg);
		if (rc == AT_OK) {
			assert_non_null(k->cert);
			assert_non_null(k->key);
			assert_int_equal(X509_check_private_key(k->cert, k->key), 1);
			assert_string_equal(k->label, "DB2USER");
			assert_int_equal(sk_X509_num(k->cas), 1);
			tls_usable(k);
		} else {
			assert_null(k);
		}
		saf_ring_keys_free(k);
	}
	/* The CERTAUTH virtual ring: trust anchors only. */
	{
		struct saf_ring_keys *k = NULL;
		struct at_err err;

		assert_int_equal(saf_ring_open(f->db, "NOPERM",
		    SAF_RING_VIRTUAL_CERTAUTH, &k, &err), AT_E_DENIED);
		assert_null(k);
		ok(saf_ring_open(f->db, "OTHER", SAF_RING_VIRTUAL_CERTAUTH, &k, &err),
		    &err);
		assert_null(k->cert);
		assert_null(k->key);
		assert_int_equal(sk_X509_num(k->cas), 1);
		saf_ring_keys_free(k);
	}
	/* UPDATE opens another user's ring. */
	permit(f, "IRR.DIGTCERT.LISTRING", "OTHER", SAF_ACC_UPDATE);
	{
		struct saf_ring_keys *k = NULL;
		struct at_err err;

		ok(saf_ring_open(f->db, "OTHER", "DB2USER/Db2.KeyRing", &k, &err), &err);
		saf_ring_keys_free(k);
	}
}

/* CertificateLabel: a named personal certificate instead of the default. */
static void
test_ring_open_label(void **state)
{
	struct fx *f = *state;
	struct saf_certreq req;
	struct saf_ring_keys *k = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	struct at_err err;
	char cn[64];

	memset(&req, 0, sizeof(req));
	req.subject.cn = "alt.example";
	req.subject.o = "IBM";
	req.not_before = time(NULL) - 60;
	req.not_after = time(NULL) + 86400;
	req.key_usage = SAF_KU_HANDSHAKE;
	ok(saf_x509_keygen(SAF_KEY_NISTECC, 0, &key, &err), &err);
	ok(saf_x509_build(&req, key, NULL, NULL, &cert, &err), &err);
	ok(saf_db_begin(f->db, &err), &err);
	ok(saf_cert_add(f->db, "DB2USER", "DB2 ALT", cert, key, SAF_TRUST_TRUST, NULL, &err),
	    &err);
	ok(saf_ring_connect(f->db, "DB2USER", "Db2.KeyRing", "DB2USER", "DB2 ALT", NULL, false,
	    &err), &err);
	ok(saf_setropts_classact(f->db, &f->admin, "FACILITY", true, &err), &err);
	ok(saf_db_commit(f->db, &err), &err);
	X509_free(cert);
	EVP_PKEY_free(key);
	define(f, "IRR.DIGTCERT.LISTRING");
	define(f, "IRR.DIGTCERT.LIST");
	permit(f, "IRR.DIGTCERT.LISTRING", "DB2USER", SAF_ACC_READ);
	permit(f, "IRR.DIGTCERT.LIST", "DB2USER", SAF_ACC_READ);

	ok(saf_ring_open_label(f->db, "DB2USER", "Db2.KeyRing", "DB2 ALT", &k, &err), &err);
	assert_string_equal(k->label, "DB2 ALT");
	assert_int_equal(X509_check_private_key(k->cert, k->key), 1);
	assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(k->cert), NID_commonName,
	    cn, sizeof(cn)) > 0);
	assert_string_equal(cn, "alt.example");
	saf_ring_keys_free(k);
	k = NULL;
	/* Without a label: the default, as before. */
	ok(saf_ring_open_label(f->db, "DB2USER", "Db2.KeyRing", NULL, &k, &err), &err);
	assert_string_equal(k->label, "DB2USER");
	saf_ring_keys_free(k);
	k = NULL;
	/* Labels are case-sensitive, and a missing one is the caller's error. */
	assert_int_equal(saf_ring_open_label(f->db, "DB2USER", "Db2.KeyRing", "db2 alt", &k,
	    &err), AT_E_INPUT);
	assert_non_null(strstr(err.msg, "no trusted certificate labelled 'db2 alt'"));
	assert_null(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listring_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_open_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_open_label, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
