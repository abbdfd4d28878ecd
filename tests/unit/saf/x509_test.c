/*
 * x509_test.c - keys, certificates, file formats and the LIST block, with
 * the openssl command as the independent judge of what was built.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "saf/x509.h"

static char tmpdir[64];

static int
setup(void **state)
{
	(void)state;
	/* Dates in the tests are compared with openssl's UTC output. */
	if (setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	if (snprintf(tmpdir, sizeof(tmpdir), "/tmp/x509_test.XXXXXX") >=
	    (int)sizeof(tmpdir))
		return -1;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir) >= (int)sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs cmd (a shell line) and returns its output; the caller frees it. */
static char *
run(const char *cmd, int *status)
{
	FILE *p;
	char *out = calloc(1, 65536);
	size_t n = 0;

	assert_non_null(out);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n < 65535) {
		size_t got = fread(out + n, 1, 65535 - n, p);

		if (got == 0)
			break;
		n += got;
	}
	*status = pclose(p);
	return out;
}

static void
write_file(const char *name, const void *data, size_t len, char *path,
    size_t pathsz)
{
	FILE *f;

	assert_true(snprintf(path, pathsz, "%s/%s", tmpdir, name) < (int)pathsz);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
write_pem(const char *name, X509 *cert, char *path, size_t pathsz)
{
	struct at_buf b;
	struct at_err err;

	at_buf_init(&b, SAF_X509_MAX_BYTES);
	assert_int_equal(saf_x509_export(cert, NULL, SAF_EXPORT_CERTB64, NULL,
	    NULL, &b, &err), AT_OK);
	write_file(name, b.data, b.len, path, pathsz);
	at_buf_free(&b);
}

static time_t
future(int year_offset, int end)
{
	struct at_err err;
	char date[16];
	time_t t = 0;
	struct tm tm;
	time_t now = time(NULL);

	assert_non_null(gmtime_r(&now, &tm));
	assert_true(snprintf(date, sizeof(date), "%04d-06-30",
	    tm.tm_year + 1900 + year_offset) < (int)sizeof(date));
	assert_int_equal(saf_x509_parse_date(at_str_c(date), at_str_c(""),
	    end != 0, &t, &err), AT_OK);
	return t;
}

static void
make_ca(EVP_PKEY **key, X509 **cert)
{
	struct saf_certreq req;
	struct at_err err;

	memset(&req, 0, sizeof(req));
	req.subject.cn = "Db2 CA";
	req.subject.ou[0] = "ATS";
	req.subject.ou[1] = "Labs";
	req.subject.n_ou = 2;
	req.subject.o = "IBM";
	req.subject.c = "US";
	req.ca = true;
	req.key_usage = SAF_KU_CERTSIGN;
	req.not_before = saf_x509_default_not_before(time(NULL));
	req.not_after = future(5, 1);
	req.serial = 0;
	assert_int_equal(saf_x509_keygen(SAF_KEY_RSA, 2048, key, &err), AT_OK);
	assert_int_equal(saf_x509_build(&req, *key, NULL, NULL, cert, &err),
	    AT_OK);
}

static void
make_leaf(EVP_PKEY *cakey, X509 *ca, enum saf_key_type kt, EVP_PKEY **key,
    X509 **cert)
{
	struct saf_certreq req;
	struct at_err err;

	memset(&req, 0, sizeof(req));
	req.subject.cn = "wg31.washington.ibm.com";
	req.subject.t = "Server";
	req.subject.ou[0] = "ATS";
	req.subject.n_ou = 1;
	req.subject.o = "IBM";
	req.subject.l = "Gaithersburg";
	req.subject.sp = "Maryland";
	req.alt.ip = "192.168.17.220";
	req.alt.domain = "wg31.washington.ibm.com";
	req.alt.email = "db2@example.com";
	req.key_usage = SAF_KU_HANDSHAKE | SAF_KU_DATAENCRYPT;
	req.not_before = saf_x509_default_not_before(time(NULL));
	req.not_after = future(2, 1);
	req.serial = 0x2a;
	assert_int_equal(saf_x509_keygen(kt, 0, key, &err), AT_OK);
	assert_int_equal(saf_x509_build(&req, *key, ca, cakey, cert, &err),
	    AT_OK);
}

static void
test_keygen_sizes(void **state)
{
	static const struct {
		enum saf_key_type type;
		unsigned bits;
		enum at_rc want_rc;
		int want_bits;
		const char *want_type;
	} cases[] = {
		{ SAF_KEY_RSA, 0, AT_OK, 2048, "RSA" },
		{ SAF_KEY_RSA, 1024, AT_OK, 1024, "RSA" },
		{ SAF_KEY_RSA, 512, AT_E_INPUT, 0, NULL },
		{ SAF_KEY_RSA, 8192, AT_E_INPUT, 0, NULL },
		{ SAF_KEY_NISTECC, 0, AT_OK, 256, "NISTECC" },
		{ SAF_KEY_NISTECC, 384, AT_OK, 384, "NISTECC" },
		{ SAF_KEY_NISTECC, 521, AT_OK, 521, "NISTECC" },
		{ SAF_KEY_NISTECC, 192, AT_E_INPUT, 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct at_err err;
		EVP_PKEY *k = NULL;
		const char *type;
		int bits;
		enum at_rc rc;

		rc = saf_x509_keygen(cases[i].type, cases[i].bits, &k, &err);
		if (rc != cases[i].want_rc)
			fail_msg("case %zu: got rc %d, want %d (%s)", i, rc,
			    cases[i].want_rc, err.msg);
		if (rc != AT_OK) {
			assert_null(k);
			continue;
		}
		saf_x509_key_info(k, &type, &bits);
		assert_string_equal(type, cases[i].want_type);
		assert_int_equal(bits, cases[i].want_bits);
		EVP_PKEY_free(k);
	}
}

static void
test_openssl_agrees(void **state)
{
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	char capath[256], certpath[256], cmd[1024];
	struct saf_list_meta meta;
	struct saf_list_ring ring = { "DB2USER", "Db2.KeyRing" };
	struct at_buf list;
	struct at_err err;
	char *out;
	int st;

	(void)state;
	make_ca(&cakey, &ca);
	make_leaf(cakey, ca, SAF_KEY_RSA, &key, &cert);
	write_pem("ca.pem", ca, capath, sizeof(capath));
	write_pem("cert.pem", cert, certpath, sizeof(certpath));

	assert_true(snprintf(cmd, sizeof(cmd),
	    "openssl verify -CAfile '%s' '%s' 2>&1", capath, certpath) <
	    (int)sizeof(cmd));
	out = run(cmd, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, ": OK"));
	free(out);

	assert_true(snprintf(cmd, sizeof(cmd),
	    "openssl x509 -in '%s' -noout -text -nameopt RFC2253 2>&1", certpath) <
	    (int)sizeof(cmd));
	out = run(cmd, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out,
	    "Subject: CN=wg31.washington.ibm.com,title=Server,OU=ATS,O=IBM,L=Gaithersburg,ST=Maryland"));
	assert_non_null(strstr(out, "Issuer: CN=Db2 CA,OU=ATS,OU=Labs,O=IBM,C=US"));
	assert_non_null(strstr(out, "Digital Signature, Key Encipherment, Data Encipherment"));
	assert_non_null(strstr(out, "IP Address:192.168.17.220"));
	assert_non_null(strstr(out, "DNS:wg31.washington.ibm.com"));
	assert_non_null(strstr(out, "email:db2@example.com"));
	assert_non_null(strstr(out, "X509v3 Authority Key Identifier"));
	assert_non_null(strstr(out, "CA:FALSE"));
	assert_non_null(strstr(out, "Serial Number: 42 (0x2a)"));
	free(out);

	at_buf_init(&list, 65536);
	memset(&meta, 0, sizeof(meta));
	meta.owner = "DB2USER";
	meta.label = "DB2USER";
	meta.trust = "TRUST";
	meta.has_key = true;
	meta.rings = &ring;
	meta.n_rings = 1;
	assert_int_equal(saf_x509_list_text(cert, &meta, &list, &err), AT_OK);
	assert_non_null(strstr(at_buf_cstr(&list),
	    "  Subject's Name:\n"
	    "       >CN=wg31.washington.ibm.com.T=Server.OU=ATS.O=IBM.L=Gaithersburg.<\n"
	    "       >SP=Maryland<\n"));
	assert_non_null(strstr(at_buf_cstr(&list),
	    "  Issuer's Name:\n       >CN=Db2 CA.OU=ATS.OU=Labs.O=IBM.C=US<\n"));
	assert_non_null(strstr(at_buf_cstr(&list), "  Serial Number:\n       >2A<\n"));
	assert_non_null(strstr(at_buf_cstr(&list), "  Key Usage: HANDSHAKE, DATAENCRYPT\n"));
	assert_non_null(strstr(at_buf_cstr(&list), "  Key Type: RSA\n  Key Size: 2048\n"));
	assert_non_null(strstr(at_buf_cstr(&list), "  Private Key: YES\n"));
	assert_non_null(strstr(at_buf_cstr(&list),
	    "    Ring Owner: DB2USER\n    Ring:\n       >Db2.KeyRing<\n"));
	assert_non_null(strstr(at_buf_cstr(&list), "    IP: 192.168.17.220\n"));

	/* The dates LIST shows are the ones openssl reads. */
	assert_true(snprintf(cmd, sizeof(cmd),
	    "openssl x509 -in '%s' -noout -dates -dateopt iso_8601 | tr -- '-' '/' | sed 's/Z$//'",
	    certpath) < (int)sizeof(cmd));
	out = run(cmd, &st);
	assert_int_equal(st, 0);
	{
		char line[128];
		const char *nb = strstr(out, "notBefore=");
		const char *na = strstr(out, "notAfter=");

		assert_non_null(nb);
		assert_non_null(na);
		assert_true(snprintf(line, sizeof(line), "  Start Date: %.19s\n",
		    nb + 10) < (int)sizeof(line));
		assert_non_null(strstr(at_buf_cstr(&list), line));
		assert_true(snprintf(line, sizeof(line), "  End Date:   %.19s\n",
		    na + 9) < (int)sizeof(line));
		assert_non_null(strstr(at_buf_cstr(&list), line));
		assert_non_null(strstr(line, " 23:59:59"));
	}
	free(out);
	at_buf_free(&list);

	/* The CA: self-signed, a random serial of 127 bits (16 bytes,
	 * 32 hex digits), CERTSIGN. */
	at_buf_init(&list, 65536);
	meta.owner = "irrcerta";
	meta.label = "DB2 CA";
	meta.n_rings = 0;
	assert_int_equal(saf_x509_list_text(ca, &meta, &list, &err), AT_OK);
	{
		const char *sn = strstr(at_buf_cstr(&list), "  Serial Number:\n       >");

		assert_non_null(sn);
		sn += strlen("  Serial Number:\n       >");
		assert_int_equal(strspn(sn, "0123456789ABCDEF"), 32);
		assert_int_equal(sn[32], '<');
	}
	assert_non_null(strstr(at_buf_cstr(&list), "  Key Usage: CERTSIGN\n"));
	assert_non_null(strstr(at_buf_cstr(&list), "*** No rings associated ***"));
	at_buf_free(&list);

	X509_free(cert);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
}

static void
test_ecc_leaf_verifies(void **state)
{
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	char capath[256], certpath[256], cmd[1024];
	char *out;
	int st;

	(void)state;
	make_ca(&cakey, &ca);
	make_leaf(cakey, ca, SAF_KEY_NISTECC, &key, &cert);
	write_pem("ca2.pem", ca, capath, sizeof(capath));
	write_pem("ec.pem", cert, certpath, sizeof(certpath));
	assert_true(snprintf(cmd, sizeof(cmd),
	    "openssl verify -CAfile '%s' '%s' 2>&1 && openssl x509 -in '%s' -noout -text",
	    capath, certpath, certpath) < (int)sizeof(cmd));
	out = run(cmd, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "NIST CURVE: P-256"));
	free(out);
	X509_free(cert);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
}

static void
test_build_refuses(void **state)
{
	EVP_PKEY *key = NULL, *cakey = NULL;
	X509 *cert = NULL, *ca = NULL, *leaf = NULL;
	struct saf_certreq req;
	struct at_err err;

	(void)state;
	make_ca(&cakey, &ca);
	make_leaf(cakey, ca, SAF_KEY_NISTECC, &key, &leaf);
	memset(&req, 0, sizeof(req));
	req.subject.cn = "x";
	req.not_before = future(2, 0);
	req.not_after = future(1, 1);
	assert_int_equal(saf_x509_build(&req, key, NULL, NULL, &cert, &err),
	    AT_E_INPUT);
	assert_non_null(strstr(err.msg, "IRRD133I"));
	assert_null(cert);
	req.not_before = future(0, 0);
	req.not_after = future(1, 1);
	req.subject.cn = NULL;
	assert_int_equal(saf_x509_build(&req, key, NULL, NULL, &cert, &err),
	    AT_E_INPUT);
	req.subject.cn = "x";
	req.subject.c = "USA";
	assert_int_equal(saf_x509_build(&req, key, NULL, NULL, &cert, &err),
	    AT_E_INPUT);
	req.subject.c = NULL;
	req.alt.ip = "not-an-ip";
	assert_int_equal(saf_x509_build(&req, key, NULL, NULL, &cert, &err),
	    AT_E_INPUT);
	req.alt.ip = NULL;
	/* A leaf without CA:TRUE cannot sign. */
	assert_int_equal(saf_x509_build(&req, key, leaf, key, &cert, &err),
	    AT_E_INPUT);
	/* The CA certificate with somebody else's key cannot sign. */
	assert_int_equal(saf_x509_build(&req, key, ca, key, &cert, &err),
	    AT_E_INPUT);
	assert_null(cert);
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
}

static void
test_formats_round_trip(void **state)
{
	static const struct {
		enum saf_export_fmt fmt;
		const char *password;
		enum at_rc want_export;
		bool want_key;
	} cases[] = {
		{ SAF_EXPORT_CERTDER, NULL, AT_OK, false },
		{ SAF_EXPORT_CERTB64, NULL, AT_OK, false },
		{ SAF_EXPORT_PEMKEY, NULL, AT_OK, true },
		{ SAF_EXPORT_PKCS12DER, "secret", AT_OK, true },
		{ SAF_EXPORT_PKCS12DER, NULL, AT_E_INPUT, false },
		{ SAF_EXPORT_PKCS12B64, "", AT_E_INPUT, false },
	};
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	size_t i;

	(void)state;
	make_ca(&cakey, &ca);
	make_leaf(cakey, ca, SAF_KEY_RSA, &key, &cert);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct at_buf b;
		struct at_err err;
		X509 *c2 = NULL;
		EVP_PKEY *k2 = NULL;
		enum at_rc rc;

		at_buf_init(&b, SAF_X509_MAX_BYTES);
		b.secret = true;
		rc = saf_x509_export(cert, key, cases[i].fmt, cases[i].password,
		    "lbl", &b, &err);
		if (rc != cases[i].want_export)
			fail_msg("case %zu: export rc %d, want %d (%s)", i, rc,
			    cases[i].want_export, err.msg);
		if (rc == AT_OK) {
			rc = saf_x509_parse(b.data, b.len, cases[i].password, &c2,
			    &k2, &err);
			if (rc != AT_OK)
				fail_msg("case %zu: parse: %s", i, err.msg);
			assert_int_equal(X509_cmp(cert, c2), 0);
			assert_int_equal(k2 != NULL, cases[i].want_key);
		}
		X509_free(c2);
		EVP_PKEY_free(k2);
		at_buf_free(&b);
	}
	/* A wrong PKCS #12 password and bytes that are no certificate. */
	{
		struct at_buf b;
		struct at_err err;
		X509 *c2 = NULL;
		EVP_PKEY *k2 = NULL;

		at_buf_init(&b, SAF_X509_MAX_BYTES);
		assert_int_equal(saf_x509_export(cert, key, SAF_EXPORT_PKCS12DER,
		    "right", NULL, &b, &err), AT_OK);
		assert_int_equal(saf_x509_parse(b.data, b.len, "wrong", &c2, &k2,
		    &err), AT_E_INPUT);
		assert_int_equal(saf_x509_parse(b.data, b.len, NULL, &c2, &k2,
		    &err), AT_E_INPUT);
		assert_null(c2);
		assert_int_equal(saf_x509_parse((const unsigned char *)"hello", 5,
		    NULL, &c2, &k2, &err), AT_E_INPUT);
		assert_int_equal(saf_x509_parse((const unsigned char *)
		    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		    58, NULL, &c2, &k2, &err), AT_E_INPUT);
		assert_null(c2);
		assert_null(k2);
		at_buf_free(&b);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
}

static void
test_pkcs12_openssl_reads(void **state)
{
	EVP_PKEY *cakey = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	char path[256], cmd[512];
	struct at_buf b;
	struct at_err err;
	char *out;
	int st;

	(void)state;
	make_ca(&cakey, &ca);
	make_leaf(cakey, ca, SAF_KEY_RSA, &key, &cert);
	at_buf_init(&b, SAF_X509_MAX_BYTES);
	b.secret = true;
	assert_int_equal(saf_x509_export(cert, key, SAF_EXPORT_PKCS12DER, "pw12",
	    "DB2USER", &b, &err), AT_OK);
	write_file("c.p12", b.data, b.len, path, sizeof(path));
	assert_true(snprintf(cmd, sizeof(cmd),
	    "openssl pkcs12 -in '%s' -passin pass:pw12 -nodes 2>&1", path) <
	    (int)sizeof(cmd));
	out = run(cmd, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "BEGIN PRIVATE KEY"));
	assert_non_null(strstr(out, "friendlyName: DB2USER"));
	free(out);
	at_buf_free(&b);
	X509_free(cert);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
}

static void
test_dates(void **state)
{
	static const struct {
		const char *date, *time;
		bool end;
		enum at_rc want;
		const char *want_text;
	} cases[] = {
		{ "2030-05-01", "", false, AT_OK, "2030/05/01 00:00:00" },
		{ "2030-05-01", "", true, AT_OK, "2030/05/01 23:59:59" },
		{ "2025/3/31", "", true, AT_OK, "2025/03/31 23:59:59" },
		{ "2030-05-01", "12:34:56", true, AT_OK, "2030/05/01 12:34:56" },
		{ "2030-02-30", "", false, AT_E_INPUT, NULL },
		{ "2030-13-01", "", false, AT_E_INPUT, NULL },
		{ "30-05-01", "", false, AT_E_INPUT, NULL },
		{ "2030-05", "", false, AT_E_INPUT, NULL },
		{ "2030-05-01", "25:00:00", false, AT_E_INPUT, NULL },
		{ "tomorrow", "", false, AT_E_INPUT, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct at_err err;
		time_t t = 0;
		struct tm tm;
		char s[32];
		enum at_rc rc;

		rc = saf_x509_parse_date(at_str_c(cases[i].date),
		    at_str_c(cases[i].time), cases[i].end, &t, &err);
		if (rc != cases[i].want)
			fail_msg("case %zu (%s): got %d, want %d", i, cases[i].date,
			    rc, cases[i].want);
		if (rc != AT_OK)
			continue;
		assert_non_null(localtime_r(&t, &tm));
		assert_true(strftime(s, sizeof(s), "%Y/%m/%d %H:%M:%S", &tm) > 0);
		assert_string_equal(s, cases[i].want_text);
	}
}

static void
test_defaults_and_cert_id(void **state)
{
	struct at_buf b;
	struct at_err err;
	time_t nb, na;
	struct tm tm;
	char s[32];

	(void)state;
	nb = saf_x509_default_not_before((time_t)1741600000); /* 2025-03-10 */
	na = saf_x509_default_not_after(nb);
	assert_non_null(localtime_r(&nb, &tm));
	assert_true(strftime(s, sizeof(s), "%Y/%m/%d %H:%M:%S", &tm) > 0);
	assert_string_equal(s, "2025/03/10 00:00:00");
	assert_non_null(localtime_r(&na, &tm));
	assert_true(strftime(s, sizeof(s), "%Y/%m/%d %H:%M:%S", &tm) > 0);
	assert_string_equal(s, "2026/03/10 23:59:59");

	/* The reference's decoded example: CERTAUTH's 'MQ CA'. */
	at_buf_init(&b, 256);
	assert_int_equal(saf_x509_cert_id("irrcerta", "MQ CA", &b, &err), AT_OK);
	assert_string_equal(at_buf_cstr(&b), "2QiJmZmDhZmjgdTYQMPB");
	at_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keygen_sizes),
		cmocka_unit_test(test_openssl_agrees),
		cmocka_unit_test(test_ecc_leaf_verifies),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_formats_round_trip),
		cmocka_unit_test(test_pkcs12_openssl_reads),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_defaults_and_cert_id),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
