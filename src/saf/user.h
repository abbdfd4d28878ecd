/*
 * user.h - user profiles (ADDUSER, ALTUSER, DELUSER, LISTUSER).
 *
 * Mutating functions follow the transaction contract in db.h and check
 * the actor's authority (authority.h).  Names are validated and
 * upper-cased here; callers may pass lower case.
 */
#ifndef ATTLS_SAF_USER_H
#define ATTLS_SAF_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "saf/authority.h"
#include "saf/db.h"
#include "saf/names.h"

/* One user profile as stored (no password material). */
struct saf_user {
	char name[SAF_NAME_MAX + 1];
	char owner[SAF_NAME_MAX + 1];
	char dfltgrp[SAF_NAME_MAX + 1];
	char pname[SAF_PNAME_MAX + 1]; /* NAME; empty shows as ??? */
	char data[SAF_DATA_MAX + 1];
	bool special, operations, auditor, restricted;
	bool protected_user;  /* no password: cannot log on with one */
	bool pw_expired;
	bool revoked;
	unsigned failed;      /* consecutive failed password attempts */
	int64_t created;      /* seconds since the epoch */
	int64_t pass_date;    /* when the password was last set; 0 never */
	int64_t last_access;  /* last successful verification; 0 never */
	bool has_uid;         /* OMVS segment present with a UID */
	int64_t uid;
	char home[SAF_PATH_MAX + 1];
	char program[SAF_PATH_MAX + 1];
};

/* Which fields of struct saf_user_change apply. */
#define SAF_UC_OWNER       0x00001u
#define SAF_UC_DFLTGRP     0x00002u
#define SAF_UC_PNAME       0x00004u
#define SAF_UC_DATA        0x00008u
#define SAF_UC_SPECIAL     0x00010u
#define SAF_UC_OPERATIONS  0x00020u
#define SAF_UC_AUDITOR     0x00040u
#define SAF_UC_RESTRICTED  0x00080u
#define SAF_UC_PASSWORD    0x00100u /* set password (EXPIRED unless noexpired) */
#define SAF_UC_NOPASSWORD  0x00200u /* remove it: the user becomes PROTECTED */
#define SAF_UC_REVOKE      0x00400u /* revoked = value of .revoked */
#define SAF_UC_UID         0x00800u
#define SAF_UC_HOME        0x01000u
#define SAF_UC_PROGRAM     0x02000u
#define SAF_UC_NOOMVS      0x04000u /* drop UID, HOME and PROGRAM */
#define SAF_UC_NOHOME      0x08000u
#define SAF_UC_NOPROGRAM   0x10000u
#define SAF_UC_AUTHORITY   0x20000u /* ADDUSER: default-group connect auth */
#define SAF_UC_UACC        0x40000u /* ADDUSER: default-group connect uacc */

/* The operands of ADDUSER/ALTUSER.  Pointers are borrowed for the call. */
struct saf_user_change {
	unsigned set;
	const char *owner;    /* user or group; default the actor */
	const char *dfltgrp;  /* default: the actor's default group */
	const char *pname;
	const char *data;
	bool special, operations, auditor, restricted;
	const char *password;
	bool noexpired;       /* with SAF_UC_PASSWORD */
	bool revoked;         /* with SAF_UC_REVOKE: true REVOKE, false RESUME */
	int64_t uid;
	const char *home;
	const char *program;
	enum saf_group_auth authority;
	enum saf_access uacc;
};

/*
 * ADDUSER: creates user `name` (AT_E_EXISTS if a user or group has the
 * name) and connects it to its default group.  With no password the user
 * is PROTECTED.  ch may be NULL (all defaults).
 */
AT_MUST_CHECK enum at_rc saf_user_add(struct saf_db *db,
    const struct saf_actor *actor, const char *name,
    const struct saf_user_change *ch, struct at_err *err);

/*
 * ALTUSER.  A new DFLTGRP must be a group the user is connected to.
 * RESUME also clears the failed-logon count.
 */
AT_MUST_CHECK enum at_rc saf_user_alter(struct saf_db *db,
    const struct saf_actor *actor, const char *name,
    const struct saf_user_change *ch, struct at_err *err);

/* DELUSER: removes the user, its connections, CLAUTHs, access-list
 * entries and used PassTickets.  Profiles it owns keep it as their owner
 * (as in RACF).  A user cannot delete itself. */
AT_MUST_CHECK enum at_rc saf_user_delete(struct saf_db *db,
    const struct saf_actor *actor, const char *name, struct at_err *err);

/* LISTUSER: fills *out; AT_E_NOTFOUND if there is no such user. */
AT_MUST_CHECK enum at_rc saf_user_get(struct saf_db *db, const char *name,
    struct saf_user *out, struct at_err *err);

/* Calls cb for every user id in name order; a non-AT_OK from cb stops
 * the walk and is returned. */
typedef enum at_rc (*saf_name_cb)(void *ctx, const char *name,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_user_each(struct saf_db *db, saf_name_cb cb,
    void *ctx, struct at_err *err);

/* ALTUSER CLAUTH(class) / NOCLAUTH(class). */
AT_MUST_CHECK enum at_rc saf_user_clauth(struct saf_db *db,
    const struct saf_actor *actor, const char *name, const char *class_name,
    bool add, struct at_err *err);

/* The classes in a user's CLAUTH list, in name order. */
AT_MUST_CHECK enum at_rc saf_user_clauth_each(struct saf_db *db,
    const char *name, saf_name_cb cb, void *ctx, struct at_err *err);

/* Whether a user (or group, for *is_group) called name exists. */
AT_MUST_CHECK enum at_rc saf_id_kind(struct saf_db *db, const char *name,
    bool *is_user, bool *is_group, struct at_err *err);

/* Number of users in the database. */
AT_MUST_CHECK enum at_rc saf_user_count(struct saf_db *db, int64_t *n,
    struct at_err *err);

#endif
