/*
 * tlsctx.c - building OpenSSL contexts from resolved AT-TLS actions.
 *
 * The mapping is written once here so that what `attls policy show` prints
 * is what a handshake does:
 *   protocols     a contiguous min/max range plus SSL_OP_NO_* for holes;
 *                 TLSv1 and TLSv1.1 need security level 0 in OpenSSL 3,
 *                 so enabling them lowers the level for that context only
 *   ciphers       IANA ids matched against the suites this OpenSSL offers;
 *                 TLS 1.3 suites go to set_ciphersuites, the rest to
 *                 set_cipher_list; a protocol left with no suite is turned
 *                 off, and nothing left at all is System SSL code 402
 *   groups        key-share groups first, then the other curves (IANA ids)
 *   sigalgs       SignaturePairs as TLS SignatureScheme ids
 *   sessions      a server context keeps OpenSSL's server cache and issues
 *                 tickets; a client context gets a client cache
 *                 (sesscache.c), since OpenSSL keeps none for clients
 *   peer checks   reference ids, PeerMin*, CertValidationMode and
 *                 ServerHandshakeSNI: peercheck.c
 *   client auth   ClientAuthType -> verify mode (PassThru accepts any
 *                 certificate, Full verifies one if sent, Required and
 *                 SAFCheck demand one; SAFCheck's user mapping happens after
 *                 the handshake, in the engine)
 */
#include "engine/tlsctx.h"

#include "engine/peercheck.h"
#include "engine/sesscache.h"

#include <arpa/inet.h>

#include <string.h>

#include <openssl/err.h>

#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"

struct name_map {
	uint16_t id;
	const char *name;
};

/* TLS named groups (RFC 8446 / RFC 7919 ids, written in decimal by z/OS). */
static const struct name_map groups[] = {
	{ 19, "secp192r1" }, { 21, "secp224r1" }, { 23, "P-256" }, { 24, "P-384" },
	{ 25, "P-521" }, { 29, "X25519" }, { 30, "X448" }, { 256, "ffdhe2048" },
	{ 257, "ffdhe3072" }, { 258, "ffdhe4096" }, { 259, "ffdhe6144" },
	{ 260, "ffdhe8192" },
};

/* TLS SignatureScheme ids (RFC 8446 section 4.2.3). */
static const struct name_map sigalgs[] = {
	{ 0x0201, "RSA+SHA1" }, { 0x0203, "ECDSA+SHA1" }, { 0x0301, "RSA+SHA224" },
	{ 0x0303, "ECDSA+SHA224" }, { 0x0401, "rsa_pkcs1_sha256" },
	{ 0x0403, "ecdsa_secp256r1_sha256" }, { 0x0501, "rsa_pkcs1_sha384" },
	{ 0x0503, "ecdsa_secp384r1_sha384" }, { 0x0601, "rsa_pkcs1_sha512" },
	{ 0x0603, "ecdsa_secp521r1_sha512" }, { 0x0804, "rsa_pss_rsae_sha256" },
	{ 0x0805, "rsa_pss_rsae_sha384" }, { 0x0806, "rsa_pss_rsae_sha512" },
	{ 0x0807, "ed25519" }, { 0x0808, "ed448" }, { 0x0809, "rsa_pss_pss_sha256" },
	{ 0x080a, "rsa_pss_pss_sha384" }, { 0x080b, "rsa_pss_pss_sha512" },
};

static const char *
lookup(const struct name_map *m, size_t n, uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].id == id)
			return m[i].name;
	return NULL;
}

const char *
engine_group_name(uint16_t iana_id)
{
	return lookup(groups, sizeof(groups) / sizeof(groups[0]), iana_id);
}

struct proto_bit {
	uint32_t bit;
	int version;
	uint64_t no_op;
};

static const struct proto_bit protos[] = {
	{ POLICY_PROTO_TLSV1, TLS1_VERSION, SSL_OP_NO_TLSv1 },
	{ POLICY_PROTO_TLSV11, TLS1_1_VERSION, SSL_OP_NO_TLSv1_1 },
	{ POLICY_PROTO_TLSV12, TLS1_2_VERSION, SSL_OP_NO_TLSv1_2 },
	{ POLICY_PROTO_TLSV13, TLS1_3_VERSION, SSL_OP_NO_TLSv1_3 },
};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

static enum at_rc
set_protocols(SSL_CTX *ctx, uint32_t bits, int *sslrc, struct at_err *err)
{
	int lo = -1, hi = -1;
	size_t i;

	for (i = 0; i < NPROTOS; i++) {
		if ((bits & protos[i].bit) == 0)
			continue;
		if (lo < 0)
			lo = (int)i;
		hi = (int)i;
	}
	if (lo < 0) {
		*sslrc = 402;
		return at_err_setx(err, AT_E_INPUT, "no TLS protocol version is On "
		    "(SSLv2 and SSLv3 are not available in this build)");
	}
	if (SSL_CTX_set_min_proto_version(ctx, protos[lo].version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, protos[hi].version) != 1)
		return at_err_ssl(err, AT_E_TLS, "setting the protocol range");
	for (i = (size_t)lo; i <= (size_t)hi; i++)
		if ((bits & protos[i].bit) == 0)
			SSL_CTX_set_options(ctx, protos[i].no_op);
	return AT_OK;
}

/* The suite the local OpenSSL knows for an IANA id, or NULL. */
static const SSL_CIPHER *
find_suite(STACK_OF(SSL_CIPHER) *all, uint16_t id)
{
	int i;

	for (i = 0; i < sk_SSL_CIPHER_num(all); i++) {
		const SSL_CIPHER *c = sk_SSL_CIPHER_value(all, i);

		if (SSL_CIPHER_get_protocol_id(c) == id)
			return c;
	}
	return NULL;
}

static enum at_rc
append_name(struct at_buf *b, const char *name)
{
	enum at_rc rc = AT_OK;

	if (b->len > 0)
		rc = at_buf_append(b, ":", 1);
	if (rc == AT_OK)
		rc = at_buf_append(b, name, strlen(name));
	return rc;
}

/*
 * Applies the cipher list and drops protocols that are left without a
 * suite; *bits is updated to what remains.
 */
static enum at_rc
set_ciphers(SSL_CTX *ctx, const struct policy_actions *a, bool legacy,
    uint32_t *bits, int *sslrc, struct at_err *err)
{
	struct at_buf v12, v13;
	SSL_CTX *probe = NULL;
	enum at_rc rc = AT_OK;
	size_t i;

	at_buf_init(&v12, 64 * 1024);
	at_buf_init(&v13, 4096);
	if (a->ciphers.n == 0) {
		if (legacy && SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1)
			rc = at_err_ssl(err, AT_E_TLS, "setting the default cipher list");
		goto out;
	}
	probe = SSL_CTX_new(TLS_method());
	if (probe == NULL ||
	    SSL_CTX_set_cipher_list(probe, "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1) {
		rc = at_err_ssl(err, AT_E_TLS, "listing the available cipher suites");
		goto out;
	}
	for (i = 0; i < a->ciphers.n; i++) {
		const SSL_CIPHER *c = find_suite(SSL_CTX_get_ciphers(probe), a->ciphers.v[i]);
		bool tls13;

		if (c == NULL)
			continue; /* this OpenSSL does not offer it (RC4, export, ...) */
		tls13 = (a->ciphers.v[i] >> 8) == 0x13;
		rc = append_name(tls13 ? &v13 : &v12, SSL_CIPHER_get_name(c));
		if (rc != AT_OK) {
			rc = at_err_setx(err, rc, "cipher list too long");
			goto out;
		}
	}
	if (v13.len == 0)
		*bits &= ~(uint32_t)POLICY_PROTO_TLSV13;
	if (v12.len == 0)
		*bits &= ~(uint32_t)(POLICY_PROTO_TLSV1 | POLICY_PROTO_TLSV11 | POLICY_PROTO_TLSV12);
	if ((*bits & (POLICY_PROTO_TLSV1 | POLICY_PROTO_TLSV11 | POLICY_PROTO_TLSV12 |
	    POLICY_PROTO_TLSV13)) == 0) {
		*sslrc = 402;
		rc = at_err_setx(err, AT_E_INPUT, "none of the cipher suites in the policy is "
		    "available for an enabled protocol version");
		goto out;
	}
	if (v12.len > 0 && legacy && at_buf_printf(&v12, ":@SECLEVEL=0") != AT_OK) {
		rc = at_err_setx(err, AT_E_TOOBIG, "cipher list too long");
		goto out;
	}
	if (SSL_CTX_set_ciphersuites(ctx, at_buf_cstr(&v13)) != 1 ||
	    (v12.len > 0 && SSL_CTX_set_cipher_list(ctx, at_buf_cstr(&v12)) != 1))
		rc = at_err_ssl(err, AT_E_TLS, "applying the cipher list");
out:
	SSL_CTX_free(probe);
	at_buf_free(&v12);
	at_buf_free(&v13);
	return rc;
}

/* Appends the names of ids (skipping ones already in b) to b. */
static enum at_rc
append_ids(struct at_buf *b, const struct policy_u16_list *l,
    const struct name_map *m, size_t nm, const char *what, struct at_err *err)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const char *name = lookup(m, nm, l->v[i]);

		if (name == NULL)
			return at_err_setx(err, AT_E_INPUT, "%s %04x is not supported by "
			    "this build", what, l->v[i]);
		if (strstr(at_buf_cstr(b), name) != NULL)
			continue;
		if (append_name(b, name) != AT_OK)
			return at_err_setx(err, AT_E_TOOBIG, "%s list too long", what);
	}
	return AT_OK;
}

static enum at_rc
set_groups_and_sigalgs(SSL_CTX *ctx, const struct policy_actions *a, bool client,
    struct at_err *err)
{
	const size_t ng = sizeof(groups) / sizeof(groups[0]);
	const size_t ns = sizeof(sigalgs) / sizeof(sigalgs[0]);
	struct at_buf g, s;
	enum at_rc rc;

	at_buf_init(&g, 4096);
	at_buf_init(&s, 4096);
	rc = append_ids(&g, client ? &a->client_key_share_groups : &a->server_key_share_groups,
	    groups, ng, "key share group", err);
	if (rc == AT_OK)
		rc = append_ids(&g, client ? &a->client_ecurves : &a->server_kex_ecurves,
		    groups, ng, "elliptic curve", err);
	if (rc == AT_OK)
		rc = append_ids(&s, &a->signature_pairs, sigalgs, ns, "signature pair", err);
	if (rc != AT_OK)
		goto out;
	/* The OpenSSL macros cast away const, so hand them the buffers' own
	 * (writable) bytes. */
	if (g.len > 0 && SSL_CTX_set1_groups_list(ctx, (char *)g.data) != 1) {
		rc = at_err_ssl(err, AT_E_INPUT, "groups '%s' are not usable", at_buf_cstr(&g));
		goto out;
	}
	if (s.len > 0 && SSL_CTX_set1_sigalgs_list(ctx, (char *)s.data) != 1)
		rc = at_err_ssl(err, AT_E_INPUT, "signature pairs '%s' are not usable",
		    at_buf_cstr(&s));
out:
	at_buf_free(&g);
	at_buf_free(&s);
	return rc;
}

static enum at_rc
set_verification(SSL_CTX *ctx, const struct policy_actions *a,
    const struct engine_creds *c, struct at_err *err)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	STACK_OF(X509_NAME) *names = NULL;
	int i, mode = SSL_VERIFY_NONE;

	for (i = 0; c->cas != NULL && i < sk_X509_num(c->cas); i++)
		if (X509_STORE_add_cert(store, sk_X509_value(c->cas, i)) != 1)
			return at_err_ssl(err, AT_E_TLS, "adding a trust anchor");
	switch (a->role) {
	case POLICY_ROLE_CLIENT:
		mode = SSL_VERIFY_PEER;
		break;
	case POLICY_ROLE_SERVER_CLIENT_AUTH:
		mode = SSL_VERIFY_PEER;
		if (a->client_auth_type == POLICY_CLIENT_AUTH_REQUIRED ||
		    a->client_auth_type == POLICY_CLIENT_AUTH_SAFCHECK)
			mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		names = sk_X509_NAME_new_null();
		if (names == NULL)
			return at_err_setx(err, AT_E_NOMEM, "out of memory");
		for (i = 0; c->cas != NULL && i < sk_X509_num(c->cas); i++) {
			X509_NAME *n = X509_NAME_dup(X509_get_subject_name(sk_X509_value(c->cas, i)));

			if (n == NULL || sk_X509_NAME_push(names, n) <= 0) {
				X509_NAME_free(n);
				sk_X509_NAME_pop_free(names, X509_NAME_free);
				return at_err_setx(err, AT_E_NOMEM, "out of memory");
			}
		}
		SSL_CTX_set0_CA_list(ctx, names);
		break;
	default:
		break;
	}
	/* The callback (peercheck.c) is installed with the peer checks. */
	SSL_CTX_set_verify(ctx, mode, NULL);
	return AT_OK;
}

/* OpenSSL's certificate slot of a key: RSA and RSA-PSS differ, all EC share one. */
static int
key_slot(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);

	return k != NULL ? EVP_PKEY_get_base_id(k) : -1;
}

/*
 * The further ServerCertificateLabel certificates.  OpenSSL keeps one
 * certificate per key type and picks by the client's signature
 * algorithms, so a second certificate of a type already given would
 * silently replace the first: refused instead.
 */
static enum at_rc
add_more_certs(SSL_CTX *ctx, const struct engine_creds *c, int *sslrc,
    struct at_err *err)
{
	size_t i, j;

	for (i = 0; i < c->nmore; i++) {
		int slot = key_slot(c->more_certs[i]);

		if (slot == key_slot(c->cert))
			return at_err_setx(err, AT_E_INPUT, "ServerCertificateLabel: "
			    "certificate %zu has the same key type as the first; a server "
			    "can choose only between key types (RSA, ECDSA, ...)", i + 2);
		for (j = 0; j < i; j++)
			if (slot == key_slot(c->more_certs[j]))
				return at_err_setx(err, AT_E_INPUT, "ServerCertificateLabel: "
				    "certificates %zu and %zu have the same key type; a server "
				    "can choose only between key types (RSA, ECDSA, ...)",
				    j + 2, i + 2);
		if (SSL_CTX_use_cert_and_key(ctx, c->more_certs[i], c->more_keys[i],
		    c->chain, 0) != 1) {
			*sslrc = 428;
			return at_err_ssl(err, AT_E_INPUT, "ServerCertificateLabel: "
			    "certificate %zu cannot be used with its key", i + 2);
		}
	}
	return AT_OK;
}

static enum at_rc
set_credentials(SSL_CTX *ctx, const struct policy_actions *a,
    const struct engine_creds *c, int *sslrc, struct at_err *err)
{
	int i;

	if (c->cert == NULL || c->key == NULL) {
		if (a->role == POLICY_ROLE_CLIENT)
			return AT_OK; /* a client without a certificate is normal */
		*sslrc = 7;
		if (a->certificate_label != NULL && a->certificate_label[0] == '\0')
			return at_err_setx(err, AT_E_INPUT, "CertificateLabel is empty, "
			    "which means no certificate: a server has none to serve with");
		return at_err_setx(err, AT_E_INPUT, "the key ring has no %s certificate "
		    "with a private key to serve with",
		    a->certificate_label != NULL ? "such labelled" : "default");
	}
	if (SSL_CTX_use_certificate(ctx, c->cert) != 1)
		return at_err_ssl(err, AT_E_TLS, "using the certificate");
	if (SSL_CTX_use_PrivateKey(ctx, c->key) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		*sslrc = 428;
		return at_err_ssl(err, AT_E_INPUT, "the private key does not match the certificate");
	}
	for (i = 0; c->chain != NULL && i < sk_X509_num(c->chain); i++)
		if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(c->chain, i)) != 1)
			return at_err_ssl(err, AT_E_TLS, "adding a chain certificate");
	return add_more_certs(ctx, c, sslrc, err);
}

/*
 * The chain each certificate is sent with: built from the ring (its
 * intermediates and CAs) up to, not including, a self-signed trust anchor,
 * which the partner must already have; sending it only costs bytes and
 * suggests the partner trusts what the server sends.  OpenSSL's own chain
 * building (used when a chain is empty) would add the root: it is turned
 * off.  A chain that does not reach a CA in the ring is sent as far as it
 * goes; the partner's verification decides.
 */
static enum at_rc
build_chains(SSL_CTX *ctx, struct at_err *err)
{
	int more;

	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	for (more = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); more == 1;
	    more = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT))
		if (SSL_CTX_build_cert_chain(ctx, SSL_BUILD_CHAIN_FLAG_UNTRUSTED |
		    SSL_BUILD_CHAIN_FLAG_NO_ROOT | SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR |
		    SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR) <= 0)
			return at_err_ssl(err, AT_E_INPUT, "building the certificate chain "
			    "from the key ring");
	ERR_clear_error();
	return AT_OK;
}

static enum at_rc
gsk_u32(const struct policy_actions *a, const char *keyword, const char *dflt,
    uint32_t *out, struct at_err *err)
{
	uint64_t v;
	enum at_rc rc;

	rc = at_parse_u64(at_str_c(policy_actions_setting(a, keyword, dflt)), 0, UINT32_MAX,
	    keyword, &v, err);
	*out = (uint32_t)v;
	return rc;
}

/*
 * Session resumption from the GSK_* settings, with System SSL's defaults:
 *   GSK_V3_SIDCACHE_SIZE (512)      sessions a server keeps, servers a
 *                                   client remembers; 0 turns caching off
 *   GSK_V3_SESSION_TIMEOUT (86400)  seconds a session may be resumed; 0
 *                                   turns resumption off
 *   GSK_SESSION_TICKET_SERVER_ENABLE (On, as z/OS 3.1)
 *                                   On: stateless tickets; Off: a TLS 1.2
 *                                   server resumes by session id and a TLS
 *                                   1.3 one issues tickets that only name a
 *                                   session in its own cache
 *   GSK_SESSION_TICKET_SERVER_COUNT (2)  TLS 1.3 tickets per handshake
 *   GSK_SESSION_TICKET_CLIENT_ENABLE (On)
 *                                   Off: a client asks for no ticket and
 *                                   keeps no TLS 1.3 session
 * The ticket key refresh, timeout and algorithm settings are not applied:
 * OpenSSL keeps one random ticket key per context (AES-256-CBC with
 * HMAC-SHA256) for the context's life, that is until a policy refresh.
 */
static enum at_rc
set_sessions(SSL_CTX *ctx, const struct policy_actions *a, bool client, struct at_err *err)
{
	const char *sid = a->env_name != NULL ? a->env_name : a->group_name;
	uint32_t size, timeout, count;
	bool off;

	if (gsk_u32(a, "GSK_V3_SIDCACHE_SIZE", "512", &size, err) != AT_OK ||
	    gsk_u32(a, "GSK_V3_SESSION_TIMEOUT", "86400", &timeout, err) != AT_OK ||
	    gsk_u32(a, "GSK_SESSION_TICKET_SERVER_COUNT", "2", &count, err) != AT_OK)
		return AT_E_INPUT;
	off = size == 0 || timeout == 0;
	(void)SSL_CTX_set_timeout(ctx, (long)timeout);
	if (client) {
		bool tickets = strcmp(policy_actions_setting(a,
		    "GSK_SESSION_TICKET_CLIENT_ENABLE", "On"), "On") == 0;

		if (!tickets)
			SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
		if (off) {
			(void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
			return AT_OK;
		}
		return engine_sesscache_attach(ctx, size, tickets, err);
	}
	if (off) {
		/* No ticket either: a server that cannot resume should not
		 * hand out what would never be accepted. */
		(void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
		if (SSL_CTX_set_num_tickets(ctx, 0) != 1)
			return at_err_ssl(err, AT_E_TLS, "turning session tickets off");
		return AT_OK;
	}
	if (strcmp(policy_actions_setting(a, "GSK_SESSION_TICKET_SERVER_ENABLE", "On"),
	    "On") != 0)
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	(void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	(void)SSL_CTX_sess_set_cache_size(ctx, (long)size);
	if (SSL_CTX_set_num_tickets(ctx, count) != 1)
		return at_err_ssl(err, AT_E_TLS, "setting the number of session tickets");
	if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)sid,
	    (unsigned)(strlen(sid) > SSL_MAX_SID_CTX_LENGTH ?
	    SSL_MAX_SID_CTX_LENGTH : strlen(sid))) != 1)
		return at_err_ssl(err, AT_E_TLS, "setting the session id context");
	return AT_OK;
}

enum at_rc
engine_tlsctx_build(const struct policy_actions *a, const struct engine_creds *c,
    SSL_CTX **out, int *sslrc, struct at_err *err)
{
	bool client = a->role == POLICY_ROLE_CLIENT;
	uint32_t bits = a->protocols;
	bool legacy = (bits & (POLICY_PROTO_TLSV1 | POLICY_PROTO_TLSV11)) != 0;
	SSL_CTX *ctx = NULL;
	enum at_rc rc;

	*out = NULL;
	*sslrc = 0;
	if (a->role == POLICY_ROLE_NONE)
		return at_err_setx(err, AT_E_INPUT, "the rule has no HandshakeRole "
		    "(TTLSEnabled Off)");
	ctx = SSL_CTX_new(client ? TLS_client_method() : TLS_server_method());
	if (ctx == NULL)
		return at_err_ssl(err, AT_E_TLS, "creating a TLS context");
	/* The relay writes from a buffer that may move between retries. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (a->renegotiation != POLICY_RENEG_ALL)
		SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	if (a->middlebox_compat)
		SSL_CTX_set_options(ctx, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
	else
		SSL_CTX_clear_options(ctx, SSL_OP_ENABLE_MIDDLEBOX_COMPAT);
	rc = set_ciphers(ctx, a, legacy, &bits, sslrc, err);
	if (rc == AT_OK)
		rc = set_protocols(ctx, bits, sslrc, err);
	if (rc == AT_OK && legacy)
		SSL_CTX_set_security_level(ctx, 0);
	if (rc == AT_OK)
		rc = set_groups_and_sigalgs(ctx, a, client, err);
	if (rc == AT_OK)
		rc = set_credentials(ctx, a, c, sslrc, err);
	if (rc == AT_OK)
		rc = set_verification(ctx, a, c, err);
	if (rc == AT_OK && c->cert != NULL)
		rc = build_chains(ctx, err);
	if (rc == AT_OK)
		rc = engine_peercheck_attach(ctx, a, err);
	if (rc == AT_OK)
		rc = set_sessions(ctx, a, client, err);
	if (rc != AT_OK) {
		if (*sslrc == 0 && rc != AT_E_NOMEM)
			*sslrc = 3;
		SSL_CTX_free(ctx);
		return rc;
	}
	*out = ctx;
	return AT_OK;
}

/*
 * The name a client sends as SNI: ClientHandshakeSNIList, else
 * HostReferenceIdDNS; NULL when SNI is Off, there is no name, or the name
 * is an IP address (RFC 6066 section 3 allows only host names; `attls
 * policy check` warns about it).
 */
static const char *
client_sni_name(const struct policy_actions *a)
{
	const char *name = a->client_sni_list != NULL ? a->client_sni_list :
	    a->host_reference_id_dns;
	unsigned char bin[sizeof(struct in6_addr)];

	if (a->client_sni == POLICY_TRI_OFF || name == NULL)
		return NULL;
	if (inet_pton(AF_INET, name, bin) == 1 || inet_pton(AF_INET6, name, bin) == 1)
		return NULL;
	return name;
}

enum at_rc
engine_tls_new(SSL_CTX *ctx, const struct policy_actions *a, SSL **out,
    struct at_err *err)
{
	char name[256];
	const char *sni;
	SSL *ssl;

	*out = NULL;
	ssl = SSL_new(ctx);
	if (ssl == NULL)
		return at_err_ssl(err, AT_E_TLS, "creating a TLS connection");
	if (a->role == POLICY_ROLE_CLIENT) {
		/* The reference ids are checked by the context's verify
		 * callback (peercheck.c). */
		sni = client_sni_name(a);
		/* SSL_set_tlsext_host_name casts away const: give it a copy. */
		if (sni != NULL && (!at_str_copy(name, sizeof(name), at_str_c(sni)) ||
		    SSL_set_tlsext_host_name(ssl, name) != 1)) {
			SSL_free(ssl);
			return at_err_ssl(err, AT_E_TLS, "setting the server name indication");
		}
		SSL_set_connect_state(ssl);
	} else {
		SSL_set_accept_state(ssl);
	}
	*out = ssl;
	return AT_OK;
}
