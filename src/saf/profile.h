/*
 * profile.h - general-resource profiles and their access lists (RDEFINE,
 * RALTER, RDELETE, RLIST, PERMIT).
 *
 * Mutating functions follow the transaction contract in db.h and check
 * the actor's authority: RDEFINE needs SPECIAL or CLAUTH(class); RALTER,
 * RDELETE and PERMIT need SPECIAL or ownership of the profile.
 *
 * A profile name holding % or * is generic when the class has GENERIC
 * active at RDEFINE time; otherwise it is stored as a discrete profile
 * (RACF's ICH10321I) and protects only the resource of exactly that name.
 *
 * PassTicket keys (SSIGNON) are write-only through this API: the getter
 * says whether one is present, never what it is.
 */
#ifndef ATTLS_SAF_PROFILE_H
#define ATTLS_SAF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saf/authority.h"
#include "saf/db.h"
#include "saf/names.h"

#define SAF_PTKT_KEY_LEN 8        /* legacy DES key */
#define SAF_PTKT_EKEY_MIN 32      /* enhanced HMAC key: 256 bits at least */
#define SAF_PTKT_EKEY_MAX 64

enum saf_ptkt_type {
	SAF_PTKT_UPPER = 0,
	SAF_PTKT_MIXED = 1
};

struct saf_profile {
	char class_name[SAF_NAME_MAX + 1];
	char name[SAF_PROFILE_MAX + 1];
	bool generic;
	enum saf_access uacc;
	char owner[SAF_NAME_MAX + 1];
	char data[SAF_DATA_MAX + 1];
	char appldata[SAF_APPLDATA_MAX + 1];
	bool warning;
	char audit[64];
	char notify[SAF_NAME_MAX + 1];
	int level;
	bool has_ptkt_key;        /* SSIGNON(KEYMASKED(...)) */
	bool has_ptkt_ekey;       /* enhanced key */
	enum saf_ptkt_type ptkt_type;
	int ptkt_timeout;         /* seconds, 1-600, default 60 */
	bool ptkt_replay;         /* REPLAY(YES): enhanced tickets may be reused */
	char ptkt_ekey_label[65]; /* EPTKEYLABEL; "" when the key is inline */
	char st_user[SAF_NAME_MAX + 2]; /* STDATA USER ("=MEMBER" allowed) */
	char st_group[SAF_NAME_MAX + 2];
	bool st_trusted, st_privileged, st_trace;
	int64_t created;
};

#define SAF_PC_UACC       0x000001u
#define SAF_PC_OWNER      0x000002u
#define SAF_PC_DATA       0x000004u
#define SAF_PC_APPLDATA   0x000008u
#define SAF_PC_WARNING    0x000010u
#define SAF_PC_AUDIT      0x000020u
#define SAF_PC_NOTIFY     0x000040u
#define SAF_PC_LEVEL      0x000080u
#define SAF_PC_PTKT_KEY   0x000100u /* ptkt_key: 8 bytes */
#define SAF_PC_NOPTKT_KEY 0x000200u /* SSIGNON NOLEGACYKEY / NOSSIGNON */
#define SAF_PC_PTKT_EKEY  0x000400u /* ptkt_ekey/ptkt_ekey_len */
#define SAF_PC_NOPTKT_EKEY 0x000800u
#define SAF_PC_PTKT_TYPE  0x001000u
#define SAF_PC_PTKT_TIMEOUT 0x002000u
#define SAF_PC_PTKT_REPLAY 0x004000u
#define SAF_PC_STDATA     0x008000u /* all st_* fields */
#define SAF_PC_PTKT_EKEYLABEL 0x010000u /* ptkt_ekey_label: a ckds.h key */

/* Operands of RDEFINE/RALTER.  Pointers are borrowed for the call; the
 * caller wipes the key buffers. */
struct saf_profile_change {
	unsigned set;
	enum saf_access uacc;
	const char *owner;
	const char *data;
	const char *appldata;
	bool warning;
	const char *audit;
	const char *notify;
	int level;
	const unsigned char *ptkt_key;
	const unsigned char *ptkt_ekey;
	size_t ptkt_ekey_len;
	enum saf_ptkt_type ptkt_type;
	int ptkt_timeout;
	bool ptkt_replay;
	const char *ptkt_ekey_label;
	const char *st_user;
	const char *st_group;
	bool st_trusted, st_privileged, st_trace;
};

/*
 * RDEFINE.  *generic_out (may be NULL) says whether the profile was
 * stored as generic.  OWNER defaults to the actor, UACC to the class
 * default (NONE).
 */
AT_MUST_CHECK enum at_rc saf_profile_define(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *name,
    const struct saf_profile_change *ch, bool *generic_out,
    struct at_err *err);

/* RALTER: AT_E_NOTFOUND "ICH11102I name NOT DEFINED TO CLASS c." */
AT_MUST_CHECK enum at_rc saf_profile_alter(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *name,
    const struct saf_profile_change *ch, struct at_err *err);

/* RDELETE: the profile and its access list. */
AT_MUST_CHECK enum at_rc saf_profile_delete(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *name,
    struct at_err *err);

/* RLIST of one profile by its exact name: AT_E_NOTFOUND if none. */
AT_MUST_CHECK enum at_rc saf_profile_get(struct saf_db *db,
    const char *class_name, const char *name, struct saf_profile *out,
    struct at_err *err);

/* RLIST class (*): every profile of the class in name order. */
typedef enum at_rc (*saf_profile_cb)(void *ctx, const struct saf_profile *p,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_profile_each(struct saf_db *db,
    const char *class_name, saf_profile_cb cb, void *ctx,
    struct at_err *err);

/* One access-list entry: id is a user, a group, or "*". */
struct saf_acl_entry {
	char id[SAF_NAME_MAX + 1];
	enum saf_access access;
};

typedef enum at_rc (*saf_acl_cb)(void *ctx, const struct saf_acl_entry *e,
    struct at_err *err);
/* The access list of a profile in id order. */
AT_MUST_CHECK enum at_rc saf_acl_each(struct saf_db *db,
    const char *class_name, const char *name, saf_acl_cb cb, void *ctx,
    struct at_err *err);

/*
 * PERMIT profile CLASS(c) ID(id) ACCESS(a): adds or changes the entry.
 * id must be a defined user or group, or "*" (AT_E_NOTFOUND
 * "ICH06007I id NOT DEFINED TO RACF" otherwise).
 */
AT_MUST_CHECK enum at_rc saf_permit(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *name,
    const char *id, enum saf_access access, struct at_err *err);

/* PERMIT ... DELETE: AT_E_NOTFOUND "ICH06002I id NOT AUTHORIZED, DELETE
 * IGNORED" when there is no entry. */
AT_MUST_CHECK enum at_rc saf_permit_delete(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *name,
    const char *id, struct at_err *err);

/* PERMIT ... RESET: empties the access list. */
AT_MUST_CHECK enum at_rc saf_permit_reset(struct saf_db *db,
    const struct saf_actor *actor, const char *class_name, const char *name,
    struct at_err *err);

/*
 * For src/saf/ only: reads the PassTicket keys of a PTKTDATA profile.
 * key (SAF_PTKT_KEY_LEN) and ekey (SAF_PTKT_EKEY_MAX) are caller buffers
 * the caller must wipe; has_key and ekey_len say what was found.
 */
AT_MUST_CHECK enum at_rc saf_profile_ptkt_keys(struct saf_db *db,
    const char *name, unsigned char *key, bool *has_key,
    unsigned char *ekey, size_t *ekey_len, struct at_err *err);

#endif
