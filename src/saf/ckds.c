/* ckds.c - the HMAC key store behind EPTKEYLABEL (see ckds.h). */
#include "saf/ckds.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "saf/sqlutil.h"

enum at_rc
saf_ckds_label_norm(const char *in, char out[SAF_CKDS_LABEL_MAX + 1],
    struct at_err *err)
{
	size_t i, n = in != NULL ? strlen(in) : 0;

	if (n == 0 || n > SAF_CKDS_LABEL_MAX)
		return at_err_setx(err, AT_E_INPUT, "a key label must be 1-%d "
		    "characters", SAF_CKDS_LABEL_MAX);
	for (i = 0; i < n; i++) {
		char c = in[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || c == '@' || c == '#' ||
		    c == '$' || (i > 0 && ((c >= '0' && c <= '9') ||
		    c == '.'))))
			return at_err_setx(err, AT_E_INPUT, "key label %s: "
			    "only A-Z 0-9 @ # $ and '.' are allowed, and it "
			    "must start with a letter, @, # or $", in);
		out[i] = c;
	}
	out[n] = '\0';
	return AT_OK;
}

enum at_rc
saf_ckds_add(struct saf_db *db, const struct saf_actor *actor,
    const char *label, const unsigned char *key, size_t keylen,
    struct at_err *err)
{
	char l[SAF_CKDS_LABEL_MAX + 1];
	unsigned char k[SAF_CKDS_HMAC_MAX];
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_auth_special(actor, "CKDSKEY", err);
	if (rc == AT_OK)
		rc = saf_ckds_label_norm(label, l, err);
	if (rc != AT_OK)
		return rc;
	if (keylen < SAF_CKDS_HMAC_MIN || keylen > SAF_CKDS_HMAC_MAX)
		return at_err_setx(err, AT_E_INPUT, "an HMAC key for enhanced "
		    "PassTickets must be %d-%d bits", SAF_CKDS_HMAC_MIN * 8,
		    SAF_CKDS_HMAC_MAX * 8);
	if (key != NULL)
		memcpy(k, key, keylen);
	else if (RAND_bytes(k, (int)keylen) != 1)
		return at_err_ssl(err, AT_E_TLS, "no random key");
	rc = saf_db_prepare(db, "INSERT INTO ckds_keys (label, kind, key, "
	    "created) VALUES (?, 'HMAC', ?, ?)", &st, err);
	if (rc == AT_OK) {
		saf_sql_bind(st, 1, l);
		saf_sql_bind_blob(st, 2, k, keylen);
		saf_sql_bind_i64(st, 3, saf_now());
		rc = saf_sql_done(db, st, "storing a key", err);
		if (rc == AT_E_EXISTS)
			rc = at_err_setx(err, AT_E_EXISTS, "key label %s is "
			    "already in the key store (CKDSKEY DELETE it "
			    "first)", l);
	}
	sqlite3_finalize(st);
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}

enum at_rc
saf_ckds_delete(struct saf_db *db, const struct saf_actor *actor,
    const char *label, struct at_err *err)
{
	char l[SAF_CKDS_LABEL_MAX + 1];
	int64_t users = 0;
	int found = 0;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_auth_special(actor, "CKDSKEY", err);
	if (rc == AT_OK)
		rc = saf_ckds_label_norm(label, l, err);
	if (rc == AT_OK)
		rc = saf_sql_int(db, "SELECT count(*) FROM profiles WHERE "
		    "ptkt_ekey_label = ?", l, &users, &found, err);
	if (rc == AT_OK && users > 0)
		rc = at_err_setx(err, AT_E_INPUT, "key label %s is named by "
		    "%lld PTKTDATA profile(s): RALTER them to another "
		    "EPTKEYLABEL first", l, (long long)users);
	if (rc == AT_OK)
		rc = saf_sql_int(db, "SELECT count(*) FROM ckds_keys WHERE "
		    "label = ?", l, &users, &found, err);
	if (rc == AT_OK && users == 0)
		rc = at_err_setx(err, AT_E_NOTFOUND, "key label %s is not in "
		    "the key store", l);
	if (rc == AT_OK)
		rc = saf_sql_exec1(db, "DELETE FROM ckds_keys WHERE label = ?",
		    l, "deleting a key", err);
	return rc;
}

enum at_rc
saf_ckds_each(struct saf_db *db, const struct saf_actor *actor,
    saf_ckds_cb cb, void *ctx, struct at_err *err)
{
	struct saf_ckds_info k;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_auth_special(actor, "CKDSKEY", err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db, "SELECT k.label, k.kind, length(k.key),"
		    " k.created, (SELECT count(*) FROM profiles p WHERE "
		    "p.ptkt_ekey_label = k.label) FROM ckds_keys k ORDER BY "
		    "k.label", &st, err);
	while (rc == AT_OK) {
		rc = saf_sql_row(db, st, &row, "listing keys", err);
		if (rc != AT_OK || !row)
			break;
		memset(&k, 0, sizeof(k));
		saf_sql_text(st, 0, k.label, sizeof(k.label));
		saf_sql_text(st, 1, k.kind, sizeof(k.kind));
		k.bits = (unsigned)sqlite3_column_int(st, 2) * 8;
		k.created = sqlite3_column_int64(st, 3);
		k.users = (unsigned)sqlite3_column_int(st, 4);
		rc = cb(ctx, &k, err);
	}
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_ckds_get(struct saf_db *db, const char *label, unsigned char *key,
    size_t cap, size_t *len, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	const void *k;
	enum at_rc rc;
	int row = 0, n;

	*len = 0;
	rc = saf_db_prepare(db, "SELECT key FROM ckds_keys WHERE label = ?",
	    &st, err);
	if (rc != AT_OK)
		return rc;
	saf_sql_bind(st, 1, label);
	rc = saf_sql_row(db, st, &row, "reading a key", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND, "key label %s is not in "
		    "the key store (create it with CKDSKEY ADD LABEL(%s))",
		    label, label);
	if (rc == AT_OK) {
		k = sqlite3_column_blob(st, 0);
		n = sqlite3_column_bytes(st, 0);
		if (k == NULL || n <= 0 || (size_t)n > cap)
			rc = at_err_setx(err, AT_E_INPUT, "key label %s holds "
			    "no usable HMAC key", label);
		else {
			memcpy(key, k, (size_t)n);
			*len = (size_t)n;
		}
	}
	sqlite3_finalize(st);
	return rc;
}
