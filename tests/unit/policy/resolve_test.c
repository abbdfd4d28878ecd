/*
 * resolve_test.c - resolution: search order, defaults, the effective
 * actions (connection over environment over group), list concatenation
 * and de-duplication, address and port flattening, time conditions, and
 * the show/explain formatters.
 */
#include <sys/socket.h>

#include "policy_cases.h"

static struct policy_set *
load_ok(const char *text)
{
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct at_err err;

	policy_diags_init(&d);
	if (policy_set_load_text("t.policy", text, strlen(text), &set, &d, &err) != AT_OK) {
		print_message("load failed: %s\n", err.msg);
		dump_diags(&d);
		policy_diags_free(&d);
		fail();
	}
	policy_diags_free(&d);
	return set;
}

struct order_case {
	const char *text;
	const char *want; /* rule names in search order, blank separated */
};

static const struct order_case order_cases[] = {
	{ BASE_ACTIONS RULE("a", " Direction Inbound\n LocalPortRange 1\n Priority 5")
	  RULE("b", " Direction Inbound\n LocalPortRange 2\n Priority 50")
	  RULE("c", " Direction Inbound\n LocalPortRange 3\n Priority 500"), "c b a" },
	{ BASE_ACTIONS RULE("b2", " Direction Inbound\n LocalPortRange 1\n Priority 7")
	  RULE("B1", " Direction Inbound\n LocalPortRange 2\n Priority 7")
	  RULE("a3", " Direction Inbound\n LocalPortRange 3\n Priority 7"), "B1 a3 b2" },
	{ BASE_ACTIONS RULE("nopri", " Direction Inbound\n LocalPortRange 1")
	  RULE("one", " Direction Inbound\n LocalPortRange 2\n Priority 1")
	  RULE("two", " Direction Inbound\n LocalPortRange 3\n Priority 2"), "two nopri one" },
};

static void
test_search_order(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(order_cases) / sizeof(order_cases[0]); i++) {
		struct policy_set *set = load_ok(order_cases[i].text);
		char got[256] = "";
		size_t used = 0;

		for (k = 0; k < policy_set_rule_count(set); k++) {
			const struct policy_rule *r = policy_set_rule(set, k);

			assert_int_equal(r->order, k);
			used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%s",
			    k > 0 ? " " : "", r->name);
		}
		if (strcmp(got, order_cases[i].want) != 0) {
			print_message("case %zu: order '%s' want '%s'\n", i, got, order_cases[i].want);
			fail();
		}
		assert_null(policy_set_rule(set, k));
		policy_set_free(set);
	}
}

static void
test_defaults(void **state)
{
	struct policy_set *set = load_ok(BASE_ACTIONS RULE("r", " Direction Outbound\n RemotePortRange 443"));
	const struct policy_rule *r = policy_set_rule(set, 0);
	const struct policy_actions *a = r->actions;

	(void)state;
	assert_int_equal(r->priority, 1);
	assert_false(r->priority_given);
	assert_true(r->laddr.any);
	assert_true(r->raddr.any);
	assert_true(r->lport.any);
	assert_false(r->rport.any);
	assert_true(r->jobname.any);
	assert_true(r->userid.any);
	assert_null(r->time);
	assert_string_equal(a->group_name, "g");
	assert_string_equal(a->env_name, "e");
	assert_null(a->conn_name);
	assert_int_equal(a->trace, 2);
	assert_false(a->ctrace_clear_text);
	assert_int_equal(a->protocols, POLICY_PROTO_TLSV12);
	assert_int_equal(a->handshake_timeout, 10);
	assert_int_equal(a->reset_cipher_timer, 0);
	assert_false(a->application_controlled);
	assert_int_equal(a->client_auth_type, POLICY_CLIENT_AUTH_REQUIRED);
	assert_int_equal(a->fips140, POLICY_FIPS_OFF);
	assert_int_equal(a->suiteb, POLICY_SUITEB_OFF);
	assert_int_equal(a->ciphers.n, 0);
	assert_null(a->certificate_label);
	assert_string_equal(a->keyring, "ring1");
	assert_int_equal(policy_set_log_level(set), 31);
	policy_set_free(set);
}

static void
test_overrides(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g\n{\n TTLSEnabled On\n Trace 1\n CtraceClearText On\n}\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n Trace 3\n"
	    " TTLSKeyringParms { Keyring ring1 }\n"
	    " TTLSEnvironmentAdvancedParmsRef adv\n"
	    " TTLSEnvironmentAdvancedParms { HandshakeTimeout 20 }\n"
	    " TTLSCipherParms\n {\n  V3CipherSuites 0A2F\n"
	    "  V3CipherSuites TLS_RSA_WITH_AES_128_CBC_SHA\n"
	    "  V3CipherSuites4Char C02F C030\n  V3CipherSuites4Char 000AC02F1301\n }\n}\n"
	    "TTLSEnvironmentAdvancedParms adv\n{\n HandshakeTimeout 30\n TLSv1 On\n"
	    " CertificateLabel Zowe Server\n ApplicationControlled On\n}\n"
	    "TTLSConnectionAction c\n{\n HandshakeRole Client\n Trace 5\n"
	    " TTLSConnectionAdvancedParms { TLSv1.3 Off\n HandshakeTimeout 40 }\n"
	    " TTLSCipherParms { V3CipherSuites4Char 1302 }\n}\n"
	    RULE("r", " Direction Both\n LocalAddr All\n TTLSConnectionActionRef c");
	struct policy_set *set = load_ok(text);
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;

	(void)state;
	assert_int_equal(a->trace, 5);
	assert_true(a->ctrace_clear_text);
	assert_int_equal(a->role, POLICY_ROLE_CLIENT);
	assert_int_equal(a->handshake_timeout, 40);
	/* The inline block replaced the Ref'd adv whole, as z/OS installs it:
	 * none of adv's parameters apply. */
	assert_false(a->application_controlled);
	assert_null(a->certificate_label);
	assert_int_equal(a->protocols, POLICY_PROTO_TLSV12);
	/* The connection's cipher list replaces the environment's. */
	assert_int_equal(a->ciphers.n, 1);
	assert_int_equal(a->ciphers.v[0], 0x1302);
	policy_set_free(set);
}

static void
test_cipher_lists(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n TTLSKeyringParms { Keyring r }\n"
	    " TTLSCipherParms\n {\n  V3CipherSuites 0A2F\n"
	    "  V3CipherSuites TLS_RSA_WITH_AES_128_CBC_SHA\n"
	    "  V3CipherSuites TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256\n"
	    "  V3CipherSuites4Char C02F C030\n  V3CipherSuites4Char 000AC02F1301\n"
	    "  V3CipherSuites4Char 1303\n  V2CipherSuites 71\n"
	    "  V2CipherSuites TLS_DES_192_EDE3_CBC_WITH_MD5\n }\n"
	    " TTLSSignatureParms\n {\n  SignaturePairs 0601 0603\n  SignaturePairs 05010601\n }\n}\n"
	    RULE("r", " Direction Both\n LocalAddr All");
	static const uint16_t want[] = { 0x000A, 0x002F, 0xCCA8, 0xC02F, 0xC030, 0x1301, 0x1303 };
	struct policy_set *set = load_ok(text);
	const struct policy_actions *a = policy_set_rule(set, 0)->actions;
	size_t i;

	(void)state;
	assert_int_equal(a->ciphers.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < a->ciphers.n; i++) {
		if (a->ciphers.v[i] != want[i]) {
			print_message("cipher %zu: got %04X want %04X\n", i, a->ciphers.v[i], want[i]);
			fail();
		}
	}
	assert_int_equal(a->v2_ciphers.n, 2);
	assert_int_equal(a->v2_ciphers.v[0], 7);
	assert_int_equal(a->v2_ciphers.v[1], 1);
	assert_int_equal(a->signature_pairs.n, 3);
	assert_int_equal(a->signature_pairs.v[2], 0x0501);
	assert_string_equal(policy_cipher_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
	assert_string_equal(policy_cipher_name(0xC02B), "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
	assert_null(policy_cipher_name(0x7777));
	policy_set_free(set);
}

static void
test_addresses(void **state)
{
	static const char text[] = BASE_ACTIONS
	    "IpAddrSet s\n{\n Prefix 10.0.0.0/8\n Range 2001:db8::1-2001:db8::ff\n}\n"
	    "IpAddrGroup grp\n{\n IpAddrSetRef s\n IpAddr { Addr fe80::1 }\n}\n"
	    "PortGroup pg\n{\n PortRange { Port 21 }\n PortRange { Port 990-991 }\n}\n"
	    RULE("r", " Direction Inbound\n LocalAddrGroupRef grp\n RemoteAddr ::/0\n"
	    " LocalPortGroupRef pg\n RemotePortRange 0\n Jobname zwe1*\n Userid *");
	static const uint8_t v4lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0 };
	static const uint8_t v4hi[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 255, 255, 255 };
	struct policy_set *set = load_ok(text);
	const struct policy_rule *r = policy_set_rule(set, 0);

	(void)state;
	assert_int_equal(r->laddr.n, 3);
	assert_int_equal(r->laddr.ranges[0].family, AF_INET);
	assert_memory_equal(r->laddr.ranges[0].lo, v4lo, 16);
	assert_memory_equal(r->laddr.ranges[0].hi, v4hi, 16);
	assert_int_equal(r->laddr.ranges[1].family, AF_INET6);
	assert_int_equal(r->laddr.ranges[1].hi[15], 0xff);
	assert_int_equal(r->laddr.ranges[2].lo[0], 0xfe);
	assert_false(r->raddr.any);
	assert_int_equal(r->raddr.ranges[0].family, AF_INET6);
	assert_int_equal(r->raddr.ranges[0].hi[0], 0xff);
	assert_int_equal(r->lport.n, 2);
	assert_int_equal(r->lport.ranges[1].hi, 991);
	assert_true(r->rport.any);
	assert_true(r->jobname.wildcard);
	assert_string_equal(r->jobname.pattern, "ZWE1*");
	assert_int_equal(r->jobname.len, 5);
	assert_true(r->userid.any);
	policy_set_free(set);
}

static void
test_time(void **state)
{
	static const char text[] = BASE_ACTIONS
	    "IpTimeCondition t\n{\n FromTimeOfDay 22:00\n ToTimeOfDay 06:30\n"
	    " FromDayOfWeek Friday\n ToDayOfWeek Monday\n FromMonthOfYear November\n"
	    " ToMonthOfYear February\n FromDayOfMonth 1\n ToDayOfMonth 3\n TimeZone UTC\n"
	    " TimePeriod 19700102:19700103000001\n}\n"
	    RULE("r", " Direction Inbound\n LocalPortRange 1\n IpTimeConditionRef t");
	struct policy_set *set = load_ok(text);
	const struct policy_time_cond *t = policy_set_rule(set, 0)->time;

	(void)state;
	assert_non_null(t);
	assert_true(t->utc);
	assert_int_equal(t->tod_from, 22 * 60);
	assert_int_equal(t->tod_to, 6 * 60 + 30);
	/* Friday(5) Saturday(6) Sunday(0) Monday(1) */
	assert_int_equal(t->day_of_week_mask, (1 << 5) | (1 << 6) | (1 << 0) | (1 << 1));
	assert_int_equal(t->month_mask, (1 << 10) | (1 << 11) | (1 << 0) | (1 << 1));
	assert_int_equal(t->day_of_month_mask, 7);
	assert_true(t->has_period);
	assert_int_equal(t->period_from, 86400);
	assert_int_equal(t->period_to, 2 * 86400 + 1);
	policy_set_free(set);
}

static void
test_format(void **state)
{
	static const char text[] =
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Server\n TTLSKeyringParms { Keyring r }\n"
	    " TTLSCipherParms { V3CipherSuites4Char 1301 }\n"
	    " TTLSEnvironmentAdvancedParms { TLSv1.3 On }\n"
	    " TTLSGskAdvancedParms { GSK_V3_SESSION_TIMEOUT 60\n TTLSGskLdapParms { GSK_LDAP_USER_PW s3cret } }\n}\n"
	    RULE("r\"q", " Direction Inbound\n LocalAddr 10.1.0.0/16\n RemoteAddr 10.0.0.1-10.0.0.3\n"
	    " LocalPortRange 80-81");
	struct policy_set *set = load_ok(text);
	const struct policy_rule *r = policy_set_rule(set, 0);
	struct at_buf b;
	struct at_err err;
	const char *s;

	(void)state;
	at_buf_init(&b, 1 << 20);
	assert_int_equal(policy_rule_format_conditions(r, &b, false, &err), AT_OK);
	s = at_buf_cstr(&b);
	assert_non_null(strstr(s, "TTLSRule: r\"q\n"));
	assert_non_null(strstr(s, "  Direction: Inbound\n"));
	assert_non_null(strstr(s, "  LocalAddr: 10.1.0.0/16\n"));
	assert_non_null(strstr(s, "  RemoteAddr: 10.0.0.1-10.0.0.3\n"));
	assert_non_null(strstr(s, "  LocalPortRange: 80-81\n"));
	assert_non_null(strstr(s, "  Priority: 1\n"));
	at_buf_reset(&b);
	assert_int_equal(policy_actions_format(r, &b, false, &err), AT_OK);
	s = at_buf_cstr(&b);
	assert_non_null(strstr(s, "  Protocols: TLSv1.2 TLSv1.3\n"));
	assert_non_null(strstr(s, "1301 TLS_AES_128_GCM_SHA256"));
	assert_non_null(strstr(s, "  GSK_V3_SESSION_TIMEOUT: 60\n"));
	assert_non_null(strstr(s, "  GSK_LDAP_USER_PW: (set) (no effect here)\n"));
	assert_null(strstr(s, "s3cret"));
	at_buf_reset(&b);
	assert_int_equal(policy_rule_format_conditions(r, &b, true, &err), AT_OK);
	s = at_buf_cstr(&b);
	assert_non_null(strstr(s, "{\"TTLSRule\":\"r\\\"q\""));
	assert_non_null(strstr(s, "\"LocalAddr\":[\"10.1.0.0/16\"]"));
	at_buf_reset(&b);
	assert_int_equal(policy_actions_format(r, &b, true, &err), AT_OK);
	s = at_buf_cstr(&b);
	assert_non_null(strstr(s, "\"CipherSuites\":[\"1301\"]"));
	assert_non_null(strstr(s, "\"TTLSEnabled\":true"));
	at_buf_free(&b);
	/* A buffer too small is AT_E_TOOBIG, not a silent cut. */
	at_buf_init(&b, 16);
	assert_int_equal(policy_actions_format(r, &b, false, &err), AT_E_TOOBIG);
	at_buf_free(&b);
	policy_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_order),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_cipher_lists),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
