/* pki.c - test certificates and a handshake loop (see pki.h). */
#include "pki.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

EVP_PKEY *
pki_key(const char *kind)
{
	if (strcmp(kind, "RSA") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (strcmp(kind, "ED25519") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", kind);
}

static int
ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (e == NULL)
		return 0;
	ok = X509_add_ext(cert, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok;
}

X509 *
pki_leaf(EVP_PKEY *key, const char *cn, const struct testcert *ca)
{
	static long serial = 1000;
	char san[256];
	X509 *c = X509_new();
	X509_NAME *name;

	if (c == NULL)
		return NULL;
	name = X509_get_subject_name(c);
	snprintf(san, sizeof(san), "DNS:%s", cn);
	if (X509_set_version(c, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(c), serial++) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(c), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(c), 86400L) == NULL ||
	    X509_set_pubkey(c, key) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(c, X509_get_subject_name(ca->cert)) != 1 ||
	    !ext(c, ca->cert, NID_basic_constraints, "CA:FALSE") ||
	    !ext(c, ca->cert, NID_subject_alt_name, san) ||
	    X509_sign(c, ca->key, EVP_sha256()) <= 0) {
		ERR_print_errors_fp(stderr);
		X509_free(c);
		return NULL;
	}
	return c;
}

static int
step(SSL *s, int *done)
{
	int r, e;

	if (*done)
		return 1;
	r = SSL_do_handshake(s);
	if (r == 1) {
		*done = 1;
		return 1;
	}
	e = SSL_get_error(s, r);
	return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

int
pki_shake(SSL_CTX *cctx, SSL_CTX *sctx, const char *host, int *sig_nid, int *version)
{
	SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
	int sv[2] = { -1, -1 }, cd = 0, sd = 0, i, ok = 0;
	char name[256];   /* the SNI macro takes a char *, not a const one */

	if (c == NULL || s == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    (size_t)snprintf(name, sizeof(name), "%s", host) >= sizeof(name))
		goto out;
	(void)BIO_socket_nbio(sv[0], 1);
	(void)BIO_socket_nbio(sv[1], 1);
	if (SSL_set_fd(c, sv[0]) != 1 || SSL_set_fd(s, sv[1]) != 1 ||
	    SSL_set_tlsext_host_name(c, name) != 1 || SSL_set1_host(c, host) != 1)
		goto out;
	SSL_set_verify(c, SSL_VERIFY_PEER, NULL);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 200 && !(cd && sd); i++)
		if (!step(c, &cd) || !step(s, &sd))
			break;
	ok = cd && sd && SSL_get_verify_result(c) == X509_V_OK;
	if (ok && sig_nid != NULL && SSL_get_peer_signature_type_nid(c, sig_nid) != 1)
		*sig_nid = NID_undef;
	if (ok && version != NULL)
		*version = SSL_version(c);
out:
	SSL_free(c);
	SSL_free(s);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return ok;
}
