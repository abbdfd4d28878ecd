/*
 * group.h - groups and connections (ADDGROUP, ALTGROUP, DELGROUP, LISTGRP,
 * CONNECT, REMOVE).  Mutating functions follow the transaction contract in
 * db.h and check the actor's authority (authority.h).
 */
#ifndef ATTLS_SAF_GROUP_H
#define ATTLS_SAF_GROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "saf/authority.h"
#include "saf/db.h"
#include "saf/names.h"
#include "saf/user.h"

struct saf_group {
	char name[SAF_NAME_MAX + 1];
	char supgroup[SAF_NAME_MAX + 1]; /* empty only for the root (SYS1) */
	char owner[SAF_NAME_MAX + 1];
	char data[SAF_DATA_MAX + 1];
	bool termuacc;
	bool has_gid;
	int64_t gid;
	int64_t created;
};

#define SAF_GC_SUPGROUP 0x01u
#define SAF_GC_OWNER    0x02u
#define SAF_GC_DATA     0x04u
#define SAF_GC_GID      0x08u
#define SAF_GC_NOOMVS   0x10u
#define SAF_GC_TERMUACC 0x20u

/* The operands of ADDGROUP/ALTGROUP.  Pointers are borrowed. */
struct saf_group_change {
	unsigned set;
	const char *supgroup; /* default: the actor's default group */
	const char *owner;    /* default: the superior group */
	const char *data;
	int64_t gid;
	bool termuacc;
};

AT_MUST_CHECK enum at_rc saf_group_add(struct saf_db *db,
    const struct saf_actor *actor, const char *name,
    const struct saf_group_change *ch, struct at_err *err);
AT_MUST_CHECK enum at_rc saf_group_alter(struct saf_db *db,
    const struct saf_actor *actor, const char *name,
    const struct saf_group_change *ch, struct at_err *err);
/* DELGROUP: refused while the group has members or subgroups. */
AT_MUST_CHECK enum at_rc saf_group_delete(struct saf_db *db,
    const struct saf_actor *actor, const char *name, struct at_err *err);
AT_MUST_CHECK enum at_rc saf_group_get(struct saf_db *db, const char *name,
    struct saf_group *out, struct at_err *err);
AT_MUST_CHECK enum at_rc saf_group_each(struct saf_db *db, saf_name_cb cb,
    void *ctx, struct at_err *err);
/* The direct subgroups of group, in name order. */
AT_MUST_CHECK enum at_rc saf_group_subgroups(struct saf_db *db,
    const char *group, saf_name_cb cb, void *ctx, struct at_err *err);

/* One connection of a user to a group. */
struct saf_connect {
	char user[SAF_NAME_MAX + 1];
	char group[SAF_NAME_MAX + 1];
	enum saf_group_auth auth;
	enum saf_access uacc;
	char owner[SAF_NAME_MAX + 1];
	bool special, operations, auditor, revoked;
	int64_t created;
};

#define SAF_CC_AUTH       0x01u
#define SAF_CC_UACC       0x02u
#define SAF_CC_OWNER      0x04u
#define SAF_CC_SPECIAL    0x08u
#define SAF_CC_OPERATIONS 0x10u
#define SAF_CC_AUDITOR    0x20u
#define SAF_CC_REVOKE     0x40u

struct saf_connect_change {
	unsigned set;
	enum saf_group_auth auth;
	enum saf_access uacc;
	const char *owner;
	bool special, operations, auditor, revoked;
};

/*
 * CONNECT: connects user to group, or alters an existing connection.
 * ch may be NULL (AUTHORITY(USE) UACC(NONE)).
 */
AT_MUST_CHECK enum at_rc saf_connect(struct saf_db *db,
    const struct saf_actor *actor, const char *user, const char *group,
    const struct saf_connect_change *ch, struct at_err *err);

/* REMOVE: AT_E_NOTFOUND if not connected; refused for the default group. */
AT_MUST_CHECK enum at_rc saf_remove(struct saf_db *db,
    const struct saf_actor *actor, const char *user, const char *group,
    struct at_err *err);

/* Walks connections, filtered by user and/or group (NULL = any). */
typedef enum at_rc (*saf_connect_cb)(void *ctx, const struct saf_connect *c,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_connect_each(struct saf_db *db,
    const char *user, const char *group, saf_connect_cb cb, void *ctx,
    struct at_err *err);

#endif
