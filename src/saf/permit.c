/* permit.c - access lists: PERMIT, PERMIT DELETE, PERMIT RESET. */
#include "saf/profile.h"

#include <string.h>

#include "saf/class.h"
#include "saf/sqlutil.h"
#include "saf/user.h"

/* Resolves a profile for PERMIT: its id, after the authority check. */
static enum at_rc
target(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name, int64_t *id,
    struct at_err *err)
{
	char n[SAF_PROFILE_MAX + 1];
	struct saf_class c;
	struct saf_profile p;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	*id = 0;
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_class_get(db, class_name, &c, err);
	if (rc == AT_OK)
		rc = saf_resource_norm(name, n, err);
	if (rc == AT_OK)
		rc = saf_profile_get(db, c.name, n, &p, err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH06004I %s NOT DEFINED TO RACF", n);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, p.owner, "PERMIT", err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "SELECT id FROM profiles WHERE class = ? AND "
	    "name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c.name);
	saf_sql_bind(st, 2, n);
	rc = saf_sql_row(db, st, &row, "reading a profile", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_INTERNAL, "profile %s vanished", n);
	if (rc == AT_OK)
		*id = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
acl_id(struct saf_db *db, const char *id, char out[SAF_NAME_MAX + 1],
    struct at_err *err)
{
	bool u = false, g = false;
	enum at_rc rc;

	if (id != NULL && strcmp(id, "*") == 0) {
		memcpy(out, "*", 2);
		return AT_OK;
	}
	rc = saf_name_norm(id, "ID", out, err);
	if (rc == AT_OK)
		rc = saf_id_kind(db, out, &u, &g, err);
	if (rc == AT_OK && !u && !g)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH06007I %s NOT DEFINED TO RACF", out);
	return rc;
}

enum at_rc
saf_permit(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name, const char *id,
    enum saf_access access, struct at_err *err)
{
	char who[SAF_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	int64_t pid = 0;
	enum at_rc rc;

	if ((unsigned)access > SAF_ACC_ALTER)
		return at_err_setx(err, AT_E_INPUT, "invalid access level");
	rc = target(db, actor, class_name, name, &pid, err);
	if (rc == AT_OK)
		rc = acl_id(db, id, who, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "INSERT INTO acl (profile_id, id, access) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (profile_id, id) DO UPDATE SET "
	    "access = ?3", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, pid);
	saf_sql_bind(st, 2, who);
	saf_sql_bind_i64(st, 3, (int)access);
	rc = saf_sql_done(db, st, "PERMIT", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_permit_delete(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name, const char *id,
    struct at_err *err)
{
	char who[SAF_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	int64_t pid = 0;
	enum at_rc rc;

	rc = target(db, actor, class_name, name, &pid, err);
	if (rc != AT_OK)
		return rc;
	if (id != NULL && strcmp(id, "*") == 0)
		memcpy(who, "*", 2);
	else
		rc = saf_name_norm(id, "ID", who, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "DELETE FROM acl WHERE profile_id = ? AND "
	    "id = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, pid);
	saf_sql_bind(st, 2, who);
	rc = saf_sql_done(db, st, "PERMIT DELETE", err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) == 0)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH06002I %s NOT AUTHORIZED, DELETE IGNORED", who);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_permit_reset(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, const char *name, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t pid = 0;
	enum at_rc rc;

	rc = target(db, actor, class_name, name, &pid, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "DELETE FROM acl WHERE profile_id = ?", &st,
	    err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, pid);
	rc = saf_sql_done(db, st, "PERMIT RESET", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_acl_each(struct saf_db *db, const char *class_name, const char *name,
    saf_acl_cb cb, void *ctx, struct at_err *err)
{
	char n[SAF_PROFILE_MAX + 1];
	struct saf_class c;
	struct saf_acl_entry e;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_class_get(db, class_name, &c, err);
	if (rc == AT_OK)
		rc = saf_resource_norm(name, n, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "SELECT a.id, a.access FROM acl a JOIN "
	    "profiles p ON p.id = a.profile_id WHERE p.class = ? AND "
	    "p.name = ? ORDER BY a.id", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c.name);
	saf_sql_bind(st, 2, n);
	for (;;) {
		rc = saf_sql_row(db, st, &row, "reading an access list", err);
		if (rc != AT_OK || !row)
			break;
		memset(&e, 0, sizeof(e));
		saf_sql_text(st, 0, e.id, sizeof(e.id));
		e.access = (enum saf_access)sqlite3_column_int(st, 1);
		rc = cb(ctx, &e, err);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}
