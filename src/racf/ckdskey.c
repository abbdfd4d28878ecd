/*
 * ckdskey.c - the CKDSKEY command: the HMAC keys that PTKTDATA profiles
 * name with SSIGNON(EPTKEYLABEL(label)).  attls has no ICSF; this command
 * does for its key store (saf/ckds.h) what KGUP or the ICSF panels do for
 * a CKDS:
 *
 *   CKDSKEY ADD LABEL(label) [LENGTH(bits)]   a random key (default 512)
 *   CKDSKEY ADD LABEL(label) KEY(hex)         import a partner's key
 *   CKDSKEY DELETE LABEL(label)
 *   CKDSKEY LIST                              labels, sizes, users; never
 *                                             the key
 * SPECIAL only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "racf/util.h"
#include "saf/ckds.h"

const struct racf_kwspec racf_ckdskey_keywords[] = {
	{ "ADD", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "DELETE", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "LIST", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "LABEL", NULL, 0, RACF_KW_VALUE, NULL, "KEY LABEL" },
	{ "LENGTH", NULL, 0, RACF_KW_VALUE, NULL, "KEY LENGTH IN BITS" },
	{ "KEY", NULL, 0, RACF_KW_VALUE, NULL, "HEXADECIMAL KEY" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* KEY(hex): 64-128 hexadecimal digits. */
static enum at_rc
read_hex(const struct racf_opnd *kw, unsigned char *key, size_t *len,
    struct at_err *err)
{
	const struct racf_opnd *v = racf_single(kw);
	size_t i;

	if (v == NULL || v->len % 2 != 0 || v->len < 2 * SAF_CKDS_HMAC_MIN ||
	    v->len > 2 * SAF_CKDS_HMAC_MAX)
		return racf_err_invalid(err, v != NULL ? v : kw, "KEY",
		    "64 TO 128 HEXADECIMAL DIGITS");
	for (i = 0; i < v->len / 2; i++) {
		int hi = hexval(v->text[2 * i]), lo = hexval(v->text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return racf_err_invalid(err, v, "KEY",
			    "64 TO 128 HEXADECIMAL DIGITS");
		key[i] = (unsigned char)(hi * 16 + lo);
	}
	*len = v->len / 2;
	return AT_OK;
}

static enum at_rc
list_one(void *ctx, const struct saf_ckds_info *k, struct at_err *err)
{
	struct at_buf *out = ctx;
	char when[32] = "UNKNOWN";
	time_t t = (time_t)k->created;
	struct tm tm;

	(void)err;
	if (k->created > 0 && gmtime_r(&t, &tm) != NULL)
		(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	return at_buf_printf(out, "LABEL(%s) TYPE(%s) LENGTH(%u) CREATED(%s) "
	    "PTKTDATA PROFILES(%u)\n", k->label, k->kind, k->bits, when,
	    k->users);
}

enum at_rc
racf_ckdskey(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct at_buf *out, struct at_err *err)
{
	const struct racf_opnd *lab = racf_kw(cmd, "LABEL");
	const struct racf_opnd *len = racf_kw(cmd, "LENGTH");
	const struct racf_opnd *key = racf_kw(cmd, "KEY");
	bool add = racf_kw(cmd, "ADD") != NULL;
	bool del = racf_kw(cmd, "DELETE") != NULL;
	bool list = racf_kw(cmd, "LIST") != NULL;
	char label[SAF_CKDS_LABEL_MAX + 1];
	unsigned char k[SAF_CKDS_HMAC_MAX];
	size_t klen = SAF_CKDS_HMAC_MAX;
	uint64_t bits = 0;
	enum at_rc rc = AT_OK;

	if ((int)add + (int)del + (int)list != 1)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING OR "
		    "CONFLICTING FUNCTION: CKDSKEY needs one of ADD, DELETE "
		    "or LIST");
	if (list) {
		if (lab != NULL || len != NULL || key != NULL)
			return at_err_setx(err, AT_E_INPUT, "CKDSKEY LIST takes "
			    "no other operand");
		return saf_ckds_each(ctx->db, ctx->actor, list_one, out, err);
	}
	if (lab == NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56701I MISSING KEY LABEL: LABEL(label)");
	rc = racf_single_text(lab, label, sizeof(label), "KEY LABEL", err);
	if (rc != AT_OK)
		return rc;
	if (del) {
		if (len != NULL || key != NULL)
			return at_err_setx(err, AT_E_INPUT, "CKDSKEY DELETE "
			    "takes only LABEL");
		return saf_ckds_delete(ctx->db, ctx->actor, label, err);
	}
	if (len != NULL && key != NULL)
		return at_err_setx(err, AT_E_INPUT, "CKDSKEY ADD: LENGTH and "
		    "KEY conflict (an imported key has its own length)");
	if (len != NULL) {
		rc = racf_get_u64(len, SAF_CKDS_HMAC_MIN * 8,
		    SAF_CKDS_HMAC_MAX * 8, "LENGTH", &bits, err);
		if (rc == AT_OK && bits % 8 != 0)
			rc = at_err_setx(err, AT_E_INPUT, "LENGTH must be a "
			    "whole number of bytes (a multiple of 8 bits)");
		klen = (size_t)bits / 8;
	}
	if (rc == AT_OK && key != NULL)
		rc = read_hex(key, k, &klen, err);
	if (rc == AT_OK)
		rc = saf_ckds_add(ctx->db, ctx->actor, label,
		    key != NULL ? k : NULL, klen, err);
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}
