/*
 * signon.h - sign-on (RACROUTE REQUEST=VERIFY): a user proves who it is
 * with its password, or with a PassTicket when an application is named,
 * and may change its password on the way in.
 *
 * This module owns the order of the checks and the answer's shape; the
 * pieces it uses live elsewhere (password.c: hashes, failed-attempt count
 * and revocation; passticket.c: keys, time window and replay list;
 * access.c: the APPL class).  It asks nothing about who is calling: the
 * SAF service decides whether its caller may verify this user
 * (FACILITY BPX.SERVER) before it calls saf_signon().
 *
 * Order, as RACF does it:
 *   1. unknown user: IRR012I;  revoked user: ICH408I REVOKED USER ACCESS;
 *   2. the secret compared as the password;
 *   3. if that fails and an application is named and a PTKTDATA profile
 *      holds a key for it, the secret is evaluated as a PassTicket
 *      (legacy and/or enhanced, window, replay);
 *   4. a wrong secret, a wrong PassTicket and a replayed PassTicket each
 *      count as one failed attempt towards SETROPTS PASSWORD(REVOKE(n));
 *   5. with an application named, APPL class: when APPL is active and a
 *      profile covers the application the user needs READ to it;
 *   6. a new password (password sign-on only) is set with the rules of
 *      the PASSWORD command.
 */
#ifndef ATTLS_SAF_SIGNON_H
#define ATTLS_SAF_SIGNON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saf/db.h"
#include "saf/names.h"

enum saf_signon_result {
	SAF_SIGNON_OK = 0,
	SAF_SIGNON_UNKNOWN_USER,  /* IRR012I; RACF RC 04 */
	SAF_SIGNON_WRONG_SECRET,  /* IRR013I; RACF RC 08 */
	SAF_SIGNON_REVOKED,       /* ICH408I REVOKED ...; RACF RC 1C */
	SAF_SIGNON_EXPIRED,       /* IRR014I; RACF RC 0C (password right) */
	SAF_SIGNON_PROTECTED,     /* no password: RACF RC 08, reason 0C */
	SAF_SIGNON_APPL_DENIED,   /* NOT AUTHORIZED TO APPLICATION; RC 34 */
	SAF_SIGNON_REPLAY,        /* ATTEMPTED REPLAY OF PASSTICKET; RC 08 */
	SAF_SIGNON_NEWPW_INVALID  /* IRR015I; RACF RC 10 */
};

/* The question.  Every pointer is borrowed for the call only. */
struct saf_signon_req {
	const char *user;          /* user id (case-insensitive) */
	const char *secret;        /* password or PassTicket */
	const char *appl;          /* NULL or "": no application */
	const char *new_password;  /* NULL: no change */
	int64_t now;               /* seconds since the epoch; 0: the clock */
};

#define SAF_SIGNON_MSG_MAX 1024

/* The answer.  Plain data, nothing to free. */
struct saf_signon_res {
	enum saf_signon_result result;
	bool passticket;           /* the secret was taken as a PassTicket */
	bool password_changed;     /* new_password was stored */
	int saf_rc;                /* 0 verified, 8 refused */
	int racf_rc;               /* RACROUTE REQUEST=VERIFY return code */
	int reason;                /* its reason code */
	char user[SAF_NAME_MAX + 1]; /* normalised user id */
	char appl[SAF_NAME_MAX + 1]; /* normalised application, or "" */
	/* RACF's lines for the outcome, each '\n'-terminated:
	 * ICH70001I on success, ICH408I + IRR01nI on failure. */
	char messages[SAF_SIGNON_MSG_MAX];
};

/*
 * Signs req->user on.  AT_OK with *res filled for every answer,
 * including refusals; an error return means the question could not be
 * answered (bad user or application name: AT_E_INPUT; database trouble)
 * and res->result is then SAF_SIGNON_WRONG_SECRET with saf_rc 8, so a
 * caller that ignores the return still refuses.  Updates the
 * failed-attempt count, the revocation, the last access and the
 * PassTicket replay list in one transaction (the caller's if open).
 */
AT_MUST_CHECK enum at_rc saf_signon(struct saf_db *db,
    const struct saf_signon_req *req, struct saf_signon_res *res,
    struct at_err *err);

/* "ok", "unknown user", "wrong password", "revoked", "expired",
 * "protected", "not authorized to application", "passticket replay",
 * "new password not valid". */
const char *saf_signon_result_name(enum saf_signon_result r);

#endif
