/*
 * access.h - the access decision (RACROUTE REQUEST=AUTH).
 *
 * Order, as in the reference (RACF "Authorizing access to RACF-protected
 * resources"):
 *   1. the class is not active (or must be RACLISTed and is not):
 *      SAF_NOT_PROTECTED;
 *   2. the profile: a discrete profile of exactly the resource name, else
 *      the most specific matching generic profile (only while the class
 *      has GENERIC active); none: SAF_NOT_PROTECTED, and the caller
 *      decides what an unprotected resource means;
 *   3. a revoked user gets NONE;
 *   4. an access-list entry for the user id decides, even below UACC;
 *   5. else the highest entry among the user's groups (every connected
 *      group whose connection is not revoked: SETROPTS GRPLIST is on);
 *   6. else the ID(*) entry, for a defined user that is not RESTRICTED;
 *   7. else UACC (not for RESTRICTED users); users with no profile get
 *      UACC only;
 *   8. granted iff allowed >= requested; a denial under a WARNING profile
 *      is granted with the warning text.
 * Denials (and warnings) carry the ICH408I message in RACF's layout.
 *
 * A RACLISTed class takes steps 2-7's profiles and access lists from the
 * snapshot of its last SETROPTS RACLIST(class) [REFRESH], through the
 * handle's in-storage copy (raclist.h); other classes are read live.
 */
#ifndef ATTLS_SAF_ACCESS_H
#define ATTLS_SAF_ACCESS_H

#include <stdbool.h>

#include "saf/db.h"
#include "saf/names.h"

enum saf_result {
	SAF_ALLOWED = 0,       /* SAF RC 0 */
	SAF_NOT_PROTECTED = 4, /* SAF RC 4: class inactive or no profile */
	SAF_DENIED = 8         /* SAF RC 8 */
};

/* Which rule gave the allowed access. */
enum saf_via {
	SAF_VIA_NONE = 0,      /* not protected / revoked */
	SAF_VIA_USER,          /* the user's own entry */
	SAF_VIA_GROUP,         /* a group entry (via_id names the group) */
	SAF_VIA_ID_STAR,       /* the ID(*) entry */
	SAF_VIA_UACC           /* the profile's UACC */
};

#define SAF_MESSAGE_MAX 1024

struct saf_decision {
	enum saf_result result;
	enum saf_access requested;
	enum saf_access allowed;
	bool warning;                  /* granted only because of WARNING */
	bool class_inactive;           /* NOT_PROTECTED because of the class */
	char profile[SAF_PROFILE_MAX + 1]; /* the profile used; "" if none */
	bool generic;
	enum saf_via via;
	char via_id[SAF_NAME_MAX + 1];
	char message[SAF_MESSAGE_MAX]; /* ICH408I lines, '\n'-terminated */
};

/*
 * May user have `requested` access to resource in class?  AT_OK with
 * *out filled for every answer; an error only when the question cannot be
 * answered (bad names, database trouble).  user need not be defined; the
 * undefined-user form "?<uid>" (names.h) gets the UACC and nothing more.
 */
AT_MUST_CHECK enum at_rc saf_check_access(struct saf_db *db,
    const char *user, const char *class_name, const char *resource,
    enum saf_access requested, struct saf_decision *out,
    struct at_err *err);

/* "allowed", "not protected", "denied". */
const char *saf_result_name(enum saf_result r);

/*
 * Formats an ICH408I resource violation into out (cap bytes):
 *   ICH408I USER(user    ) GROUP(group   ) NAME(name                )
 *   ICH408I   resource CL(class   )
 *   ICH408I   INSUFFICIENT ACCESS AUTHORITY
 *   ICH408I   FROM profile (G)                   (generic profiles only)
 *   ICH408I   ACCESS INTENT(READ   )  ACCESS ALLOWED(NONE   )
 * An empty name prints ???; warning replaces the third line with the
 * WARNING text.  Cut (never overflowed) if cap is too small.
 */
void saf_format_ich408i(char *out, size_t cap, const char *user,
    const char *group, const char *name, const char *resource,
    const char *class_name, const char *generic_profile,
    enum saf_access intent, enum saf_access allowed, bool warning);

#endif
