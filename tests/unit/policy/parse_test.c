/*
 * parse_test.c - the policy parser: every statement type, inline and Ref
 * forms, one-line statements, names, values of every kind, repeats, and
 * the syntax and value diagnostics; plus the example files.
 */
#include "policy_cases.h"

#define R(body) BASE_ACTIONS RULE("r1", body)

static const struct pcase cases[] = {
	/* 0 */ OK_CASE("minimal", R("  Direction Inbound\n  LocalPortRange 443")),
	OK_CASE("brace on header line and case-insensitive keywords",
	    "ttlsgroupaction g {\n ttlsenabled ON\n}\n"
	    "TTLSEnvironmentAction e {\n HANDSHAKEROLE server\n TTLSKeyRingParms {\n"
	    "  Keyring ring1\n }\n}\nTTLSRule r1 {\n DIRECTION BOTH\n RemotePortRange 21\n"
	    " TTLSGroupActionRef g\n TTLSEnvironmentActionRef e\n}\n"),
	OK_CASE("one-line statements and refs",
	    BASE_ACTIONS "PortRange portR7 { Port 2470-2471 }\n"
	    RULE("r1", " Direction Inbound\n LocalPortRangeRef portR7")),
	OK_CASE("names with ~ . - _ #",
	    "TTLSGroupAction gAct1~ZSS { TTLSEnabled Off }\n"
	    "TTLSRule MyRule#1_Client.x-y\n{\n Direction Outbound\n RemotePortRange 1-2\n"
	    " TTLSGroupActionRef gAct1~ZSS\n}\n"),
	OK_CASE("tabs, blank lines, trailing comments",
	    "\n\nTTLSGroupAction\tg\t# group\n{\n\tTTLSEnabled\tOn # on\n\tTrace 255\n}\n\n"
	    "TTLSEnvironmentAction e\n{\n\tHandshakeRole Client\n\tTTLSKeyringParmsRef k\n"
	    "\tTTLSEnvironmentAdvancedParms\n\t{\n\t\tHostReferenceIdDNS h.example\n\t}\n}\n"
	    "TTLSKeyringParms k\n{\n\tKeyring /etc/attls/ring.p12\n}\n"
	    RULE("r1", "\tDirection Outbound # out\n\tRemoteAddr 10.0.0.1")),
	/* 5 */ OK_CASE("every address form",
	    BASE_ACTIONS "IpAddr a1 { Addr 10.1.1.1 }\n"
	    "IpAddrSet s1\n{\n Prefix 10.0.0.0/8\n Range 10.1.1.1-10.1.1.9\n Addr 2001:db8::1\n"
	    " Prefix 2001:db8::/32\n Range 2001:db8::1-2001:db8::ff\n}\n"
	    "IpAddrGroup g1\n{\n IpAddrSetRef s1\n IpAddrRef a1\n IpAddr { Addr ::1 }\n"
	    " IpAddrSet { Prefix fe80::/10 }\n}\n"
	    RULE("r1", " Direction Both\n LocalAddrGroupRef g1\n RemoteAddrRef a1")),
	OK_CASE("port group inline and ref",
	    BASE_ACTIONS "PortRange p1 { Port 21 }\n"
	    "PortGroup pg\n{\n PortRangeRef p1\n PortRange { Port 990-991 }\n}\n"
	    RULE("r1", " Direction Inbound\n LocalPortGroupRef pg\n RemotePortGroupRef pg")),
	WARN_CASE("every action sub-statement (those without effect here say so)",
	    "TTLSGroupAction g\n{\n TTLSEnabled On\n CtraceClearText Off\n Trace 3\n FIPS140 Off\n"
	    " GroupUserInstance 1\n TTLSGroupAdvancedParms\n {\n"
	    "  SyslogFacility Auth\n }\n}\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole ServerWithClientAuth\n"
	    " TTLSKeyringParms\n {\n  Keyring USER1/Ring\n }\n"
	    " TTLSCipherParms\n {\n  V3CipherSuites TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
	    "  V3CipherSuites4Char C02FC030 1301\n  V2CipherSuites 137\n }\n"
	    " TTLSSignatureParms\n {\n  ClientECurves Any\n  ServerKexECurves 0023 0024\n"
	    "  SignaturePairs 0601 0603 0501\n  ServerKeyShareGroups 002100230024\n }\n"
	    " TTLSEnvironmentAdvancedParms\n {\n  TLSv1.3 On\n  ClientAuthType SAFCheck\n"
	    "  HandshakeTimeout 600\n  CertificateLabel Zowe Server\n"
	    "  ServerCertificateLabel label one\n  ServerCertificateLabel label two\n }\n"
	    " TTLSGskAdvancedParms\n {\n  GSK_V3_SESSION_TIMEOUT 600\n"
	    "  TTLSGskOcspParms\n  {\n   OcspAiaEnable Off\n   OcspServerStapling Off\n  }\n"
	    "  TTLSGskHttpCdpParms { HttpCdpEnable Off }\n }\n SuiteBProfile Off\n"
	    " EnvironmentUserInstance 2\n Trace 4\n}\n"
	    "TTLSConnectionAction c\n{\n HandshakeRole ServerWithClientAuth\n ConnectionUserInstance 3\n"
	    " TTLSConnectionAdvancedParms\n {\n  ApplicationControlled On\n  SecondaryMap On\n }\n"
	    "}\n"
	    "TTLSRule r1\n{\n Direction Inbound\n LocalPortRange 443\n Jobname ZWE1*\n Userid USER1\n"
	    " Priority 2000000000\n TTLSGroupActionRef g\n TTLSEnvironmentActionRef e\n"
	    " TTLSConnectionActionRef c\n}\n",
	    "SecondaryMap has no effect with ApplicationControlled On"),
	OK_CASE("time condition, reference fields",
	    BASE_ACTIONS "IpTimeCondition t\n{\n FromTimeOfDay 08:00\n ToTimeOfDay 17:30\n"
	    " FromDayOfWeek Monday\n ToDayOfWeek Friday\n FromDayOfMonth 1\n ToDayOfMonth 15\n"
	    " FromMonthOfYear January\n ToMonthOfYear 6\n TimeZone UTC\n}\n"
	    RULE("r1", " Direction Inbound\n LocalPortRange 1\n IpTimeConditionRef t")),
	OK_CASE("time condition, IBM-style fields inline",
	    BASE_ACTIONS RULE("r1", " Direction Inbound\n LocalPortRange 1\n IpTimeCondition\n {\n"
	    "  TimePeriod 20250101:20261231235959\n  MonthOfYearMask 111111000000\n"
	    "  DayOfWeekMask 0111110\n  TimeOfDayRange 22:00-06:00\n"
	    "  DayOfMonthMask 11111111111111111111111111111110000000000000000000000000000000\n"
	    "  TimeZone Local\n }")),
	/* 10 */ ERR_CASE("unknown statement type",
	    BASE_ACTIONS "TLSKeyringParms k\n{\n Keyring x\n}\n" RULE("r1", " Direction Inbound\n LocalPortRange 1"),
	    "unknown statement type 'TLSKeyringParms'; did you mean 'TTLSKeyringParms'?"),
	WARN_CASE("unknown parameter with suggestion",
	    R(" Direction Inbound\n LocalPortRange 1\n Priorty 5"),
	    "unknown parameter 'Priorty' in TTLSRule is ignored; did you mean 'Priority'?"),
	WARN_CASE("unknown parameter without suggestion",
	    R(" Direction Inbound\n LocalPortRange 1\n Zzzzzzzzzzzz 5"),
	    "unknown parameter 'Zzzzzzzzzzzz' in TTLSRule is ignored"),
	WARN_CASE("unknown inline block is skipped",
	    R(" Direction Inbound\n LocalPortRange 1\n Bogus { a b\n c }"),
	    "unknown parameter 'Bogus'"),
	ERR_CASE("missing closing brace", "TTLSGroupAction g\n{\n TTLSEnabled On\n",
	    "TTLSGroupAction has no closing '}' (opened on line 2)"),
	/* 15 */ ERR_CASE("stray closing brace", "}\n", "unexpected '}'"),
	ERR_CASE("missing open brace", "TTLSGroupAction g\n TTLSEnabled On\n",
	    "expected '{' after TTLSGroupAction g"),
	ERR_CASE("global statement without a name", "TTLSGroupAction\n{\n TTLSEnabled On\n}\n",
	    "TTLSGroupAction needs a name when it is not written inline"),
	ERR_CASE("name too long",
	    "TTLSGroupAction a23456789012345678901234567890123 { TTLSEnabled On }\n",
	    "must be 1 to 32 printable characters"),
	ERR_CASE("missing value", R(" Direction\n LocalPortRange 1"), "Direction needs a value"),
	/* 20 */ ERR_CASE("extra value", R(" Direction Inbound Outbound\n LocalPortRange 1"),
	    "unexpected 'Outbound' after the value of Direction"),
	ERR_CASE("bad enum", R(" Direction Sideways\n LocalPortRange 1"),
	    "Direction: 'Sideways' is not one of Inbound Outbound Both"),
	ERR_CASE("bad on/off", "TTLSGroupAction g { TTLSEnabled Yes }\n",
	    "TTLSEnabled: 'Yes' is not one of Off On"),
	ERR_CASE("priority too high", R(" Direction Inbound\n LocalPortRange 1\n Priority 2000000001"),
	    "Priority: 2000000001 is out of range (1 to 2000000000)"),
	ERR_CASE("priority zero", R(" Direction Inbound\n LocalPortRange 1\n Priority 0"),
	    "Priority: 0 is out of range"),
	/* 25 */ ERR_CASE("trace out of range", "TTLSGroupAction g { TTLSEnabled On\n Trace 256 }\n",
	    "Trace: 256 is out of range (0 to 255)"),
	ERR_CASE("handshake timeout out of range",
	    "TTLSEnvironmentAdvancedParms a { HandshakeTimeout 601 }\n",
	    "HandshakeTimeout: 601 is out of range (0 to 600)"),
	ERR_CASE("port out of range", R(" Direction Inbound\n LocalPortRange 65536"),
	    "LocalPortRange: 65536 is out of range (0 to 65535)"),
	ERR_CASE("port range reversed", R(" Direction Inbound\n LocalPortRange 90-80"),
	    "LocalPortRange: the range 90-80 ends before it starts"),
	ERR_CASE("not a number", R(" Direction Inbound\n LocalPortRange ftp"),
	    "is not a decimal number"),
	/* 30 */ ERR_CASE("bad address", R(" Direction Inbound\n LocalAddr 10.1.1"),
	    "LocalAddr: '10.1.1' is not an IPv4 or IPv6 address"),
	ERR_CASE("prefix too long", R(" Direction Inbound\n LocalAddr 10.0.0.0/33"),
	    "prefix length: 33 is out of range"),
	ERR_CASE("ipv6 prefix too long", R(" Direction Inbound\n LocalAddr ::1/129"),
	    "prefix length: 129 is out of range"),
	ERR_CASE("ipv4-mapped refused", R(" Direction Inbound\n RemoteAddr ::ffff:10.1.1.1"),
	    "IPv4-mapped and IPv4-compatible IPv6 addresses"),
	ERR_CASE("ipv4-compatible refused", R(" Direction Inbound\n RemoteAddr ::10.1.1.1"),
	    "IPv4-mapped and IPv4-compatible IPv6 addresses"),
	/* 35 */ ERR_CASE("::/96 refused", R(" Direction Inbound\n RemoteAddr ::/96"),
	    "IPv4-mapped and IPv4-compatible"),
	ERR_CASE("mixed family range", R(" Direction Inbound\n RemoteAddr 10.0.0.1-::2"),
	    "a range cannot mix IPv4 and IPv6"),
	ERR_CASE("reversed address range", R(" Direction Inbound\n RemoteAddr 10.0.0.9-10.0.0.1"),
	    "ends before it starts"),
	WARN_CASE("host bits after prefix", R(" Direction Inbound\n RemoteAddr 10.1.1.5/24"),
	    "has bits set after the prefix"),
	ERR_CASE("jobname too long", R(" Direction Inbound\n Jobname ABCDEFGHI"),
	    "Jobname: 'ABCDEFGHI' is longer than 8 characters"),
	/* 40 */ ERR_CASE("jobname star in the middle", R(" Direction Inbound\n Userid AB*C"),
	    "only a final '*'"),
	WARN_CASE("truncated 4-char cipher: the line is ignored",
	    "TTLSCipherParms c { V3CipherSuites4Char C02F C030 C02 }\n",
	    "V3CipherSuites4Char: 'C02' is not a whole number of 4-digit hexadecimal ids; "
	    "this line is ignored"),
	WARN_CASE("constant in 4-char list: the line is ignored",
	    "TTLSCipherParms c\n{\n V3CipherSuites4Char TLS_AES_128_GCM_SHA256\n}\n",
	    "'TLS_AES_128_GCM_SHA256' is a constant name, which z/OS ignores here; "
	    "this line is ignored (write 1301"),
	ERR_CASE("unknown cipher constant",
	    "TTLSCipherParms c\n{\n V3CipherSuites TLS_NOT_A_CIPHER\n}\n",
	    "'TLS_NOT_A_CIPHER' is not a known cipher suite constant"),
	ERR_CASE("bad 2-char cipher string", "TTLSCipherParms c { V3CipherSuites 0A2 }\n",
	    "V3CipherSuites: '0A2' is not a list of 2-digit hexadecimal ids"),
	/* 45 */ ERR_CASE("bad v2 cipher", "TTLSCipherParms c { V2CipherSuites 158 }\n",
	    "V2CipherSuites: '158' is neither"),
	ERR_CASE("bad hex list", "TTLSSignatureParms s { SignaturePairs 060 }\n",
	    "SignaturePairs: '060' is not a list of 4-digit hexadecimal ids"),
	ERR_CASE("bad time of day", "IpTimeCondition t { FromTimeOfDay 25:00 }\n",
	    "FromTimeOfDay: '25:00' is not a time of day hh:mm"),
	ERR_CASE("bad month", "IpTimeCondition t { FromMonthOfYear 13 }\n",
	    "is not a month"),
	ERR_CASE("bad day of week", "IpTimeCondition t { FromDayOfWeek Someday }\n",
	    "FromDayOfWeek: 'Someday' is not one of"),
	/* 50 */ ERR_CASE("bad mask", "IpTimeCondition t { DayOfWeekMask 01 }\n",
	    "DayOfWeekMask: '01' must be 7 characters of 0 and 1"),
	ERR_CASE("bad time period", "IpTimeCondition t { TimePeriod 20260101:20250101 }\n",
	    "TimePeriod: '20260101:20250101' is not"),
	ERR_CASE("bad day of month", "IpTimeCondition t { FromDayOfMonth 32 }\n",
	    "FromDayOfMonth: 32 is out of range"),
	WARN_CASE("scalar repeated", R(" Direction Inbound\n LocalPortRange 1\n Priority 5\n Priority 6"),
	    "Priority given again; this value replaces the one on line"),
	WARN_CASE("condition slot repeated",
	    BASE_ACTIONS "IpAddrSet s { Prefix 10.0.0.0/8 }\n"
	    RULE("r1", " Direction Inbound\n LocalAddr 10.1.1.1\n LocalAddrSetRef s"),
	    "LocalAddrSetRef replaces LocalAddr given on line"),
	/* 55 */ ERR_CASE("main-configuration statement in a policy file",
	    "TTLSConfig /etc/x.policy\n", "TTLSConfig belongs in the main configuration"),
	ERR_CASE("unexpected open brace", "{ }\n", "unexpected '{'"),
	ERR_CASE("unknown nested blocks are skipped whole",
	    "TTLSEnvironmentAction e { TTLSGskAdvancedParms { TTLSGskOcspParms { Bogus { a { b { c { d { e { f { g } } } } } } } } } }\n",
	    "has no HandshakeRole"),
	ERR_CASE("open brace inside a block",
	    R(" Direction Inbound\n LocalPortRange 1\n { Trace 1 }"),
	    "unexpected '{' (a block must follow a statement type or an inline parameter)"),
	/* 60 */ ERR_CASE("bad time of day range", "IpTimeCondition t { TimeOfDayRange 08:00 }\n",
	    "TimeOfDayRange: '08:00' is not a range hh:mm-hh:mm"),
	ERR_CASE("bad time zone", "IpTimeCondition t { TimeZone Mars }\n",
	    "TimeZone: 'Mars' is not one of Local UTC"),
	WARN_CASE("empty set statement", "IpAddrSet s\n{\n}\n",
	    "IpAddrSet s is empty; a rule that uses it never matches"),
	WARN_CASE("ipv6 host bits", R(" Direction Inbound\n RemoteAddr 2001:db8::1/32"),
	    "RemoteAddr: '2001:db8::1/32' has bits set after the prefix"),
	ERR_CASE("bad second address of a range", R(" Direction Inbound\n RemoteAddr 10.0.0.1-x"),
	    "RemoteAddr: 'x' is not an IPv4 or IPv6 address"),
	OK_CASE("every sub-statement as a global statement named by Ref",
	    "TTLSGroupAdvancedParms ga { SyslogFacility Daemon }\n"
	    "TTLSGroupAction g { TTLSEnabled On\n TTLSGroupAdvancedParmsRef ga }\n"
	    "TTLSKeyringParms k { Keyring ring }\n"
	    "TTLSCipherParms c { V3CipherSuites SSL_RSA_WITH_AES_128_CBC_SHA }\n"
	    "TTLSSignatureParms s { ClientKeyShareGroups 0023 0029 }\n"
	    "TTLSEnvironmentAdvancedParms ea { TLSv1.3 On\n HostReferenceIdCN h.example }\n"
	    "TTLSConnectionAdvancedParms ca { TLSv1.2 Off }\n"
	    "TTLSGskLdapParms l { }\n"
	    "TTLSGskOcspParms o { OcspServerStapling Off }\n"
	    "TTLSGskHttpCdpParms h { HttpCdpEnable Off }\n"
	    "TTLSGskAdvancedParms gsk\n{\n TTLSGskLdapParmsRef l\n TTLSGskOcspParmsRef o\n"
	    " TTLSGskHttpCdpParmsRef h\n}\n"
	    "TTLSEnvironmentAction e\n{\n HandshakeRole Client\n TTLSKeyringParmsRef k\n"
	    " TTLSCipherParmsRef c\n TTLSSignatureParmsRef s\n TTLSEnvironmentAdvancedParmsRef ea\n"
	    " TTLSGskAdvancedParmsRef gsk\n}\n"
	    "TTLSConnectionAction cn\n{\n TTLSCipherParmsRef c\n TTLSSignatureParmsRef s\n"
	    " TTLSConnectionAdvancedParmsRef ca\n}\n"
	    "IpAddrGroup ag { IpAddrSet { Range 192.0.2.1-192.0.2.9 } }\n"
	    "PortRange pr { Port 8443 }\n"
	    "IpTimeCondition t { TimeZone UTC }\n"
	    "TTLSRule r\n{\n Direction Outbound\n RemoteAddrGroupRef ag\n RemotePortRangeRef pr\n"
	    " IpTimeConditionRef t\n TTLSGroupActionRef g\n TTLSEnvironmentActionRef e\n"
	    " TTLSConnectionActionRef cn\n}\n"),
	ERR_CASE("connection-only subset refuses ClientAuthType",
	    "TTLSConnectionAdvancedParms c { Zz 1 }\nTTLSConnectionAdvancedParms d { ClientAuthType Full }\n",
	    "xx-never"),
};

static void
test_cases(void **state)
{
	(void)state;
	/* The last case checks the warning below instead. */
	run_cases(cases, sizeof(cases) / sizeof(cases[0]) - 1);
}

/* More value tokens on one line than the parser keeps. */
static void
test_too_many_values(void **state)
{
	char text[4096];
	size_t used, i;
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct at_err err;

	(void)state;
	used = (size_t)snprintf(text, sizeof(text), "TTLSCipherParms c {\n V3CipherSuites4Char");
	for (i = 0; i < 300; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, " C02F");
	used += (size_t)snprintf(text + used, sizeof(text) - used, "\n}\n");
	assert_true(used < sizeof(text));
	policy_diags_init(&d);
	assert_int_equal(policy_set_load_text("x", text, used, &set, &d, &err), AT_E_INPUT);
	assert_true(has_diag(&d, POLICY_DIAG_ERROR, "too many values on one line", 2));
	policy_diags_free(&d);
}

static void
test_conn_adv_subset(void **state)
{
	struct policy_diags d;
	struct policy_set *set = NULL;
	struct at_err err;
	const char *t = "TTLSConnectionAdvancedParms d { ClientAuthType Full }\n";

	(void)state;
	policy_diags_init(&d);
	assert_int_equal(policy_set_load_text("x", t, strlen(t), &set, &d, &err), AT_OK);
	assert_true(has_diag(&d, POLICY_DIAG_WARNING,
	    "unknown parameter 'ClientAuthType' in TTLSConnectionAdvancedParms", 1));
	policy_set_free(set);
	policy_diags_free(&d);
}

/* ---- the example files ---------------------------------------------------- */

static enum at_rc
load_file(const char *rel, struct policy_set **set, struct policy_diags *d)
{
	char path[1024];
	const char *paths[1] = { path };
	struct policy_load_opts o;
	struct at_err err;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", ATTLS_SOURCE_DIR, rel) <
	    sizeof(path));
	memset(&o, 0, sizeof(o));
	o.policy_paths = paths;
	o.npolicy = 1;
	policy_diags_init(d);
	return policy_set_load(&o, set, d, &err);
}

static void
test_seed_db2(void **state)
{
	struct policy_set *set = NULL;
	struct policy_diags d;
	const struct policy_rule *r;

	(void)state;
	assert_int_equal(load_file("examples/seed-db2-server.policy", &set, &d), AT_OK);
	assert_int_equal(d.nerrors + d.nwarnings, 0);
	assert_int_equal(policy_set_rule_count(set), 1);
	r = policy_set_rule(set, 0);
	assert_string_equal(r->name, "Db2ServerRule~1");
	assert_int_equal(r->priority, 255);
	assert_int_equal(r->dir, POLICY_DIR_INBOUND);
	assert_int_equal(r->lport.n, 1);
	assert_int_equal(r->lport.ranges[0].lo, 2445);
	assert_int_equal(r->rport.ranges[0].lo, 1024);
	assert_int_equal(r->rport.ranges[0].hi, 65535);
	assert_string_equal(r->jobname.pattern, "DSN2DIST");
	assert_false(r->laddr.any);
	assert_true(r->enabled);
	assert_string_equal(r->actions->keyring, "Db2.KeyRing");
	assert_int_equal(r->actions->role, POLICY_ROLE_SERVER);
	assert_int_equal(r->actions->trace, 7);
	/* TLSv1.3 stays off: the seed does not turn it on (as on z/OS). */
	assert_int_equal(r->actions->protocols, POLICY_PROTO_TLSV12);
	policy_set_free(set);
	policy_diags_free(&d);
}

static void
test_seed_batch(void **state)
{
	struct policy_set *set = NULL;
	struct policy_diags d;

	(void)state;
	assert_int_equal(load_file("examples/seed-batch-client.policy", &set, &d), AT_OK);
	assert_int_equal(policy_set_rule_count(set), 1);
	assert_int_equal(policy_set_rule(set, 0)->actions->role, POLICY_ROLE_CLIENT);
	assert_string_equal(policy_set_rule(set, 0)->actions->keyring, "Liberty.KeyRing");
	policy_set_free(set);
	policy_diags_free(&d);

	assert_int_equal(load_file("examples/seed-batch-client-as-printed.policy", &set, &d),
	    AT_E_INPUT);
	assert_null(set);
	if (!has_diag(&d, POLICY_DIAG_ERROR, "did you mean 'TTLSKeyringParms'?", 55)) {
		dump_diags(&d);
		fail();
	}
	assert_int_equal(d.v[0].column, 1);
	policy_diags_free(&d);
}

static void
test_diag_format(void **state)
{
	struct policy_diags d;
	struct at_buf b;
	struct at_err err;

	(void)state;
	policy_diags_init(&d);
	assert_int_equal(policy_diags_add(&d, POLICY_DIAG_ERROR, "f.policy", 3, 7, "bad %s", "x"),
	    AT_OK);
	assert_int_equal(policy_diags_add(&d, POLICY_DIAG_WARNING, NULL, 0, 0, "general"), AT_OK);
	at_buf_init(&b, 1024);
	assert_int_equal(policy_diag_format(&d.v[0], &b, &err), AT_OK);
	assert_string_equal(at_buf_cstr(&b), "f.policy:3:7: error: bad x");
	at_buf_reset(&b);
	assert_int_equal(policy_diag_format(&d.v[1], &b, &err), AT_OK);
	assert_string_equal(at_buf_cstr(&b), "warning: general");
	at_buf_free(&b);
	policy_diags_free(&d);
	policy_diags_free(NULL);
	policy_set_free(NULL);
	assert_int_equal(policy_set_rule_count(NULL), 0);
	assert_null(policy_set_rule(NULL, 0));
	assert_int_equal(policy_set_log_level(NULL), 31);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_conn_adv_subset),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_seed_db2),
		cmocka_unit_test(test_seed_batch),
		cmocka_unit_test(test_diag_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
