/*
 * authority.h - who is asking, and may they administer this.
 *
 * Every mutating saf_* function takes a const struct saf_actor * as its
 * first authority argument and checks, in saf/, that the actor may make
 * the change.  The rules (a subset of RACF's):
 *
 *   - a SPECIAL user may do anything;
 *   - the owner of a user, group or resource profile may change or delete
 *     it; "owner" is the user named as OWNER, or any user with the
 *     group-SPECIAL attribute in the group named as OWNER;
 *   - a user with group-SPECIAL in a group, or CONNECT/JOIN group
 *     authority there, may CONNECT and REMOVE users in that group; JOIN
 *     (or group-SPECIAL) also allows ADDUSER with that default group and
 *     ADDGROUP with that superior group;
 *   - CLAUTH(class) allows RDEFINE in that class;
 *   - a user may change its own password (saf_password_change);
 *   - SETROPTS, and giving SPECIAL, OPERATIONS or AUDITOR, need SPECIAL.
 *
 * A denial is AT_E_DENIED with a message in RACF's words.
 */
#ifndef ATTLS_SAF_AUTHORITY_H
#define ATTLS_SAF_AUTHORITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "saf/db.h"
#include "saf/names.h"

#define SAF_ACTOR_MAX_GROUPS 128

struct saf_actor_group {
	char name[SAF_NAME_MAX + 1];
	enum saf_group_auth auth;
	bool special;      /* group-SPECIAL */
	bool operations;   /* group-OPERATIONS */
	bool revoked;      /* connection revoked: the group gives nothing */
};

/* The resolved issuer of a request.  Plain data: no free needed. */
struct saf_actor {
	char user[SAF_NAME_MAX + 1];
	bool defined;      /* the user has a profile */
	bool special;
	bool operations;
	bool auditor;
	bool restricted;
	bool revoked;
	char dfltgrp[SAF_NAME_MAX + 1]; /* empty for an undefined user */
	size_t ngroups;
	struct saf_actor_group groups[SAF_ACTOR_MAX_GROUPS];
};

/*
 * Loads the actor for user id `user`.  A user with no profile gives an
 * actor with defined = false and no groups (UACC-only authority); a
 * revoked user is loaded with revoked = true and is refused by every
 * administrative check.
 */
AT_MUST_CHECK enum at_rc saf_actor_load(struct saf_db *db, const char *user,
    struct saf_actor *out, struct at_err *err);

/*
 * Maps a Linux uid to a user id: the user whose OMVS UID is uid, with
 * *defined = true; else the undefined-user name "?<uid>" (names.h) with
 * *defined = false.  The login name plays no part.
 */
AT_MUST_CHECK enum at_rc saf_user_from_uid(struct saf_db *db, uid_t uid,
    char out[SAF_SUBJECT_MAX + 1], bool *defined, struct at_err *err);

/*
 * The actor for a command issued by Linux uid: the user whose OMVS UID is
 * uid, loaded as saf_actor_load does.  AT_E_DENIED when no user has that
 * OMVS UID: an undefined user administers nothing.
 */
AT_MUST_CHECK enum at_rc saf_actor_for_uid(struct saf_db *db, uid_t uid,
    struct saf_actor *out, struct at_err *err);

/*
 * First-use bootstrap.  When the database holds no user at all, creates
 * group SYS1 and user <upper-cased login_name> with SPECIAL, OMVS UID =
 * linux_uid, default group SYS1, no password (PROTECTED), owner itself,
 * connected to SYS1 with JOIN authority.  When any user exists it does
 * nothing.  *created (may be NULL) says whether it acted.  Runs in the
 * caller's transaction if one is open, else in its own.
 */
AT_MUST_CHECK enum at_rc saf_bootstrap_admin(struct saf_db *db,
    uid_t linux_uid, const char *login_name, struct at_err *err);
AT_MUST_CHECK enum at_rc saf_bootstrap_admin2(struct saf_db *db,
    uid_t linux_uid, const char *login_name, bool *created,
    struct at_err *err);

/* --- checks used by the saf modules (and usable by callers to pre-check) */

/* AT_OK if actor is SPECIAL; else AT_E_DENIED "... requires SPECIAL". */
AT_MUST_CHECK enum at_rc saf_auth_special(const struct saf_actor *actor,
    const char *what, struct at_err *err);

/* Whether actor counts as owner of something owned by `owner`. */
bool saf_auth_is_owner(const struct saf_actor *actor, const char *owner);

/* Whether actor holds at least `need` (or group-SPECIAL) in group. */
bool saf_auth_in_group(const struct saf_actor *actor, const char *group,
    enum saf_group_auth need);

/*
 * AT_OK if actor may administer an object owned by owner (SPECIAL or
 * owner); else AT_E_DENIED with "NOT AUTHORIZED TO <what>".
 */
AT_MUST_CHECK enum at_rc saf_auth_owner(const struct saf_actor *actor,
    const char *owner, const char *what, struct at_err *err);

/* AT_OK if actor is SPECIAL or has CLAUTH(class). */
AT_MUST_CHECK enum at_rc saf_auth_clauth(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *what,
    struct at_err *err);

#endif
