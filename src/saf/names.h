/*
 * names.h - the small vocabulary every saf_* module shares: user and group
 * names, access levels, group authorities, field limits, and the RACF date
 * form.
 */
#ifndef ATTLS_SAF_NAMES_H
#define ATTLS_SAF_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* Field limits (characters, excluding the NUL). */
#define SAF_NAME_MAX 8        /* user ids, group names, class names */
#define SAF_PNAME_MAX 20      /* a user's NAME('...') */
#define SAF_DATA_MAX 255      /* DATA('...') installation data */
#define SAF_APPLDATA_MAX 255  /* APPLDATA('...') */
#define SAF_PATH_MAX 1023     /* OMVS HOME and PROGRAM */
#define SAF_PROFILE_MAX 246   /* a general-resource profile or resource name */
#define SAF_PASSWORD_MAX 100  /* a password or pass phrase */
#define SAF_UID_MAX 2147483647LL

/*
 * A process whose uid is no user's OMVS UID is an undefined user, named
 * '?' and its decimal uid ("?64002").  '?' is neither a user id character
 * nor a policy Userid character, so that name never equals a user id and
 * no Userid condition but `*` matches it.
 */
#define SAF_SUBJECT_MAX 11    /* a user id or an undefined user's name */

/* Access levels, ascending.  Granted iff allowed >= requested. */
enum saf_access {
	SAF_ACC_NONE = 0,
	SAF_ACC_EXECUTE = 1,
	SAF_ACC_READ = 2,
	SAF_ACC_UPDATE = 3,
	SAF_ACC_CONTROL = 4,
	SAF_ACC_ALTER = 5
};

/* CONNECT AUTHORITY(...), ascending. */
enum saf_group_auth {
	SAF_GAUTH_USE = 0,
	SAF_GAUTH_CREATE = 1,
	SAF_GAUTH_CONNECT = 2,
	SAF_GAUTH_JOIN = 3
};

/*
 * Checks a user id or group name (1-8 of A-Z 0-9 # $ @, not starting with a
 * digit; lower case is accepted and upper-cased) and writes the upper-case
 * form to out (SAF_NAME_MAX + 1 bytes).  `what` names the field in the
 * message ("user id", "group").
 */
AT_MUST_CHECK enum at_rc saf_name_norm(const char *in, const char *what,
    char out[SAF_NAME_MAX + 1], struct at_err *err);

/* Writes the undefined-user name of uid ("?64002") to out. */
void saf_undefined_name(uid_t uid, char out[SAF_SUBJECT_MAX + 1]);

/* Whether name has the undefined-user form: '?' and 1-10 digits. */
bool saf_name_is_undefined(const char *name);

/* Same rules for a class name (1-8 of A-Z 0-9 # $ @). */
AT_MUST_CHECK enum at_rc saf_class_norm(const char *in,
    char out[SAF_NAME_MAX + 1], struct at_err *err);

/*
 * Checks a general-resource profile or resource name (1-246 printable
 * characters, no blanks) and writes the upper-case form to out.
 */
AT_MUST_CHECK enum at_rc saf_resource_norm(const char *in,
    char out[SAF_PROFILE_MAX + 1], struct at_err *err);

/* Parses an access level name, any case ("read" -> SAF_ACC_READ). */
AT_MUST_CHECK enum at_rc saf_access_parse(const char *text,
    enum saf_access *out, struct at_err *err);

/* "NONE", "EXECUTE", "READ", "UPDATE", "CONTROL", "ALTER". */
const char *saf_access_name(enum saf_access a);

AT_MUST_CHECK enum at_rc saf_group_auth_parse(const char *text,
    enum saf_group_auth *out, struct at_err *err);
const char *saf_group_auth_name(enum saf_group_auth a);

/* Copies at most cap - 1 bytes of src, refusing (AT_E_TOOBIG) a longer
 * value; `what` names the field. */
AT_MUST_CHECK enum at_rc saf_copy_bounded(char *dst, size_t cap,
    const char *src, const char *what, struct at_err *err);

/* The RACF date form yy.ddd of a time_t, in UTC ("23.087"); out holds 7. */
void saf_date_yyddd(int64_t t, char out[8]);

/* The current time in seconds since the epoch. */
int64_t saf_now(void);

#endif
