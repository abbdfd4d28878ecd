/*
 * policy_format_actions.c - text and JSON rendering of the effective
 * actions of a rule (every setting, defaults filled in).
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"

struct out {
	struct at_buf *b;
	bool json;
	bool first;
	enum at_rc rc;
};

static void
raw(struct out *o, const char *s)
{
	if (o->rc == AT_OK)
		o->rc = at_buf_append(o->b, s, strlen(s));
}

static void
quoted(struct out *o, const char *s)
{
	char esc[8];
	const char *p;

	raw(o, "\"");
	for (p = s; *p != '\0' && o->rc == AT_OK; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x7f) {
			(void)snprintf(esc, sizeof(esc), "\\u%04x", ch);
			raw(o, esc);
		} else {
			o->rc = at_buf_append(o->b, p, 1);
		}
	}
	raw(o, "\"");
}

/* key: value; in JSON a string unless is_raw. */
static void
kv(struct out *o, const char *key, const char *val, bool is_raw)
{
	if (o->json) {
		raw(o, o->first ? "" : ",");
		o->first = false;
		quoted(o, key);
		raw(o, ":");
		if (val == NULL)
			raw(o, "null");
		else if (is_raw)
			raw(o, val);
		else
			quoted(o, val);
		return;
	}
	raw(o, "  ");
	raw(o, key);
	raw(o, ": ");
	raw(o, val != NULL ? val : "(none)");
	if (policy_kw_noeffect(key, val) != NULL)
		raw(o, " (no effect here)");
	raw(o, "\n");
}

static void
num(struct out *o, const char *key, unsigned long v)
{
	char b[32];

	(void)snprintf(b, sizeof(b), "%lu", v);
	kv(o, key, b, true);
}

static void
onoff(struct out *o, const char *key, bool v)
{
	if (o->json)
		kv(o, key, v ? "true" : "false", true);
	else
		kv(o, key, v ? "On" : "Off", false);
}

static void
u16list(struct out *o, const char *key, const struct policy_u16_list *l, bool ciphers,
    bool decimal)
{
	size_t i;
	char b[64];

	if (o->json) {
		raw(o, o->first ? "" : ",");
		o->first = false;
		quoted(o, key);
		raw(o, ":[");
	} else {
		raw(o, "  ");
		raw(o, key);
		raw(o, ":");
		if (l->n == 0)
			raw(o, " (default)");
	}
	for (i = 0; i < l->n; i++) {
		const char *name = ciphers ? policy_cipher_name(l->v[i]) : NULL;

		if (o->json)
			(void)snprintf(b, sizeof(b), decimal ? "%s\"%04u\"" : "%s\"%04X\"",
			    i > 0 ? "," : "", l->v[i]);
		else if (decimal)
			(void)snprintf(b, sizeof(b), " %04u", l->v[i]);
		else if (name != NULL)
			(void)snprintf(b, sizeof(b), "\n    %04X %s", l->v[i], name);
		else
			(void)snprintf(b, sizeof(b), " %04X", l->v[i]);
		raw(o, b);
	}
	raw(o, o->json ? "]" : "\n");
}

static void
strlist(struct out *o, const char *key, const struct policy_str_list *l)
{
	size_t i;

	if (o->json) {
		raw(o, o->first ? "" : ",");
		o->first = false;
		quoted(o, key);
		raw(o, ":[");
		for (i = 0; i < l->n; i++) {
			raw(o, i > 0 ? "," : "");
			quoted(o, l->v[i]);
		}
		raw(o, "]");
		return;
	}
	if (l->n == 0)
		kv(o, key, "(none)", false);
	for (i = 0; i < l->n; i++)
		kv(o, key, l->v[i], false);
}

static const char *
protos(uint32_t m, char *b, size_t n)
{
	static const char *const names[] = { "SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2",
		"TLSv1.3" };
	size_t i, used = 0;

	b[0] = '\0';
	for (i = 0; i < 6; i++) {
		if (m & (1u << i)) {
			int k = snprintf(b + used, n - used, "%s%s", used > 0 ? " " : "", names[i]);

			if (k < 0 || (size_t)k >= n - used)
				break;
			used += (size_t)k;
		}
	}
	return used > 0 ? b : "(none)";
}

enum at_rc
policy_actions_format(const struct policy_rule *rule, struct at_buf *out, bool json,
    struct at_err *err)
{
	static const char *const roles[] = { "None", "Client", "Server", "ServerWithClientAuth" };
	static const char *const cauth[] = { "Required", "PassThru", "Full", "SAFCheck" };
	static const char *const fips[] = { "Off", "On", "Level1", "Level2", "Level3" };
	static const char *const suiteb[] = { "Off", "128", "128Min", "192", "192Min", "All" };
	static const char *const tri[] = { "Off", "Optional", "Required" };
	static const char *const reneg[] = { "Default", "Disabled", "All", "Abbreviated" };
	static const char *const certval[] = { "Any", "RFC2459", "RFC3280", "RFC5280" };
	const struct policy_actions *a = rule->actions;
	struct out o = { out, json, true, AT_OK };
	char b[96];
	size_t i;

	if (json)
		raw(&o, "{");
	if (a == NULL) {
		kv(&o, "TTLSGroupAction", NULL, false);
		goto done;
	}
	kv(&o, "TTLSGroupAction", a->group_name, false);
	kv(&o, "TTLSEnvironmentAction", a->env_name, false);
	kv(&o, "TTLSConnectionAction", a->conn_name, false);
	onoff(&o, "TTLSEnabled", a->enabled);
	kv(&o, "FIPS140", fips[a->fips140 <= 4 ? a->fips140 : 0], false);
	num(&o, "GroupUserInstance", a->group_user_instance);
	kv(&o, "Envfile", a->envfile, false);
	kv(&o, "SyslogFacility", a->syslog_facility == POLICY_SYSLOG_AUTH ? "Auth" : "Daemon",
	    false);
	num(&o, "Trace", a->trace);
	onoff(&o, "CtraceClearText", a->ctrace_clear_text);
	kv(&o, "HandshakeRole", roles[a->role <= 3 ? a->role : 0], false);
	num(&o, "EnvironmentUserInstance", a->env_user_instance);
	num(&o, "ConnectionUserInstance", a->conn_user_instance);
	kv(&o, "SuiteBProfile", suiteb[a->suiteb <= 5 ? a->suiteb : 0], false);
	kv(&o, "Keyring", a->keyring, false);
	kv(&o, "KeyringPw", a->keyring_pw != NULL ? "(set)" : NULL, false);
	kv(&o, "KeyringStashFile", a->keyring_stash, false);
	kv(&o, "Protocols", protos(a->protocols, b, sizeof(b)), false);
	onoff(&o, "MiddleBoxCompatMode", a->middlebox_compat);
	onoff(&o, "ApplicationControlled", a->application_controlled);
	num(&o, "HandshakeTimeout", a->handshake_timeout);
	num(&o, "ResetCipherTimer", a->reset_cipher_timer);
	if (a->certificate_label != NULL && a->certificate_label[0] == '\0' && !o.json)
		kv(&o, "CertificateLabel", "(empty: no certificate, not the ring's default)",
		    false);
	else if (a->certificate_label == NULL && !o.json)
		kv(&o, "CertificateLabel", "(none: the key ring's default certificate)", false);
	else
		kv(&o, "CertificateLabel", a->certificate_label, false);
	strlist(&o, "ServerCertificateLabel", &a->server_certificate_labels);
	kv(&o, "ClientAuthType", cauth[a->client_auth_type <= 3 ? a->client_auth_type : 0], false);
	kv(&o, "CertValidationMode", certval[a->cert_validation_mode <= 3 ?
	    a->cert_validation_mode : 0], false);
	onoff(&o, "SecondaryMap", a->secondary_map);
	kv(&o, "HostReferenceIdDNS", a->host_reference_id_dns, false);
	kv(&o, "HostReferenceIdCN", a->host_reference_id_cn, false);
	kv(&o, "ClientHandshakeSNI", tri[a->client_sni <= 2 ? a->client_sni : 0], false);
	kv(&o, "ClientHandshakeSNIList", a->client_sni_list, false);
	kv(&o, "ServerHandshakeSNI", tri[a->server_sni <= 2 ? a->server_sni : 0], false);
	kv(&o, "Renegotiation", reneg[a->renegotiation <= 3 ? a->renegotiation : 0], false);
	u16list(&o, "CipherSuites", &a->ciphers, true, false);
	u16list(&o, "V2CipherSuites", &a->v2_ciphers, false, false);
	u16list(&o, "ClientECurves", &a->client_ecurves, false, true);
	u16list(&o, "ClientKeyShareGroups", &a->client_key_share_groups, false, true);
	u16list(&o, "ServerKexECurves", &a->server_kex_ecurves, false, true);
	u16list(&o, "ServerKeyShareGroups", &a->server_key_share_groups, false, true);
	u16list(&o, "SignaturePairs", &a->signature_pairs, false, false);
	u16list(&o, "SignaturePairsCert", &a->signature_pairs_cert, false, false);
	for (i = 0; i < a->nextra; i++)
		kv(&o, a->extra[i].keyword, strstr(a->extra[i].keyword, "_PW") != NULL ?
		    "(set)" : a->extra[i].value, false);
done:
	if (json)
		raw(&o, "}");
	if (o.rc != AT_OK)
		at_err_setx(err, o.rc, "the formatted actions do not fit their buffer");
	return o.rc;
}
