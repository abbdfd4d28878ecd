/*
 * passticket.h - RACF PassTickets: one-time passwords an application
 * server creates for a user and a target application, from a key both
 * sides share in a PTKTDATA profile.
 *
 * Two layers:
 *   - the algorithms (passticket_alg.c): legacy DES time-coder and the
 *     enhanced HMAC-SHA-512 one, pure functions of key, user, application
 *     and time, with the intermediate steps exposed for tests;
 *   - the service (passticket.c): key lookup in PTKTDATA, the caller's
 *     IRRPTAUTH.appl.user authority, the time window and replay refusal.
 *
 * Key profile lookup (discrete PTKTDATA profiles only), first match wins:
 * APPL.GROUP.USER, APPL.USER, APPL.GROUP, APPL, where GROUP is the user's
 * default group.  A profile with an enhanced key generates enhanced
 * tickets; evaluation accepts either kind the profile has a key for.
 *
 * Authority: the caller needs UPDATE (generate) or READ (evaluate) to
 * PTKTDATA IRRPTAUTH.<appl>.<user> (generic profiles allowed).  A request
 * no IRRPTAUTH profile covers is refused (RACF's older releases let
 * authorised programs through; attls has no such programs).
 *
 * Window: legacy tickets are valid within +-10 minutes of their creation
 * time; enhanced tickets within +-TIMEOUT seconds (default 60).  Replay:
 * a legacy ticket is accepted once per user and application unless the
 * key profile has APPLDATA('NO REPLAY PROTECTION'); an enhanced one once
 * unless SSIGNON REPLAY(YES).  Used tickets are kept in the database
 * until they can no longer be valid.
 */
#ifndef ATTLS_SAF_PASSTICKET_H
#define ATTLS_SAF_PASSTICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saf/db.h"
#include "saf/profile.h"

#define SAF_PTKT_LEN 8
#define SAF_PTKT_LEGACY_WINDOW 600
#define SAF_PTKT_NO_REPLAY "NO REPLAY PROTECTION"

/* --- algorithms (passticket_alg.c) --- */

/* EBCDIC (IBM-1047) of a name, blank-padded to 8.  The name must obey
 * the user id rules (A-Z 0-9 # $ @). */
AT_MUST_CHECK enum at_rc saf_ptkt_ebcdic8(const char *name,
    unsigned char out[8], struct at_err *err);

/* Legacy step 5 padding: EBCDIC user id without blanks, then X'55', 12. */
AT_MUST_CHECK enum at_rc saf_ptkt_pad(const char *user,
    unsigned char out[12], struct at_err *err);

/* Legacy time-coder permutation of round r (1-6). */
uint16_t saf_ptkt_perm(int round, uint16_t in);

/* Legacy step 6: the 8 characters of R5. */
void saf_ptkt_translate(uint32_t r5, char out[SAF_PTKT_LEN + 1]);

/* The legacy PassTicket for user/appl at time t with key. */
AT_MUST_CHECK enum at_rc saf_ptkt_legacy(const unsigned char key[8],
    const char *user, const char *appl, uint32_t t,
    char out[SAF_PTKT_LEN + 1], struct at_err *err);

/* The enhanced PassTicket (HMAC-SHA-512); t is the 48-bit time. */
AT_MUST_CHECK enum at_rc saf_ptkt_enhanced(const unsigned char *key,
    size_t keylen, const char *user, const char *appl, uint64_t t,
    enum saf_ptkt_type type, char out[SAF_PTKT_LEN + 1],
    struct at_err *err);

/*
 * Searches [t - window, t + window] for the time a legacy ticket was made
 * at: *match = 1 and *when set on a hit.  One DES context for the search.
 * A ticket that is not SAF_PTKT_LEN characters never matches.
 */
AT_MUST_CHECK enum at_rc saf_ptkt_legacy_find(const unsigned char key[8],
    const char *user, const char *appl, const char *ticket, int64_t t,
    int window, int *match, int64_t *when, struct at_err *err);

/* The same for enhanced tickets. */
AT_MUST_CHECK enum at_rc saf_ptkt_enhanced_find(const unsigned char *key,
    size_t keylen, const char *user, const char *appl, const char *ticket,
    enum saf_ptkt_type type, int64_t t, int window, int *match,
    int64_t *when, struct at_err *err);

/* --- service (passticket.c) --- */

enum saf_ptkt_result {
	SAF_PTKT_VALID = 0,
	SAF_PTKT_INVALID,      /* no key matches in the window */
	SAF_PTKT_REPLAY,       /* already used (ATTEMPTED REPLAY OF PASSTICKET) */
	SAF_PTKT_UNKNOWN_USER, /* the target user is not defined */
	SAF_PTKT_REVOKED       /* the target user is revoked */
};

/*
 * Generates the PassTicket caller may hand to appl for user at time now.
 * AT_E_DENIED without UPDATE to IRRPTAUTH.appl.user; AT_E_NOTFOUND when
 * no PTKTDATA profile has a key for the application; AT_E_INPUT when
 * PTKTDATA is not active and RACLISTed.  Read-only: no transaction needed.
 */
AT_MUST_CHECK enum at_rc saf_passticket_generate(struct saf_db *db,
    const char *caller, const char *user, const char *appl, int64_t now,
    char out[SAF_PTKT_LEN + 1], struct at_err *err);

/*
 * Evaluates ticket for user and appl at time now.  AT_OK with *result for
 * every answer; AT_E_DENIED without READ to IRRPTAUTH.appl.user.  Records
 * the used ticket (replay list) in the caller's transaction if one is
 * open, else in its own.
 */
AT_MUST_CHECK enum at_rc saf_passticket_evaluate(struct saf_db *db,
    const char *caller, const char *user, const char *appl,
    const char *ticket, int64_t now, enum saf_ptkt_result *result,
    struct at_err *err);

/*
 * For src/saf/ only (signon.c): evaluates ticket for a user RACROUTE
 * VERIFY has already found defined and not revoked, inside the caller's
 * transaction, with no IRRPTAUTH check (a sign-on needs none; the SAF
 * service checks its caller).  *covered says whether PTKTDATA is in
 * effect and a profile holds a key for appl; when not, *result is
 * SAF_PTKT_INVALID and nothing else happens.
 */
AT_MUST_CHECK enum at_rc saf_passticket_signon(struct saf_db *db,
    const char *user, const char *appl, const char *ticket, int64_t now,
    bool *covered, enum saf_ptkt_result *result, struct at_err *err);

/* "valid", "invalid", "replay", "unknown user", "revoked". */
const char *saf_ptkt_result_name(enum saf_ptkt_result r);

#endif
