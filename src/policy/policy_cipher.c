/*
 * policy_cipher.c - cipher suite constants of TTLSCipherParms and their
 * IANA identifiers (the TLS Cipher Suites registry), sorted by id so the
 * id-to-name direction can bsearch.
 */
#include <stdlib.h>

#include "policy/policy_int.h"

struct cipher {
	uint16_t id;
	const char *name;
};

static const struct cipher ciphers[] = {
	{ 0x0000, "TLS_NULL_WITH_NULL_NULL" },
	{ 0x0001, "TLS_RSA_WITH_NULL_MD5" },
	{ 0x0002, "TLS_RSA_WITH_NULL_SHA" },
	{ 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5" },
	{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
	{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
	{ 0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5" },
	{ 0x0009, "TLS_RSA_WITH_DES_CBC_SHA" },
	{ 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA" },
	{ 0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA" },
	{ 0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA" },
	{ 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA" },
	{ 0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA" },
	{ 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA" },
	{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA" },
	{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0x003B, "TLS_RSA_WITH_NULL_SHA256" },
	{ 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256" },
	{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256" },
	{ 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256" },
	{ 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256" },
	{ 0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384" },
	{ 0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
	{ 0x1301, "TLS_AES_128_GCM_SHA256" },
	{ 0x1302, "TLS_AES_256_GCM_SHA384" },
	{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
	{ 0x1304, "TLS_AES_128_CCM_SHA256" },
	{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
	{ 0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA" },
	{ 0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA" },
	{ 0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA" },
	{ 0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA" },
	{ 0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
	{ 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
	{ 0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA" },
	{ 0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA" },
	{ 0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA" },
	{ 0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA" },
	{ 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA" },
	{ 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
	{ 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
	{ 0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256" },
	{ 0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384" },
	{ 0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256" },
	{ 0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384" },
	{ 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256" },
	{ 0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384" },
	{ 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
	{ 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
};

/* SSLv2 cipher kinds, numbered as the V2CipherSuites one-character codes. */
static const struct cipher v2ciphers[] = {
	{ 1, "TLS_RC4_128_WITH_MD5" },
	{ 2, "TLS_RC4_128_EXPORT40_WITH_MD5" },
	{ 3, "TLS_RC2_CBC_128_CBC_WITH_MD5" },
	{ 4, "TLS_RC2_CBC_128_CBC_EXPORT40_WITH_MD5" },
	{ 6, "TLS_DES_64_CBC_WITH_MD5" },
	{ 7, "TLS_DES_192_EDE3_CBC_WITH_MD5" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

bool
policy_cipher_lookup(struct at_str name, uint16_t *id)
{
	size_t i;

	for (i = 0; i < N(ciphers); i++) {
		if (at_str_eq_ci(name, ciphers[i].name)) {
			*id = ciphers[i].id;
			return true;
		}
	}
	/* System SSL also accepts the SSL_ spelling of the same constants. */
	if (name.len > 4 && at_str_has_prefix_ci(name, "SSL_")) {
		char buf[96];
		struct at_str t;

		if (name.len + 1 > sizeof(buf))
			return false;
		/* t carries its length; buf is never read as a C string. */
		memcpy(buf, "TLS_", 4); /* NOLINT(bugprone-not-null-terminated-result) */
		memcpy(buf + 4, name.p + 4, name.len - 4);
		t.p = buf;
		t.len = name.len;
		for (i = 0; i < N(ciphers); i++) {
			if (at_str_eq_ci(t, ciphers[i].name)) {
				*id = ciphers[i].id;
				return true;
			}
		}
	}
	return false;
}

bool
policy_v2_cipher_lookup(struct at_str name, uint16_t *id)
{
	size_t i;

	for (i = 0; i < N(v2ciphers); i++) {
		if (at_str_eq_ci(name, v2ciphers[i].name)) {
			*id = v2ciphers[i].id;
			return true;
		}
	}
	return false;
}

static int
cmp_id(const void *k, const void *e)
{
	uint16_t a = *(const uint16_t *)k;
	const struct cipher *c = e;

	return a < c->id ? -1 : a > c->id ? 1 : 0;
}

const char *
policy_cipher_name(uint16_t iana_id)
{
	const struct cipher *c = bsearch(&iana_id, ciphers, N(ciphers), sizeof(ciphers[0]), cmp_id);

	return c != NULL ? c->name : NULL;
}
