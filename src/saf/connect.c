/* connect.c - CONNECT and REMOVE: a user's membership of groups. */
#include "saf/group.h"

#include <string.h>

#include "saf/sqlutil.h"

static enum at_rc
may_connect(struct saf_db *db, const struct saf_actor *actor,
    const char *group, struct at_err *err)
{
	struct saf_group g;
	enum at_rc rc;

	if (actor->special && !actor->revoked)
		return AT_OK;
	rc = saf_group_get(db, group, &g, err);
	if (rc != AT_OK)
		return rc;
	if (!actor->revoked &&
	    (saf_auth_in_group(actor, group, SAF_GAUTH_CONNECT) ||
	    saf_auth_is_owner(actor, g.owner)))
		return AT_OK;
	return at_err_setx(err, AT_E_DENIED,
	    "ICH02004I INSUFFICIENT AUTHORITY TO GROUP %s", group);
}

static enum at_rc
insert_connect(struct saf_db *db, const char *u, const char *g,
    const char *owner, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_prepare(db, "INSERT OR IGNORE INTO connects (user, grp, "
	    "owner, created) VALUES (?, ?, ?, ?)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, u);
	saf_sql_bind(st, 2, g);
	saf_sql_bind(st, 3, owner);
	saf_sql_bind_i64(st, 4, saf_now());
	rc = saf_sql_done(db, st, "connecting a user", err);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
cset(struct saf_db *db, const char *sql, const char *u, const char *g,
    const char *text, int64_t num, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc = saf_db_prepare(db, sql, &st, err);

	if (rc != AT_OK)
		goto out;
	if (text != NULL)
		saf_sql_bind(st, 1, text);
	else
		saf_sql_bind_i64(st, 1, num);
	saf_sql_bind(st, 2, u);
	saf_sql_bind(st, 3, g);
	rc = saf_sql_done(db, st, "changing a connection", err);
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
apply_connect(struct saf_db *db, const struct saf_actor *actor,
    const char *u, const char *g, const struct saf_connect_change *ch,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;

	if (ch->set & (SAF_CC_SPECIAL | SAF_CC_OPERATIONS | SAF_CC_AUDITOR))
		rc = saf_auth_special(actor,
		    "giving group-SPECIAL, -OPERATIONS or -AUDITOR", err);
	if (rc == AT_OK && (ch->set & SAF_CC_AUTH))
		rc = cset(db, "UPDATE connects SET auth = ? WHERE user = ? AND "
		    "grp = ?", u, g, NULL, ch->auth, err);
	if (rc == AT_OK && (ch->set & SAF_CC_UACC))
		rc = cset(db, "UPDATE connects SET uacc = ? WHERE user = ? AND "
		    "grp = ?", u, g, NULL, ch->uacc, err);
	if (rc == AT_OK && (ch->set & SAF_CC_SPECIAL))
		rc = cset(db, "UPDATE connects SET special = ? WHERE user = ? "
		    "AND grp = ?", u, g, NULL, ch->special, err);
	if (rc == AT_OK && (ch->set & SAF_CC_OPERATIONS))
		rc = cset(db, "UPDATE connects SET operations = ? WHERE "
		    "user = ? AND grp = ?", u, g, NULL, ch->operations, err);
	if (rc == AT_OK && (ch->set & SAF_CC_AUDITOR))
		rc = cset(db, "UPDATE connects SET auditor = ? WHERE user = ? "
		    "AND grp = ?", u, g, NULL, ch->auditor, err);
	if (rc == AT_OK && (ch->set & SAF_CC_REVOKE))
		rc = cset(db, "UPDATE connects SET revoked = ? WHERE user = ? "
		    "AND grp = ?", u, g, NULL, ch->revoked, err);
	return rc;
}

enum at_rc
saf_connect(struct saf_db *db, const struct saf_actor *actor,
    const char *user, const char *group, const struct saf_connect_change *ch,
    struct at_err *err)
{
	static const struct saf_connect_change none;
	char u[SAF_NAME_MAX + 1], g[SAF_NAME_MAX + 1];
	char owner[SAF_NAME_MAX + 1];
	struct saf_user usr;
	struct saf_group grp;
	bool is_u = false, is_g = false;
	enum at_rc rc;

	if (ch == NULL)
		ch = &none;
	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(user, "user id", u, err);
	if (rc == AT_OK)
		rc = saf_name_norm(group != NULL ? group : actor->dfltgrp,
		    "group", g, err);
	if (rc == AT_OK)
		rc = saf_user_get(db, u, &usr, err);
	if (rc == AT_OK)
		rc = saf_group_get(db, g, &grp, err);
	if (rc != AT_OK) {
		at_err_prefix(err, "ICH02003I USER(S) NOT CONNECTED");
		return rc;
	}
	rc = may_connect(db, actor, g, err);
	if (rc == AT_OK && (ch->set & SAF_CC_OWNER)) {
		rc = saf_name_norm(ch->owner, "owner", owner, err);
		if (rc == AT_OK)
			rc = saf_id_kind(db, owner, &is_u, &is_g, err);
		if (rc == AT_OK && !is_u && !is_g)
			rc = at_err_setx(err, AT_E_NOTFOUND,
			    "ICH51003I NAME NOT FOUND IN RACF DATA SET: %s",
			    owner);
	} else if (rc == AT_OK) {
		rc = saf_copy_bounded(owner, sizeof(owner), actor->user,
		    "owner", err);
	}
	if (rc == AT_OK)
		rc = insert_connect(db, u, g, owner, err);
	if (rc == AT_OK && (ch->set & SAF_CC_OWNER))
		rc = cset(db, "UPDATE connects SET owner = ? WHERE user = ? AND "
		    "grp = ?", u, g, owner, 0, err);
	if (rc == AT_OK)
		rc = apply_connect(db, actor, u, g, ch, err);
	return rc;
}

enum at_rc
saf_remove(struct saf_db *db, const struct saf_actor *actor,
    const char *user, const char *group, struct at_err *err)
{
	char u[SAF_NAME_MAX + 1], g[SAF_NAME_MAX + 1];
	struct saf_user usr;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_name_norm(user, "user id", u, err);
	if (rc == AT_OK)
		rc = saf_name_norm(group != NULL ? group : actor->dfltgrp,
		    "group", g, err);
	if (rc == AT_OK)
		rc = saf_user_get(db, u, &usr, err);
	if (rc == AT_OK)
		rc = may_connect(db, actor, g, err);
	if (rc == AT_OK && strcmp(usr.dfltgrp, g) == 0)
		rc = at_err_setx(err, AT_E_INPUT,
		    "%s is the default group of %s: change DFLTGRP "
		    "first", g, u);
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "SELECT 1 FROM connects WHERE user = ? AND "
	    "grp = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, u);
	saf_sql_bind(st, 2, g);
	rc = saf_sql_row(db, st, &row, "reading a connection", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "ICH03002I %-8s WAS NOT CONNECTED TO GROUP.", u);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db, "DELETE FROM connects WHERE user = ? AND "
	    "grp = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, u);
	saf_sql_bind(st, 2, g);
	rc = saf_sql_done(db, st, "removing a connection", err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_connect_each(struct saf_db *db, const char *user, const char *group,
    saf_connect_cb cb, void *ctx, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	struct saf_connect c;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db, "SELECT user, grp, auth, uacc, owner, special, "
	    "operations, auditor, revoked, created FROM connects WHERE "
	    "(?1 IS NULL OR user = upper(?1)) AND (?2 IS NULL OR "
	    "grp = upper(?2)) ORDER BY grp, user", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, user);
	saf_sql_bind(st, 2, group);
	for (;;) {
		rc = saf_sql_row(db, st, &row, "listing connections", err);
		if (rc != AT_OK || !row)
			break;
		memset(&c, 0, sizeof(c));
		saf_sql_text(st, 0, c.user, sizeof(c.user));
		saf_sql_text(st, 1, c.group, sizeof(c.group));
		c.auth = (enum saf_group_auth)sqlite3_column_int(st, 2);
		c.uacc = (enum saf_access)sqlite3_column_int(st, 3);
		saf_sql_text(st, 4, c.owner, sizeof(c.owner));
		c.special = sqlite3_column_int(st, 5) != 0;
		c.operations = sqlite3_column_int(st, 6) != 0;
		c.auditor = sqlite3_column_int(st, 7) != 0;
		c.revoked = sqlite3_column_int(st, 8) != 0;
		c.created = sqlite3_column_int64(st, 9);
		rc = cb(ctx, &c, err);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}
