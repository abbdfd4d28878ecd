/*
 * envspec.c - writing and reading an environment's credentials (see
 * envspec.h).
 */
#include "daemon/envspec.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "engine/proxykey.h"

enum { T_CERT = 1, T_KEY, T_CHAIN, T_CA, T_MORE_CERT, T_MORE_KEY };

static enum at_rc
put_cert(struct at_buf *out, uint32_t tag, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	enum at_rc rc;

	if (n <= 0) {
		ERR_clear_error();
		return AT_E_TLS;
	}
	rc = at_buf_put_u32(out, tag);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)n);
	if (rc == AT_OK)
		rc = at_buf_append(out, der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

static enum at_rc
put_id(struct at_buf *out, uint32_t tag, uint32_t id)
{
	enum at_rc rc = at_buf_put_u32(out, tag);

	if (rc == AT_OK)
		rc = at_buf_put_u32(out, 4);
	if (rc == AT_OK)
		rc = at_buf_append(out, &id, sizeof(id));
	return rc;
}

enum at_rc
attlsd_envspec_write(const struct engine_creds *c, const uint32_t *key_ids,
    struct at_buf *out, struct at_err *err)
{
	enum at_rc rc = AT_OK;
	int i;
	size_t k;

	if (c->cert != NULL)
		rc = put_cert(out, T_CERT, c->cert);
	if (rc == AT_OK && c->key != NULL)
		rc = put_id(out, T_KEY, key_ids[0]);
	for (i = 0; rc == AT_OK && c->chain != NULL && i < sk_X509_num(c->chain); i++)
		rc = put_cert(out, T_CHAIN, sk_X509_value(c->chain, i));
	for (i = 0; rc == AT_OK && c->cas != NULL && i < sk_X509_num(c->cas); i++)
		rc = put_cert(out, T_CA, sk_X509_value(c->cas, i));
	for (k = 0; rc == AT_OK && k < c->nmore; k++) {
		rc = put_cert(out, T_MORE_CERT, c->more_certs[k]);
		if (rc == AT_OK)
			rc = put_id(out, T_MORE_KEY, key_ids[1 + k]);
	}
	if (rc != AT_OK)
		return at_err_setx(err, rc, "cannot write a TLS environment's certificates "
		    "for the TLS engine");
	return AT_OK;
}

void
attlsd_envspec_free(struct engine_creds *c)
{
	size_t k;

	X509_free(c->cert);
	EVP_PKEY_free(c->key);
	sk_X509_pop_free(c->chain, X509_free);
	sk_X509_pop_free(c->cas, X509_free);
	for (k = 0; k < c->nmore; k++) {
		X509_free(c->more_certs[k]);
		EVP_PKEY_free(c->more_keys[k]);
	}
	memset(c, 0, sizeof(*c));
}

static enum at_rc
push(STACK_OF(X509) **sk, X509 *x)
{
	if (*sk == NULL && (*sk = sk_X509_new_null()) == NULL)
		return AT_E_NOMEM;
	if (sk_X509_push(*sk, x) <= 0)
		return AT_E_NOMEM;
	return AT_OK;
}

enum at_rc
attlsd_envspec_read(struct at_buf *in, struct keyholder_client *kc, struct engine_creds *c,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;

	memset(c, 0, sizeof(*c));
	while (rc == AT_OK && in->rpos < in->len) {
		const unsigned char *p;
		uint32_t tag, len, id;
		X509 *x = NULL;

		if (at_buf_get_u32(in, &tag) != AT_OK || at_buf_get_u32(in, &len) != AT_OK ||
		    in->len - in->rpos < len) {
			rc = at_err_setx(err, AT_E_INPUT, "malformed credentials from the parent");
			break;
		}
		p = in->data + in->rpos;
		in->rpos += len;
		if (tag == T_KEY || tag == T_MORE_KEY) {
			X509 *cert = tag == T_KEY ? c->cert :
			    c->nmore > 0 ? c->more_certs[c->nmore - 1] : NULL;
			EVP_PKEY **slot = tag == T_KEY ? &c->key :
			    c->nmore > 0 ? &c->more_keys[c->nmore - 1] : NULL;

			if (len != sizeof(id) || cert == NULL || slot == NULL || *slot != NULL) {
				rc = at_err_setx(err, AT_E_INPUT, "a key without its certificate");
				break;
			}
			memcpy(&id, p, sizeof(id));
			rc = engine_proxykey_new(cert, kc, id, slot, err);
			continue;
		}
		x = d2i_X509(NULL, &p, (long)len);
		if (x == NULL) {
			ERR_clear_error();
			rc = at_err_setx(err, AT_E_INPUT, "a certificate from the parent does not parse");
			break;
		}
		if (tag == T_CERT && c->cert == NULL) {
			c->cert = x;
		} else if (tag == T_CHAIN || tag == T_CA) {
			rc = push(tag == T_CHAIN ? &c->chain : &c->cas, x);
			if (rc != AT_OK) {
				X509_free(x);
				(void)at_err_setx(err, rc, "out of memory");
			}
		} else if (tag == T_MORE_CERT && c->nmore < ENGINE_CREDS_MAX_MORE) {
			c->more_certs[c->nmore++] = x;
		} else {
			X509_free(x);
			rc = at_err_setx(err, AT_E_INPUT, "malformed credentials from the parent");
		}
	}
	if (rc != AT_OK)
		attlsd_envspec_free(c);
	return rc;
}
