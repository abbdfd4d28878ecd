/*
 * peercheck.c - the peer's certificate and server name, checked against
 * the policy inside the handshake.
 *
 * Decisions, each stated in docs/policy-language.md:
 *   reference ids   checked only when the policy names one, as System SSL
 *                   does; with both HostReferenceIdDNS and HostReferenceIdCN
 *                   the certificate must match one of them (RFC 6125: a
 *                   list of reference identifiers, any one presented is
 *                   enough).  DNS follows RFC 6125 (subject alternative
 *                   DNS names, the subject CN only when there is none); CN
 *                   compares with the subject's common names only.
 *   wildcards       HostRefWildcardValidation Off (the default here) takes
 *                   no wildcard; On takes one in the left-most label only
 *   key sizes       PeerMin*KeySize apply to the peer's end-entity
 *                   certificate (its key is the one that proves the peer's
 *                   identity); PeerMinDHKeySize also to a TLS 1.2 server's
 *                   ephemeral DH key.  The CAs' keys are held to OpenSSL's
 *                   security level, as before
 *   profile         CertValidationMode RFC3280 and RFC5280 add OpenSSL's
 *                   strict checks (X509_V_FLAG_X509_STRICT); Any and RFC2459
 *                   validate as RFC 5280 without them
 * A failed check is a verify error on the certificate (System SSL code 8
 * in the engine's mapping), so the handshake ends with an alert.
 */
#include "engine/peercheck.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/num.h"
#include "common/str.h"

/* Owned by the SSL_CTX it is attached to (freed by free_req). */
struct peer_req {
	char *dns;              /* HostReferenceIdDNS, or NULL */
	char *cn;               /* HostReferenceIdCN, or NULL */
	bool wildcards;         /* HostRefWildcardValidation On */
	bool passthru;          /* ClientAuthType PassThru: no chain validation */
	bool min_v3;            /* PeerMinCertVersion 3 */
	uint32_t min_rsa, min_dsa, min_ecc, min_dh;
	enum policy_tri server_sni;
	int (*dflt_sec)(const SSL *, const SSL_CTX *, int, int, int, void *, void *);
};

static CRYPTO_ONCE once = CRYPTO_ONCE_STATIC_INIT;
static int req_idx = -1;

static void
free_req(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	struct peer_req *r = ptr;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (r == NULL)
		return;
	free(r->dns);
	free(r->cn);
	free(r);
}

static void
make_index(void)
{
	req_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_req);
}

static const struct peer_req *
req_of_ctx(const SSL_CTX *ctx)
{
	return ctx != NULL && req_idx >= 0 ? SSL_CTX_get_ex_data(ctx, req_idx) : NULL;
}

static enum at_rc
setting_u32(const struct policy_actions *a, const char *keyword, const char *dflt,
    uint32_t *out, struct at_err *err)
{
	uint64_t v = 0;
	enum at_rc rc;

	rc = at_parse_u64(at_str_c(policy_actions_setting(a, keyword, dflt)), 0, 65535,
	    keyword, &v, err);
	*out = (uint32_t)v;
	return rc;
}

static bool
ascii_eq_ci(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/*
 * One common name against the reference: equal but for ASCII case, or,
 * with wildcards, "*.rest" where the reference is one label followed by
 * ".rest" and rest has at least two labels.
 */
static bool
cn_matches(const char *cn, size_t cnlen, const char *ref, bool wildcards)
{
	size_t rlen = strlen(ref);
	const char *dot;

	if (memchr(cn, '\0', cnlen) != NULL)
		return false;
	if (ascii_eq_ci(cn, cnlen, ref, rlen))
		return true;
	if (!wildcards || cnlen < 4 || cn[0] != '*' || cn[1] != '.' ||
	    memchr(cn + 2, '.', cnlen - 2) == NULL)
		return false;
	dot = strchr(ref, '.');
	if (dot == NULL || dot == ref)
		return false;
	return ascii_eq_ci(cn + 1, cnlen - 1, dot, strlen(dot));
}

static bool
subject_cn_matches(X509 *cert, const char *ref, bool wildcards)
{
	X509_NAME *subj = X509_get_subject_name(cert);
	int i = -1;

	while ((i = X509_NAME_get_index_by_NID(subj, NID_commonName, i)) >= 0) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subj, i));
		unsigned char *u = NULL;
		int n = ASN1_STRING_to_UTF8(&u, s);
		bool m = n > 0 && cn_matches((const char *)u, (size_t)n, ref, wildcards);

		OPENSSL_free(u);
		if (m)
			return true;
	}
	return false;
}

static int
key_check(const struct peer_req *r, X509 *cert)
{
	EVP_PKEY *pk = X509_get0_pubkey(cert);
	uint32_t min = 0;
	int bits;

	if (pk == NULL)
		return X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY;
	bits = EVP_PKEY_get_bits(pk);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		min = r->min_rsa;
		break;
	case EVP_PKEY_DSA:
		min = r->min_dsa;
		break;
	case EVP_PKEY_EC:
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		min = r->min_ecc;
		break;
	case EVP_PKEY_DH:
	case EVP_PKEY_DHX:
		min = r->min_dh;
		break;
	default:
		break;
	}
	return bits >= 0 && (uint32_t)bits >= min ? X509_V_OK : X509_V_ERR_EE_KEY_TOO_SMALL;
}

/* The end-entity checks; X509_V_OK or the verify error to report. */
static int
leaf_check(const struct peer_req *r, X509 *cert)
{
	int why;
	bool named;

	if (r->min_v3 && X509_get_version(cert) != X509_VERSION_3)
		return X509_V_ERR_CERT_REJECTED;
	if ((why = key_check(r, cert)) != X509_V_OK)
		return why;
	if (r->dns == NULL && r->cn == NULL)
		return X509_V_OK;
	named = r->dns != NULL && X509_check_host(cert, r->dns, 0,
	    r->wildcards ? 0 : X509_CHECK_FLAG_NO_WILDCARDS, NULL) == 1;
	if (!named && r->cn != NULL)
		named = subject_cn_matches(cert, r->cn, r->wildcards);
	return named ? X509_V_OK : X509_V_ERR_HOSTNAME_MISMATCH;
}

static int
verify_peer(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	const struct peer_req *r = ssl != NULL ? req_of_ctx(SSL_get_SSL_CTX(ssl)) : NULL;
	int why;

	if (r == NULL)
		return 0; /* a context without its settings verifies nothing */
	if (r->passthru)
		ok = 1;
	if (!ok || X509_STORE_CTX_get_error_depth(store) != 0)
		return ok;
	why = leaf_check(r, X509_STORE_CTX_get_current_cert(store));
	if (why == X509_V_OK)
		return 1;
	X509_STORE_CTX_set_error(store, why);
	return 0;
}

/*
 * OpenSSL asks this about every key and parameter it meets; the default
 * callback (the security level) still decides, and a client also holds a
 * TLS 1.2 server's ephemeral DH key to PeerMinDHKeySize.
 */
static int
security(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other,
    void *ex)
{
	const struct peer_req *r = req_of_ctx(s != NULL ? SSL_get_SSL_CTX(s) : ctx);

	if (r == NULL)
		return 0;
	if (op == SSL_SECOP_TMP_DH && s != NULL && !SSL_is_server(s) && other != NULL &&
	    (uint32_t)EVP_PKEY_get_bits(other) < r->min_dh)
		return 0;
	return r->dflt_sec != NULL ? r->dflt_sec(s, ctx, op, bits, nid, other, ex) : 1;
}

/* ServerHandshakeSNI Required: a client that names no server is refused. */
static int
server_name(SSL *s, int *alert, void *arg)
{
	const struct peer_req *r = arg;

	if (r->server_sni == POLICY_TRI_REQUIRED &&
	    SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) == NULL) {
		*alert = SSL_AD_MISSING_EXTENSION;
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	return SSL_TLSEXT_ERR_OK;
}

static char *
dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*failed = true;
	return d;
}

enum at_rc
engine_peercheck_attach(SSL_CTX *ctx, const struct policy_actions *a, struct at_err *err)
{
	struct peer_req *r;
	const char *v;
	bool failed = false;
	enum at_rc rc;

	if (!CRYPTO_THREAD_run_once(&once, make_index) || req_idx < 0)
		return at_err_ssl(err, AT_E_NOMEM, "reserving the context's settings slot");
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	if (SSL_CTX_set_ex_data(ctx, req_idx, r) != 1) {
		free(r);
		return at_err_ssl(err, AT_E_NOMEM, "attaching the peer checks");
	}
	/* From here the context owns r. */
	r->dns = dup_or_null(a->host_reference_id_dns, &failed);
	r->cn = dup_or_null(a->host_reference_id_cn, &failed);
	if (failed)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	v = policy_actions_setting(a, "HostRefWildcardValidation", "Off");
	r->wildcards = strcmp(v, "On") == 0;
	r->passthru = a->role == POLICY_ROLE_SERVER_CLIENT_AUTH &&
	    a->client_auth_type == POLICY_CLIENT_AUTH_PASSTHRU;
	r->min_v3 = strcmp(policy_actions_setting(a, "PeerMinCertVersion", "Any"), "3") == 0;
	r->server_sni = a->server_sni;
	if ((rc = setting_u32(a, "PeerMinRsaKeySize", "1024", &r->min_rsa, err)) != AT_OK ||
	    (rc = setting_u32(a, "PeerMinDsaKeySize", "1024", &r->min_dsa, err)) != AT_OK ||
	    (rc = setting_u32(a, "PeerMinECCKeySize", "192", &r->min_ecc, err)) != AT_OK ||
	    (rc = setting_u32(a, "PeerMinDHKeySize", "1024", &r->min_dh, err)) != AT_OK)
		return rc;
	if ((a->cert_validation_mode == POLICY_CERTVAL_RFC3280 ||
	    a->cert_validation_mode == POLICY_CERTVAL_RFC5280) &&
	    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_X509_STRICT) != 1)
		return at_err_ssl(err, AT_E_TLS, "applying CertValidationMode");
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), verify_peer);
	r->dflt_sec = SSL_CTX_get_security_callback(ctx);
	SSL_CTX_set_security_callback(ctx, security);
	if (a->role != POLICY_ROLE_CLIENT) {
		SSL_CTX_set_tlsext_servername_callback(ctx, server_name);
		SSL_CTX_set_tlsext_servername_arg(ctx, r);
	}
	return AT_OK;
}
