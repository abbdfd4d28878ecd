/* group.c - groups and connections: ADDGROUP ... LISTGRP, CONNECT, REMOVE. */
#include "saf/group.h"

#include <string.h>

#include "saf/sqlutil.h"

static enum at_rc
need_group(struct saf_db *db, const char *in, const char *what,
    char out[SAF_NAME_MAX + 1], struct at_err *err)
{
	bool u = false, g = false;
	enum at_rc rc = saf_name_norm(in, what, out, err);

	if (rc == AT_OK)
		rc = saf_id_kind(db, out, &u, &g, err);
	if (rc == AT_OK && !g)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH51003I NAME NOT FOUND IN RACF DATA SET: group %s", out);
	return rc;
}

static enum at_rc
need_id(struct saf_db *db, const char *in, char out[SAF_NAME_MAX + 1],
    struct at_err *err)
{
	bool u = false, g = false;
	enum at_rc rc = saf_name_norm(in, "owner", out, err);

	if (rc == AT_OK)
		rc = saf_id_kind(db, out, &u, &g, err);
	if (rc == AT_OK && !u && !g)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH51003I NAME NOT FOUND IN RACF DATA SET: %s", out);
	return rc;
}

static enum at_rc
group_text(const struct saf_group_change *ch, struct at_err *err)
{
	if ((ch->set & SAF_GC_DATA) && ch->data != NULL &&
	    strlen(ch->data) > SAF_DATA_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "DATA is longer than %d characters", SAF_DATA_MAX);
	if ((ch->set & SAF_GC_GID) && (ch->gid < 0 || ch->gid > SAF_UID_MAX))
		return at_err_setx(err, AT_E_INPUT, "GID %lld is out of range",
		    (long long)ch->gid);
	return AT_OK;
}

/* UPDATE groups SET <fixed column> = ? WHERE name = ?. */
static enum at_rc
gset(struct saf_db *db, const char *sql, const char *name, const char *text,
    int64_t num, int use_num, struct at_err *err)
{
	return saf_sql_set_col(db, sql, name, text, num, use_num, "changing a group", err);
}

/* Refuses a superior group that is the group itself or below it. */
static enum at_rc
no_cycle(struct saf_db *db, const char *name, const char *sup,
    struct at_err *err)
{
	char cur[SAF_NAME_MAX + 1];
	struct saf_group g;
	enum at_rc rc = AT_OK;
	int depth;

	rc = saf_copy_bounded(cur, sizeof(cur), sup, "group", err);
	for (depth = 0; rc == AT_OK && depth < 1000 && cur[0] != '\0';
	    depth++) {
		if (strcmp(cur, name) == 0)
			return at_err_setx(err, AT_E_INPUT,
			    "group %s cannot be its own superior", name);
		rc = saf_group_get(db, cur, &g, err);
		if (rc != AT_OK)
			return rc;
		memcpy(cur, g.supgroup, sizeof(cur));
	}
	return rc;
}

static enum at_rc
apply_group(struct saf_db *db, const char *name,
    const struct saf_group_change *ch, struct at_err *err)
{
	enum at_rc rc = AT_OK;

	if (ch->set & SAF_GC_DATA)
		rc = gset(db, "UPDATE groups SET data = ? WHERE name = ?", name,
		    ch->data == NULL ? "" : ch->data, 0, 0, err);
	if (rc == AT_OK && (ch->set & SAF_GC_GID))
		rc = gset(db, "UPDATE groups SET omvs_gid = ? WHERE name = ?",
		    name, NULL, ch->gid, 1, err);
	if (rc == AT_OK && (ch->set & SAF_GC_NOOMVS))
		rc = gset(db, "UPDATE groups SET omvs_gid = ? WHERE name = ?",
		    name, NULL, 0, 0, err);
	if (rc == AT_OK && (ch->set & SAF_GC_TERMUACC))
		rc = gset(db, "UPDATE groups SET termuacc = ? WHERE name = ?",
		    name, NULL, ch->termuacc, 1, err);
	return rc;
}

enum at_rc
saf_group_add(struct saf_db *db, const struct saf_actor *actor,
    const char *name, const struct saf_group_change *ch, struct at_err *err)
{
	static const struct saf_group_change none;
	char n[SAF_NAME_MAX + 1], sup[SAF_NAME_MAX + 1];
	char owner[SAF_NAME_MAX + 1];
	sqlite3_stmt *st = NULL;
	bool u = false, g = false;
	enum at_rc rc;

	if (ch == NULL)
		ch = &none;
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "group", n, err);
	if (rc == AT_OK)
		rc = group_text(ch, err);
	if (rc == AT_OK)
		rc = need_group(db, (ch->set & SAF_GC_SUPGROUP) ? ch->supgroup :
		    actor->dfltgrp, "superior group", sup, err);
	if (rc == AT_OK && !actor->special && !actor->revoked &&
	    !saf_auth_in_group(actor, sup, SAF_GAUTH_JOIN) &&
	    !saf_auth_is_owner(actor, sup))
		rc = at_err_setx(err, AT_E_DENIED,
		    "INSUFFICIENT AUTHORITY TO SUPERIOR GROUP %s", sup);
	if (rc == AT_OK)
		rc = (ch->set & SAF_GC_OWNER) ? need_id(db, ch->owner, owner,
		    err) : saf_copy_bounded(owner, sizeof(owner), sup, "owner",
		    err);
	if (rc == AT_OK)
		rc = saf_id_kind(db, n, &u, &g, err);
	if (rc == AT_OK && (u || g))
		rc = at_err_setx(err, AT_E_EXISTS,
		    "ICH00005I %s ALREADY DEFINED TO RACF AS A %s", n,
		    u ? "USER" : "GROUP");
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "INSERT INTO groups (name, supgroup, owner, "
	    "created) VALUES (?, ?, ?, ?)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, n);
	saf_sql_bind(st, 2, sup);
	saf_sql_bind(st, 3, owner);
	saf_sql_bind_i64(st, 4, saf_now());
	rc = saf_sql_done(db, st, "adding a group", err);
	if (rc == AT_OK)
		rc = apply_group(db, n, ch, err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_group_alter(struct saf_db *db, const struct saf_actor *actor,
    const char *name, const struct saf_group_change *ch, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1], v[SAF_NAME_MAX + 1];
	struct saf_group g;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "group", n, err);
	if (rc == AT_OK)
		rc = saf_group_get(db, n, &g, err);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, g.owner, "ALTER GROUP", err);
	if (rc == AT_OK)
		rc = group_text(ch, err);
	if (rc == AT_OK && (ch->set & SAF_GC_SUPGROUP)) {
		rc = need_group(db, ch->supgroup, "superior group", v, err);
		if (rc == AT_OK)
			rc = no_cycle(db, n, v, err);
		if (rc == AT_OK)
			rc = gset(db, "UPDATE groups SET supgroup = ? "
			    "WHERE name = ?", n, v, 0, 0, err);
	}
	if (rc == AT_OK && (ch->set & SAF_GC_OWNER)) {
		rc = need_id(db, ch->owner, v, err);
		if (rc == AT_OK)
			rc = gset(db, "UPDATE groups SET owner = ? "
			    "WHERE name = ?", n, v, 0, 0, err);
	}
	if (rc == AT_OK)
		rc = apply_group(db, n, ch, err);
	return rc;
}

enum at_rc
saf_group_delete(struct saf_db *db, const struct saf_actor *actor,
    const char *name, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1];
	struct saf_group g;
	int64_t v = 0;
	int found = 0;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(name, "group", n, err);
	if (rc == AT_OK)
		rc = saf_group_get(db, n, &g, err);
	if (rc == AT_OK)
		rc = saf_auth_owner(actor, g.owner, "DELETE GROUP", err);
	if (rc == AT_OK)
		rc = saf_sql_int(db, "SELECT 1 FROM connects WHERE grp = ?", n,
		    &v, &found, err);
	if (rc == AT_OK && found)
		rc = at_err_setx(err, AT_E_INPUT,
		    "group %s has members: REMOVE them first", n);
	if (rc == AT_OK)
		rc = saf_sql_int(db, "SELECT 1 FROM groups WHERE supgroup = ?",
		    n, &v, &found, err);
	if (rc == AT_OK && found)
		rc = at_err_setx(err, AT_E_INPUT,
		    "group %s has subgroups: delete them first", n);
	if (rc == AT_OK)
		rc = saf_sql_exec1(db, "DELETE FROM acl WHERE id = ?", n,
		    "deleting a group", err);
	if (rc == AT_OK)
		rc = saf_sql_exec1(db, "DELETE FROM groups WHERE name = ?", n,
		    "deleting a group", err);
	return rc;
}

enum at_rc
saf_group_get(struct saf_db *db, const char *name, struct saf_group *out,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	char n[SAF_NAME_MAX + 1];
	enum at_rc rc;
	int row = 0;

	memset(out, 0, sizeof(*out));
	rc = saf_name_norm(name, "group", n, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_db_prepare(db, "SELECT name, supgroup, owner, data, "
	    "termuacc, omvs_gid, created FROM groups WHERE name = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, n);
	rc = saf_sql_row(db, st, &row, "reading a group", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH51003I NAME NOT FOUND IN RACF DATA SET: group %s", n);
	if (rc != AT_OK)
		goto out;
	saf_sql_text(st, 0, out->name, sizeof(out->name));
	saf_sql_text(st, 1, out->supgroup, sizeof(out->supgroup));
	saf_sql_text(st, 2, out->owner, sizeof(out->owner));
	saf_sql_text(st, 3, out->data, sizeof(out->data));
	out->termuacc = sqlite3_column_int(st, 4) != 0;
	out->has_gid = sqlite3_column_type(st, 5) != SQLITE_NULL;
	out->gid = out->has_gid ? sqlite3_column_int64(st, 5) : -1;
	out->created = sqlite3_column_int64(st, 6);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_group_each(struct saf_db *db, saf_name_cb cb, void *ctx,
    struct at_err *err)
{
	return saf_sql_each_name(db, "SELECT name FROM groups ORDER BY name",
	    NULL, cb, ctx, err);
}

enum at_rc
saf_group_subgroups(struct saf_db *db, const char *group, saf_name_cb cb,
    void *ctx, struct at_err *err)
{
	char n[SAF_NAME_MAX + 1];
	enum at_rc rc = saf_name_norm(group, "group", n, err);

	if (rc != AT_OK)
		return rc;
	return saf_sql_each_name(db, "SELECT name FROM groups WHERE "
	    "supgroup = ? ORDER BY name", n, cb, ctx, err);
}
