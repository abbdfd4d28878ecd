/* authority.c - the issuer of a request, and the administrative rules. */
#include "saf/authority.h"

#include <string.h>

#include "saf/group.h"
#include "saf/sqlutil.h"
#include "saf/user.h"

static enum at_rc
load_groups(struct saf_db *db, struct saf_actor *a, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	struct saf_actor_group *g;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db, "SELECT grp, auth, special, operations, "
	    "revoked FROM connects WHERE user = ? ORDER BY grp", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, a->user);
	for (;;) {
		rc = saf_sql_row(db, st, &row, "reading connections", err);
		if (rc != AT_OK || !row)
			break;
		if (a->ngroups == SAF_ACTOR_MAX_GROUPS) {
			rc = at_err_setx(err, AT_E_TOOBIG,
			    "user %s is connected to more than %d groups",
			    a->user, SAF_ACTOR_MAX_GROUPS);
			break;
		}
		g = &a->groups[a->ngroups++];
		saf_sql_text(st, 0, g->name, sizeof(g->name));
		g->auth = (enum saf_group_auth)sqlite3_column_int(st, 1);
		g->special = sqlite3_column_int(st, 2) != 0;
		g->operations = sqlite3_column_int(st, 3) != 0;
		g->revoked = sqlite3_column_int(st, 4) != 0;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_actor_load(struct saf_db *db, const char *user, struct saf_actor *out,
    struct at_err *err)
{
	struct saf_user u;
	enum at_rc rc;

	memset(out, 0, sizeof(*out));
	rc = saf_name_norm(user, "user id", out->user, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_user_get(db, out->user, &u, err);
	if (rc == AT_E_NOTFOUND) {
		at_err_clear(err);
		return AT_OK;
	}
	if (rc != AT_OK)
		return rc;
	out->defined = true;
	out->special = u.special;
	out->operations = u.operations;
	out->auditor = u.auditor;
	out->restricted = u.restricted;
	out->revoked = u.revoked;
	memcpy(out->dfltgrp, u.dfltgrp, sizeof(out->dfltgrp));
	return load_groups(db, out, err);
}

enum at_rc
saf_user_from_uid(struct saf_db *db, uid_t uid,
    char out[SAF_SUBJECT_MAX + 1], bool *defined, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	out[0] = '\0';
	*defined = false;
	/* Never the login name: a login that spells a user id is not that
	 * user (any local account can be called "alice"). */
	rc = saf_db_prepare(db, "SELECT name FROM users WHERE omvs_uid = ?",
	    &st, err);
	if (rc == AT_OK) {
		saf_sql_bind_i64(st, 1, (int64_t)uid);
		rc = saf_sql_row(db, st, &row, "mapping a uid", err);
	}
	if (rc == AT_OK && row)
		rc = saf_sql_text_req(db, st, 0, out, SAF_SUBJECT_MAX + 1,
		    "a user id", err);
	if (rc == AT_OK && row)
		*defined = true;
	else if (rc == AT_OK)
		saf_undefined_name(uid, out);
	else
		out[0] = '\0';
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_actor_for_uid(struct saf_db *db, uid_t uid, struct saf_actor *out,
    struct at_err *err)
{
	char name[SAF_SUBJECT_MAX + 1];
	bool defined = false;
	enum at_rc rc;

	memset(out, 0, sizeof(*out));
	rc = saf_user_from_uid(db, uid, name, &defined, err);
	if (rc == AT_OK && !defined)
		return at_err_setx(err, AT_E_DENIED, "uid %lu is not the OMVS "
		    "UID of any user, so it has no authority here; the "
		    "security administrator can give a user OMVS UID(%lu)",
		    (unsigned long)uid, (unsigned long)uid);
	if (rc == AT_OK)
		rc = saf_actor_load(db, name, out, err);
	return rc;
}

static enum at_rc
bootstrap(struct saf_db *db, uid_t uid, const char *login, bool *created,
    struct at_err *err)
{
	struct saf_actor root;
	char name[SAF_NAME_MAX + 1];
	int64_t n = 0;
	enum at_rc rc;
	sqlite3_stmt *st = NULL;

	rc = saf_user_count(db, &n, err);
	if (rc != AT_OK || n > 0)
		return rc;
	rc = saf_name_norm(login, "user id (from the login name)", name, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "INSERT OR IGNORE INTO groups (name, supgroup, "
	    "owner, created) VALUES ('SYS1', NULL, ?1, ?2);"
	    , &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, name);
	saf_sql_bind_i64(st, 2, saf_now());
	rc = saf_sql_done(db, st, "creating group SYS1", err);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "INSERT INTO users (name, owner, dfltgrp, "
	    "special, omvs_uid, created) VALUES (?1, ?1, 'SYS1', 1, ?2, ?3)",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, name);
	saf_sql_bind_i64(st, 2, (int64_t)uid);
	saf_sql_bind_i64(st, 3, saf_now());
	rc = saf_sql_done(db, st, "creating the first user", err);
	if (rc != AT_OK)
		goto out;
	memset(&root, 0, sizeof(root));
	memcpy(root.user, name, sizeof(root.user));
	root.defined = true;
	root.special = true;
	memcpy(root.dfltgrp, "SYS1", 5);
	{
		struct saf_connect_change cc = { .set = SAF_CC_AUTH,
		    .auth = SAF_GAUTH_JOIN };

		rc = saf_connect(db, &root, name, "SYS1", &cc, err);
	}
	if (rc == AT_OK && created != NULL)
		*created = true;
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_bootstrap_admin2(struct saf_db *db, uid_t linux_uid,
    const char *login_name, bool *created, struct at_err *err)
{
	bool own = !saf_db_in_txn(db);
	enum at_rc rc;

	if (created != NULL)
		*created = false;
	if (own) {
		rc = saf_db_begin(db, err);
		if (rc != AT_OK)
			return rc;
	}
	rc = bootstrap(db, linux_uid, login_name, created, err);
	if (!own)
		return rc;
	if (rc == AT_OK)
		return saf_db_commit(db, err);
	saf_db_rollback(db);
	return rc;
}

enum at_rc
saf_bootstrap_admin(struct saf_db *db, uid_t linux_uid,
    const char *login_name, struct at_err *err)
{
	return saf_bootstrap_admin2(db, linux_uid, login_name, NULL, err);
}

enum at_rc
saf_auth_special(const struct saf_actor *actor, const char *what,
    struct at_err *err)
{
	if (actor->special && !actor->revoked)
		return AT_OK;
	return at_err_setx(err, AT_E_DENIED,
	    "NOT AUTHORIZED: %s requires the SPECIAL attribute (%s does not "
	    "have it)", what, actor->user);
}

static const struct saf_actor_group *
find_group(const struct saf_actor *actor, const char *group)
{
	size_t i;

	for (i = 0; i < actor->ngroups; i++)
		if (strcmp(actor->groups[i].name, group) == 0)
			return actor->groups[i].revoked ? NULL :
			    &actor->groups[i];
	return NULL;
}

bool
saf_auth_is_owner(const struct saf_actor *actor, const char *owner)
{
	const struct saf_actor_group *g;

	if (actor->revoked || !actor->defined)
		return false;
	if (strcmp(actor->user, owner) == 0)
		return true;
	g = find_group(actor, owner);
	return g != NULL && g->special;
}

bool
saf_auth_in_group(const struct saf_actor *actor, const char *group,
    enum saf_group_auth need)
{
	const struct saf_actor_group *g;

	if (actor->revoked || !actor->defined)
		return false;
	g = find_group(actor, group);
	return g != NULL && (g->special || g->auth >= need);
}

enum at_rc
saf_auth_owner(const struct saf_actor *actor, const char *owner,
    const char *what, struct at_err *err)
{
	if ((actor->special && !actor->revoked) ||
	    saf_auth_is_owner(actor, owner))
		return AT_OK;
	return at_err_setx(err, AT_E_DENIED,
	    "NOT AUTHORIZED TO %s: %s is neither SPECIAL nor the owner (%s)",
	    what, actor->user, owner);
}

enum at_rc
saf_auth_clauth(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *what, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	if (actor->special && !actor->revoked)
		return AT_OK;
	if (actor->revoked || !actor->defined)
		return at_err_setx(err, AT_E_DENIED,
		    "ICH10103I NOT AUTHORIZED TO DEFINE %s.", what);
	rc = saf_db_prepare(db, "SELECT 1 FROM user_clauth WHERE user = ? AND "
	    "class = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, actor->user);
	saf_sql_bind(st, 2, class_name);
	rc = saf_sql_row(db, st, &row, "reading CLAUTH", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_DENIED,
		    "ICH10103I NOT AUTHORIZED TO DEFINE %s.", what);
out:
	sqlite3_finalize(st);
	return rc;
}
