/*
 * settings_test.c - every setting is applied, refused, or accepted with a
 * warning that says it has no effect: revocation checking (not
 * implemented) is refused where a setting would turn it on, its tuning is
 * a warning, and the identity and SNI settings of a client that would do
 * less than they say are reported.
 */
#include "policy_cases.h"

#define ENV(role, body) \
	"TTLSGroupAction g { TTLSEnabled On }\n" \
	"TTLSEnvironmentAction e\n{\n HandshakeRole " role "\n" \
	" TTLSKeyringParms { Keyring k }\n" body "\n}\n" \
	"TTLSRule r1\n{\n Direction Outbound\n RemotePortRange 443\n TTLSGroupActionRef g\n" \
	" TTLSEnvironmentActionRef e\n}\n"
#define ADV(lines) " TTLSEnvironmentAdvancedParms\n {\n" lines "\n }"
#define GSK(lines) " TTLSGskAdvancedParms\n {\n" lines "\n }"
#define REF " HostReferenceIdDNS host.example\n"
#define NOREV "certificate revocation checking (OCSP, CRLs) is not implemented"

static const struct pcase cases[] = {
	/* 0 */ ERR_CASE("OcspUrl would turn OCSP on",
	    ENV("Server", GSK("  TTLSGskOcspParms\n  {\n   OcspUrl http://ocsp.example\n  }")),
	    "OcspUrl http://ocsp.example: " NOREV),
	ERR_CASE("OcspAiaEnable On would turn OCSP on",
	    ENV("Server", GSK("  TTLSGskOcspParms { OcspAiaEnable On }")), NOREV),
	ERR_CASE("OCSP stapling",
	    ENV("Server", GSK("  TTLSGskOcspParms { OcspServerStapling EndEntity }")), NOREV),
	ERR_CASE("a CRL from LDAP",
	    ENV("Server", GSK("  TTLSGskLdapParms { GSK_LDAP_SERVER ldap.example }")), NOREV),
	ERR_CASE("a CRL over HTTP",
	    ENV("Server", GSK("  TTLSGskHttpCdpParms { HttpCdpEnable On }")), NOREV),
	/* 5 */ OK_CASE("revocation turned off, as it is",
	    ENV("Server", GSK("  TTLSGskHttpCdpParms { HttpCdpEnable Off }\n"
	    "  TTLSGskOcspParms\n  {\n   OcspAiaEnable Off\n   OcspServerStapling Off\n  }"))),
	WARN_CASE("OCSP tuning has no effect",
	    ENV("Server", GSK("  TTLSGskOcspParms { OcspNonceSize 16 }")),
	    "OcspNonceSize has no effect here: certificate revocation checking is not "
	    "implemented"),
	WARN_CASE("revocation level has no effect",
	    ENV("Server", GSK("  RevocationSecurityLevel High")),
	    "RevocationSecurityLevel has no effect here"),
	WARN_CASE("a client that checks no host name is told so",
	    ENV("Client", ""),
	    "TTLSRule r1: the client checks that the server's certificate comes from a CA "
	    "in key ring k, not which host it names"),
	OK_CASE("a client with HostReferenceIdCN", ENV("Client", ADV("  HostReferenceIdCN h"))),
	/* 10 */ OK_CASE("a client with HostReferenceIdDNS", ENV("Client", ADV(REF))),
	ERR_CASE("ClientHandshakeSNI Required with no name",
	    ENV("Client", ADV("  ClientHandshakeSNI Required\n  HostReferenceIdCN h")),
	    "ClientHandshakeSNI Required but no name to send"),
	WARN_CASE("ClientHandshakeSNI Optional with no name",
	    ENV("Client", ADV("  ClientHandshakeSNI Optional\n  HostReferenceIdCN h")),
	    "ClientHandshakeSNI Optional but no name to send"),
	OK_CASE("SNI from HostReferenceIdDNS", ENV("Client", ADV(REF "  ClientHandshakeSNI Required"))),
	ERR_CASE("more than one SNI name",
	    ENV("Client", ADV(REF "  ClientHandshakeSNI Optional\n"
	    "  ClientHandshakeSNIList a.example b.example")), "names more than one server"),
	/* 15 */ WARN_CASE("an IP address is not sent as SNI",
	    ENV("Client", ADV(REF "  ClientHandshakeSNI Optional\n  ClientHandshakeSNIList 10.0.0.1")),
	    "ClientHandshakeSNIList 10.0.0.1 is an IP address; RFC 6066 allows only host "
	    "names as a server name, so none is sent"),
	ERR_CASE("an IP address cannot be a required SNI",
	    ENV("Client", ADV(REF "  ClientHandshakeSNI Required\n  ClientHandshakeSNIList ::1")),
	    "ClientHandshakeSNI Required cannot be kept"),
	WARN_CASE("RFC2459 validates as RFC 5280",
	    ENV("Client", ADV(REF "  CertValidationMode RFC2459")),
	    "CertValidationMode RFC2459 validates as RFC 5280 here"),
	ERR_CASE("ServerHandshakeSNIList is not implemented",
	    ENV("Server", ADV("  ServerHandshakeSNIList a.example")),
	    "ServerHandshakeSNIList is not implemented"),
	ERR_CASE("HostRefWildcardValidation takes On or Off",
	    ENV("Client", ADV(REF "  HostRefWildcardValidation Maybe")),
	    "HostRefWildcardValidation"),
	/* 20 */ OK_CASE("HostRefWildcardValidation On",
	    ENV("Client", ADV(REF "  HostRefWildcardValidation On"))),
	WARN_CASE("an SNI list that is never sent",
	    ENV("Client", ADV(REF "  ClientHandshakeSNIList a.example")),
	    "ClientHandshakeSNIList has no effect with ClientHandshakeSNI Off"),
	WARN_CASE("a server checks no server name",
	    ENV("Server", ADV(REF)), "HostReferenceIdDNS and HostReferenceIdCN have no "
	    "effect with HandshakeRole Server"),
	WARN_CASE("a plain server has no client certificate to hold to a minimum",
	    ENV("Server", ADV("  PeerMinRsaKeySize 2048")),
	    "PeerMinRsaKeySize has no effect with HandshakeRole Server"),
	OK_CASE("a server asking for client certificates holds them to a minimum",
	    ENV("ServerWithClientAuth", ADV("  PeerMinRsaKeySize 2048"))),
	/* 25 */ WARN_CASE("a client does not serve SNI",
	    ENV("Client", ADV(REF "  ServerHandshakeSNI Required")),
	    "ServerHandshakeSNI has no effect with HandshakeRole Client"),
};

static void
test_cases(void **state)
{
	(void)state;
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
