/* user.c - user profiles: ADDUSER, ALTUSER, DELUSER and LISTUSER data. */
#include "saf/user.h"

#include <string.h>

#include "saf/group.h"
#include "saf/password.h"
#include "saf/sqlutil.h"

enum at_rc
saf_id_kind(struct saf_db *db, const char *name, bool *is_user,
    bool *is_group, struct at_err *err)
{
	int64_t v = 0;
	int found = 0;
	enum at_rc rc;

	*is_user = false;
	*is_group = false;
	rc = saf_sql_int(db, "SELECT 1 FROM users WHERE name = ?", name, &v,
	    &found, err);
	if (rc != AT_OK)
		return rc;
	*is_user = found != 0;
	rc = saf_sql_int(db, "SELECT 1 FROM groups WHERE name = ?", name, &v,
	    &found, err);
	*is_group = found != 0;
	return rc;
}

enum at_rc
saf_user_count(struct saf_db *db, int64_t *n, struct at_err *err)
{
	int found = 0;

	return saf_sql_int(db, "SELECT count(*) FROM users", NULL, n, &found,
	    err);
}

/* Checks that owner names an existing user or group; writes the
 * normalised form. */
static enum at_rc
check_owner(struct saf_db *db, const char *owner, char out[SAF_NAME_MAX + 1],
    struct at_err *err)
{
	bool u = false, g = false;
	enum at_rc rc;

	rc = saf_name_norm(owner, "owner", out, err);
	if (rc == AT_OK)
		rc = saf_id_kind(db, out, &u, &g, err);
	if (rc == AT_OK && !u && !g)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH51003I NAME NOT FOUND IN RACF DATA SET: owner %s", out);
	return rc;
}

static enum at_rc
check_attrs(const struct saf_actor *actor, const struct saf_user_change *ch,
    struct at_err *err)
{
	unsigned need = SAF_UC_SPECIAL | SAF_UC_OPERATIONS | SAF_UC_AUDITOR |
	    SAF_UC_UID | SAF_UC_NOOMVS;

	if ((ch->set & need) != 0)
		return saf_auth_special(actor,
		    "giving SPECIAL, OPERATIONS, AUDITOR or an OMVS UID", err);
	return AT_OK;
}

static enum at_rc
check_text(const struct saf_user_change *ch, struct at_err *err)
{
	if ((ch->set & SAF_UC_PNAME) && ch->pname != NULL &&
	    strlen(ch->pname) > SAF_PNAME_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "NAME is longer than %d characters", SAF_PNAME_MAX);
	if ((ch->set & SAF_UC_DATA) && ch->data != NULL &&
	    strlen(ch->data) > SAF_DATA_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "DATA is longer than %d characters", SAF_DATA_MAX);
	if ((ch->set & SAF_UC_HOME) && ch->home != NULL &&
	    strlen(ch->home) > SAF_PATH_MAX)
		return at_err_setx(err, AT_E_INPUT, "HOME is too long");
	if ((ch->set & SAF_UC_PROGRAM) && ch->program != NULL &&
	    strlen(ch->program) > SAF_PATH_MAX)
		return at_err_setx(err, AT_E_INPUT, "PROGRAM is too long");
	if ((ch->set & SAF_UC_UID) && (ch->uid < 0 || ch->uid > SAF_UID_MAX))
		return at_err_setx(err, AT_E_INPUT,
		    "UID %lld is outside 0-%lld", (long long)ch->uid,
		    SAF_UID_MAX);
	if ((ch->set & SAF_UC_PASSWORD) && (ch->password == NULL ||
	    ch->password[0] == '\0' ||
	    strlen(ch->password) > SAF_PASSWORD_MAX))
		return at_err_setx(err, AT_E_INPUT,
		    "a password must be 1-%d characters", SAF_PASSWORD_MAX);
	return AT_OK;
}

/* One UPDATE users SET <col> = ? WHERE name = ?; col is a constant. */
static enum at_rc
set_col(struct saf_db *db, const char *sql, const char *name,
    const char *text, int64_t num, int use_num, struct at_err *err)
{
	return saf_sql_set_col(db, sql, name, text, num, use_num, "changing a user", err);
}

static enum at_rc
uid_free(struct saf_db *db, const char *name, int64_t uid, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;
	char who[SAF_NAME_MAX + 1];

	rc = saf_db_prepare(db, "SELECT name FROM users WHERE omvs_uid = ? "
	    "AND name <> ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, uid);
	saf_sql_bind(st, 2, name);
	rc = saf_sql_row(db, st, &row, "checking a UID", err);
	if (rc == AT_OK && row) {
		saf_sql_text(st, 0, who, sizeof(who));
		rc = at_err_setx(err, AT_E_EXISTS,
		    "UID %lld is already assigned to user %s", (long long)uid,
		    who);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* Applies the fields of ch shared by ADDUSER and ALTUSER. */
static enum at_rc
apply(struct saf_db *db, const char *name, const struct saf_user_change *ch,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;
	unsigned s = ch->set;

	if (s & SAF_UC_PNAME)
		rc = set_col(db, "UPDATE users SET pname = ? WHERE name = ?",
		    name, ch->pname == NULL ? "" : ch->pname, 0, 0, err);
	if (rc == AT_OK && (s & SAF_UC_DATA))
		rc = set_col(db, "UPDATE users SET data = ? WHERE name = ?",
		    name, ch->data == NULL ? "" : ch->data, 0, 0, err);
	if (rc == AT_OK && (s & SAF_UC_SPECIAL))
		rc = set_col(db, "UPDATE users SET special = ? WHERE name = ?",
		    name, NULL, ch->special, 1, err);
	if (rc == AT_OK && (s & SAF_UC_OPERATIONS))
		rc = set_col(db, "UPDATE users SET operations = ? "
		    "WHERE name = ?", name, NULL, ch->operations, 1, err);
	if (rc == AT_OK && (s & SAF_UC_AUDITOR))
		rc = set_col(db, "UPDATE users SET auditor = ? WHERE name = ?",
		    name, NULL, ch->auditor, 1, err);
	if (rc == AT_OK && (s & SAF_UC_RESTRICTED))
		rc = set_col(db, "UPDATE users SET restricted = ? "
		    "WHERE name = ?", name, NULL, ch->restricted, 1, err);
	if (rc == AT_OK && (s & SAF_UC_REVOKE))
		rc = set_col(db, ch->revoked ?
		    "UPDATE users SET revoked = ? WHERE name = ?" :
		    "UPDATE users SET revoked = ?, failed = 0 WHERE name = ?",
		    name, NULL, ch->revoked, 1, err);
	if (rc == AT_OK && (s & SAF_UC_NOOMVS))
		rc = set_col(db, "UPDATE users SET omvs_uid = NULL, "
		    "omvs_home = NULL, omvs_program = ? WHERE name = ?", name,
		    NULL, 0, 0, err);
	if (rc == AT_OK && (s & SAF_UC_UID))
		rc = uid_free(db, name, ch->uid, err);
	if (rc == AT_OK && (s & SAF_UC_UID))
		rc = set_col(db, "UPDATE users SET omvs_uid = ? WHERE name = ?",
		    name, NULL, ch->uid, 1, err);
	if (rc == AT_OK && (s & (SAF_UC_HOME | SAF_UC_NOHOME)))
		rc = set_col(db, "UPDATE users SET omvs_home = ? "
		    "WHERE name = ?", name, (s & SAF_UC_NOHOME) ? NULL :
		    ch->home, 0, 0, err);
	if (rc == AT_OK && (s & (SAF_UC_PROGRAM | SAF_UC_NOPROGRAM)))
		rc = set_col(db, "UPDATE users SET omvs_program = ? "
		    "WHERE name = ?", name, (s & SAF_UC_NOPROGRAM) ? NULL :
		    ch->program, 0, 0, err);
	if (rc == AT_OK && (s & SAF_UC_NOPASSWORD))
		rc = saf_password_store(db, name, NULL, true, err);
	if (rc == AT_OK && (s & SAF_UC_PASSWORD))
		rc = saf_password_store(db, name, ch->password, !ch->noexpired,
		    err);
	return rc;
}

static enum at_rc
insert_user(struct saf_db *db, const char *name, const char *owner,
    const char *grp, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_prepare(db, "INSERT INTO users (name, owner, dfltgrp, "
	    "created) VALUES (?, ?, ?, ?)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, name);
	saf_sql_bind(st, 2, owner);
	saf_sql_bind(st, 3, grp);
	saf_sql_bind_i64(st, 4, saf_now());
	rc = saf_sql_done(db, st, "adding a user", err);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
add_names(struct saf_db *db, const struct saf_actor *actor,
    const struct saf_user_change *ch, char owner[SAF_NAME_MAX + 1],
    char grp[SAF_NAME_MAX + 1], struct at_err *err)
{
	enum at_rc rc;
	bool u = false, g = false;

	if (ch->set & SAF_UC_DFLTGRP)
		rc = saf_name_norm(ch->dfltgrp, "group", grp, err);
	else if (actor->dfltgrp[0] != '\0')
		rc = saf_copy_bounded(grp, SAF_NAME_MAX + 1, actor->dfltgrp,
		    "group", err);
	else
		rc = at_err_setx(err, AT_E_INPUT,
		    "DFLTGRP is required: %s has no default group",
		    actor->user);
	if (rc == AT_OK)
		rc = saf_id_kind(db, grp, &u, &g, err);
	if (rc == AT_OK && !g)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH51003I NAME NOT FOUND IN RACF DATA SET: group %s", grp);
	if (rc != AT_OK)
		return rc;
	if (ch->set & SAF_UC_OWNER)
		return check_owner(db, ch->owner, owner, err);
	return saf_copy_bounded(owner, SAF_NAME_MAX + 1, actor->user, "owner",
	    err);
}

enum at_rc
saf_user_add(struct saf_db *db, const struct saf_actor *actor,
    const char *name, const struct saf_user_change *ch, struct at_err *err)
{
	static const struct saf_user_change none;
	struct saf_connect_change cc;
	char n[SAF_NAME_MAX + 1], owner[SAF_NAME_MAX + 1];
	char grp[SAF_NAME_MAX + 1];
	bool u = false, g = false;
	enum at_rc rc;

	if (ch == NULL)
		ch = &none;
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "user id", n, err);
	if (rc == AT_OK)
		rc = check_text(ch, err);
	if (rc == AT_OK)
		rc = add_names(db, actor, ch, owner, grp, err);
	if (rc == AT_OK && !actor->special && !actor->revoked &&
	    !saf_auth_in_group(actor, grp, SAF_GAUTH_JOIN) &&
	    !saf_auth_is_owner(actor, grp))
		rc = at_err_setx(err, AT_E_DENIED,
		    "NOT AUTHORIZED to add user %s to group %s", n,
		    grp);
	if (rc == AT_OK)
		rc = check_attrs(actor, ch, err);
	if (rc == AT_OK)
		rc = saf_id_kind(db, n, &u, &g, err);
	if (rc == AT_OK && (u || g))
		rc = at_err_setx(err, AT_E_EXISTS,
		    "ICH01005I %s ALREADY DEFINED TO RACF AS A %s", n,
		    u ? "USER" : "GROUP");
	if (rc == AT_OK)
		rc = insert_user(db, n, owner, grp, err);
	if (rc == AT_OK)
		rc = apply(db, n, ch, err);
	if (rc != AT_OK)
		return rc;
	memset(&cc, 0, sizeof(cc));
	cc.set = SAF_CC_OWNER;
	cc.owner = owner;
	if (ch->set & SAF_UC_AUTHORITY) {
		cc.set |= SAF_CC_AUTH;
		cc.auth = ch->authority;
	}
	if (ch->set & SAF_UC_UACC) {
		cc.set |= SAF_CC_UACC;
		cc.uacc = ch->uacc;
	}
	return saf_connect(db, actor, n, grp, &cc, err);
}

static enum at_rc
alter_dfltgrp(struct saf_db *db, const char *name, const char *grp,
    struct at_err *err)
{
	char g[SAF_NAME_MAX + 1];
	int64_t v = 0;
	int found = 0;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_name_norm(grp, "group", g, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "SELECT 1 FROM connects WHERE user = ? AND "
	    "grp = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, name);
	saf_sql_bind(st, 2, g);
	rc = saf_sql_row(db, st, &found, "checking a connection", err);
	if (rc == AT_OK && !found)
		rc = at_err_setx(err, AT_E_INPUT,
		    "user %s is not connected to group %s: CONNECT it first",
		    name, g);
	if (rc == AT_OK)
		rc = set_col(db, "UPDATE users SET dfltgrp = ? WHERE name = ?",
		    name, g, 0, 0, err);
	(void)v;
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_user_alter(struct saf_db *db, const struct saf_actor *actor,
    const char *name, const struct saf_user_change *ch, struct at_err *err)
{
	struct saf_user u;
	char n[SAF_NAME_MAX + 1], owner[SAF_NAME_MAX + 1];
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "user id", n, err);
	if (rc == AT_OK)
		rc = saf_user_get(db, n, &u, err);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, u.owner, "ALTER USER", err);
	if (rc == AT_OK)
		rc = check_attrs(actor, ch, err);
	if (rc == AT_OK)
		rc = check_text(ch, err);
	if (rc == AT_OK && (ch->set & SAF_UC_OWNER)) {
		rc = check_owner(db, ch->owner, owner, err);
		if (rc == AT_OK)
			rc = set_col(db, "UPDATE users SET owner = ? "
			    "WHERE name = ?", n, owner, 0, 0, err);
	}
	if (rc == AT_OK && (ch->set & SAF_UC_DFLTGRP))
		rc = alter_dfltgrp(db, n, ch->dfltgrp, err);
	if (rc == AT_OK)
		rc = apply(db, n, ch, err);
	return rc;
}

/* Everything that belongs to a user, deleted with it (the user last). */
static const char *const user_rows[] = {
	"DELETE FROM acl WHERE id = ?",
	"DELETE FROM ptkt_used WHERE user = ?",
	"DELETE FROM rings WHERE owner = ?",
	"DELETE FROM certificates WHERE owner = ?",
	"DELETE FROM cert_maps WHERE userid = ?",
	"DELETE FROM idid_maps WHERE userid = ?",
	"DELETE FROM users WHERE name = ?",
};

enum at_rc
saf_user_delete(struct saf_db *db, const struct saf_actor *actor,
    const char *name, struct at_err *err)
{
	struct saf_user u;
	char n[SAF_NAME_MAX + 1] = "";
	enum at_rc rc;
	size_t i;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "user id", n, err);
	if (rc == AT_OK)
		rc = saf_user_get(db, n, &u, err);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, u.owner, "DELETE USER", err);
	if (rc == AT_OK && strcmp(n, actor->user) == 0)
		rc = at_err_setx(err, AT_E_INPUT,
		    "a user cannot delete its own profile");
	/* As RACF's DELUSER: the user's access-list entries, certificates, key
	 * rings and mapping filters go with it (ring connections cascade), so
	 * no key outlives its owner and a later user of the name starts with
	 * nothing. */
	for (i = 0; rc == AT_OK && i < sizeof(user_rows) / sizeof(user_rows[0]); i++)
		rc = saf_sql_exec1(db, user_rows[i], n, "deleting a user", err);
	return rc;
}

static void
read_user(sqlite3_stmt *st, struct saf_user *u)
{
	saf_sql_text(st, 0, u->name, sizeof(u->name));
	saf_sql_text(st, 1, u->owner, sizeof(u->owner));
	saf_sql_text(st, 2, u->dfltgrp, sizeof(u->dfltgrp));
	saf_sql_text(st, 3, u->pname, sizeof(u->pname));
	saf_sql_text(st, 4, u->data, sizeof(u->data));
	u->special = sqlite3_column_int(st, 5) != 0;
	u->operations = sqlite3_column_int(st, 6) != 0;
	u->auditor = sqlite3_column_int(st, 7) != 0;
	u->restricted = sqlite3_column_int(st, 8) != 0;
	u->protected_user = sqlite3_column_type(st, 9) == SQLITE_NULL;
	u->pw_expired = sqlite3_column_int(st, 10) != 0;
	u->pass_date = sqlite3_column_int64(st, 11);
	u->revoked = sqlite3_column_int(st, 12) != 0;
	u->failed = (unsigned)sqlite3_column_int(st, 13);
	u->has_uid = sqlite3_column_type(st, 14) != SQLITE_NULL;
	u->uid = u->has_uid ? sqlite3_column_int64(st, 14) : -1;
	saf_sql_text(st, 15, u->home, sizeof(u->home));
	saf_sql_text(st, 16, u->program, sizeof(u->program));
	u->created = sqlite3_column_int64(st, 17);
	u->last_access = sqlite3_column_int64(st, 18);
}

enum at_rc
saf_user_get(struct saf_db *db, const char *name, struct saf_user *out,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	char n[SAF_NAME_MAX + 1];
	enum at_rc rc;
	int row = 0;

	memset(out, 0, sizeof(*out));
	rc = saf_name_norm(name, "user id", n, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "SELECT name, owner, dfltgrp, pname, data, "
	    "special, operations, auditor, restricted, pw_hash, pw_expired, "
	    "pw_date, revoked, failed, omvs_uid, omvs_home, omvs_program, "
	    "created, last_access FROM users WHERE name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, n);
	rc = saf_sql_row(db, st, &row, "reading a user", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH30001I UNABLE TO LOCATE USER    ENTRY %s", n);
	if (rc == AT_OK)
		read_user(st, out);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_user_each(struct saf_db *db, saf_name_cb cb, void *ctx,
    struct at_err *err)
{
	return saf_sql_each_name(db, "SELECT name FROM users ORDER BY name",
	    NULL, cb, ctx, err);
}

enum at_rc
saf_user_clauth(struct saf_db *db, const struct saf_actor *actor,
    const char *name, const char *class_name, bool add, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1], c[SAF_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	struct saf_user u;
	int64_t v = 0;
	int found = 0;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "user id", n, err);
	if (rc == AT_OK)
		rc = saf_class_norm(class_name, c, err);
	if (rc == AT_OK)
		rc = saf_user_get(db, n, &u, err);
	/* RACF lets a user with CLAUTH pass it on; kept to SPECIAL here. */
	if (rc == AT_OK)
		rc = saf_auth_special(actor, "CLAUTH", err);
	if (rc == AT_OK)
		rc = saf_sql_int(db, "SELECT 1 FROM classes WHERE name = ?", c,
		    &v, &found, err);
	if (rc == AT_OK && !found)
		rc = at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID CLASS, %s",
		    c);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, add ?
	    "INSERT OR IGNORE INTO user_clauth (user, class) VALUES (?, ?)" :
	    "DELETE FROM user_clauth WHERE user = ? AND class = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, n);
	saf_sql_bind(st, 2, c);
	rc = saf_sql_done(db, st, "changing CLAUTH", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_user_clauth_each(struct saf_db *db, const char *name, saf_name_cb cb,
    void *ctx, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1];
	enum at_rc rc = saf_name_norm(name, "user id", n, err);

	if (rc != AT_OK)
		return rc;
	return saf_sql_each_name(db, "SELECT class FROM user_clauth "
	    "WHERE user = ? ORDER BY class", n, cb, ctx, err);
}
