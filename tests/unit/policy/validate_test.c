/*
 * validate_test.c - validation diagnostics: references (undefined, wrong
 * type), duplicates, required parameters, contradictory settings, rules
 * that never match or are shadowed.
 */
#include "policy_cases.h"

#define R(body) BASE_ACTIONS RULE("r1", body)
#define GROUP_ENV_CONN(envbody, connbody) \
	"TTLSGroupAction g { TTLSEnabled On }\n" \
	"TTLSEnvironmentAction e\n{\n TTLSKeyringParms { Keyring k }\n" envbody "\n}\n" \
	"TTLSConnectionAction c\n{\n" connbody "\n}\n" \
	"TTLSRule r1\n{\n Direction Inbound\n LocalPortRange 1\n TTLSGroupActionRef g\n" \
	" TTLSEnvironmentActionRef e\n TTLSConnectionActionRef c\n}\n"

static const struct pcase cases[] = {
	/* 0 */ ERR_CASE("undefined reference", R(" Direction Inbound\n LocalAddrSetRef nope"),
	    "LocalAddrSetRef: no IpAddrSet named 'nope' is defined"),
	ERR_CASE("wrongly typed reference",
	    BASE_ACTIONS "PortRange p { Port 1 }\n" RULE("r1", " Direction Inbound\n LocalAddrSetRef p"),
	    "LocalAddrSetRef 'p' names a PortRange (test.policy:7); it must name a statement of type IpAddrSet"),
	ERR_CASE("names are case-sensitive",
	    "TTLSGroupAction G { TTLSEnabled Off }\n"
	    "TTLSRule r1\n{\n Direction Inbound\n LocalPortRange 1\n TTLSGroupActionRef g\n}\n",
	    "TTLSGroupActionRef: no TTLSGroupAction named 'g' is defined; did you mean 'G' "
	    "(names are case-sensitive)?"),
	ERR_CASE("duplicate name of the same type",
	    BASE_ACTIONS "TTLSGroupAction g { TTLSEnabled Off }\n" RULE("r1", " Direction Inbound\n LocalPortRange 1"),
	    "duplicate TTLSGroupAction 'g' (first defined at test.policy:1)"),
	OK_CASE("same name, different types",
	    "TTLSGroupAction x { TTLSEnabled Off }\nPortRange x { Port 5 }\n"
	    "TTLSRule x\n{\n Direction Inbound\n LocalPortRangeRef x\n TTLSGroupActionRef x\n}\n"),
	/* 5 */ ERR_CASE("duplicate rule names",
	    R(" Direction Inbound\n LocalPortRange 1") RULE("r1", " Direction Inbound\n LocalPortRange 2"),
	    "duplicate TTLSRule 'r1'"),
	ERR_CASE("no Direction", R(" LocalPortRange 1"), "TTLSRule r1 has no Direction"),
	ERR_CASE("no group action",
	    "TTLSRule r1\n{\n Direction Inbound\n LocalPortRange 1\n}\n",
	    "TTLSRule r1 has no TTLSGroupActionRef"),
	ERR_CASE("only Direction", R(" Direction Inbound"),
	    "TTLSRule r1 has no condition besides Direction"),
	OK_CASE("an explicit catch-all counts as a condition",
	    R(" Direction Inbound\n LocalAddr All")),
	/* 10 */ ERR_CASE("enabled group without environment",
	    "TTLSGroupAction g { TTLSEnabled On }\n"
	    "TTLSRule r1\n{\n Direction Inbound\n LocalPortRange 1\n TTLSGroupActionRef g\n}\n",
	    "needs a TTLSEnvironmentActionRef"),
	OK_CASE("disabled group needs no environment",
	    "TTLSGroupAction g { TTLSEnabled Off }\n"
	    "TTLSRule r1\n{\n Direction Inbound\n LocalPortRange 1\n TTLSGroupActionRef g\n}\n"),
	ERR_CASE("group without TTLSEnabled", "TTLSGroupAction g { Trace 1 }\n",
	    "TTLSGroupAction g has no TTLSEnabled"),
	ERR_CASE("environment without HandshakeRole",
	    "TTLSEnvironmentAction e { TTLSKeyringParms { Keyring k } }\n",
	    "TTLSEnvironmentAction e has no HandshakeRole"),
	ERR_CASE("environment without key ring",
	    "TTLSEnvironmentAction e { HandshakeRole Client }\n",
	    "TTLSEnvironmentAction e has no key ring"),
	/* 15 */ ERR_CASE("key ring statement without Keyring", "TTLSKeyringParms k { KeyringPw x }\n",
	    "TTLSKeyringParms k has no Keyring"),
	ERR_CASE("IpAddr without Addr", "IpAddr a { }\n", "IpAddr a has no Addr"),
	ERR_CASE("PortRange without Port", "PortRange p\n{\n}\n", "PortRange p has no Port"),
	ERR_CASE("no protocol left on",
	    GROUP_ENV_CONN(" HandshakeRole Server\n TTLSEnvironmentAdvancedParms { TLSv1.2 Off }",
	    " TTLSConnectionAdvancedParms { TLSv1.3 Off }"),
	    "TTLSRule r1: no protocol is left On (environment e, connection c)"),
	OK_CASE("connection turns a protocol back on",
	    GROUP_ENV_CONN(" HandshakeRole Server\n TTLSEnvironmentAdvancedParms\n {\n  TLSv1.2 Off\n"
	    "  TLSv1.3 Off\n }", " TTLSConnectionAdvancedParms { TLSv1.3 On }")),
	/* 20 */ WARN_CASE("client role with client-auth settings",
	    GROUP_ENV_CONN(" HandshakeRole Client\n TTLSEnvironmentAdvancedParms { ClientAuthType Full }",
	    " Trace 1"),
	    "ClientAuthType has no effect with HandshakeRole Client"),
	WARN_CASE("empty address set never matches",
	    BASE_ACTIONS "IpAddrSet s { }\n" RULE("r1", " Direction Inbound\n LocalAddrSetRef s"),
	    "TTLSRule r1 can never match: one of its address or port sets is empty"),
	WARN_CASE("IPv4 local with IPv6 remote never matches",
	    R(" Direction Inbound\n LocalAddr 10.0.0.1\n RemoteAddr 2001:db8::1"),
	    "its local addresses are all IPv4 and its remote addresses all IPv6"),
	WARN_CASE("shadowed by a broader rule of higher priority",
	    BASE_ACTIONS RULE("wide", " Direction Both\n LocalPortRange 1-1000\n Priority 10")
	    RULE("narrow", " Direction Inbound\n LocalPortRange 21\n Jobname FTPD\n Priority 5"),
	    "TTLSRule narrow is never used: TTLSRule wide (test.policy:7, priority 10)"),
	WARN_CASE("shadowed on equal priority by name order",
	    BASE_ACTIONS RULE("a", " Direction Inbound\n Jobname FTP*")
	    RULE("b", " Direction Inbound\n Jobname FTPD"),
	    "TTLSRule b is never used: TTLSRule a"),
	/* 25 */ OK_CASE("not shadowed: narrower rule first",
	    BASE_ACTIONS RULE("wide", " Direction Both\n LocalPortRange 1-1000\n Priority 5")
	    RULE("narrow", " Direction Inbound\n LocalPortRange 21\n Priority 10")),
	OK_CASE("not shadowed: different direction",
	    BASE_ACTIONS RULE("a", " Direction Outbound\n LocalPortRange 1-1000\n Priority 10")
	    RULE("b", " Direction Inbound\n LocalPortRange 21\n Priority 5")),
	OK_CASE("not shadowed: address outside",
	    BASE_ACTIONS RULE("a", " Direction Inbound\n RemoteAddr 10.0.0.0/8\n Priority 10")
	    RULE("b", " Direction Inbound\n RemoteAddr 192.168.0.0/16\n Priority 5")),
	WARN_CASE("shadowed: address inside",
	    BASE_ACTIONS RULE("a", " Direction Inbound\n RemoteAddr 10.0.0.0/8\n Priority 10")
	    RULE("b", " Direction Inbound\n RemoteAddr 10.1.2.0-10.1.2.200\n Priority 5"),
	    "TTLSRule b is never used"),
};

static void
test_cases(void **state)
{
	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A file with errors is refused as a whole, and every error is listed. */
static void
test_refused_whole(void **state)
{
	static const char text[] = BASE_ACTIONS
	    RULE("good", " Direction Inbound\n LocalPortRange 1")
	    RULE("bad", " Direction Inbound\n LocalPortRange 2\n Priority 0")
	    "TTLSGroupAction h { TTLSEnabled Maybe }\n";
	struct policy_diags d;
	struct policy_set *set = (struct policy_set *)&d; /* must be reset to NULL */
	struct at_err err;

	(void)state;
	policy_diags_init(&d);
	assert_int_equal(policy_set_load_text("t", text, strlen(text), &set, &d, &err),
	    AT_E_INPUT);
	assert_null(set);
	assert_int_equal(d.nerrors, 2);
	assert_non_null(strstr(err.msg, "2 errors"));
	policy_diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_refused_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
