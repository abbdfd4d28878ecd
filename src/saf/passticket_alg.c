/*
 * passticket_alg.c - the PassTicket algorithms.  Legacy: single DES (ECB,
 * no padding) from OpenSSL's legacy provider, loaded into a library
 * context of our own so the rest of the process never sees DES.
 * Enhanced: HMAC-SHA-512 through EVP_MAC.
 */
#include "saf/passticket.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#include "saf/names.h"

static const unsigned char perm_table[6][16] = {
	{ 10, 2, 12, 4, 14, 6, 16, 8, 9, 1, 11, 3, 13, 5, 15, 7 },
	{ 1, 10, 3, 12, 13, 16, 7, 15, 9, 2, 11, 4, 5, 14, 8, 6 },
	{ 3, 10, 1, 12, 13, 16, 9, 15, 7, 2, 14, 4, 5, 11, 8, 6 },
	{ 10, 4, 12, 2, 14, 8, 16, 6, 9, 1, 13, 3, 11, 5, 15, 7 },
	{ 4, 10, 12, 1, 8, 16, 14, 5, 9, 2, 13, 3, 11, 7, 15, 6 },
	{ 1, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2 },
};

static const char legacy_cs[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char enhanced_cs[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

static int
ebcdic(char c)
{
	if (c >= 'A' && c <= 'I')
		return 0xC1 + (c - 'A');
	if (c >= 'J' && c <= 'R')
		return 0xD1 + (c - 'J');
	if (c >= 'S' && c <= 'Z')
		return 0xE2 + (c - 'S');
	if (c >= '0' && c <= '9')
		return 0xF0 + (c - '0');
	if (c == '#')
		return 0x7B;
	if (c == '$')
		return 0x5B;
	if (c == '@')
		return 0x7C;
	return -1;
}

enum at_rc
saf_ptkt_ebcdic8(const char *name, unsigned char out[8], struct at_err *err)
{
	char n[SAF_NAME_MAX + 1];
	enum at_rc rc = saf_name_norm(name, "name", n, err);
	size_t i;

	memset(out, 0x40, 8);
	if (rc != AT_OK)
		return rc;
	for (i = 0; n[i] != '\0'; i++)
		out[i] = (unsigned char)ebcdic(n[i]);
	return AT_OK;
}

enum at_rc
saf_ptkt_pad(const char *user, unsigned char out[12], struct at_err *err)
{
	unsigned char u[8];
	enum at_rc rc = saf_ptkt_ebcdic8(user, u, err);
	size_t i, n = 0;

	memset(out, 0x55, 12);
	if (rc != AT_OK)
		return rc;
	for (i = 0; i < 8 && u[i] != 0x40; i++)
		out[n++] = u[i];
	return AT_OK;
}

uint16_t
saf_ptkt_perm(int round, uint16_t in)
{
	const unsigned char *t = perm_table[(round - 1) % 6];
	uint16_t out = 0;
	int j;

	for (j = 0; j < 16; j++)
		if (in & (1u << (16 - t[j])))
			out |= (uint16_t)(1u << (15 - j));
	return out;
}

void
saf_ptkt_translate(uint32_t r5, char out[SAF_PTKT_LEN + 1])
{
	static const int start[8] = { 31, 3, 7, 11, 15, 19, 23, 27 };
	int i, k;

	for (i = 0; i < 8; i++) {
		unsigned v = 0;

		for (k = 0; k < 6; k++) {
			int bit = (start[i] - 1 + k) % 32 + 1;

			v = (v << 1) | ((r5 >> (32 - bit)) & 1u);
		}
		out[i] = legacy_cs[v % 36];
	}
	out[SAF_PTKT_LEN] = '\0';
}

/* A DES-ECB context from the legacy provider. */
struct des {
	OSSL_LIB_CTX *lib;
	OSSL_PROVIDER *legacy;
	OSSL_PROVIDER *base;
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
};

static void
des_free(struct des *d)
{
	EVP_CIPHER_CTX_free(d->ctx);
	EVP_CIPHER_free(d->cipher);
	if (d->legacy != NULL)
		(void)OSSL_PROVIDER_unload(d->legacy);
	if (d->base != NULL)
		(void)OSSL_PROVIDER_unload(d->base);
	OSSL_LIB_CTX_free(d->lib);
	memset(d, 0, sizeof(*d));
}

static enum at_rc
des_init(struct des *d, const unsigned char key[8], struct at_err *err)
{
	memset(d, 0, sizeof(*d));
	d->lib = OSSL_LIB_CTX_new();
	if (d->lib != NULL)
		d->legacy = OSSL_PROVIDER_load(d->lib, "legacy");
	if (d->legacy != NULL)
		d->base = OSSL_PROVIDER_load(d->lib, "default");
	if (d->base == NULL) {
		des_free(d);
		return at_err_ssl(err, AT_E_TLS, "cannot load OpenSSL's legacy "
		    "provider (needed for legacy PassTickets)");
	}
	d->cipher = EVP_CIPHER_fetch(d->lib, "DES-ECB", NULL);
	d->ctx = EVP_CIPHER_CTX_new();
	if (d->cipher == NULL || d->ctx == NULL ||
	    EVP_EncryptInit_ex2(d->ctx, d->cipher, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(d->ctx, 0) != 1) {
		des_free(d);
		return at_err_ssl(err, AT_E_TLS, "DES-ECB is not available");
	}
	return AT_OK;
}

static enum at_rc
des_block(struct des *d, const unsigned char in[8], unsigned char out[8],
    struct at_err *err)
{
	int n = 0;

	if (EVP_EncryptUpdate(d->ctx, out, &n, in, 8) != 1 || n != 8)
		return at_err_ssl(err, AT_E_TLS, "DES encryption failed");
	return AT_OK;
}

/* Legacy steps 1-3: R3 from user and application. */
static enum at_rc
legacy_r3(struct des *d, const char *user, const char *appl, uint32_t *r3,
    struct at_err *err)
{
	unsigned char u[8] = { 0 }, a[8] = { 0 }, r1[8] = { 0 }, r2[8];
	enum at_rc rc;
	int i;

	rc = saf_ptkt_ebcdic8(user, u, err);
	if (rc == AT_OK)
		rc = saf_ptkt_ebcdic8(appl, a, err);
	if (rc == AT_OK)
		rc = des_block(d, u, r1, err);
	for (i = 0; rc == AT_OK && i < 8; i++)
		r1[i] ^= a[i];
	if (rc == AT_OK)
		rc = des_block(d, r1, r2, err);
	if (rc == AT_OK)
		*r3 = (uint32_t)r2[0] << 24 | (uint32_t)r2[1] << 16 |
		    (uint32_t)r2[2] << 8 | r2[3];
	OPENSSL_cleanse(r1, sizeof(r1));
	OPENSSL_cleanse(r2, sizeof(r2));
	return rc;
}

/* Legacy steps 4-6 for one time value. */
static enum at_rc
legacy_tail(struct des *d, uint32_t r3, const unsigned char pad[12],
    uint32_t t, char out[SAF_PTKT_LEN + 1], struct at_err *err)
{
	unsigned char b[8], c[8];
	uint32_t r4 = r3 ^ t;
	uint16_t l = (uint16_t)(r4 >> 16), r = (uint16_t)r4, e;
	enum at_rc rc = AT_OK;
	int round;

	for (round = 1; round <= 6 && rc == AT_OK; round++) {
		b[0] = (unsigned char)(r >> 8);
		b[1] = (unsigned char)r;
		memcpy(b + 2, pad + ((round & 1) ? 0 : 6), 6);
		rc = des_block(d, b, c, err);
		e = (uint16_t)(((unsigned)c[0] << 8 | c[1]) ^ l);
		l = r;
		r = saf_ptkt_perm(round, e);
	}
	if (rc == AT_OK)
		saf_ptkt_translate((uint32_t)l << 16 | r, out);
	OPENSSL_cleanse(c, sizeof(c));
	return rc;
}

enum at_rc
saf_ptkt_legacy(const unsigned char key[8], const char *user,
    const char *appl, uint32_t t, char out[SAF_PTKT_LEN + 1],
    struct at_err *err)
{
	unsigned char pad[12];
	struct des d;
	uint32_t r3 = 0;
	enum at_rc rc;

	out[0] = '\0';
	rc = saf_ptkt_pad(user, pad, err);
	if (rc != AT_OK)
		return rc;
	rc = des_init(&d, key, err);
	if (rc != AT_OK)
		return rc;
	rc = legacy_r3(&d, user, appl, &r3, err);
	if (rc == AT_OK)
		rc = legacy_tail(&d, r3, pad, t, out, err);
	des_free(&d);
	r3 = 0;
	return rc;
}

enum at_rc
saf_ptkt_legacy_find(const unsigned char key[8], const char *user,
    const char *appl, const char *ticket, int64_t t, int window, int *match,
    int64_t *when, struct at_err *err)
{
	unsigned char pad[12];
	char got[SAF_PTKT_LEN + 1];
	struct des d;
	uint32_t r3 = 0;
	int64_t s;
	enum at_rc rc;

	*match = 0;
	*when = 0;
	if (ticket == NULL || strlen(ticket) != SAF_PTKT_LEN)
		return AT_OK;
	rc = saf_ptkt_pad(user, pad, err);
	if (rc != AT_OK)
		return rc;
	rc = des_init(&d, key, err);
	if (rc != AT_OK)
		return rc;
	rc = legacy_r3(&d, user, appl, &r3, err);
	for (s = t - window; rc == AT_OK && s <= t + window && !*match; s++) {
		if (s < 0 || s > (int64_t)UINT32_MAX)
			continue;
		rc = legacy_tail(&d, r3, pad, (uint32_t)s, got, err);
		if (rc == AT_OK && CRYPTO_memcmp(got, ticket, SAF_PTKT_LEN) == 0) {
			*match = 1;
			*when = s;
		}
	}
	des_free(&d);
	return rc;
}

/* HMAC-SHA-512(key, in) into out (64 bytes). */
static enum at_rc
hmac512(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen,
    const unsigned char *in, size_t inlen, unsigned char out[64],
    struct at_err *err)
{
	OSSL_PARAM params[2];
	char digest[] = "SHA512";
	size_t n = 0;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, keylen, params) != 1 ||
	    EVP_MAC_update(ctx, in, inlen) != 1 ||
	    EVP_MAC_final(ctx, out, &n, 64) != 1 || n != 64)
		return at_err_ssl(err, AT_E_TLS, "HMAC-SHA-512 failed");
	return AT_OK;
}

static enum at_rc
enhanced_one(EVP_MAC_CTX *ctx, const unsigned char *key, size_t keylen,
    const unsigned char ua[16], uint64_t t, enum saf_ptkt_type type,
    char out[SAF_PTKT_LEN + 1], struct at_err *err)
{
	unsigned char h[64] = { 0 }, buf[20], l[3] = { 0 }, r[3] = { 0 }, x[3];
	uint64_t v = 0;
	unsigned n = type == SAF_PTKT_UPPER ? 36 : 64;
	enum at_rc rc;
	int i, round;

	rc = hmac512(ctx, key, keylen, ua, 16, h, err);
	for (i = 0; rc == AT_OK && i < 6; i++) {
		unsigned char p = (unsigned char)(t >> (8 * (5 - i))) ^ h[i];

		if (i < 3)
			l[i] = p;
		else
			r[i - 3] = p;
	}
	memcpy(buf + 4, ua, 16);
	for (round = 1; round <= 6 && rc == AT_OK; round++) {
		memcpy(buf, r, 3);
		buf[3] = (unsigned char)round;
		rc = hmac512(ctx, key, keylen, buf, sizeof(buf), h, err);
		for (i = 0; i < 3; i++)
			x[i] = l[i] ^ h[i];
		if (type == SAF_PTKT_UPPER && (round & 1))
			x[0] &= 0x01;
		memcpy(l, r, 3);
		memcpy(r, x, 3);
	}
	for (i = 0; i < 3; i++)
		v = v << 8 | l[i];
	for (i = 0; i < 3; i++)
		v = v << 8 | r[i];
	for (i = SAF_PTKT_LEN - 1; i >= 0; i--) {
		out[i] = enhanced_cs[v % n];
		v /= n;
	}
	out[SAF_PTKT_LEN] = '\0';
	OPENSSL_cleanse(h, sizeof(h));
	OPENSSL_cleanse(x, sizeof(x));
	return rc;
}

static enum at_rc
enhanced_setup(const char *user, const char *appl, unsigned char ua[16],
    EVP_MAC **mac, EVP_MAC_CTX **ctx, struct at_err *err)
{
	enum at_rc rc = saf_ptkt_ebcdic8(user, ua, err);

	*mac = NULL;
	*ctx = NULL;
	if (rc == AT_OK)
		rc = saf_ptkt_ebcdic8(appl, ua + 8, err);
	if (rc != AT_OK)
		return rc;
	*mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (*mac != NULL)
		*ctx = EVP_MAC_CTX_new(*mac);
	if (*ctx == NULL)
		return at_err_ssl(err, AT_E_TLS, "HMAC is not available");
	return AT_OK;
}

enum at_rc
saf_ptkt_enhanced(const unsigned char *key, size_t keylen, const char *user,
    const char *appl, uint64_t t, enum saf_ptkt_type type,
    char out[SAF_PTKT_LEN + 1], struct at_err *err)
{
	unsigned char ua[16];
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	enum at_rc rc;

	out[0] = '\0';
	rc = enhanced_setup(user, appl, ua, &mac, &ctx, err);
	if (rc == AT_OK)
		rc = enhanced_one(ctx, key, keylen, ua, t & 0xffffffffffffULL,
		    type, out, err);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

enum at_rc
saf_ptkt_enhanced_find(const unsigned char *key, size_t keylen,
    const char *user, const char *appl, const char *ticket,
    enum saf_ptkt_type type, int64_t t, int window, int *match,
    int64_t *when, struct at_err *err)
{
	unsigned char ua[16];
	char got[SAF_PTKT_LEN + 1];
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	enum at_rc rc;
	int64_t s;

	*match = 0;
	*when = 0;
	if (ticket == NULL || strlen(ticket) != SAF_PTKT_LEN)
		return AT_OK;
	rc = enhanced_setup(user, appl, ua, &mac, &ctx, err);
	for (s = t - window; rc == AT_OK && s <= t + window && !*match; s++) {
		if (s < 0)
			continue;
		rc = enhanced_one(ctx, key, keylen, ua, (uint64_t)s, type, got,
		    err);
		if (rc == AT_OK && CRYPTO_memcmp(got, ticket, SAF_PTKT_LEN) == 0) {
			*match = 1;
			*when = s;
		}
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}
