/*
 * password.h - password hashes and verification (RACROUTE VERIFY).
 *
 * Hash: PBKDF2-HMAC-SHA256 through OpenSSL EVP_KDF, SAF_PBKDF2_ITER
 * iterations, a 16-byte random salt and a 32-byte result.  The iteration
 * count is stored with each hash so it can be raised later without
 * invalidating existing passwords.  PBKDF2 was chosen over scrypt because
 * it is available from OpenSSL's FIPS provider and needs no per-call
 * memory budget in a long-running daemon; the cost is set high instead.
 *
 * Failed attempts: SETROPTS PASSWORD(REVOKE(n)), default 3.  The n-th
 * consecutive wrong password revokes the user; a correct password resets
 * the count.  REVOKE(0) turns the rule off.
 */
#ifndef ATTLS_SAF_PASSWORD_H
#define ATTLS_SAF_PASSWORD_H

#include <stdbool.h>

#include "common/buf.h"
#include "saf/authority.h"
#include "saf/db.h"

#define SAF_PBKDF2_ITER 600000
#define SAF_PW_SALT_LEN 16
#define SAF_PW_HASH_LEN 32
#define SAF_PW_REVOKE_DEFAULT 3

enum saf_verify_result {
	SAF_VERIFY_OK = 0,
	SAF_VERIFY_UNKNOWN_USER,   /* IRR012I */
	SAF_VERIFY_WRONG_PASSWORD, /* IRR013I */
	SAF_VERIFY_REVOKED,        /* ICH408I ... REVOKED USER ACCESS ATTEMPT */
	SAF_VERIFY_EXPIRED,        /* IRR014I: right password, must change */
	SAF_VERIFY_PROTECTED       /* no password: cannot log on with one */
};

/*
 * Verifies password for user.  Returns AT_OK with *result set for every
 * answer (including "wrong"); an error return means the question could
 * not be answered.  Updates the failed-attempt count, revokes after the
 * limit and records the last access: inside the caller's transaction if
 * one is open, else in its own.
 */
AT_MUST_CHECK enum at_rc saf_verify_password(struct saf_db *db,
    const char *user, const char *password, enum saf_verify_result *result,
    struct at_err *err);

/*
 * For src/saf/ only (signon.c): a second way to accept a secret that is
 * not the password (a PassTicket).  fn runs inside the verification's
 * transaction, only for a defined, unrevoked user with a password whose
 * password did not match, and sets *verdict.  ACCEPTED signs the user on
 * (its password's expiry is not asked); NONE and REPLAY count as one
 * failed attempt, as a wrong password does.
 */
enum saf_pw_alt_verdict {
	SAF_PW_ALT_NONE = 0,   /* not asked, or not a valid alternative */
	SAF_PW_ALT_ACCEPTED,
	SAF_PW_ALT_REPLAY      /* a valid PassTicket already used */
};

struct saf_pw_alt {
	enum at_rc (*fn)(struct saf_db *db, const char *user, void *ctx,
	    enum saf_pw_alt_verdict *verdict, struct at_err *err);
	void *ctx;
	enum saf_pw_alt_verdict verdict; /* out */
};

/* saf_verify_password, with alt (may be NULL) asked when the password
 * does not match. */
AT_MUST_CHECK enum at_rc saf_verify_password_alt(struct saf_db *db,
    const char *user, const char *password, struct saf_pw_alt *alt,
    enum saf_verify_result *result, struct at_err *err);

/* "ok", "unknown user", "wrong password", "revoked", "expired",
 * "protected". */
const char *saf_verify_result_name(enum saf_verify_result r);

/*
 * Appends the RACF messages for a failed verification to out (one line
 * each, '\n'-terminated): IRR012I for an unknown user, ICH408I + IRR013I
 * for a wrong password, ICH408I REVOKED USER ACCESS ATTEMPT, IRR014I for
 * an expired password, ICH408I + IRR013I for a PROTECTED user.  Nothing
 * for SAF_VERIFY_OK.  user_name is NAME (may be empty), group the default
 * group (may be empty).
 */
AT_MUST_CHECK enum at_rc saf_verify_message(const char *user,
    const char *group, const char *user_name, enum saf_verify_result r,
    struct at_buf *out);

/*
 * For src/saf/ only: stores a new hash of password for user (which must
 * exist) inside the caller's transaction; expired marks it for change at
 * the next logon.  NULL password removes it (PROTECTED).
 */
AT_MUST_CHECK enum at_rc saf_password_store(struct saf_db *db,
    const char *user, const char *password, bool expired,
    struct at_err *err);

/*
 * PASSWORD: a user changing its own password gives current (checked, even
 * when expired) and the new one is not expired; SPECIAL or the owner of
 * the user may set it without current, and it is then EXPIRED unless
 * noexpired.  Caller's transaction.
 */
AT_MUST_CHECK enum at_rc saf_password_change(struct saf_db *db,
    const struct saf_actor *actor, const char *user, const char *current,
    const char *newpw, bool noexpired, struct at_err *err);

#endif
