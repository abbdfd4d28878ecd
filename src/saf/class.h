/*
 * class.h - resource classes and SETROPTS.
 *
 * The classes are a built-in table (APPL, DIGTCERT, DIGTCRIT, DIGTMAP,
 * DIGTNMAP, DIGTRING, DSNR, FACILITY, IDIDMAP, PTKTDATA, RDATALIB, SERVAUTH, SERVER, STARTED,
 * SURROGAT, XFACILIT).  Each has flags set by SETROPTS: CLASSACT (checks
 * happen only in an active class), RACLIST, GENERIC (generic profiles are
 * created and used only when on), and a RACLIST generation that only
 * SETROPTS RACLIST(class) REFRESH changes (db.h saf_db_generation).
 * PTKTDATA and IDIDMAP count as active only when also RACLISTed.
 *
 * All SETROPTS changes need SPECIAL and the caller's transaction (db.h).
 */
#ifndef ATTLS_SAF_CLASS_H
#define ATTLS_SAF_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "saf/authority.h"
#include "saf/db.h"

struct saf_class {
	char name[SAF_NAME_MAX + 1];
	bool active;
	bool raclist;
	bool generic;
	bool need_raclist;
	enum saf_access default_uacc;
	uint64_t generation;
};

/* AT_E_INPUT "IKJ56702I INVALID CLASS, X" for a class not in the table. */
AT_MUST_CHECK enum at_rc saf_class_get(struct saf_db *db,
    const char *class_name, struct saf_class *out, struct at_err *err);

typedef enum at_rc (*saf_class_cb)(void *ctx, const struct saf_class *c,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_class_each(struct saf_db *db, saf_class_cb cb,
    void *ctx, struct at_err *err);

/* Whether checks in the class are made (active, and RACLISTed if the
 * class needs it). */
bool saf_class_in_effect(const struct saf_class *c);

/* SETROPTS CLASSACT(c) / NOCLASSACT(c).  class_name "*" = every class. */
AT_MUST_CHECK enum at_rc saf_setropts_classact(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, bool on,
    struct at_err *err);

/* SETROPTS RACLIST(c) / NORACLIST(c).  RACLIST builds the in-storage
 * copy, so it also bumps the generation; NORACLIST does not. */
AT_MUST_CHECK enum at_rc saf_setropts_raclist(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, bool on,
    struct at_err *err);

/* SETROPTS RACLIST(c) REFRESH: bumps the generation.  AT_E_INPUT if the
 * class is not RACLISTed. */
AT_MUST_CHECK enum at_rc saf_setropts_refresh(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name,
    struct at_err *err);

/* SETROPTS GENERIC(c) / NOGENERIC(c).  "*" = every class. */
AT_MUST_CHECK enum at_rc saf_setropts_generic(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, bool on,
    struct at_err *err);

/* Named numeric options (SETROPTS PASSWORD(...), GRPLIST). */
#define SAF_OPT_PASSWORD_REVOKE "PASSWORD_REVOKE"     /* 0 = off; default 3 */
#define SAF_OPT_PASSWORD_INTERVAL "PASSWORD_INTERVAL" /* days; default 186 */
#define SAF_OPT_GRPLIST "GRPLIST"                     /* 1 (always on) */

AT_MUST_CHECK enum at_rc saf_option_get(struct saf_db *db, const char *name,
    int64_t *value, struct at_err *err);
/* Needs SPECIAL.  PASSWORD_REVOKE 0-255, PASSWORD_INTERVAL 1-254. */
AT_MUST_CHECK enum at_rc saf_option_set(struct saf_db *db,
    const struct saf_actor *actor, const char *name, int64_t value,
    struct at_err *err);

#endif
