/*
 * policy_kw.c - the statements of the policy language and, for each, its
 * parameters: kind of value, range, default, and where the resolved value
 * goes.  The parser, the resolver, `attls policy show` and the
 * documentation all follow these tables.
 */
#include <stddef.h>
#include <string.h>

#include "policy/policy_int.h"

#define F(x) (offsetof(struct policy_actions, x) + 1)
#define END { .name = NULL }

static const struct policy_enum e_dir[] = {
	{ "Inbound", POLICY_DIR_INBOUND }, { "Outbound", POLICY_DIR_OUTBOUND },
	{ "Both", POLICY_DIR_BOTH }, { NULL, 0 } };
static const struct policy_enum e_role[] = {
	{ "Client", POLICY_ROLE_CLIENT }, { "Server", POLICY_ROLE_SERVER },
	{ "ServerWithClientAuth", POLICY_ROLE_SERVER_CLIENT_AUTH }, { NULL, 0 } };
static const struct policy_enum e_clientauth[] = {
	{ "Required", POLICY_CLIENT_AUTH_REQUIRED }, { "PassThru", POLICY_CLIENT_AUTH_PASSTHRU },
	{ "Full", POLICY_CLIENT_AUTH_FULL }, { "SAFCheck", POLICY_CLIENT_AUTH_SAFCHECK },
	{ NULL, 0 } };
static const struct policy_enum e_fips[] = {
	{ "Off", POLICY_FIPS_OFF }, { "On", POLICY_FIPS_ON }, { "Level1", POLICY_FIPS_LEVEL1 },
	{ "Level2", POLICY_FIPS_LEVEL2 }, { "Level3", POLICY_FIPS_LEVEL3 }, { NULL, 0 } };
static const struct policy_enum e_suiteb[] = {
	{ "Off", POLICY_SUITEB_OFF }, { "128", POLICY_SUITEB_128 },
	{ "128Min", POLICY_SUITEB_128MIN }, { "192", POLICY_SUITEB_192 },
	{ "192Min", POLICY_SUITEB_192MIN }, { "All", POLICY_SUITEB_ALL }, { NULL, 0 } };
static const struct policy_enum e_tri[] = {
	{ "Off", POLICY_TRI_OFF }, { "Optional", POLICY_TRI_OPTIONAL },
	{ "Required", POLICY_TRI_REQUIRED }, { NULL, 0 } };
static const struct policy_enum e_reneg[] = {
	{ "Default", POLICY_RENEG_DEFAULT }, { "Disabled", POLICY_RENEG_DISABLED },
	{ "All", POLICY_RENEG_ALL }, { "Abbreviated", POLICY_RENEG_ABBREVIATED }, { NULL, 0 } };
static const struct policy_enum e_renegind[] = {
	{ "Optional", 0 }, { "Client", 1 }, { "Server", 2 }, { "Both", 3 }, { NULL, 0 } };
static const struct policy_enum e_certval[] = {
	{ "Any", POLICY_CERTVAL_ANY }, { "RFC2459", POLICY_CERTVAL_RFC2459 },
	{ "RFC3280", POLICY_CERTVAL_RFC3280 }, { "RFC5280", POLICY_CERTVAL_RFC5280 },
	{ NULL, 0 } };
static const struct policy_enum e_syslog[] = {
	{ "Daemon", POLICY_SYSLOG_DAEMON }, { "Auth", POLICY_SYSLOG_AUTH }, { NULL, 0 } };
static const struct policy_enum e_certver[] = { { "Any", 0 }, { "3", 3 }, { NULL, 0 } };
static const struct policy_enum e_ems[] = {
	{ "Off", 0 }, { "On", 1 }, { "Required", 2 }, { NULL, 0 } };
static const struct policy_enum e_cedh[] = { { "Legacy", 0 }, { "2048", 1 }, { NULL, 0 } };
static const struct policy_enum e_sedh[] = {
	{ "Legacy", 0 }, { "2048", 1 }, { "Match", 2 }, { NULL, 0 } };
static const struct policy_enum e_level[] = {
	{ "Low", 0 }, { "Medium", 1 }, { "High", 2 }, { NULL, 0 } };
static const struct policy_enum e_ticketalg[] = {
	{ "AESCBC128", 0 }, { "AESCBC256", 1 }, { "AES_128", 2 }, { "AES_256", 3 }, { NULL, 0 } };
static const struct policy_enum e_stapling[] = {
	{ "Off", 0 }, { "Any", 1 }, { "EndEntity", 2 }, { NULL, 0 } };
static const struct policy_enum e_fraglen[] = {
	{ "512", 512 }, { "1024", 1024 }, { "2048", 2048 }, { "4096", 4096 }, { NULL, 0 } };
static const struct policy_enum e_snimatch[] = {
	{ "Optional", 0 }, { "Required", 1 }, { NULL, 0 } };

#define BOOLF(n, f, d, ...) { .name = n, .kind = K_BOOL, .off = F(f), .dflt = d, __VA_ARGS__ }
#define BOOLX(n, d, ...) { .name = n, .kind = K_BOOL, .dflt = d, __VA_ARGS__ }
#define U32F(n, f, lo, hi, d, ...) { .name = n, .kind = K_U32, .off = F(f), .min = lo, .max = hi, .dflt = d, __VA_ARGS__ }
#define U32X(n, lo, hi, d, ...) { .name = n, .kind = K_U32, .min = lo, .max = hi, .dflt = d, __VA_ARGS__ }
#define ENUMF(n, f, e, d, ...) { .name = n, .kind = K_ENUM, .off = F(f), .enums = e, .dflt = d, __VA_ARGS__ }
#define ENUMX(n, e, d, ...) { .name = n, .kind = K_ENUM, .enums = e, .dflt = d, __VA_ARGS__ }
#define LABELF(n, f, ...) { .name = n, .kind = K_LABEL, .off = F(f), __VA_ARGS__ }
#define LABELX(n, ...) { .name = n, .kind = K_LABEL, __VA_ARGS__ }
#define STRX(n, ...) { .name = n, .kind = K_STR, __VA_ARGS__ }
#define REF(n, t) { .name = n, .kind = K_REF, .child = t, .multi = true }
#define INL(n, t) { .name = n, .kind = K_INLINE, .child = t, .multi = true }
#define HEXF(n, f, ...) { .name = n, .kind = K_HEXLIST, .off = F(f), .multi = true, __VA_ARGS__ }
/* z/OS writes named groups as the decimal IANA number in four digits. */
#define GRPF(n, f, ...) { .name = n, .kind = K_GROUPLIST, .off = F(f), .multi = true, __VA_ARGS__ }
#define PROTO(n, bit, ...) { .name = n, .kind = K_PROTO, .off = F(protocols), .max = bit, __VA_ARGS__ }
#define ENVONLY(k) k
#define EO .env_only = true
/* Applied, and the test that shows it; or no effect here, and why. */
#define AP(test) .applied = test
#define NE(why) .noeffect = why

/* Why a parameter has no effect here (the warnings a check gives). */
#define NOCTRACE "attls writes no component trace; Trace levels go to the log"
#define UINST "it only makes z/OS rebuild an environment; attls rebuilds them at each refresh"
#define PEMRING "a key ring file here is PEM without a password"
#define MAXFRAG "the maximum fragment length extension is not negotiated"
#define EDH "OpenSSL sizes the DH group to the certificate's key"
#define EMS "OpenSSL always offers and accepts the extended master secret"
#define TICKETKEY "OpenSSL keeps one random ticket key (AES-256-CBC, HMAC-SHA256) " \
	"per environment until a refresh"
#define NOREV "certificate revocation checking is not implemented"

static const struct policy_kw kw_rule[] = {
	{ .name = "LocalAddr", .kind = K_ADDR, .slot = SLOT_LADDR, .dflt = "All",
	    AP("policy_match_test") },
	{ .name = "LocalAddrRef", .kind = K_REF, .child = ST_IPADDR, .slot = SLOT_LADDR },
	{ .name = "LocalAddrSetRef", .kind = K_REF, .child = ST_IPADDRSET, .slot = SLOT_LADDR },
	{ .name = "LocalAddrGroupRef", .kind = K_REF, .child = ST_IPADDRGROUP, .slot = SLOT_LADDR },
	{ .name = "RemoteAddr", .kind = K_ADDR, .slot = SLOT_RADDR, .dflt = "All",
	    AP("policy_match_test") },
	{ .name = "RemoteAddrRef", .kind = K_REF, .child = ST_IPADDR, .slot = SLOT_RADDR },
	{ .name = "RemoteAddrSetRef", .kind = K_REF, .child = ST_IPADDRSET, .slot = SLOT_RADDR },
	{ .name = "RemoteAddrGroupRef", .kind = K_REF, .child = ST_IPADDRGROUP, .slot = SLOT_RADDR },
	{ .name = "LocalPortRange", .kind = K_PORT, .slot = SLOT_LPORT, .dflt = "0",
	    AP("policy_match_test") },
	{ .name = "LocalPortRangeRef", .kind = K_REF, .child = ST_PORTRANGE, .slot = SLOT_LPORT },
	{ .name = "LocalPortGroupRef", .kind = K_REF, .child = ST_PORTGROUP, .slot = SLOT_LPORT },
	{ .name = "RemotePortRange", .kind = K_PORT, .slot = SLOT_RPORT, .dflt = "0",
	    AP("policy_match_test") },
	{ .name = "RemotePortRangeRef", .kind = K_REF, .child = ST_PORTRANGE, .slot = SLOT_RPORT },
	{ .name = "RemotePortGroupRef", .kind = K_REF, .child = ST_PORTGROUP, .slot = SLOT_RPORT },
	{ .name = "Jobname", .kind = K_JOB, AP("policy_match_test") },
	{ .name = "Userid", .kind = K_JOB, AP("policy_match_test") },
	{ .name = "Direction", .kind = K_DIR, .enums = e_dir, AP("policy_match_test") },
	{ .name = "Priority", .kind = K_U32, .min = 1, .max = 2000000000, .dflt = "1",
	    AP("policy_resolve_test") },
	{ .name = "IpTimeConditionRef", .kind = K_REF, .child = ST_TIME, .slot = SLOT_TIME },
	{ .name = "IpTimeCondition", .kind = K_INLINE, .child = ST_TIME, .slot = SLOT_TIME },
	{ .name = "TTLSGroupActionRef", .kind = K_REF, .child = ST_GROUP, .slot = SLOT_GROUP },
	{ .name = "TTLSEnvironmentActionRef", .kind = K_REF, .child = ST_ENV, .slot = SLOT_ENV },
	{ .name = "TTLSConnectionActionRef", .kind = K_REF, .child = ST_CONN, .slot = SLOT_CONN },
	END
};

static const struct policy_kw kw_group[] = {
	BOOLF("TTLSEnabled", enabled, NULL, AP("cli_shim_daemon_test")),
	BOOLF("CtraceClearText", ctrace_clear_text, "Off", NE(NOCTRACE)),
	U32F("Trace", trace, 0, 255, "2", AP("cli_daemon_test")),
	ENUMF("FIPS140", fips140, e_fips, "Off",
	    NE("OpenSSL is not put in FIPS mode; the value only shows in a "
	    "connection's query results")),
	U32F("GroupUserInstance", group_user_instance, 0, 65535, "0", NE(UINST)),
	INL("TTLSGroupAdvancedParms", ST_GROUP_ADV),
	REF("TTLSGroupAdvancedParmsRef", ST_GROUP_ADV),
	END
};

static const struct policy_kw kw_group_adv[] = {
	/* Its GSK_* variables are applied as TTLSGskAdvancedParms (envfile.c). */
	LABELF("Envfile", envfile, AP("policy_fidelity_test, cli_policy_fidelity_test")),
	ENUMF("SyslogFacility", syslog_facility, e_syslog, "Daemon",
	    AP("attlsd syslog sink (no automated test)")),
	END
};

static const struct policy_kw kw_env[] = {
	ENUMF("HandshakeRole", role, e_role, NULL, AP("cli_shim_daemon_test")),
	INL("TTLSKeyringParms", ST_KEYRING),
	REF("TTLSKeyringParmsRef", ST_KEYRING),
	INL("TTLSCipherParms", ST_CIPHER),
	REF("TTLSCipherParmsRef", ST_CIPHER),
	INL("TTLSSignatureParms", ST_SIGNATURE),
	REF("TTLSSignatureParmsRef", ST_SIGNATURE),
	INL("TTLSEnvironmentAdvancedParms", ST_ENV_ADV),
	REF("TTLSEnvironmentAdvancedParmsRef", ST_ENV_ADV),
	INL("TTLSGskAdvancedParms", ST_GSK_ADV),
	REF("TTLSGskAdvancedParmsRef", ST_GSK_ADV),
	ENUMF("SuiteBProfile", suiteb, e_suiteb, "Off",
	    NE("Suite B profiles are not applied; list the cipher suites, groups "
	    "and signature pairs instead")),
	BOOLF("CtraceClearText", ctrace_clear_text, NULL, NE(NOCTRACE)),
	U32F("Trace", trace, 0, 255, NULL, AP("cli_daemon_test")),
	U32F("EnvironmentUserInstance", env_user_instance, 0, 65535, "0", NE(UINST)),
	END
};

static const struct policy_kw kw_conn[] = {
	ENUMF("HandshakeRole", role, e_role, NULL, AP("cli_shim_daemon_test")),
	INL("TTLSCipherParms", ST_CIPHER),
	REF("TTLSCipherParmsRef", ST_CIPHER),
	INL("TTLSSignatureParms", ST_SIGNATURE),
	REF("TTLSSignatureParmsRef", ST_SIGNATURE),
	INL("TTLSConnectionAdvancedParms", ST_CONN_ADV),
	REF("TTLSConnectionAdvancedParmsRef", ST_CONN_ADV),
	BOOLF("CtraceClearText", ctrace_clear_text, NULL, NE(NOCTRACE)),
	U32F("Trace", trace, 0, 255, NULL, AP("cli_daemon_test")),
	U32F("ConnectionUserInstance", conn_user_instance, 0, 65535, "0", NE(UINST)),
	END
};

static const struct policy_kw kw_keyring[] = {
	LABELF("Keyring", keyring, AP("cli_shim_daemon_test")),
	{ .name = "KeyringPw", .kind = K_STR, .off = F(keyring_pw), NE(PEMRING) },
	LABELF("KeyringStashFile", keyring_stash, NE(PEMRING)),
	END
};

/* Shared by the environment and connection advanced parameters. */
static const struct policy_kw kw_adv[] = {
	PROTO("SSLv2", POLICY_PROTO_SSLV2, NE("SSLv2 is not available in this build")),
	PROTO("SSLv3", POLICY_PROTO_SSLV3, NE("SSLv3 is not available in this build")),
	PROTO("TLSv1", POLICY_PROTO_TLSV1, AP("cli_tlsscan_test")),
	PROTO("TLSv1.1", POLICY_PROTO_TLSV11, AP("cli_tlsscan_test")),
	PROTO("TLSv1.2", POLICY_PROTO_TLSV12, AP("cli_tlsscan_test")),
	PROTO("TLSv1.3", POLICY_PROTO_TLSV13, AP("cli_tlsscan_test")),
	BOOLF("MiddleBoxCompatMode", middlebox_compat, "Off", AP("engine_tlsctx_test")),
	BOOLF("ApplicationControlled", application_controlled, "Off", AP("cli_applctl_test")),
	U32F("HandshakeTimeout", handshake_timeout, 0, 600, "10", AP("cli_daemon_test")),
	U32F("ResetCipherTimer", reset_cipher_timer, 0, 1440, "0",
	    NE("keys are not renewed on a timer")),
	ENUMF("Renegotiation", renegotiation, e_reneg, "Default", AP("engine_tlsctx_test")),
	ENUMX("RenegotiationIndicator", e_renegind, "Optional",
	    NE("OpenSSL always sends the renegotiation indication and refuses "
	    "insecure renegotiation")),
	BOOLX("RenegotiationCertCheck", "Off",
	    NE("renegotiation is refused unless Renegotiation All, and then not checked again")),
	/* Empty: no certificate at all, not the ring's default (Zowe writes it). */
	LABELF("CertificateLabel", certificate_label, .empty_ok = true,
	    AP("saf_ring_test, policy_fidelity_test, cli_policy_fidelity_test")),
	{ .name = "ServerCertificateLabel", .kind = K_STRLIST,
	  .off = F(server_certificate_labels), .multi = true, AP("cli_verify_labels_test") },
	{ .name = "ClientAuthType", .kind = K_ENUM, .off = F(client_auth_type),
	  .enums = e_clientauth, .dflt = "Required", EO, AP("engine_tlsctx_test") },
	{ .name = "CertValidationMode", .kind = K_ENUM, .off = F(cert_validation_mode),
	  .enums = e_certval, .dflt = "Any", EO, AP("cli_verify_settings_test") },
	{ .name = "PeerMinCertVersion", .kind = K_ENUM, .enums = e_certver, .dflt = "Any", EO,
	    AP("engine_tlsctx_test") },
	{ .name = "PeerMinDHKeySize", .kind = K_U32, .max = 65535, .dflt = "1024", EO,
	    AP("cli_verify_settings_test") },
	{ .name = "PeerMinDsaKeySize", .kind = K_U32, .max = 65535, .dflt = "1024", EO,
	    AP("cli_verify_settings_test (RSA, ECC, DH; DSA shares the check)") },
	{ .name = "PeerMinECCKeySize", .kind = K_U32, .max = 65535, .dflt = "192", EO,
	    AP("cli_verify_settings_test") },
	{ .name = "PeerMinRsaKeySize", .kind = K_U32, .max = 65535, .dflt = "1024", EO,
	    AP("cli_verify_settings_test") },
	LABELF("HostReferenceIdDNS", host_reference_id_dns, AP("cli_verify_settings_test")),
	LABELF("HostReferenceIdCN", host_reference_id_cn, AP("cli_verify_settings_test")),
	BOOLX("HostRefWildcardValidation", "Off", AP("cli_verify_settings_test")),
	BOOLF("SecondaryMap", secondary_map, "Off", AP("cli_secondarymap_test")),
	ENUMX("TruncatedHMAC", e_tri, "Off", NE("OpenSSL has no truncated HMAC")),
	ENUMX("ClientMaxSSLFragment", e_tri, "Off", NE(MAXFRAG)),
	ENUMX("ServerMaxSSLFragment", e_tri, "Off", NE(MAXFRAG)),
	ENUMX("ClientMaxSSLFragmentLength", e_fraglen, NULL, NE(MAXFRAG)),
	ENUMF("ClientHandshakeSNI", client_sni, e_tri, "Off", AP("cli_verify_settings_test")),
	LABELF("ClientHandshakeSNIList", client_sni_list, AP("cli_verify_settings_test")),
	ENUMX("ClientHandshakeSNIMatch", e_snimatch, NULL,
	    NE("a client matches the server's certificate to a host name only by "
	    "HostReferenceIdDNS; write the name there")),
	ENUMF("ServerHandshakeSNI", server_sni, e_tri, "Off", AP("cli_verify_settings_test")),
	ENUMX("ServerHandshakeSNIMatch", e_snimatch, NULL, AP("policy_settings_test")),
	LABELX("ServerHandshakeSNIList", AP("policy_settings_test")),
	{ .name = "3DesKeyCheck", .kind = K_BOOL, .dflt = "Off", EO,
	    NE("3DES keys are not checked for equal parts") },
	{ .name = "ClientEDHGroupSize", .kind = K_ENUM, .enums = e_cedh, EO, NE(EDH) },
	{ .name = "ServerEDHGroupSize", .kind = K_ENUM, .enums = e_sedh, EO, NE(EDH) },
	{ .name = "ServerScsv", .kind = K_BOOL, EO,
	    NE("OpenSSL always honours TLS_FALLBACK_SCSV") },
	{ .name = "ClientExtendedMasterSecret", .kind = K_ENUM, .enums = e_ems, EO, NE(EMS) },
	{ .name = "ServerExtendedMasterSecret", .kind = K_ENUM, .enums = e_ems, EO, NE(EMS) },
	END
};

static const struct policy_kw kw_cipher[] = {
	{ .name = "V2CipherSuites", .kind = K_V2CIPH, .off = F(v2_ciphers), .multi = true,
	    NE("SSLv2 is not available in this build") },
	{ .name = "V3CipherSuites", .kind = K_V3CIPH, .off = F(ciphers), .multi = true,
	    AP("cli_tlsscan_test") },
	{ .name = "V3CipherSuites4Char", .kind = K_V3CIPH4, .off = F(ciphers), .multi = true,
	    AP("cli_tlsscan_test") },
	END
};

static const struct policy_kw kw_signature[] = {
	GRPF("ClientECurves", client_ecurves, AP("engine_tlsctx_test")),
	GRPF("ClientKeyShareGroups", client_key_share_groups, AP("engine_tlsctx_test")),
	GRPF("ServerKexECurves", server_kex_ecurves, AP("engine_tlsctx_test")),
	GRPF("ServerKeyShareGroups", server_key_share_groups, AP("engine_tlsctx_test")),
	HEXF("SignaturePairs", signature_pairs, AP("engine_tlsctx_test")),
	HEXF("SignaturePairsCert", signature_pairs_cert,
	    NE("certificate signature algorithms are not restricted apart from SignaturePairs")),
	END
};

static const struct policy_kw kw_gsk[] = {
	BOOLX("GSK_SYSPLEX_SIDCACHE", "Off", NE("there is no sysplex-wide session cache")),
	U32X("GSK_V2_SESSION_TIMEOUT", 0, 100, "100", NE("SSLv2 is not available in this build")),
	U32X("GSK_V2_SIDCACHE_SIZE", 0, 32000, "256", NE("SSLv2 is not available in this build")),
	U32X("GSK_V3_SESSION_TIMEOUT", 0, 86400, "86400", AP("engine_conn_test")),
	U32X("GSK_V3_SIDCACHE_SIZE", 0, 64000, "512", AP("engine_conn_test")),
	BOOLX("GSK_SESSION_TICKET_CLIENT_ENABLE", "On", AP("engine_conn_test")),
	U32X("GSK_SESSION_TICKET_CLIENT_MAXSIZE", 0, 65535, "8192",
	    NE("OpenSSL takes a ticket of any size")),
	BOOLX("GSK_SESSION_TICKET_SERVER_ENABLE", "On", AP("engine_conn_test")),
	ENUMX("GSK_SESSION_TICKET_SERVER_ALGORITHM", e_ticketalg, NULL, NE(TICKETKEY)),
	U32X("GSK_SESSION_TICKET_SERVER_COUNT", 1, 65535, "2", AP("engine_conn_test")),
	U32X("GSK_SESSION_TICKET_SERVER_KEY_REFRESH", 0, 86400, "300", NE(TICKETKEY)),
	U32X("GSK_SESSION_TICKET_SERVER_TIMEOUT", 0, 86400, "300", NE(TICKETKEY)),
	BOOLX("AIACDPPriority", NULL, NE(NOREV)),
	U32X("MaxSrcRevExtLocValues", 0, 256, NULL, NE(NOREV)),
	U32X("MaxValidRevExtLocValues", 0, 256, NULL, NE(NOREV)),
	ENUMX("RevocationSecurityLevel", e_level, NULL, NE(NOREV)),
	INL("TTLSGskLdapParms", ST_GSK_LDAP),
	REF("TTLSGskLdapParmsRef", ST_GSK_LDAP),
	INL("TTLSGskOcspParms", ST_GSK_OCSP),
	REF("TTLSGskOcspParmsRef", ST_GSK_OCSP),
	INL("TTLSGskHttpCdpParms", ST_GSK_HTTPCDP),
	REF("TTLSGskHttpCdpParmsRef", ST_GSK_HTTPCDP),
	END
};

static const struct policy_kw kw_ldap[] = {
	{ .name = "GSK_LDAP_SERVER", .kind = K_STRLIST, .multi = true, AP("policy_settings_test") },
	U32X("GSK_LDAP_SERVER_PORT", 1, 65535, "389", NE(NOREV)),
	LABELX("GSK_LDAP_USER", NE(NOREV)),
	STRX("GSK_LDAP_USER_PW", NE(NOREV)),
	U32X("GSK_CRL_CACHE_TIMEOUT", 0, 720, "24", NE(NOREV)),
	ENUMX("GSK_CRL_SECURITY_LEVEL", e_level, "Medium", NE(NOREV)),
	END
};

static const struct policy_kw kw_ocsp[] = {
	STRX("OcspUrl", AP("policy_settings_test")),
	BOOLX("OcspAiaEnable", "Off", AP("policy_settings_test")),
	BOOLX("OcspUrlPriority", "On", NE(NOREV)),
	STRX("OcspProxyServerName", NE(NOREV)),
	U32X("OcspProxyServerPort", 1, 65535, "80", NE(NOREV)),
	BOOLX("OcspRetrieveViaGet", "Off", NE(NOREV)),
	LABELX("OcspRequestSigkeylabel", NE(NOREV)),
	STRX("OcspRequestSigalg", NE(NOREV)),
	{ .name = "OcspResponseSigAlgPairs", .kind = K_HEXLIST, .multi = true, NE(NOREV) },
	ENUMX("OcspServerStapling", e_stapling, "Off", AP("policy_settings_test")),
	U32X("OcspClientCacheSize", 0, 32000, "256", NE(NOREV)),
	U32X("OcspCliCacheEntryMaxsize", 0, 2147483647, "0", NE(NOREV)),
	BOOLX("OcspNonceGenEnable", "Off", NE(NOREV)),
	BOOLX("OcspNonceCheckEnable", "Off", NE(NOREV)),
	U32X("OcspNonceSize", 8, 256, "8", NE(NOREV)),
	U32X("OcspResponseTimeout", 0, 43200, "15", NE(NOREV)),
	U32X("OcspMaxResponseSize", 0, 2147483647, "20480", NE(NOREV)),
	END
};

static const struct policy_kw kw_httpcdp[] = {
	BOOLX("HttpCdpEnable", "Off", AP("policy_settings_test")),
	STRX("HttpCdpProxyServerName", NE(NOREV)),
	U32X("HttpCdpProxyServerPort", 1, 65535, "80", NE(NOREV)),
	U32X("HttpCdpResponseTimeout", 0, 43200, "15", NE(NOREV)),
	U32X("HttpCdpMaxResponseSize", 0, 2147483647, "204800", NE(NOREV)),
	U32X("HttpCdpCacheSize", 0, 32000, "32", NE(NOREV)),
	U32X("HttpCdpCacheEntryMaxsize", 0, 2147483647, "0", NE(NOREV)),
	U32X("CRLCacheTimeout", 0, 720, "24", NE(NOREV)),
	BOOLX("CRLCacheExtended", "Off", NE(NOREV)),
	BOOLX("CRLCacheTempCRL", "Off", NE(NOREV)),
	U32X("CRLCacheTempCRLTimeout", 1, 720, "24", NE(NOREV)),
	END
};

static const struct policy_kw kw_ipaddr[] = {
	{ .name = "Addr", .kind = K_ADDR, AP("policy_match_test") },
	END
};

static const struct policy_kw kw_ipaddrset[] = {
	{ .name = "Prefix", .kind = K_ADDR, .multi = true, AP("policy_match_test") },
	{ .name = "Range", .kind = K_ADDR, .multi = true, AP("policy_match_test") },
	{ .name = "Addr", .kind = K_ADDR, .multi = true, AP("policy_match_test") },
	END
};

static const struct policy_kw kw_ipaddrgroup[] = {
	REF("IpAddrSetRef", ST_IPADDRSET),
	REF("IpAddrRef", ST_IPADDR),
	INL("IpAddrSet", ST_IPADDRSET),
	INL("IpAddr", ST_IPADDR),
	END
};

static const struct policy_kw kw_portrange[] = {
	{ .name = "Port", .kind = K_PORT, AP("policy_match_test") },
	END
};

static const struct policy_kw kw_portgroup[] = {
	REF("PortRangeRef", ST_PORTRANGE),
	INL("PortRange", ST_PORTRANGE),
	END
};

static const struct policy_kw kw_time[] = {
	{ .name = "FromTimeOfDay", .kind = K_TOD, .dflt = "00:00", AP("policy_match_test") },
	{ .name = "ToTimeOfDay", .kind = K_TOD, .dflt = "23:59", AP("policy_match_test") },
	{ .name = "FromDayOfWeek", .kind = K_DOW, AP("policy_match_test") },
	{ .name = "ToDayOfWeek", .kind = K_DOW, AP("policy_match_test") },
	{ .name = "FromDayOfMonth", .kind = K_DOM, AP("policy_match_test") },
	{ .name = "ToDayOfMonth", .kind = K_DOM, AP("policy_match_test") },
	{ .name = "FromMonthOfYear", .kind = K_MONTH, AP("policy_match_test") },
	{ .name = "ToMonthOfYear", .kind = K_MONTH, AP("policy_match_test") },
	{ .name = "TimeZone", .kind = K_TZ, .dflt = "Local", AP("policy_match_test") },
	{ .name = "TimePeriod", .kind = K_PERIOD, AP("policy_match_test") },
	{ .name = "MonthOfYearMask", .kind = K_MASK, .max = 12, AP("policy_match_test") },
	{ .name = "DayOfMonthMask", .kind = K_MASK, .max = 62, AP("policy_match_test") },
	{ .name = "DayOfWeekMask", .kind = K_MASK, .max = 7, AP("policy_match_test") },
	{ .name = "TimeOfDayRange", .kind = K_TODRANGE, AP("policy_match_test") },
	END
};

static const struct policy_stmt_def defs[ST_COUNT] = {
	[ST_NONE] = { "", ST_NONE, false, NULL },
	[ST_RULE] = { "TTLSRule", ST_RULE, true, kw_rule },
	[ST_GROUP] = { "TTLSGroupAction", ST_GROUP, true, kw_group },
	[ST_GROUP_ADV] = { "TTLSGroupAdvancedParms", ST_GROUP_ADV, true, kw_group_adv },
	[ST_ENV] = { "TTLSEnvironmentAction", ST_ENV, true, kw_env },
	[ST_CONN] = { "TTLSConnectionAction", ST_CONN, true, kw_conn },
	[ST_ENV_ADV] = { "TTLSEnvironmentAdvancedParms", ST_ENV_ADV, true, kw_adv },
	[ST_CONN_ADV] = { "TTLSConnectionAdvancedParms", ST_CONN_ADV, true, kw_adv },
	[ST_KEYRING] = { "TTLSKeyringParms", ST_KEYRING, true, kw_keyring },
	[ST_CIPHER] = { "TTLSCipherParms", ST_CIPHER, true, kw_cipher },
	[ST_SIGNATURE] = { "TTLSSignatureParms", ST_SIGNATURE, true, kw_signature },
	[ST_GSK_ADV] = { "TTLSGskAdvancedParms", ST_GSK_ADV, true, kw_gsk },
	[ST_GSK_LDAP] = { "TTLSGskLdapParms", ST_GSK_LDAP, true, kw_ldap },
	[ST_GSK_OCSP] = { "TTLSGskOcspParms", ST_GSK_OCSP, true, kw_ocsp },
	[ST_GSK_HTTPCDP] = { "TTLSGskHttpCdpParms", ST_GSK_HTTPCDP, true, kw_httpcdp },
	[ST_IPADDR] = { "IpAddr", ST_IPADDR, true, kw_ipaddr },
	[ST_IPADDRSET] = { "IpAddrSet", ST_IPADDRSET, true, kw_ipaddrset },
	[ST_IPADDRGROUP] = { "IpAddrGroup", ST_IPADDRGROUP, true, kw_ipaddrgroup },
	[ST_PORTRANGE] = { "PortRange", ST_PORTRANGE, true, kw_portrange },
	[ST_PORTGROUP] = { "PortGroup", ST_PORTGROUP, true, kw_portgroup },
	[ST_TIME] = { "IpTimeCondition", ST_TIME, true, kw_time },
};

const struct policy_stmt_def *
policy_stmt_def(enum policy_stype t)
{
	if ((unsigned)t >= ST_COUNT || t == ST_NONE)
		return NULL;
	return &defs[t];
}

const char *
policy_stype_name(enum policy_stype t)
{
	const struct policy_stmt_def *d = policy_stmt_def(t);

	return d != NULL ? d->name : "?";
}

/* ASCII lower case of one character. */
static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A cheap first test before the full comparison (the lookups are hot). */
static bool
may_equal(struct at_str a, const char *b)
{
	return a.len > 0 && lower(a.p[0]) == lower(b[0]) && strnlen(b, a.len + 1) == a.len;
}

const struct policy_stmt_def *
policy_stmt_lookup(struct at_str name)
{
	size_t i;

	for (i = 1; i < ST_COUNT; i++)
		if (may_equal(name, defs[i].name) && at_str_eq_ci(name, defs[i].name))
			return &defs[i];
	return NULL;
}

/* The candidate nearest to name, or NULL when none is close enough. */
static const char *
nearest(const char *best, unsigned *bestd, const char *cand, const char *name)
{
	unsigned d = at_str_edit_distance_ci(cand, name);

	if (d < *bestd) {
		*bestd = d;
		return cand;
	}
	return best;
}

static unsigned
threshold(size_t len)
{
	return len < 6 ? 2 : (unsigned)(len / 3 + 1);
}

const char *
policy_stmt_nearest(struct at_str name)
{
	char buf[64];
	const char *best = NULL;
	unsigned bestd = 255;
	size_t i;

	if (!at_str_copy(buf, sizeof(buf), name))
		return NULL;
	for (i = 1; i < ST_COUNT; i++)
		best = nearest(best, &bestd, defs[i].name, buf);
	return bestd <= threshold(name.len) ? best : NULL;
}

static bool
kw_allowed(enum policy_stype t, const struct policy_kw *k)
{
	return !(t == ST_CONN_ADV && k->env_only);
}

const struct policy_kw *
policy_kw_lookup(enum policy_stype t, struct at_str name)
{
	const struct policy_stmt_def *d = policy_stmt_def(t);
	const struct policy_kw *k;

	if (d == NULL)
		return NULL;
	for (k = d->kws; k->name != NULL; k++)
		if (may_equal(name, k->name) && at_str_eq_ci(name, k->name) && kw_allowed(t, k))
			return k;
	return NULL;
}

const char *
policy_kw_nearest(enum policy_stype t, struct at_str name)
{
	const struct policy_stmt_def *d = policy_stmt_def(t);
	const struct policy_kw *k;
	const char *best = NULL;
	unsigned bestd = 255;
	char buf[64];

	if (d == NULL || !at_str_copy(buf, sizeof(buf), name))
		return NULL;
	for (k = d->kws; k->name != NULL; k++)
		if (kw_allowed(t, k))
			best = nearest(best, &bestd, k->name, buf);
	return bestd <= threshold(name.len) ? best : NULL;
}

const char *
policy_kw_noeffect(const char *name, const char *value)
{
	size_t i;
	const struct policy_kw *k;

	if (value == NULL || at_str_eq_ci(at_str_c(value), "Off"))
		return NULL;
	for (i = 1; i < ST_COUNT; i++)
		for (k = defs[i].kws; k->name != NULL; k++)
			if (strcmp(k->name, name) == 0)
				return k->noeffect != NULL && (k->dflt == NULL ||
				    !at_str_eq_ci(at_str_c(value), k->dflt)) ? k->noeffect : NULL;
	return NULL;
}

const char *
policy_enum_name(const struct policy_enum *e, int value)
{
	for (; e != NULL && e->name != NULL; e++)
		if (e->value == value)
			return e->name;
	return "?";
}
