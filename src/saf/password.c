/* password.c - PBKDF2 password hashes, VERIFY, and PASSWORD changes. */
#include "saf/password.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "saf/sqlutil.h"
#include "saf/user.h"

/* Derives SAF_PW_HASH_LEN bytes from password and salt. */
static enum at_rc
derive(const char *password, const unsigned char *salt, size_t saltlen,
    unsigned iter, unsigned char out[SAF_PW_HASH_LEN], struct at_err *err)
{
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	OSSL_PARAM params[5];
	enum at_rc rc = AT_OK;
	char digest[] = "SHA256";

	kdf = EVP_KDF_fetch(NULL, "PBKDF2", NULL);
	if (kdf == NULL) {
		rc = at_err_ssl(err, AT_E_TLS, "PBKDF2 is not available");
		goto out;
	}
	kctx = EVP_KDF_CTX_new(kdf);
	if (kctx == NULL) {
		rc = at_err_ssl(err, AT_E_NOMEM, "cannot create a KDF context");
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
	    (void *)(uintptr_t)password, strlen(password));
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)salt, saltlen);
	params[3] = OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iter);
	params[4] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, SAF_PW_HASH_LEN, params) != 1)
		rc = at_err_ssl(err, AT_E_TLS, "PBKDF2 failed");
out:
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	return rc;
}

enum at_rc
saf_password_store(struct saf_db *db, const char *user, const char *password,
    bool expired, struct at_err *err)
{
	unsigned char salt[SAF_PW_SALT_LEN], hash[SAF_PW_HASH_LEN];
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc != AT_OK)
		return rc;
	if (password != NULL && (password[0] == '\0' ||
	    strlen(password) > SAF_PASSWORD_MAX))
		return at_err_setx(err, AT_E_INPUT,
		    "a password must be 1-%d characters", SAF_PASSWORD_MAX);
	if (password != NULL) {
		if (RAND_bytes(salt, sizeof(salt)) != 1) {
			rc = at_err_ssl(err, AT_E_TLS, "no random salt");
			goto out;
		}
		rc = derive(password, salt, sizeof(salt), SAF_PBKDF2_ITER, hash,
		    err);
		if (rc != AT_OK)
			goto out;
	}
	rc = saf_db_prepare(db, "UPDATE users SET pw_hash = ?, pw_salt = ?, "
	    "pw_iter = ?, pw_expired = ?, pw_date = ?, failed = 0 "
	    "WHERE name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	if (password != NULL) {
		saf_sql_bind_blob(st, 1, hash, (size_t)sizeof(hash));
		saf_sql_bind_blob(st, 2, salt, (size_t)sizeof(salt));
	}
	saf_sql_bind_i64(st, 3, password != NULL ? SAF_PBKDF2_ITER : 0);
	saf_sql_bind_i64(st, 4, expired ? 1 : 0);
	saf_sql_bind_i64(st, 5, password != NULL ? saf_now() : 0);
	saf_sql_bind(st, 6, user);
	rc = saf_sql_done(db, st, "storing a password", err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) != 1)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH30001I UNABLE TO LOCATE USER    ENTRY %s", user);
out:
	sqlite3_finalize(st);
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(salt, sizeof(salt));
	return rc;
}

/* The stored hash of a user. */
struct stored {
	bool found, has_pw, revoked, expired;
	unsigned failed, iter;
	unsigned char hash[SAF_PW_HASH_LEN];
	unsigned char salt[SAF_PW_SALT_LEN];
};

static enum at_rc
load(struct saf_db *db, const char *user, struct stored *s,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	const void *hash, *salt;
	enum at_rc rc;
	int row = 0;

	memset(s, 0, sizeof(*s));
	rc = saf_db_prepare(db, "SELECT pw_hash, pw_salt, pw_iter, "
	    "pw_expired, revoked, failed FROM users WHERE name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, user);
	rc = saf_sql_row(db, st, &row, "reading a password", err);
	if (rc != AT_OK || !row)
		goto out;
	s->found = true;
	hash = sqlite3_column_blob(st, 0);
	salt = sqlite3_column_blob(st, 1);
	if ((hash == NULL && sqlite3_column_type(st, 0) != SQLITE_NULL) ||
	    (salt == NULL && sqlite3_column_type(st, 1) != SQLITE_NULL)) {
		rc = at_err_setx(err, AT_E_NOMEM, "reading a password: out of "
		    "memory");
		goto out;
	}
	if (hash != NULL && salt != NULL &&
	    sqlite3_column_bytes(st, 0) == SAF_PW_HASH_LEN &&
	    sqlite3_column_bytes(st, 1) == SAF_PW_SALT_LEN) {
		s->has_pw = true;
		memcpy(s->hash, hash, SAF_PW_HASH_LEN);
		memcpy(s->salt, salt, SAF_PW_SALT_LEN);
	}
	s->iter = (unsigned)sqlite3_column_int(st, 2);
	s->expired = sqlite3_column_int(st, 3) != 0;
	s->revoked = sqlite3_column_int(st, 4) != 0;
	s->failed = (unsigned)sqlite3_column_int(st, 5);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
revoke_limit(struct saf_db *db, unsigned *limit, struct at_err *err)
{
	int64_t v = 0;
	int found = 0;
	enum at_rc rc = saf_sql_int(db, "SELECT value FROM options WHERE "
	    "name = 'PASSWORD_REVOKE'", NULL, &v, &found, err);

	*limit = found ? (unsigned)v : SAF_PW_REVOKE_DEFAULT;
	return rc;
}

/* Records the outcome of a password comparison. */
static enum at_rc
record(struct saf_db *db, const char *user, const struct stored *s, bool ok,
    bool by_alt, enum saf_verify_result *result, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	unsigned limit = 0, failed = s->failed + 1;
	bool revoke;
	enum at_rc rc;

	if (ok) {
		/* A PassTicket is not the password: its expiry is not asked. */
		*result = s->expired && !by_alt ? SAF_VERIFY_EXPIRED :
		    SAF_VERIFY_OK;
		rc = saf_db_prepare(db, "UPDATE users SET failed = 0, "
		    "last_access = ? WHERE name = ?", &st, err);
		if (rc != AT_OK)
			goto out;
		saf_sql_bind_i64(st, 1, saf_now());
		saf_sql_bind(st, 2, user);
		rc = saf_sql_done(db, st, "recording a logon", err);
		goto out;
	}
	*result = SAF_VERIFY_WRONG_PASSWORD;
	rc = revoke_limit(db, &limit, err);
	if (rc != AT_OK)
		goto out;
	revoke = limit > 0 && failed >= limit;
	rc = saf_db_prepare(db, "UPDATE users SET failed = ?, "
	    "revoked = revoked OR ? WHERE name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, (int)failed);
	saf_sql_bind_i64(st, 2, revoke ? 1 : 0);
	saf_sql_bind(st, 3, user);
	rc = saf_sql_done(db, st, "recording a failed logon", err);
out:
	sqlite3_finalize(st);
	return rc;
}

/* Compares password with the stored hash in constant time. */
static enum at_rc
compare(const char *password, const struct stored *s, bool *ok,
    struct at_err *err)
{
	unsigned char got[SAF_PW_HASH_LEN];
	static const unsigned char dummy_salt[SAF_PW_SALT_LEN];
	enum at_rc rc;

	*ok = false;
	/* Unknown users cost the same as known ones: no timing oracle. */
	rc = derive(password, s->has_pw ? s->salt : dummy_salt,
	    SAF_PW_SALT_LEN, s->has_pw && s->iter > 0 ? s->iter :
	    SAF_PBKDF2_ITER, got, err);
	if (rc == AT_OK && s->has_pw)
		*ok = CRYPTO_memcmp(got, s->hash, SAF_PW_HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return rc;
}

/*
 * pre: the outcome of a comparison made before the transaction opened
 * against *pre_s (NULL: none).  It is used only if the stored hash, salt
 * and iteration count are still the same; otherwise the comparison runs
 * again here.
 */
static enum at_rc
verify(struct saf_db *db, const char *user, const char *password,
    const struct stored *pre_s, bool pre_ok, struct saf_pw_alt *alt,
    enum saf_verify_result *result, struct at_err *err)
{
	struct stored s;
	bool ok = false;
	enum at_rc rc;

	rc = load(db, user, &s, err);
	if (rc == AT_OK && pre_s != NULL && pre_s->found == s.found &&
	    pre_s->has_pw == s.has_pw && pre_s->iter == s.iter &&
	    CRYPTO_memcmp(pre_s->hash, s.hash, sizeof(s.hash)) == 0 &&
	    CRYPTO_memcmp(pre_s->salt, s.salt, sizeof(s.salt)) == 0)
		ok = pre_ok;
	else if (rc == AT_OK)
		rc = compare(password, &s, &ok, err);
	if (rc != AT_OK)
		goto out;
	if (!s.found)
		*result = SAF_VERIFY_UNKNOWN_USER;
	else if (s.revoked)
		*result = SAF_VERIFY_REVOKED;
	else if (!s.has_pw)
		*result = SAF_VERIFY_PROTECTED;
	else {
		if (!ok && alt != NULL) {
			rc = alt->fn(db, user, alt->ctx, &alt->verdict, err);
			if (rc != AT_OK)
				goto out;
		}
		rc = record(db, user, &s, ok || (alt != NULL &&
		    alt->verdict == SAF_PW_ALT_ACCEPTED), !ok, result, err);
	}
out:
	OPENSSL_cleanse(&s, sizeof(s));
	return rc;
}

enum at_rc
saf_verify_password(struct saf_db *db, const char *user, const char *password,
    enum saf_verify_result *result, struct at_err *err)
{
	return saf_verify_password_alt(db, user, password, NULL, result, err);
}

enum at_rc
saf_verify_password_alt(struct saf_db *db, const char *user,
    const char *password, struct saf_pw_alt *alt,
    enum saf_verify_result *result, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1];
	bool own = !saf_db_in_txn(db), pre_ok = false;
	struct stored pre;
	enum at_rc rc;

	*result = SAF_VERIFY_UNKNOWN_USER;
	if (alt != NULL)
		alt->verdict = SAF_PW_ALT_NONE;
	rc = saf_name_norm(user, "user id", n, err);
	if (rc != AT_OK)
		return rc;
	if (password == NULL || strlen(password) > SAF_PASSWORD_MAX) {
		*result = SAF_VERIFY_WRONG_PASSWORD;
		password = "";
	}
	if (!own)
		return verify(db, n, password, NULL, false, alt, result,
		    err);
	/* The key derivation (a good part of a second) runs before the
	 * write lock is taken, so logons never queue other writers behind
	 * it; verify() re-reads the entry under the lock. */
	rc = load(db, n, &pre, err);
	if (rc == AT_OK)
		rc = compare(password, &pre, &pre_ok, err);
	if (rc == AT_OK)
		rc = saf_db_begin(db, err);
	if (rc == AT_OK) {
		rc = verify(db, n, password, &pre, pre_ok, alt, result, err);
		if (rc == AT_OK)
			rc = saf_db_commit(db, err);
		else
			saf_db_rollback(db);
	}
	OPENSSL_cleanse(&pre, sizeof(pre));
	return rc;
}

const char *
saf_verify_result_name(enum saf_verify_result r)
{
	switch (r) {
	case SAF_VERIFY_OK:
		return "ok";
	case SAF_VERIFY_UNKNOWN_USER:
		return "unknown user";
	case SAF_VERIFY_WRONG_PASSWORD:
		return "wrong password";
	case SAF_VERIFY_REVOKED:
		return "revoked";
	case SAF_VERIFY_EXPIRED:
		return "expired";
	case SAF_VERIFY_PROTECTED:
		return "protected";
	default:
		return "unknown";
	}
}

enum at_rc
saf_verify_message(const char *user, const char *group, const char *user_name,
    enum saf_verify_result r, struct at_buf *out)
{
	const char *nm = user_name != NULL && user_name[0] != '\0' ?
	    user_name : "???";
	enum at_rc rc = AT_OK;

	if (r == SAF_VERIFY_OK)
		return AT_OK;
	if (r != SAF_VERIFY_EXPIRED)
		rc = at_buf_printf(out, "ICH408I USER(%-8.8s) GROUP(%-8.8s) "
		    "NAME(%-20.20s)\n", user, group != NULL ? group : "",
		    r == SAF_VERIFY_UNKNOWN_USER ? "???" : nm);
	if (rc != AT_OK)
		return rc;
	switch (r) {
	case SAF_VERIFY_UNKNOWN_USER:
		rc = at_buf_printf(out, "  LOGON/JOB INITIATION - USER AT "
		    "TERMINAL          NOT RACF-DEFINED\nIRR012I  VERIFICATION "
		    "FAILED. USER PROFILE NOT FOUND.\n");
		break;
	case SAF_VERIFY_REVOKED:
		rc = at_buf_printf(out, "  LOGON/JOB INITIATION - REVOKED USER "
		    "ACCESS ATTEMPT\n");
		break;
	case SAF_VERIFY_EXPIRED:
		rc = at_buf_printf(out, "IRR014I  VERIFICATION FAILED. EXPIRED "
		    "PASSWORD GIVEN.\n");
		break;
	default:
		rc = at_buf_printf(out, "  LOGON/JOB INITIATION - INVALID "
		    "PASSWORD\nIRR013I  VERIFICATION FAILED. INVALID PASSWORD "
		    "GIVEN.\n");
		break;
	}
	return rc;
}

enum at_rc
saf_password_change(struct saf_db *db, const struct saf_actor *actor,
    const char *user, const char *current, const char *newpw,
    bool noexpired, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1];
	struct saf_user u;
	struct stored s;
	bool ok = false;
	enum at_rc rc;

	memset(&s, 0, sizeof(s));
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(user, "user id", n, err);
	if (rc == AT_OK)
		rc = saf_user_get(db, n, &u, err);
	if (rc != AT_OK)
		goto out;
	if (strcmp(actor->user, n) != 0 || current == NULL) {
		rc = saf_auth_owner(actor, u.owner, "CHANGE THE PASSWORD", err);
		if (rc == AT_OK)
			rc = saf_password_store(db, n, newpw, !noexpired, err);
		goto out;
	}
	rc = load(db, n, &s, err);
	if (rc == AT_OK)
		rc = compare(current, &s, &ok, err);
	if (rc == AT_OK && (s.revoked || !ok))
		rc = at_err_setx(err, AT_E_DENIED, s.revoked ?
		    "user %s is revoked" : "IRR013I VERIFICATION FAILED. "
		    "INVALID PASSWORD GIVEN.", n);
	if (rc == AT_OK && strcmp(current, newpw) == 0)
		rc = at_err_setx(err, AT_E_INPUT,
		    "IRR015I VERIFICATION FAILED. NEW PASSWORD IS NOT VALID "
		    "(it equals the current one).");
	if (rc == AT_OK)
		rc = saf_password_store(db, n, newpw, false, err);
out:
	OPENSSL_cleanse(&s, sizeof(s));
	return rc;
}
