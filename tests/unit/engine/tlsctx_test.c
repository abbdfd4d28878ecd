/*
 * tlsctx_test.c - contexts built from real policy text shake hands (or
 * refuse to) exactly as the policy says: protocol versions, cipher suites,
 * client authentication types, peer verification and host names.  Both
 * ends are real OpenSSL connections joined by a memory BIO pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/ssl.h>

#include "engine/tlsctx.h"
#include "policy/policy.h"
#include "testcert.h"
#include "testpolicy.h"

static struct testcert ca, other_ca, server_cert, client_cert, stranger_cert;

static int
setup(void **state)
{
	(void)state;
	if (!testcert_make(&ca, "attls test CA", NULL) ||
	    !testcert_make(&other_ca, "another CA", NULL) ||
	    !testcert_make(&server_cert, "server.example", &ca) ||
	    !testcert_make(&client_cert, "client.example", &ca) ||
	    !testcert_make(&stranger_cert, "stranger.example", &other_ca))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	testcert_free(&ca);
	testcert_free(&other_ca);
	testcert_free(&server_cert);
	testcert_free(&client_cert);
	testcert_free(&stranger_cert);
	return 0;
}

struct result {
	bool ok;
	int version;
	uint16_t cipher;
	bool peer_cert_at_server;
};

static struct result
shake(SSL_CTX *cctx, const struct policy_actions *ca_, SSL_CTX *sctx,
    const struct policy_actions *sa)
{
	struct result r = { 0 };
	SSL *c = NULL, *s = NULL;
	BIO *b1 = NULL, *b2 = NULL;
	struct at_err err;
	int i, cr = 0, sr = 0;

	assert_int_equal(engine_tls_new(cctx, ca_, &c, &err), AT_OK);
	assert_int_equal(engine_tls_new(sctx, sa, &s, &err), AT_OK);
	assert_int_equal(BIO_new_bio_pair(&b1, 0, &b2, 0), 1);
	SSL_set_bio(c, b1, b1);
	SSL_set_bio(s, b2, b2);
	for (i = 0; i < 50 && (cr != 1 || sr != 1); i++) {
		if (cr != 1) {
			cr = SSL_do_handshake(c);
			if (cr != 1 && SSL_get_error(c, cr) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(c, cr) != SSL_ERROR_WANT_WRITE)
				break;
		}
		if (sr != 1) {
			sr = SSL_do_handshake(s);
			if (sr != 1 && SSL_get_error(s, sr) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(s, sr) != SSL_ERROR_WANT_WRITE)
				break;
		}
	}
	r.ok = cr == 1 && sr == 1;
	if (r.ok) {
		X509 *peer = SSL_get1_peer_certificate(s);

		r.version = SSL_version(c);
		r.cipher = (uint16_t)SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(c));
		r.peer_cert_at_server = peer != NULL;
		X509_free(peer);
	}
	SSL_free(c);
	SSL_free(s);
	return r;
}

struct tcase {
	const char *name;
	const char *client_env;
	const char *server_env;
	bool client_has_cert;
	bool client_cert_untrusted;
	bool want_ok;
	int want_version;
	uint16_t want_cipher;
	bool want_peer_cert;
};

static const struct tcase cases[] = {
	{ "defaults negotiate TLS 1.2 (TLSv1.3 is off unless turned on)",
	  "  HandshakeRole Client\n", "  HandshakeRole Server\n",
	  false, false, true, TLS1_2_VERSION, 0, false },
	{ "both ends turn TLSv1.3 on",
	  "  HandshakeRole Client\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n  }\n",
	  "  HandshakeRole Server\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n  }\n",
	  false, false, true, TLS1_3_VERSION, 0, false },
	{ "server TLSv1.2 only (the Db2 lab)",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole Server\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.2 On\n"
	  "    TLSv1.3 Off\n    TLSv1.1 Off\n    TLSv1 Off\n  }\n",
	  false, false, true, TLS1_2_VERSION, 0, false },
	{ "client 1.3 only against server 1.2 only fails",
	  "  HandshakeRole Client\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.2 Off\n"
	  "    TLSv1.3 On\n  }\n",
	  "  HandshakeRole Server\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.2 On\n"
	  "    TLSv1.3 Off\n  }\n",
	  false, false, false, 0, 0, false },
	{ "server cipher list picks ECDHE-ECDSA-AES128-GCM",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole Server\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 Off\n  }\n"
	  "  TTLSCipherParms\n  {\n    V3CipherSuites4Char C02BC02C\n  }\n",
	  false, false, true, TLS1_2_VERSION, 0xC02B, false },
	{ "TLS 1.3 suite chosen from the list",
	  "  HandshakeRole Client\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n  }\n",
	  "  HandshakeRole Server\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n  }\n"
	  "  TTLSCipherParms\n  {\n    V3CipherSuites4Char 1302\n  }\n",
	  false, false, true, TLS1_3_VERSION, 0x1302, false },
	{ "no common cipher fails",
	  "  HandshakeRole Client\n  TTLSCipherParms\n  {\n    V3CipherSuites4Char C02C\n  }\n",
	  "  HandshakeRole Server\n  TTLSCipherParms\n  {\n    V3CipherSuites4Char C02B\n  }\n",
	  false, false, false, 0, 0, false },
	{ "client auth Required without a client certificate fails",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole ServerWithClientAuth\n  TTLSEnvironmentAdvancedParms\n  {\n"
	  "    ClientAuthType Required\n  }\n",
	  false, false, false, 0, 0, false },
	{ "client auth Required with a trusted certificate",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole ServerWithClientAuth\n",
	  true, false, true, TLS1_2_VERSION, 0, true },
	{ "client auth Full without a certificate is allowed",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole ServerWithClientAuth\n  TTLSEnvironmentAdvancedParms\n  {\n"
	  "    ClientAuthType Full\n  }\n",
	  false, false, true, TLS1_2_VERSION, 0, false },
	{ "client auth Full with an untrusted certificate fails",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole ServerWithClientAuth\n  TTLSEnvironmentAdvancedParms\n  {\n"
	  "    ClientAuthType Full\n  }\n",
	  true, true, false, 0, 0, false },
	{ "client auth PassThru takes an untrusted certificate",
	  "  HandshakeRole Client\n",
	  "  HandshakeRole ServerWithClientAuth\n  TTLSEnvironmentAdvancedParms\n  {\n"
	  "    ClientAuthType PassThru\n  }\n",
	  true, true, true, TLS1_2_VERSION, 0, true },
	{ "client checks the server's host name",
	  "  HandshakeRole Client\n  TTLSEnvironmentAdvancedParms\n  {\n"
	  "    HostReferenceIdDNS server.example\n  }\n",
	  "  HandshakeRole Server\n",
	  false, false, true, TLS1_2_VERSION, 0, false },
	{ "named groups written as decimal codes agree (TLS 1.3 key share X25519 = 0029)",
	  "  HandshakeRole Client\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n"
	  "    TLSv1.2 Off\n  }\n  TTLSSignatureParms\n  {\n    ClientKeyShareGroups 0029\n  }\n",
	  "  HandshakeRole Server\n  TTLSEnvironmentAdvancedParms\n  {\n    TLSv1.3 On\n  }\n"
	  "  TTLSSignatureParms\n  {\n    ServerKeyShareGroups 0029\n"
	  "    ServerKexECurves 0029\n  }\n",
	  false, false, true, TLS1_3_VERSION, 0, false },
	{ "no group in common fails (P-256 against P-384)",
	  "  HandshakeRole Client\n  TTLSSignatureParms\n  {\n    ClientECurves 0023\n  }\n",
	  "  HandshakeRole Server\n  TTLSSignatureParms\n  {\n    ServerKexECurves 0024\n  }\n",
	  false, false, false, 0, 0, false },
	{ "SignaturePairs the ECDSA server cannot sign with (RSA-PSS only) fail",
	  "  HandshakeRole Client\n  TTLSSignatureParms\n  {\n    SignaturePairs 0804\n  }\n",
	  "  HandshakeRole Server\n",
	  false, false, false, 0, 0, false },
	{ "SignaturePairs with ECDSA P-256 SHA-256",
	  "  HandshakeRole Client\n  TTLSSignatureParms\n  {\n    SignaturePairs 0403\n  }\n",
	  "  HandshakeRole Server\n",
	  false, false, true, TLS1_2_VERSION, 0, false },
	{ "a wrong host name fails",
	  "  HandshakeRole Client\n  TTLSEnvironmentAdvancedParms\n  {\n"
	  "    HostReferenceIdDNS elsewhere.example\n  }\n",
	  "  HandshakeRole Server\n",
	  false, false, false, 0, 0, false },
};

static void
test_handshakes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *t = &cases[i];
		struct policy_set *cs = testpolicy_load_env(t->client_env);
		struct policy_set *ss = testpolicy_load_env(t->server_env);
		struct testcert *cleaf = t->client_has_cert ?
		    (t->client_cert_untrusted ? &stranger_cert : &client_cert) : NULL;
		SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), cleaf, &ca, 0);
		SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
		struct result r = shake(cctx, testpolicy_actions(cs), sctx, testpolicy_actions(ss));

		if (r.ok != t->want_ok ||
		    (t->want_ok && t->want_version != 0 && r.version != t->want_version) ||
		    (t->want_ok && t->want_cipher != 0 && r.cipher != t->want_cipher) ||
		    (t->want_ok && r.peer_cert_at_server != t->want_peer_cert))
			fail_msg("case %zu (%s): got ok=%d version=%x cipher=%04x peer=%d",
			    i, t->name, r.ok, r.version, r.cipher, r.peer_cert_at_server);
		SSL_CTX_free(cctx);
		SSL_CTX_free(sctx);
		policy_set_free(cs);
		policy_set_free(ss);
	}
}

static void
test_client_rejects_unknown_ca(void **state)
{
	struct policy_set *cs = testpolicy_load_env("  HandshakeRole Client\n");
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n");
	SSL_CTX *cctx = testpolicy_ctx(testpolicy_actions(cs), NULL, &other_ca, 0);
	SSL_CTX *sctx = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	struct result r = shake(cctx, testpolicy_actions(cs), sctx, testpolicy_actions(ss));

	(void)state;
	assert_false(r.ok);
	SSL_CTX_free(cctx);
	SSL_CTX_free(sctx);
	policy_set_free(cs);
	policy_set_free(ss);
}

static void
test_build_errors(void **state)
{
	struct policy_set *only_ssl3 = testpolicy_load_env("  HandshakeRole Server\n"
	    "  TTLSEnvironmentAdvancedParms\n  {\n    SSLv3 On\n    TLSv1 Off\n"
	    "    TLSv1.1 Off\n    TLSv1.2 Off\n    TLSv1.3 Off\n  }\n");
	struct policy_set *server = testpolicy_load_env("  HandshakeRole Server\n");
	struct policy_set *rc4 = testpolicy_load_env("  HandshakeRole Server\n"
	    "  TTLSCipherParms\n  {\n    V3CipherSuites 05\n  }\n");

	(void)state;
	/* Nothing left to speak: System SSL's "no cipher" code. */
	(void)testpolicy_ctx(testpolicy_actions(only_ssl3), &server_cert, &ca, 402);
	/* A server without a certificate: "certificate not available". */
	(void)testpolicy_ctx(testpolicy_actions(server), NULL, &ca, 7);
	/* A key that is not the certificate's. */
	{
		struct testcert mixed = { server_cert.cert, client_cert.key };

		(void)testpolicy_ctx(testpolicy_actions(server), &mixed, &ca, 428);
	}
	/* A group number no TLS library knows (decimal 35). */
	{
		struct policy_set *bad = testpolicy_load_env("  HandshakeRole Server\n"
		    "  TTLSSignatureParms\n  {\n    ServerKexECurves 0035\n  }\n");

		(void)testpolicy_ctx(testpolicy_actions(bad), &server_cert, &ca, 3);
		policy_set_free(bad);
	}
	/* Only RC4, which OpenSSL 3 does not offer. */
	(void)testpolicy_ctx(testpolicy_actions(rc4), &server_cert, &ca, 402);
	policy_set_free(only_ssl3);
	policy_set_free(server);
	policy_set_free(rc4);
}

/* PeerMinCertVersion 3 refuses a version 1 server certificate. */
static void
test_peer_min_cert_version(void **state)
{
	struct policy_set *any = testpolicy_load_env("  HandshakeRole Client\n");
	struct policy_set *v3 = testpolicy_load_env("  HandshakeRole Client\n"
	    "  TTLSEnvironmentAdvancedParms\n  {\n    PeerMinCertVersion 3\n  }\n");
	struct policy_set *ss = testpolicy_load_env("  HandshakeRole Server\n");
	struct testcert v1 = { X509_dup(server_cert.cert), server_cert.key };
	SSL_CTX *cany, *cv3, *sv1, *sv3;

	(void)state;
	assert_non_null(v1.cert);
	assert_int_equal(X509_set_version(v1.cert, X509_VERSION_1), 1);
	assert_true(X509_sign(v1.cert, ca.key, EVP_sha256()) > 0);
	cany = testpolicy_ctx(testpolicy_actions(any), NULL, &ca, 0);
	cv3 = testpolicy_ctx(testpolicy_actions(v3), NULL, &ca, 0);
	sv1 = testpolicy_ctx(testpolicy_actions(ss), &v1, &ca, 0);
	sv3 = testpolicy_ctx(testpolicy_actions(ss), &server_cert, &ca, 0);
	assert_true(shake(cany, testpolicy_actions(any), sv1, testpolicy_actions(ss)).ok);
	assert_false(shake(cv3, testpolicy_actions(v3), sv1, testpolicy_actions(ss)).ok);
	assert_true(shake(cv3, testpolicy_actions(v3), sv3, testpolicy_actions(ss)).ok);
	SSL_CTX_free(cany);
	SSL_CTX_free(cv3);
	SSL_CTX_free(sv1);
	SSL_CTX_free(sv3);
	X509_free(v1.cert);
	policy_set_free(any);
	policy_set_free(v3);
	policy_set_free(ss);
}

/* MiddleBoxCompatMode and Renegotiation become the OpenSSL options. */
static void
test_options(void **state)
{
	static const struct {
		const char *adv;
		uint64_t set, clear;
	} c[] = {
		{ "", SSL_OP_NO_RENEGOTIATION, SSL_OP_ENABLE_MIDDLEBOX_COMPAT },
		{ "    MiddleBoxCompatMode On\n", SSL_OP_ENABLE_MIDDLEBOX_COMPAT, 0 },
		{ "    Renegotiation Disabled\n", SSL_OP_NO_RENEGOTIATION, 0 },
		{ "    Renegotiation All\n", 0, SSL_OP_NO_RENEGOTIATION },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char env[256];
		struct policy_set *set;
		SSL_CTX *ctx;
		uint64_t op;

		(void)snprintf(env, sizeof(env), "  HandshakeRole Server\n"
		    "  TTLSEnvironmentAdvancedParms\n  {\n%s  }\n", c[i].adv);
		set = testpolicy_load_env(env);
		ctx = testpolicy_ctx(testpolicy_actions(set), &server_cert, &ca, 0);
		op = SSL_CTX_get_options(ctx);
		if ((op & c[i].set) != c[i].set || (op & c[i].clear) != 0)
			fail_msg("case %zu: options %llx", i, (unsigned long long)op);
		SSL_CTX_free(ctx);
		policy_set_free(set);
	}
}

static void
test_group_names(void **state)
{
	(void)state;
	assert_string_equal(engine_group_name(23), "P-256");
	assert_string_equal(engine_group_name(29), "X25519");
	assert_null(engine_group_name(0x0023));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshakes),
		cmocka_unit_test(test_client_rejects_unknown_ca),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_peer_min_cert_version),
		cmocka_unit_test(test_options),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
