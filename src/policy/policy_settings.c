/*
 * policy_settings.c - every setting is applied, refused, or accepted with a
 * warning that says what it does not do here.  Two kinds of check:
 *   - per parameter, where it is written: revocation checking (OCSP, CRLs
 *     from LDAP or HTTP) is not implemented, so a setting that would turn
 *     it on is an error; a parameter the keyword table marks as having no
 *     effect here (policy_kw.c) draws a warning that says why, unless its
 *     value is the default or Off;
 *   - per rule, on the effective actions: server identity and SNI settings
 *     that would otherwise do nothing, or less than they seem to.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "policy/policy_settings.h"

#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING

/*
 * Settings that would turn a revocation check on (or OCSP stapling): the
 * value that leaves it off is accepted, anything else is refused.
 */
static bool
turns_revocation_on(const struct policy_param *p)
{
	const char *n = p->kw->name;

	if (strcmp(n, "OcspUrl") == 0 || strcmp(n, "GSK_LDAP_SERVER") == 0)
		return true;
	if (strcmp(n, "OcspAiaEnable") == 0 || strcmp(n, "HttpCdpEnable") == 0 ||
	    strcmp(n, "OcspServerStapling") == 0)
		return p->u.num != 0;
	return false;
}

/*
 * A value that asks for nothing attls does not do: the default as
 * written, or Off.
 */
static bool
asks_nothing(const struct policy_param *p)
{
	if ((p->kw->kind == K_BOOL || p->kw->kind == K_PROTO) && p->u.num == 0)
		return true;
	return p->kw->dflt != NULL && at_str_eq_ci(at_str_c(p->text), p->kw->dflt);
}

enum at_rc
policy_check_param(struct policy_diags *d, const struct policy_stmt *st,
    const struct policy_param *p)
{
	(void)st;
	if (turns_revocation_on(p))
		return policy_diag_at(d, ERR, &p->loc, "%s %s: certificate revocation "
		    "checking (OCSP, CRLs) is not implemented; this setting would turn it "
		    "on, so the policy is refused.  Remove it (or turn it Off) and keep "
		    "revoked certificates out of the key ring instead", p->kw->name,
		    p->text);
	if (p->kw->noeffect == NULL || asks_nothing(p))
		return AT_OK;
	return policy_diag_at(d, WARN, &p->loc, "%s has no effect here: %s", p->kw->name,
	    p->kw->noeffect);
}

static bool
is_ip_literal(const char *s)
{
	unsigned char bin[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, bin) == 1 || inet_pton(AF_INET6, s, bin) == 1;
}

static enum at_rc
check_client(struct policy_diags *d, const struct policy_loc *loc, const char *rule,
    const struct policy_actions *a)
{
	const char *sni = a->client_sni_list != NULL ? a->client_sni_list :
	    a->host_reference_id_dns;
	enum at_rc rc = AT_OK;

	if (a->host_reference_id_dns == NULL && a->host_reference_id_cn == NULL)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: the client checks that the "
		    "server's certificate comes from a CA in key ring %s, not which host it "
		    "names (no HostReferenceIdDNS or HostReferenceIdCN); add "
		    "HostReferenceIdDNS with the server's host name to check it", rule,
		    a->keyring != NULL ? a->keyring : "(none)");
	if (rc == AT_OK && a->client_sni == POLICY_TRI_OFF && a->client_sni_list != NULL)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: ClientHandshakeSNIList has no "
		    "effect with ClientHandshakeSNI Off (no server name is sent)", rule);
	if (rc == AT_OK && a->server_sni != POLICY_TRI_OFF)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: ServerHandshakeSNI has no "
		    "effect with HandshakeRole Client", rule);
	if (rc != AT_OK || a->client_sni == POLICY_TRI_OFF)
		return rc;
	if (a->client_sni_list != NULL && strchr(a->client_sni_list, ' ') != NULL)
		return policy_diag_at(d, ERR, loc, "TTLSRule %s: ClientHandshakeSNIList "
		    "'%s' names more than one server; a client sends one name (RFC 6066)",
		    rule, a->client_sni_list);
	if (sni == NULL)
		return policy_diag_at(d, a->client_sni == POLICY_TRI_REQUIRED ? ERR : WARN,
		    loc, "TTLSRule %s: ClientHandshakeSNI %s but no name to send; add "
		    "ClientHandshakeSNIList (or HostReferenceIdDNS) with the server's host "
		    "name", rule, a->client_sni == POLICY_TRI_REQUIRED ? "Required" :
		    "Optional");
	if (is_ip_literal(sni))
		return policy_diag_at(d, a->client_sni == POLICY_TRI_REQUIRED ? ERR : WARN,
		    loc, "TTLSRule %s: %s %s is an IP address; RFC 6066 allows only host "
		    "names as a server name, so %s", rule, a->client_sni_list != NULL ?
		    "ClientHandshakeSNIList" : "HostReferenceIdDNS", sni,
		    a->client_sni == POLICY_TRI_REQUIRED ? "ClientHandshakeSNI Required "
		    "cannot be kept" : "none is sent");
	return AT_OK;
}

/* The peer checks a server role cannot make (it verifies no server name). */
static enum at_rc
check_server(struct policy_diags *d, const struct policy_loc *loc, const char *rule,
    const struct policy_actions *a)
{
	static const char *const peer[] = { "PeerMinCertVersion", "PeerMinDHKeySize",
	    "PeerMinDsaKeySize", "PeerMinECCKeySize", "PeerMinRsaKeySize", NULL };
	const char *role = a->role == POLICY_ROLE_SERVER ? "Server" : "ServerWithClientAuth";
	enum at_rc rc = AT_OK;
	size_t i;

	if (a->certificate_label != NULL && a->certificate_label[0] == '\0' &&
	    a->server_certificate_labels.n == 0)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: CertificateLabel is empty, "
		    "which means no certificate (not the key ring's default); with "
		    "HandshakeRole %s every handshake fails (System SSL code 7)", rule, role);
	if (rc == AT_OK && (a->host_reference_id_dns != NULL || a->host_reference_id_cn != NULL))
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: HostReferenceIdDNS and "
		    "HostReferenceIdCN have no effect with HandshakeRole %s (only a client "
		    "checks its server's name)", rule, role);
	if (rc == AT_OK && (a->client_sni != POLICY_TRI_OFF || a->client_sni_list != NULL))
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: ClientHandshakeSNI and "
		    "ClientHandshakeSNIList have no effect with HandshakeRole %s", rule, role);
	if (a->role != POLICY_ROLE_SERVER)
		return rc;
	/* A plain server asks for no certificate, so there is none to check. */
	for (i = 0; rc == AT_OK && peer[i] != NULL; i++)
		if (policy_actions_setting(a, peer[i], NULL) != NULL)
			rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: %s has no effect with "
			    "HandshakeRole Server (no client certificate is asked for)", rule,
			    peer[i]);
	if (rc == AT_OK && a->cert_validation_mode != POLICY_CERTVAL_ANY)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: CertValidationMode has no "
		    "effect with HandshakeRole Server (no client certificate is asked for)",
		    rule);
	return rc;
}

enum at_rc
policy_check_rule_settings(struct policy_diags *d, const struct policy_loc *loc,
    const char *rule, const struct policy_actions *a)
{
	enum at_rc rc = AT_OK;

	if (!a->enabled)
		return AT_OK;
	if (a->role == POLICY_ROLE_CLIENT)
		rc = check_client(d, loc, rule, a);
	else if (a->role != POLICY_ROLE_NONE)
		rc = check_server(d, loc, rule, a);
	if (rc == AT_OK && a->cert_validation_mode == POLICY_CERTVAL_RFC2459)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: CertValidationMode RFC2459 "
		    "validates as RFC 5280 here (OpenSSL has no RFC 2459 profile), so a "
		    "certificate valid only under RFC 2459 is refused", rule);
	if (rc == AT_OK && policy_actions_setting(a, "ServerHandshakeSNIList", NULL) != NULL)
		rc = policy_diag_at(d, ERR, loc, "TTLSRule %s: ServerHandshakeSNIList is not "
		    "implemented (a server cannot choose its certificate by the client's "
		    "server name yet); remove it, or use ServerHandshakeSNI Required to "
		    "refuse clients that send no name", rule);
	/* The daemon maps secondaries only to a transparently protected
	 * primary (docs/policy-language.md, SecondaryMap). */
	if (rc == AT_OK && a->secondary_map && a->application_controlled)
		rc = policy_diag_at(d, WARN, loc, "TTLSRule %s: SecondaryMap has no effect "
		    "with ApplicationControlled On (the program starts TLS on each "
		    "connection itself)", rule);
	if (rc == AT_OK && policy_actions_setting(a, "ServerHandshakeSNIMatch", NULL) != NULL &&
	    strcmp(policy_actions_setting(a, "ServerHandshakeSNIMatch", NULL), "Required") == 0)
		rc = policy_diag_at(d, ERR, loc, "TTLSRule %s: ServerHandshakeSNIMatch "
		    "Required needs ServerHandshakeSNIList, which is not implemented; "
		    "remove it", rule);
	return rc;
}

enum at_rc
policy_check_zos_defaults(struct policy_diags *d, const struct policy_loc *loc,
    const char *rule, const struct policy_actions *a)
{
	const uint32_t differ = POLICY_PROTO_TLSV1 | POLICY_PROTO_TLSV11 | POLICY_PROTO_TLSV12;

	if (!a->enabled || (a->protocols_given & differ) == differ)
		return AT_OK;
	return policy_diag_at(d, WARN, loc, "TTLSRule %s relies on the default protocol "
	    "versions: attls turns only TLSv1.2 on, where z/OS 3.1 turns TLSv1 and "
	    "TLSv1.1 on and TLSv1.2 off; write TLSv1, TLSv1.1 and TLSv1.2 On or Off "
	    "so the policy means the same on both", rule);
}
