/*
 * proxykey.c - the "attls-proxykey" provider: keys whose private half is
 * in the keyholder (see proxykey.h).
 *
 * Why a provider and not RSA_METHOD/EC_KEY_METHOD: the legacy RSA method
 * signs PSS by asking for a raw RSA operation on a block padded here, so
 * the keyholder would have to offer raw RSA, which is also decryption.
 * A provider sees the digest and the padding parameters, and the keyholder
 * pads and signs itself; it never performs a raw private operation.
 *
 * How OpenSSL reaches it: the key's manager lives in a private library
 * context.  When TLS code (in the default context) signs, OpenSSL first
 * tries the default provider's signature, which needs the key exported
 * with its private half; export() refuses that, so OpenSSL falls back to
 * the signature implementation of the key's own provider, this one.
 * Public-key questions (size, bits, group, comparison with the
 * certificate) are answered by an ordinary public key kept beside the key
 * id, so they behave exactly as for a local key.
 */
#include "engine/proxykey.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include "common/num.h"

#define PK_PROVIDER "attls-proxykey"
/* Parameters that only engine_proxykey_new() passes (never exported). */
#define PK_PARAM_CLIENT "attls-keyholder-client"
#define PK_PARAM_KEY_ID "attls-keyholder-key-id"

enum pk_type { PK_RSA, PK_EC, PK_ED25519 };

static const char *const pk_type_name[] = { "RSA", "EC", "ED25519" };
static const char *const pk_sig_name[] = { "RSA", "ECDSA", "ED25519" };

/* The key manager's key data. */
struct pk {
	enum pk_type type;
	EVP_PKEY *pub;                /* the public half, default provider; owned */
	struct keyholder_client *kc;  /* one reference; NULL: public only */
	uint32_t key_id;
};

static void
pk_error(const char *msg)
{
	ERR_raise_data(ERR_LIB_USER, ERR_R_OPERATION_FAIL, "proxy key: %s", msg);
}

/* ---- key manager ---- */

static struct pk *
pk_new(enum pk_type type)
{
	struct pk *k = calloc(1, sizeof(*k));

	if (k != NULL)
		k->type = type;
	return k;
}

static void *pk_new_rsa(void *provctx) { (void)provctx; return pk_new(PK_RSA); }
static void *pk_new_ec(void *provctx) { (void)provctx; return pk_new(PK_EC); }
static void *pk_new_ed25519(void *provctx) { (void)provctx; return pk_new(PK_ED25519); }

static void
pk_free(void *kd)
{
	struct pk *k = kd;

	if (k == NULL)
		return;
	EVP_PKEY_free(k->pub);
	keyholder_client_free(k->kc);
	free(k);
}

static int
pk_has(const void *kd, int selection)
{
	const struct pk *k = kd;

	if (k == NULL || k->pub == NULL)
		return selection == 0;
	/* The private half "is there" when the keyholder can be asked for it. */
	if ((selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0 && k->kc == NULL)
		return 0;
	return 1;
}

static int
pk_match(const void *kd1, const void *kd2, int selection)
{
	const struct pk *a = kd1, *b = kd2;

	if (a->pub == NULL || b->pub == NULL)
		return 0;
	/* Only public halves are here to compare; a key pair matches on them. */
	if ((selection & OSSL_KEYMGMT_SELECT_KEYPAIR) != 0)
		return EVP_PKEY_eq(a->pub, b->pub) == 1;
	return EVP_PKEY_parameters_eq(a->pub, b->pub) == 1;
}

/*
 * Takes the public half from params (whatever the selection: a private
 * half offered here is never kept) and, from engine_proxykey_new() only,
 * the keyholder channel and key id.
 */
static int
pk_import(void *kd, int selection, const OSSL_PARAM params[])
{
	struct pk *k = kd;
	const OSSL_PARAM *pc, *pi;
	EVP_PKEY_CTX *pctx;
	EVP_PKEY *pub = NULL;
	const void *ptr = NULL;
	size_t used = 0;
	uint32_t id = 0;

	(void)selection;
	if (k == NULL || k->pub != NULL)
		return 0;
	pc = OSSL_PARAM_locate_const(params, PK_PARAM_CLIENT);
	pi = OSSL_PARAM_locate_const(params, PK_PARAM_KEY_ID);
	if ((pc == NULL) != (pi == NULL))
		return 0;
	if (pc != NULL && (OSSL_PARAM_get_octet_ptr(pc, &ptr, &used) != 1 || ptr == NULL ||
	    used != sizeof(struct keyholder_client *) || OSSL_PARAM_get_uint32(pi, &id) != 1))
		return 0;
	pctx = EVP_PKEY_CTX_new_from_name(NULL, pk_type_name[k->type], NULL);
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pub, EVP_PKEY_PUBLIC_KEY, (OSSL_PARAM *)(uintptr_t)params) != 1) {
		EVP_PKEY_CTX_free(pctx);
		return 0;
	}
	EVP_PKEY_CTX_free(pctx);
	k->pub = pub;
	if (pc != NULL) {
		/* An octet pointer parameter's value is the pointer itself. */
		k->kc = (struct keyholder_client *)(uintptr_t)ptr;
		keyholder_client_up_ref(k->kc);
		k->key_id = id;
	}
	return 1;
}

static int
pk_export(void *kd, int selection, OSSL_CALLBACK *cb, void *cbarg)
{
	const struct pk *k = kd;

	/* The refusal that sends OpenSSL to this provider's signature. */
	if (k == NULL || k->pub == NULL || (selection & OSSL_KEYMGMT_SELECT_PRIVATE_KEY) != 0)
		return 0;
	return EVP_PKEY_export(k->pub, selection, cb, cbarg);
}

static const OSSL_PARAM pk_types[] = {
	OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
	OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
pk_io_types(int selection)
{
	(void)selection;
	return pk_types;
}

static int
pk_get_params(void *kd, OSSL_PARAM params[])
{
	const struct pk *k = kd;

	/* Everything asked is about the public half, so its key answers. */
	return k != NULL && k->pub != NULL && EVP_PKEY_get_params(k->pub, params) == 1;
}

static const OSSL_PARAM pk_gettable[] = {
	OSSL_PARAM_int(OSSL_PKEY_PARAM_BITS, NULL),
	OSSL_PARAM_int(OSSL_PKEY_PARAM_SECURITY_BITS, NULL),
	OSSL_PARAM_int(OSSL_PKEY_PARAM_MAX_SIZE, NULL),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_DEFAULT_DIGEST, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_MANDATORY_DIGEST, NULL, 0),
	OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_N, NULL, 0),
	OSSL_PARAM_BN(OSSL_PKEY_PARAM_RSA_E, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, NULL, 0),
	OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
pk_gettable_params(void *provctx)
{
	(void)provctx;
	return pk_gettable;
}

static const char *pk_op_rsa(int op) { return op == OSSL_OP_SIGNATURE ? "RSA" : NULL; }
static const char *pk_op_ec(int op) { return op == OSSL_OP_SIGNATURE ? "ECDSA" : NULL; }
static const char *pk_op_ed25519(int op) { return op == OSSL_OP_SIGNATURE ? "ED25519" : NULL; }

#define PK_KEYMGMT(newfn, opfn) { \
	{ OSSL_FUNC_KEYMGMT_NEW, (void (*)(void))newfn }, \
	{ OSSL_FUNC_KEYMGMT_FREE, (void (*)(void))pk_free }, \
	{ OSSL_FUNC_KEYMGMT_HAS, (void (*)(void))pk_has }, \
	{ OSSL_FUNC_KEYMGMT_MATCH, (void (*)(void))pk_match }, \
	{ OSSL_FUNC_KEYMGMT_IMPORT, (void (*)(void))pk_import }, \
	{ OSSL_FUNC_KEYMGMT_IMPORT_TYPES, (void (*)(void))pk_io_types }, \
	{ OSSL_FUNC_KEYMGMT_EXPORT, (void (*)(void))pk_export }, \
	{ OSSL_FUNC_KEYMGMT_EXPORT_TYPES, (void (*)(void))pk_io_types }, \
	{ OSSL_FUNC_KEYMGMT_GET_PARAMS, (void (*)(void))pk_get_params }, \
	{ OSSL_FUNC_KEYMGMT_GETTABLE_PARAMS, (void (*)(void))pk_gettable_params }, \
	{ OSSL_FUNC_KEYMGMT_QUERY_OPERATION_NAME, (void (*)(void))opfn }, \
	{ 0, NULL } }

static const OSSL_DISPATCH pk_keymgmt_rsa[] = PK_KEYMGMT(pk_new_rsa, pk_op_rsa);
static const OSSL_DISPATCH pk_keymgmt_ec[] = PK_KEYMGMT(pk_new_ec, pk_op_ec);
static const OSSL_DISPATCH pk_keymgmt_ed25519[] = PK_KEYMGMT(pk_new_ed25519, pk_op_ed25519);

/* ---- signature ---- */

struct sig {
	struct pk *key;          /* borrowed from the EVP_PKEY */
	EVP_MD *md;              /* owned; NULL for Ed25519 */
	EVP_MD *mgf1;            /* owned; NULL: same as md */
	EVP_MD_CTX *mdctx;       /* digest_sign_update state; owned */
	int pad;                 /* RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING */
	int saltlen;             /* RSA_PSS_SALTLEN_* or bytes */
};

static void *
sig_newctx(void *provctx, const char *propq)
{
	struct sig *s = calloc(1, sizeof(*s));

	(void)provctx;
	(void)propq;
	if (s != NULL) {
		s->pad = RSA_PKCS1_PADDING;
		s->saltlen = RSA_PSS_SALTLEN_AUTO;
	}
	return s;
}

static void
sig_freectx(void *ctx)
{
	struct sig *s = ctx;

	if (s == NULL)
		return;
	EVP_MD_free(s->md);
	EVP_MD_free(s->mgf1);
	EVP_MD_CTX_free(s->mdctx);
	free(s);
}

static void *
sig_dupctx(void *ctx)
{
	const struct sig *s = ctx;
	struct sig *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	*d = *s;
	d->md = d->mgf1 = NULL;
	d->mdctx = NULL;
	if ((s->md != NULL && EVP_MD_up_ref(s->md) != 1) ||
	    (s->mgf1 != NULL && EVP_MD_up_ref(s->mgf1) != 1)) {
		free(d);
		return NULL;
	}
	d->md = s->md;
	d->mgf1 = s->mgf1;
	if (s->mdctx != NULL && ((d->mdctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_MD_CTX_copy_ex(d->mdctx, s->mdctx) != 1)) {
		sig_freectx(d);
		return NULL;
	}
	return d;
}

static int
set_md(EVP_MD **slot, const char *name)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);

	if (md == NULL)
		return 0;
	EVP_MD_free(*slot);
	*slot = md;
	return 1;
}

static int
sig_set_ctx_params(void *ctx, const OSSL_PARAM params[])
{
	struct sig *s = ctx;
	const OSSL_PARAM *p;
	const char *str = NULL;
	struct at_err err;
	uint64_t v;
	int i;

	if (params == NULL)
		return 1;
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PAD_MODE);
	if (p != NULL) {
		if (p->data_type == OSSL_PARAM_INTEGER && OSSL_PARAM_get_int(p, &i) == 1)
			;
		else if (OSSL_PARAM_get_utf8_string_ptr(p, &str) == 1 && strcmp(str, "pkcs1") == 0)
			i = RSA_PKCS1_PADDING;
		else if (str != NULL && strcmp(str, "pss") == 0)
			i = RSA_PKCS1_PSS_PADDING;
		else
			i = -1;
		if (i != RSA_PKCS1_PADDING && i != RSA_PKCS1_PSS_PADDING) {
			pk_error("only PKCS#1 v1.5 and PSS padding are signed through the keyholder");
			return 0;
		}
		s->pad = i;
	}
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_PSS_SALTLEN);
	if (p != NULL) {
		str = NULL;
		if (p->data_type == OSSL_PARAM_INTEGER) {
			if (OSSL_PARAM_get_int(p, &i) != 1)
				return 0;
		} else if (OSSL_PARAM_get_utf8_string_ptr(p, &str) != 1) {
			return 0;
		} else if (strcmp(str, OSSL_PKEY_RSA_PSS_SALT_LEN_DIGEST) == 0) {
			i = RSA_PSS_SALTLEN_DIGEST;
		} else if (strcmp(str, OSSL_PKEY_RSA_PSS_SALT_LEN_MAX) == 0) {
			i = RSA_PSS_SALTLEN_MAX;
		} else if (strcmp(str, OSSL_PKEY_RSA_PSS_SALT_LEN_AUTO) == 0) {
			i = RSA_PSS_SALTLEN_AUTO;
		} else if (at_parse_u64(at_str_c(str), 0, 4096, "PSS salt length", &v, &err) == AT_OK) {
			i = (int)v;
		} else {
			return 0;
		}
		if (i < RSA_PSS_SALTLEN_MAX)
			return 0;
		s->saltlen = i;
	}
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_MGF1_DIGEST);
	if (p != NULL && (OSSL_PARAM_get_utf8_string_ptr(p, &str) != 1 || !set_md(&s->mgf1, str)))
		return 0;
	p = OSSL_PARAM_locate_const(params, OSSL_SIGNATURE_PARAM_DIGEST);
	if (p != NULL && (OSSL_PARAM_get_utf8_string_ptr(p, &str) != 1 || !set_md(&s->md, str)))
		return 0;
	return 1;
}

static const OSSL_PARAM sig_settable[] = {
	OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PAD_MODE, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, NULL, 0),
	OSSL_PARAM_utf8_string(OSSL_SIGNATURE_PARAM_PROPERTIES, NULL, 0),
	OSSL_PARAM_END
};

static const OSSL_PARAM *
sig_settable_ctx_params(void *ctx, void *provctx)
{
	(void)ctx;
	(void)provctx;
	return sig_settable;
}

static int
sig_init(struct sig *s, void *provkey, const char *mdname, const OSSL_PARAM params[])
{
	struct pk *k = provkey;

	if (k == NULL || k->pub == NULL || k->kc == NULL) {
		pk_error("not a key the keyholder holds (a public key only)");
		return 0;
	}
	s->key = k;
	EVP_MD_CTX_free(s->mdctx);
	s->mdctx = NULL;
	if (k->type == PK_ED25519) {
		if (mdname != NULL && mdname[0] != '\0') {
			pk_error("Ed25519 signs the message itself, with no separate digest");
			return 0;
		}
	} else if (mdname != NULL && mdname[0] != '\0' && !set_md(&s->md, mdname)) {
		pk_error("unknown digest");
		return 0;
	}
	return sig_set_ctx_params(s, params);
}

static int
sig_sign_init(void *ctx, void *provkey, const OSSL_PARAM params[])
{
	return sig_init(ctx, provkey, NULL, params);
}

static size_t
sig_max_size(const struct sig *s)
{
	int n = EVP_PKEY_get_size(s->key->pub);

	return n > 0 ? (size_t)n : 0;
}

/* The digest that a tbs of this length is, when none was named. */
static int
md_nid_for(const struct sig *s, size_t tbslen)
{
	if (s->md != NULL)
		return EVP_MD_get_type(s->md);
	switch (tbslen) {
	case 20: return NID_sha1;
	case 28: return NID_sha224;
	case 32: return NID_sha256;
	case 48: return NID_sha384;
	case 64: return NID_sha512;
	default: return NID_undef;
	}
}

/* One round trip: tbs is a digest (or, for Ed25519, the message). */
static int
sig_remote(struct sig *s, unsigned char *sig, size_t *siglen, size_t sigsize,
    const unsigned char *tbs, size_t tbslen)
{
	struct keyholder_sign_req r;
	struct at_err err;
	int mdsize, emlen;

	memset(&r, 0, sizeof(r));
	r.key_id = s->key->key_id;
	r.tbs = tbs;
	r.tbslen = tbslen;
	r.md_nid = NID_undef;
	if (s->key->type == PK_ED25519) {
		r.alg = KEYHOLDER_ED25519;
	} else {
		r.md_nid = md_nid_for(s, tbslen);
		if (r.md_nid == NID_undef) {
			pk_error("no digest of that length is signed through the keyholder");
			return 0;
		}
		r.alg = s->key->type == PK_EC ? KEYHOLDER_ECDSA :
		    s->pad == RSA_PKCS1_PSS_PADDING ? KEYHOLDER_RSA_PSS : KEYHOLDER_RSA_PKCS1;
	}
	if (r.alg == KEYHOLDER_RSA_PSS) {
		r.mgf1_nid = s->mgf1 != NULL ? EVP_MD_get_type(s->mgf1) : r.md_nid;
		mdsize = (int)tbslen;
		emlen = (EVP_PKEY_get_bits(s->key->pub) - 1 + 7) / 8;
		if (s->saltlen == RSA_PSS_SALTLEN_DIGEST)
			r.saltlen = mdsize;
		else if (s->saltlen == RSA_PSS_SALTLEN_MAX || s->saltlen == RSA_PSS_SALTLEN_AUTO)
			r.saltlen = emlen - mdsize - 2;
		else
			r.saltlen = s->saltlen;
	}
	*siglen = sigsize;
	at_err_clear(&err);
	if (keyholder_sign(s->key->kc, &r, sig, siglen, &err) != AT_OK) {
		pk_error(err.msg);
		return 0;
	}
	return 1;
}

static int
sig_sign(void *ctx, unsigned char *sig, size_t *siglen, size_t sigsize,
    const unsigned char *tbs, size_t tbslen)
{
	struct sig *s = ctx;

	if (sig == NULL) {
		*siglen = sig_max_size(s);
		return *siglen > 0;
	}
	return sig_remote(s, sig, siglen, sigsize, tbs, tbslen);
}

static int
sig_digest_sign_init(void *ctx, const char *mdname, void *provkey, const OSSL_PARAM params[])
{
	struct sig *s = ctx;

	if (!sig_init(s, provkey, mdname, params))
		return 0;
	if (s->key->type == PK_ED25519)
		return 1;
	if (s->md == NULL && !set_md(&s->md, "SHA256"))
		return 0;
	s->mdctx = EVP_MD_CTX_new();
	return s->mdctx != NULL && EVP_DigestInit_ex(s->mdctx, s->md, NULL) == 1;
}

static int
sig_digest_sign_update(void *ctx, const unsigned char *data, size_t len)
{
	struct sig *s = ctx;

	if (s->mdctx == NULL) {
		pk_error("Ed25519 signs in one call only");
		return 0;
	}
	return EVP_DigestUpdate(s->mdctx, data, len) == 1;
}

static int
sig_digest_sign_final(void *ctx, unsigned char *sig, size_t *siglen, size_t sigsize)
{
	struct sig *s = ctx;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (sig == NULL) {
		*siglen = sig_max_size(s);
		return *siglen > 0;
	}
	if (s->mdctx == NULL || EVP_DigestFinal_ex(s->mdctx, dgst, &dlen) != 1)
		return 0;
	return sig_remote(s, sig, siglen, sigsize, dgst, dlen);
}

static int
sig_digest_sign(void *ctx, unsigned char *sig, size_t *siglen, size_t sigsize,
    const unsigned char *tbs, size_t tbslen)
{
	struct sig *s = ctx;
	unsigned char dgst[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (sig == NULL) {
		*siglen = sig_max_size(s);
		return *siglen > 0;
	}
	if (s->key->type == PK_ED25519)
		return sig_remote(s, sig, siglen, sigsize, tbs, tbslen);
	if (s->md == NULL || EVP_Digest(tbs, tbslen, dgst, &dlen, s->md, NULL) != 1)
		return 0;
	return sig_remote(s, sig, siglen, sigsize, dgst, dlen);
}

static const OSSL_DISPATCH pk_signature[] = {
	{ OSSL_FUNC_SIGNATURE_NEWCTX, (void (*)(void))sig_newctx },
	{ OSSL_FUNC_SIGNATURE_FREECTX, (void (*)(void))sig_freectx },
	{ OSSL_FUNC_SIGNATURE_DUPCTX, (void (*)(void))sig_dupctx },
	{ OSSL_FUNC_SIGNATURE_SIGN_INIT, (void (*)(void))sig_sign_init },
	{ OSSL_FUNC_SIGNATURE_SIGN, (void (*)(void))sig_sign },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN_INIT, (void (*)(void))sig_digest_sign_init },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN_UPDATE, (void (*)(void))sig_digest_sign_update },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN_FINAL, (void (*)(void))sig_digest_sign_final },
	{ OSSL_FUNC_SIGNATURE_DIGEST_SIGN, (void (*)(void))sig_digest_sign },
	{ OSSL_FUNC_SIGNATURE_SET_CTX_PARAMS, (void (*)(void))sig_set_ctx_params },
	{ OSSL_FUNC_SIGNATURE_SETTABLE_CTX_PARAMS, (void (*)(void))sig_settable_ctx_params },
	{ 0, NULL }
};

/* ---- the provider ---- */

#define PK_PROPS "provider=" PK_PROVIDER

static const OSSL_ALGORITHM pk_keymgmts[] = {
	{ "RSA:rsaEncryption:1.2.840.113549.1.1.1", PK_PROPS, pk_keymgmt_rsa, NULL },
	{ "EC:id-ecPublicKey:1.2.840.10045.2.1", PK_PROPS, pk_keymgmt_ec, NULL },
	{ "ED25519:1.3.101.112", PK_PROPS, pk_keymgmt_ed25519, NULL },
	{ NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM pk_signatures[] = {
	{ "RSA:rsaEncryption:1.2.840.113549.1.1.1", PK_PROPS, pk_signature, NULL },
	{ "ECDSA", PK_PROPS, pk_signature, NULL },
	{ "ED25519:1.3.101.112", PK_PROPS, pk_signature, NULL },
	{ NULL, NULL, NULL, NULL }
};

static const OSSL_ALGORITHM *
pk_query(void *provctx, int op, int *no_cache)
{
	(void)provctx;
	*no_cache = 0;
	if (op == OSSL_OP_KEYMGMT)
		return pk_keymgmts;
	if (op == OSSL_OP_SIGNATURE)
		return pk_signatures;
	return NULL;
}

static const OSSL_DISPATCH pk_provider[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION, (void (*)(void))pk_query },
	{ 0, NULL }
};

static int
pk_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
    const OSSL_DISPATCH **out, void **provctx)
{
	(void)in;
	*out = pk_provider;
	*provctx = (void *)(uintptr_t)handle;
	return 1;
}

static OSSL_LIB_CTX *pk_libctx;
static pthread_once_t pk_once = PTHREAD_ONCE_INIT;

static void
pk_load(void)
{
	OSSL_LIB_CTX *lc = OSSL_LIB_CTX_new();

	if (lc == NULL)
		return;
	if (OSSL_PROVIDER_add_builtin(lc, PK_PROVIDER, pk_provider_init) != 1 ||
	    OSSL_PROVIDER_load(lc, PK_PROVIDER) == NULL) {
		OSSL_LIB_CTX_free(lc);
		return;
	}
	pk_libctx = lc;  /* kept for the life of the process */
}

enum at_rc
engine_proxykey_init(struct at_err *err)
{
	if (pthread_once(&pk_once, pk_load) != 0 || pk_libctx == NULL)
		return at_err_ssl(err, AT_E_TLS, "loading the " PK_PROVIDER " provider");
	return AT_OK;
}

int
engine_proxykey_is_proxy(const EVP_PKEY *key)
{
	const OSSL_PROVIDER *p = EVP_PKEY_get0_provider(key);

	return p != NULL && strcmp(OSSL_PROVIDER_get0_name(p), PK_PROVIDER) == 0;
}

enum at_rc
engine_proxykey_new(const X509 *cert, struct keyholder_client *kc, uint32_t key_id,
    EVP_PKEY **out, struct at_err *err)
{
	OSSL_PARAM extra[3], *pub = NULL, *all = NULL;
	EVP_PKEY *certkey;
	EVP_PKEY_CTX *pctx = NULL;
	enum pk_type type;
	void *kcp = kc;
	enum at_rc rc = AT_E_TLS;

	*out = NULL;
	if (pthread_once(&pk_once, pk_load) != 0 || pk_libctx == NULL)
		return at_err_ssl(err, AT_E_TLS, "loading the " PK_PROVIDER " provider");
	certkey = X509_get0_pubkey(cert);
	if (certkey == NULL)
		return at_err_ssl(err, AT_E_INPUT, "the certificate's public key does not decode");
	if (EVP_PKEY_is_a(certkey, "RSA"))
		type = PK_RSA;
	else if (EVP_PKEY_is_a(certkey, "EC"))
		type = PK_EC;
	else if (EVP_PKEY_is_a(certkey, "ED25519"))
		type = PK_ED25519;
	else
		return at_err_setx(err, AT_E_INPUT,
		    "a %s certificate key cannot be held by the keyholder (RSA, EC and Ed25519 can)",
		    EVP_PKEY_get0_type_name(certkey) != NULL ?
		    EVP_PKEY_get0_type_name(certkey) : "this");
	extra[0] = OSSL_PARAM_construct_octet_ptr(PK_PARAM_CLIENT, &kcp, sizeof(kcp));
	extra[1] = OSSL_PARAM_construct_uint32(PK_PARAM_KEY_ID, &key_id);
	extra[2] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_todata(certkey, EVP_PKEY_PUBLIC_KEY, &pub) != 1 ||
	    (all = OSSL_PARAM_merge(pub, extra)) == NULL)
		goto out;
	pctx = EVP_PKEY_CTX_new_from_name(pk_libctx, pk_type_name[type], PK_PROPS);
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, out, EVP_PKEY_KEYPAIR, all) != 1)
		goto out;
	rc = AT_OK;
out:
	EVP_PKEY_CTX_free(pctx);
	OPENSSL_free(all);          /* merge made a shallow list */
	OSSL_PARAM_free(pub);
	if (rc != AT_OK)
		return at_err_ssl(err, rc, "making a %s proxy key for keyholder key %u",
		    pk_sig_name[type], key_id);
	return AT_OK;
}
