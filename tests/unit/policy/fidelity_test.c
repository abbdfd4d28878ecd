/*
 * fidelity_test.c - policies written as z/OS shops write them are
 * installed as z/OS installs them (a live z/OS 3.1 `pasearch` is the
 * reference): an inline block replaces a Ref of the same type whole, a
 * bare number is an IPv4 address, V3CipherSuites4Char lines z/OS cannot
 * read are ignored, a one-line block's '}' ends a label, an empty
 * CertificateLabel means no certificate, an Envfile's GSK_* variables are
 * applied and the rest warned about.  Each case also
 * checks the warning a check gives, since each form is seldom what an
 * operator meant.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "policy_cases.h"

#include "policy/addr.h"
#include "policy/match.h"
#include "policy/rule.h"

/* Loads text; fails unless it loads with a warning containing want. */
static struct policy_set *
load_warn(const char *text, const char *want)
{
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct at_err err;

	policy_diags_init(&d);
	if (policy_set_load_text("t.policy", text, strlen(text), &set, &d, &err) != AT_OK ||
	    (want != NULL && !has_diag(&d, POLICY_DIAG_WARNING, want, 0)) ||
	    (want == NULL && d.nwarnings != 0)) {
		print_message("wanted a load with warning '%s'; got:\n",
		    want != NULL ? want : "(none)");
		dump_diags(&d);
		policy_diags_free(&d);
		policy_set_free(set);
		fail();
	}
	policy_diags_free(&d);
	return set;
}

/* Item: Ref and inline block of one type in one action. */
static void
test_inline_replaces_ref_whole(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAdvancedParms adv\n{\n TLSv1.3 On\n HandshakeTimeout 30\n"
	    " ApplicationControlled On\n CertificateLabel Ref Label\n}\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSEnvironmentAdvancedParmsRef adv\n"
	    " TTLSEnvironmentAdvancedParms\n {\n  HandshakeTimeout 20\n }\n}\n"
	    RULE("r", " Direction Inbound\n LocalPortRange 443");
	struct policy_set *set = load_warn(text, "TTLSEnvironmentAdvancedParmsRef adv is "
	    "not used: the TTLSEnvironmentAdvancedParms block on line 14 replaces it whole");
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;

	(void)state;
	assert_int_equal(a->handshake_timeout, 20);
	assert_false(a->application_controlled);
	assert_null(a->certificate_label);
	assert_int_equal(a->protocols, POLICY_PROTO_TLSV12);
	policy_set_free(set);
}

/* The inline block wins wherever it is written, and nested blocks too. */
static void
test_inline_before_ref_and_nested(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSCipherParms c1\n{\n V3CipherSuites4Char C02F\n}\n"
	    "TTLSGskOcspParms o1\n{\n OcspNonceSize 16\n}\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSCipherParms { V3CipherSuites4Char 1301 }\n"
	    " TTLSCipherParmsRef c1\n"
	    " TTLSGskAdvancedParms\n {\n  TTLSGskOcspParmsRef o1\n"
	    "  TTLSGskOcspParms { OcspResponseTimeout 20 }\n }\n}\n"
	    RULE("r", " Direction Inbound\n LocalPortRange 443");
	struct policy_set *set = load_warn(text, "TTLSCipherParmsRef c1 is not used");
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;
	size_t i;

	(void)state;
	assert_int_equal(a->ciphers.n, 1);
	assert_int_equal(a->ciphers.v[0], 0x1301);
	for (i = 0; i < a->nextra; i++)
		assert_string_not_equal(a->extra[i].keyword, "OcspNonceSize");
	policy_set_free(set);
}

/* Item: an IPv4 address written as one decimal number. */
static void
test_decimal_address(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Client\n"
	    " TTLSKeyringParms { Keyring ring1 }\n}\n"
	    RULE("r", " Direction Outbound\n RemoteAddr 6793");
	struct policy_set *set = load_warn(text, "RemoteAddr: '6793' is read as the IPv4 "
	    "address 0.0.26.137, as z/OS reads it");
	const struct policy_rule *r = policy_set_rule(set, 0);
	struct sockaddr_in l = { 0 }, rem = { 0 };
	struct policy_conn c;
	struct at_err err;

	(void)state;
	assert_false(r->raddr.any);
	assert_int_equal(r->raddr.n, 1);
	assert_int_equal(r->raddr.ranges[0].family, AF_INET);
	l.sin_family = rem.sin_family = AF_INET;
	l.sin_addr.s_addr = htonl(0x7f000001);
	rem.sin_port = htons(6793);
	rem.sin_addr.s_addr = htonl(0x00001a89);
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_OUTBOUND,
	    (struct sockaddr *)&l, (struct sockaddr *)&rem, &c, &err), AT_OK);
	assert_true(policy_rule_matches(r, &c));
	/* Port 6793 on another host is not what the rule covers. */
	rem.sin_addr.s_addr = htonl(0x7f000001);
	assert_int_equal(policy_conn_from_sockaddrs(POLICY_DIR_OUTBOUND,
	    (struct sockaddr *)&l, (struct sockaddr *)&rem, &c, &err), AT_OK);
	assert_false(policy_rule_matches(r, &c));
	policy_set_free(set);
}

static void
test_decimal_address_forms(void **state)
{
	static const struct pcase cases[] = {
		WARN_CASE("in a range", "IpAddrSet s { Range 1-10.0.0.1 }\n",
		    "'1' is read as the IPv4 address 0.0.0.1"),
		WARN_CASE("largest", "IpAddr a { Addr 4294967295 }\n",
		    "is read as the IPv4 address 255.255.255.255"),
		ERR_CASE("too large", "IpAddr a { Addr 4294967296 }\n",
		    "'4294967296' is not an IPv4 or IPv6 address"),
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Item: V3CipherSuites4Char lines z/OS ignores. */
static void
test_v3ciph4_ignored_lines(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSCipherParms\n {\n  V3CipherSuites4Char C02B\n"
	    "  V3CipherSuites4Char C02F C030 C02\n"
	    "  V3CipherSuites4Char TLS_AES_256_GCM_SHA384\n"
	    "  V3CipherSuites4Char 1301\n }\n}\n"
	    RULE("r", " Direction Inbound\n LocalPortRange 443");
	struct policy_set *set = load_warn(text, "'C02' is not a whole number of 4-digit "
	    "hexadecimal ids; this line is ignored");
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;

	(void)state;
	assert_int_equal(a->ciphers.n, 2);
	assert_int_equal(a->ciphers.v[0], 0xC02B);
	assert_int_equal(a->ciphers.v[1], 0x1301);
	policy_set_free(set);
}

/* Item: a one-line keyring block inside a one-line action. */
static void
test_one_line_blocks(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e { HandshakeRole Server TTLSKeyringParms { Keyring r } }\n"
	    "TTLSConnectionAction c { TTLSConnectionAdvancedParms { CertificateLabel Zowe Server } }\n"
	    "TTLSRule r\n{\n Direction Inbound\n LocalPortRange 443\n TTLSGroupActionRef g\n"
	    " TTLSEnvironmentActionRef e\n TTLSConnectionActionRef c\n}\n";
	struct policy_set *set = load_warn(text, NULL);
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;

	(void)state;
	assert_string_equal(a->keyring, "r");
	assert_string_equal(a->certificate_label, "Zowe Server");
	policy_set_free(set);
}

/* Item: CertificateLabel with no value (Zowe writes it on purpose). */
static void
test_empty_certificate_label(void **state)
{
	static const char client[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Client\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSEnvironmentAdvancedParms\n {\n  HostReferenceIdDNS h.example\n"
	    "  CertificateLabel     # keep empty: no default certificate\n }\n}\n"
	    RULE("r", " Direction Outbound\n RemotePortRange 443");
	static const char server[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSEnvironmentAdvancedParms { CertificateLabel }\n}\n"
	    RULE("r", " Direction Inbound\n LocalPortRange 443");
	struct policy_set *set = load_warn(client, NULL);
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;
	struct at_buf b;
	struct at_err err;

	(void)state;
	assert_non_null(a->certificate_label);
	assert_string_equal(a->certificate_label, "");
	at_buf_init(&b, 1 << 16);
	assert_int_equal(policy_actions_format(policy_set_rule(set, 0), &b, false, &err), AT_OK);
	assert_non_null(strstr(at_buf_cstr(&b),
	    "CertificateLabel: (empty: no certificate, not the ring's default)"));
	at_buf_free(&b);
	policy_set_free(set);
	set = load_warn(server, "CertificateLabel is empty, which means no certificate "
	    "(not the key ring's default); with HandshakeRole Server every handshake fails");
	policy_set_free(set);
}

/* Item: parameters that are accepted with a warning saying they do nothing. */
static void
test_no_effect_warnings(void **state)
{
	static const struct pcase cases[] = {
		WARN_CASE("ClientHandshakeSNIMatch is known, and does nothing here",
		    "TTLSEnvironmentAdvancedParms a { ClientHandshakeSNIMatch Required }\n",
		    "ClientHandshakeSNIMatch has no effect here: a client matches the "
		    "server's certificate to a host name only by HostReferenceIdDNS"),
		WARN_CASE("CtraceClearText On writes no trace",
		    "TTLSGroupAction g\n{\n TTLSEnabled On\n CtraceClearText On\n}\n",
		    "CtraceClearText has no effect here"),
	};

	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A file in a new temporary directory; the caller removes both. */
static void
write_temp(char *dir, size_t dirsz, char *path, size_t pathsz, const char *text)
{
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	(void)snprintf(dir, dirsz, "%s/fidelity.XXXXXX", tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, pathsz, "%s/gsk.env", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static const char *
extra(const struct policy_actions *a, const char *kw)
{
	size_t i;

	for (i = 0; i < a->nextra; i++)
		if (strcmp(a->extra[i].keyword, kw) == 0)
			return a->extra[i].value;
	return NULL;
}

/* Item: Envfile's GSK_* variables are applied, the environment's win. */
static void
test_envfile(void **state)
{
	char dir[256], path[300], text[1024], msg[400];
	struct policy_set *set;
	const struct policy_actions *a;

	(void)state;
	write_temp(dir, sizeof(dir), path, sizeof(path),
	    "# System SSL settings for the batch jobs\n"
	    "GSK_V3_SESSION_TIMEOUT=600\n"
	    "GSK_SESSION_TICKET_SERVER_ENABLE=OFF\n"
	    "GSK_V3_SIDCACHE_SIZE = 100 \n"
	    "\n"
	    "GSK_PROTOCOL_TLSV1=ON\n");
	(void)snprintf(text, sizeof(text),
	    "TTLSGroupAction g\n{\n TTLSEnabled On\n"
	    " TTLSGroupAdvancedParms { Envfile %s }\n}\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSGskAdvancedParms { GSK_V3_SIDCACHE_SIZE 200 }\n}\n"
	    RULE("r", " Direction Inbound\n LocalPortRange 443"), path);
	(void)snprintf(msg, sizeof(msg), "GSK_PROTOCOL_TLSV1 has no TTLSGskAdvancedParms "
	    "equivalent here; the variable is ignored");
	set = load_warn(text, msg);
	a = policy_set_rule(set, 0)->actions;
	assert_string_equal(a->envfile, path);
	assert_non_null(extra(a, "GSK_V3_SESSION_TIMEOUT"));
	assert_string_equal(extra(a, "GSK_V3_SESSION_TIMEOUT"), "600");
	assert_string_equal(extra(a, "GSK_SESSION_TICKET_SERVER_ENABLE"), "Off");
	/* The environment action's own setting beats the file's. */
	assert_string_equal(extra(a, "GSK_V3_SIDCACHE_SIZE"), "200");
	policy_set_free(set);
	assert_int_equal(unlink(path), 0);

	/* A bad value in the file refuses the policy, at the file's line. */
	{
		FILE *f = fopen(path, "w");
		struct policy_diags d;
		struct at_err err;

		assert_non_null(f);
		assert_true(fputs("GSK_V3_SESSION_TIMEOUT=600\nGSK_V3_SIDCACHE_SIZE=lots\n", f) >= 0);
		assert_int_equal(fclose(f), 0);
		policy_diags_init(&d);
		set = NULL;
		assert_int_equal(policy_set_load_text("t.policy", text, strlen(text), &set, &d,
		    &err), AT_E_INPUT);
		assert_true(has_diag(&d, POLICY_DIAG_ERROR, "GSK_V3_SIDCACHE_SIZE", 2));
		policy_diags_free(&d);
	}
	/* A file that is not there refuses it too: its settings were asked for. */
	assert_int_equal(unlink(path), 0);
	{
		struct policy_diags d;
		struct at_err err;

		policy_diags_init(&d);
		set = NULL;
		assert_int_equal(policy_set_load_text("t.policy", text, strlen(text), &set, &d,
		    &err), AT_E_INPUT);
		assert_true(has_diag(&d, POLICY_DIAG_ERROR, "cannot be opened", 4));
		policy_diags_free(&d);
	}
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_replaces_ref_whole),
		cmocka_unit_test(test_inline_before_ref_and_nested),
		cmocka_unit_test(test_decimal_address),
		cmocka_unit_test(test_decimal_address_forms),
		cmocka_unit_test(test_v3ciph4_ignored_lines),
		cmocka_unit_test(test_one_line_blocks),
		cmocka_unit_test(test_empty_certificate_label),
		cmocka_unit_test(test_no_effect_warnings),
		cmocka_unit_test(test_envfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
